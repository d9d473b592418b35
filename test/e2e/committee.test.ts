/**
 * Issue 7 item 7, end to end in Debian Chromium with a real HQ (embedded PGlite): requests
 * submitted by a branch (seeded at HQ through the sync API) reach a committee member's laptop,
 * where the queue is ordered by earliest reply date with the overdue one highlighted; the member
 * accepts the overdue request (its study period is over) and rejects another with a reason; on
 * the branch laptop (a second browser profile) both decisions are applied to the requests after
 * sync, with the member recorded in the request's history. axe-core finds no serious or critical
 * violation on the queue and the file.
 *
 * Build first: `npx vite build --outDir /tmp/declaration-dist --emptyOutDir`, then run with
 * SILA_RENDERER_DIST=/tmp/declaration-dist (default dist/renderer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { generateNationalId } from '../../shared/identity/nationalId';
import { policyProfilesById } from '../../shared/policy';
import { earliestReplyDate } from '../../shared/workflow/machine';
import { chromiumArgs, chromiumPath, watchPage } from './helpers/browser';
import { freePort, serveStatic, type StaticServer } from './helpers/static-server';
import { push, deviceToken, createHqUser, startPgliteHq, type TestHq } from './helpers/hq';
import { signIn } from './helpers/app';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const distDir = resolve(repoRoot, process.env.SILA_RENDERER_DIST ?? 'dist/renderer');
const screenshotDir = join(repoRoot, 'artifacts/screenshots');
const DAY = 86_400_000;
const profile = policyProfilesById.get('yusr')!;



describe('research committee queue and decisions', () => {
  let web: StaticServer;
  let hq: TestHq;
  const contexts: BrowserContext[] = [];
  const temp: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(distDir, 'index.html'))) {
      throw new Error(`${distDir} is missing: build with \`npx vite build --outDir <dir>\` and set SILA_RENDERER_DIST`);
    }
    web = await serveStatic(distDir);
    hq = await startPgliteHq(await freePort(), [web.origin]);
  }, 60_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await hq?.destroy();
    await web?.close();
    for (const d of temp) await rm(d, { recursive: true, force: true });
  });

  async function laptop(name: string): Promise<Page> {
    const dir = await mkdtemp(join(tmpdir(), `sila-${name}-`));
    temp.push(dir);
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: chromiumPath,
      args: chromiumArgs,
      headless: true,
      viewport: { width: 1280, height: 900 },
      locale: 'ar-SA',
    });
    contexts.push(context);
    return context.pages()[0] ?? (await context.newPage());
  }

  async function axe(page: Page, label: string): Promise<void> {
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${label}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }

  it('orders the queue, highlights the overdue reply, and the branch applies the decisions', async () => {
    const staff = await createHqUser(hq, { role: 'branch_staff', branchIds: ['main'] });
    const member = await createHqUser(hq, { role: 'committee_member', branchIds: ['main'], displayName: 'أ. منيرة عضو اللجنة' });
    const staffToken = await deviceToken(hq.url, staff, 'seed-branch-laptop');
    const now = Date.now();
    const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
    const base = (id: string, daysAgo: number) => ({ id, branchId: 'main', createdAt: at(daysAgo), updatedAt: at(daysAgo), updatedBy: staff.userId });
    const names = ['عبدالعزيز سالم الدوسري', 'لطيفة حمد المطيري', 'ياسر خالد الغامدي'];
    await push(
      hq.url,
      staffToken,
      'beneficiaries',
      names.map((fullName, i) => ({ ...base(`cb${i}`, 40), fullName, nationalId: generateNationalId('citizen', `9753124${i}`), idHash: '', phoneHash: '' })),
    );
    // Submitted 3, 20 and 16 days ago: queue order by earliest reply is cb1 (overdue), cb2 (due), cb0.
    const submittedDaysAgo = [3, 20, 16];
    await push(
      hq.url,
      staffToken,
      'support_requests',
      submittedDaysAgo.map((days, i) => ({
        ...base(`cr${i}`, days + 2),
        beneficiaryId: `cb${i}`,
        serviceId: profile.services[0]!.id,
        channelId: profile.channels[0]!.id,
        state: 'submitted_to_committee',
        submittedAt: at(days),
        earliestReplyDate: earliestReplyDate(at(days), profile.researchCommittee.minReplyPeriodDays),
        declarationId: `cd${i}`,
        declarationHash: 'a'.repeat(64),
        history: [
          { from: 'reception', to: 'data_collection', event: 'begin_data_collection', by: staff.userId, role: 'branch_staff', at: at(days + 2) },
          { from: 'data_collection', to: 'declaration_signed', event: 'sign_declaration', by: staff.userId, role: 'branch_staff', at: at(days + 1) },
          { from: 'declaration_signed', to: 'submitted_to_committee', event: 'submit_to_committee', by: staff.userId, role: 'branch_staff', at: at(days) },
        ],
      })),
    );

    // ---- the committee member's laptop ----
    const committee = await laptop('committee-queue');
    const problems = watchPage(committee).problems;
    await committee.goto(web.url);
    await signIn(committee, { hqUrl: hq.url, username: member.username, password: member.password });
    await committee.evaluate(() => (window.location.hash = '#/committee'));
    const rows = committee.getByTestId('committee-row');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(3);
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-request-id')))).toEqual(['cr1', 'cr2', 'cr0']);
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-overdue')))).toEqual(['true', 'true', null]);
    expect(await committee.getByTestId('committee-overdue').first().textContent()).toContain('متأخر');
    await expect.poll(() => rows.first().textContent()).toContain(names[1]!);
    await mkdir(screenshotDir, { recursive: true });
    await committee.screenshot({ path: join(screenshotDir, 'committee-queue-overdue-ar.png'), fullPage: true });
    await axe(committee, 'committee queue');

    // Accept the overdue request (the study period is over).
    await rows.first().getByRole('link').click();
    const form = committee.getByTestId('decision-form');
    await form.waitFor({ timeout: 30_000 });
    await axe(committee, 'committee file');
    await form.getByText('قبول', { exact: true }).click();
    await committee.getByTestId('decision-submit').click();
    await committee.getByTestId('committee-decided').waitFor({ timeout: 30_000 });

    // Reject the second with a reason.
    await committee.evaluate(() => (window.location.hash = '#/committee/cr2'));
    await form.waitFor({ timeout: 30_000 });
    await form.getByText('رفض', { exact: true }).click();
    await form.locator('textarea[name="reasons"]').fill('لا تنطبق شروط الخدمة على دخل الأسرة');
    await committee.getByTestId('decision-submit').click();
    await committee.getByTestId('committee-decided').waitFor({ timeout: 30_000 });

    // ---- the branch laptop: the decisions arrive and are applied ----
    const branch = await laptop('committee-branch');
    const branchProblems = watchPage(branch).problems;
    await branch.goto(web.url);
    await signIn(branch, { hqUrl: hq.url, username: staff.username, password: staff.password });
    await branch.evaluate(() => (window.location.hash = '#/requests/cr1'));
    const file = branch.getByTestId('request-file');
    await expect.poll(() => file.getAttribute('data-state'), { timeout: 90_000 }).toBe('accepted');
    await branch.evaluate(() => (window.location.hash = '#/requests/cr2'));
    await expect.poll(() => branch.getByTestId('request-file').getAttribute('data-state'), { timeout: 90_000 }).toBe('rejected');
    await branch.evaluate(() => (window.location.hash = '#/requests/cr0'));
    await expect.poll(() => branch.getByTestId('request-file').getAttribute('data-state'), { timeout: 30_000 }).toBe('submitted_to_committee');

    // The committee sees the queue emptied of the decided requests once the branch's update syncs back.
    await committee.evaluate(() => (window.location.hash = '#/committee'));
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-request-id'))), { timeout: 90_000 }).toEqual(['cr0']);
    await committee.screenshot({ path: join(screenshotDir, 'committee-queue-after-ar.png'), fullPage: true });

    expect(problems).toEqual([]);
    expect(branchProblems).toEqual([]);
  }, 420_000);
});
