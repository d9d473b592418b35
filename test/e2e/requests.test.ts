/**
 * Issue 7 item 3 (and 11): the requests list with many requests synced from HQ — virtualised
 * (only the visible rows are in the page), filtered by stage and service, with its empty state.
 * 300 requests are pushed to HQ through its sync API (as other laptops of the branch would have)
 * before the branch employee signs in on a fresh laptop.
 *
 * Build first: `npx vite build --outDir /tmp/reception-dist --emptyOutDir` and run with
 * SILA_RENDERER_DIST=/tmp/reception-dist (default dist/renderer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { generateNationalId } from '../../shared/identity/nationalId';
import { policyProfilesById } from '../../shared/policy';
import { launchProfile, watchPage } from './helpers/browser';
import { freePort, serveStatic, type StaticServer } from './helpers/static-server';
import { push, deviceToken, createHqUser, startPgliteHq, type TestHq } from './helpers/hq';
import { signIn } from './helpers/app';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const distDir = resolve(repoRoot, process.env.SILA_RENDERER_DIST ?? 'dist/renderer');
const screenshotDir = join(repoRoot, 'artifacts/screenshots');
const profile = policyProfilesById.get('yusr')!;



describe('requests list', () => {
  let web: StaticServer;
  let hq: TestHq;
  let context: BrowserContext;
  const temp: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(distDir, 'index.html'))) throw new Error(`${distDir} is missing: build and set SILA_RENDERER_DIST`);
    web = await serveStatic(distDir);
    hq = await startPgliteHq(await freePort(), [web.origin]);
  }, 60_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await hq?.destroy();
    await web?.close();
    for (const d of temp) await rm(d, { recursive: true, force: true });
  });

  it('shows 300 synced requests virtualised, filters them, and says when none match', async () => {
    const staff = await createHqUser(hq, { role: 'branch_staff', branchIds: ['main'] });
    const token = await deviceToken(hq.url, staff, 'seed-laptop');
    const at = new Date(Date.now() - 86_400_000).toISOString();
    const base = (id: string) => ({ id, branchId: 'main', createdAt: at, updatedAt: at, updatedBy: staff.userId });
    await push(hq.url, token, 'beneficiaries', [
      { ...base('ben1'), fullName: 'منيرة سالم القحطاني', nationalId: generateNationalId('citizen', '99887766'), idHash: '', phoneHash: '' },
    ]);
    const services = profile.services.map((s) => s.id);
    const requests = Array.from({ length: 300 }, (_, i) => ({
      ...base(`req${String(i).padStart(3, '0')}`),
      beneficiaryId: 'ben1',
      serviceId: services[i % services.length]!,
      channelId: profile.channels[i % profile.channels.length]!.id,
      state: 'reception',
      history: [],
    }));
    for (let i = 0; i < requests.length; i += 100) await push(hq.url, token, 'support_requests', requests.slice(i, i + 100));
    const firstService = services[0]!;
    const ofFirstService = requests.filter((r) => r.serviceId === firstService).length;

    const dir = await mkdtemp(join(tmpdir(), 'sila-requests-'));
    temp.push(dir);
    context = await launchProfile(dir);
    const page = context.pages()[0] ?? (await context.newPage());
    const watch = watchPage(page);
    await page.goto(web.url);
    await signIn(page, { hqUrl: hq.url, username: staff.username, password: staff.password });
    await page.evaluate(() => (window.location.hash = '#/requests'));

    const count = page.getByTestId('requests-count');
    await expect.poll(() => count.textContent(), { timeout: 90_000, interval: 1_000 }).toBe('300 طلب');
    // Virtualised: far fewer rows in the page than requests.
    const rendered = await page.getByTestId('request-row').count();
    expect(rendered).toBeGreaterThan(3);
    expect(rendered).toBeLessThan(60);
    expect(await page.getByTestId('request-row').first().textContent()).toContain('منيرة سالم القحطاني');
    // Scrolling to the end brings the last rows in.
    await page.getByTestId('requests-scroll').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect.poll(() => page.getByTestId('request-row').last().getAttribute('data-request-id')).toMatch(/^req\d{3}$/);
    expect(await page.getByTestId('request-row').count()).toBeLessThan(60);

    // Filter by service, then by a stage nobody is at.
    await page.getByTestId('filter-service').click();
    await page.getByRole('option', { name: profile.services[0]!.nameAr, exact: true }).click();
    await expect.poll(() => count.textContent()).toMatch(new RegExp(`^${ofFirstService} طلب`));
    expect(ofFirstService).toBeLessThan(300);
    await page.getByTestId('filter-state').click();
    await page.getByRole('option', { name: 'مغلق', exact: true }).click();
    await page.getByTestId('requests-empty').waitFor();
    await mkdir(screenshotDir, { recursive: true });
    await page.screenshot({ path: join(screenshotDir, 'requests-ar-filtered-empty.png') });

    // Opening one request from the list.
    await page.getByTestId('filter-state').click();
    await page.getByRole('option', { name: 'الاستقبال', exact: true }).click();
    await page.getByTestId('open-request').first().click();
    await page.getByTestId('intake-step').waitFor();
    expect(await page.getByTestId('request-state').getAttribute('data-state')).toBe('reception');
    expect(watch.problems).toEqual([]);
  }, 300_000);
});
