/**
 * Issue 6 §5–6 end to end: the built renderer in Debian Chromium, two browser profiles as two
 * laptops of the same branch, a real HQ (embedded PGlite).
 *
 * A fresh laptop pulls a large branch with a progress bar on the sync panel, every collection
 * live over ONE change stream. Both laptops go offline and change the same interview's notes;
 * the panel counts the change as not yet at HQ. Laptop B comes back first, then A: A's change
 * loses at HQ and appears as an open conflict with both values side by side (who, which
 * laptop, when), on both laptops. A person on A chooses A's value; the record and the conflict
 * converge on both laptops and at HQ. Screenshots (Arabic, RTL): artifacts/screenshots/sync-*.png.
 *
 * Build first: `npx vite build --outDir /tmp/<you>-dist --emptyOutDir` and run with
 * SILA_RENDERER_DIST=/tmp/<you>-dist (default dist/renderer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { generateNationalId } from '../../shared/identity';
import { launchProfile, watchPage } from './helpers/browser';
import { freePort, serveStatic, type StaticServer } from './helpers/static-server';
import { createHqUser, deviceToken, push, startPgliteHq, type TestHq } from './helpers/hq';
import { signIn } from './helpers/app';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const distDir = resolve(repoRoot, process.env.SILA_RENDERER_DIST ?? 'dist/renderer');
const screenshotDir = join(repoRoot, 'artifacts/screenshots');
const BRANCH_SIZE = 1200;

describe('sync panel and conflicts between two laptops', () => {
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

  async function laptop(name: string): Promise<{ context: BrowserContext; page: Page }> {
    const dir = await mkdtemp(join(tmpdir(), `sila-sync-${name}-`));
    temp.push(dir);
    const context = await launchProfile(dir);
    contexts.push(context);
    return { context, page: context.pages()[0] ?? (await context.newPage()) };
  }

  async function shot(page: Page, name: string): Promise<void> {
    await mkdir(screenshotDir, { recursive: true });
    await page.mouse.move(600, 780); // no tooltip in the picture
    await page.evaluate(() => {
      (document.activeElement as HTMLElement | null)?.blur();
      window.scrollTo(0, 0);
    });
    await page.waitForTimeout(400); // let a closing tooltip fade out
    await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
  }

  async function go(page: Page, hash: string): Promise<void> {
    await page.evaluate((h) => (window.location.hash = h), hash);
  }

  /** The interview notes as HQ has them. */
  async function notesAtHq(token: string): Promise<string | undefined> {
    const res = await fetch(`${hq.url}/sync/interviews/pull?batchSize=1000`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { documents: { id: string; notes?: string }[] };
    return body.documents.find((d) => d.id === 'ivConflict')?.notes;
  }

  it('first sync with progress, one live stream, an offline same-field edit on two laptops, resolved side by side', async () => {
    const userA = await createHqUser(hq, { role: 'branch_staff', branchIds: ['main'], displayName: 'نورة موظفة الاستقبال' });
    const userB = await createHqUser(hq, { role: 'branch_staff', branchIds: ['main'], displayName: 'خالد الباحث الميداني' });
    const seedToken = await deviceToken(hq.url, userA, 'seed-laptop');

    // ---- a large branch at HQ, and a request whose interview draft both laptops will edit ----
    const t0 = new Date(Date.now() - 86_400_000).toISOString();
    const base = (id: string) => ({ id, branchId: 'main', createdAt: t0, updatedAt: t0, updatedBy: userA.userId });
    const many = Array.from({ length: BRANCH_SIZE }, (_, i) => ({
      ...base(`bulk${String(i).padStart(5, '0')}`),
      fullName: `مستفيد تجريبي رقم ${i}`,
      nationalId: generateNationalId('citizen', String(10_000_000 + i)),
      idHash: '',
      phoneHash: '',
    }));
    for (let i = 0; i < many.length; i += 400) await push(hq.url, seedToken, 'beneficiaries', many.slice(i, i + 400));
    await push(hq.url, seedToken, 'beneficiaries', [{ ...base('bConflict'), fullName: 'منيرة سعد الدوسري', nationalId: generateNationalId('citizen', '55550001'), idHash: '', phoneHash: '' }]);
    await push(hq.url, seedToken, 'support_requests', [
      {
        ...base('rConflict'),
        beneficiaryId: 'bConflict',
        serviceId: 'family_consultations',
        channelId: 'branch_delegates',
        state: 'data_collection',
        history: [{ from: 'reception', to: 'data_collection', event: 'begin_data_collection', by: userA.userId, role: 'branch_staff', at: t0 }],
      },
    ]);
    await push(hq.url, seedToken, 'interviews', [
      {
        ...base('ivConflict'),
        beneficiaryId: 'bConflict',
        requestId: 'rConflict',
        conductedBy: userA.userId,
        conductedAt: t0,
        mode: 'office',
        status: 'draft',
        answers: [],
        notes: 'زارت الأسرة الفرع وطلبت موعدًا.',
        result: 'not_assessed',
      },
    ]);

    // ---- laptop A: a fresh laptop pulls the branch; the panel shows the progress ----
    const a = await laptop('a');
    const problemsA = watchPage(a.page).problems;
    const streamRequests: string[] = [];
    a.page.on('request', (r) => {
      if (r.url().includes('/stream')) streamRequests.push(new URL(r.url()).pathname + new URL(r.url()).search);
    });
    // A slow line, so the first sync takes long enough to be watched.
    await a.page.route('**/sync/beneficiaries/pull**', async (route) => {
      await new Promise((r) => setTimeout(r, 250));
      await route.continue().catch(() => {}); // unrouted meanwhile: the request already went on
    });
    await a.page.goto(web.url);
    await signIn(a.page, { hqUrl: hq.url, username: userA.username, password: userA.password });
    await go(a.page, '#/sync');
    const firstSync = a.page.getByTestId('first-sync');
    await firstSync.waitFor({ timeout: 60_000 });
    await expect.poll(async () => Number(await firstSync.getAttribute('data-received')), { timeout: 30_000 }).toBeGreaterThan(200);
    expect(Number(await firstSync.getAttribute('data-expected'))).toBeGreaterThanOrEqual(BRANCH_SIZE);
    expect(await firstSync.textContent()).toMatch(/وصل [\d,٬]+ من [\d,٬]+ سجل/);
    expect(await a.page.getByTestId('header-sync-state').textContent()).toMatch(/\d+\s*[%٪]/);
    await shot(a.page, 'sync-first-sync-ar');
    await a.page.unrouteAll({ behavior: 'wait' });
    await firstSync.waitFor({ state: 'detached', timeout: 120_000 });
    await expect.poll(() => a.page.getByTestId('stream-state').getAttribute('data-connected'), { timeout: 30_000 }).toBe('true');
    // Every collection is live through one connection: no per-collection streams, no polling.
    expect(streamRequests.every((u) => u.startsWith('/sync/stream?collections='))).toBe(true);
    expect(streamRequests.length).toBeGreaterThanOrEqual(1);
    const listed = new URL(`http://x${streamRequests[0]!}`).searchParams.get('collections')!.split(',');
    expect(listed).toEqual(expect.arrayContaining(['beneficiaries', 'support_requests', 'interviews', 'documents', 'sync_conflicts', 'hq_config']));
    expect(listed).not.toContain('audit_entries'); // write-only for branch staff

    // ---- laptop B, same branch ----
    const b = await laptop('b');
    const problemsB = watchPage(b.page).problems;
    await b.page.goto(web.url);
    await signIn(b.page, { hqUrl: hq.url, username: userB.username, password: userB.password });

    // Both open the interview draft.
    const notesOf = (p: Page) => p.getByTestId('interview-form').locator('textarea[name="interviewNotes"]');
    for (const p of [a.page, b.page]) {
      await go(p, '#/requests/rConflict/interview');
      await expect.poll(() => notesOf(p).inputValue(), { timeout: 60_000 }).toBe('زارت الأسرة الفرع وطلبت موعدًا.');
    }

    // ---- both offline; each changes the notes ----
    await a.context.setOffline(true);
    await b.context.setOffline(true);
    const fromA = 'الأسرة من خمسة أفراد والأم تعمل بدوام جزئي (جهاز أ).';
    const fromB = 'تأجّلت الزيارة إلى الأسبوع القادم بطلب من الأسرة (جهاز ب).';
    await notesOf(a.page).fill(fromA);
    await notesOf(b.page).fill(fromB);
    for (const p of [a.page, b.page]) await expect.poll(() => p.getByTestId('draft-status').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved');

    // A's panel counts the change as not yet at HQ.
    await go(a.page, '#/sync');
    await expect.poll(() => a.page.getByTestId('network-state').getAttribute('data-online')).toBe('false');
    await expect.poll(() => a.page.getByTestId('stream-state').getAttribute('data-connected')).toBe('false');
    await expect.poll(async () => Number(await a.page.getByTestId('pending-count').getAttribute('data-total')), { timeout: 15_000 }).toBeGreaterThan(0);
    await a.page.getByTestId('pending-breakdown').locator('[data-collection="interviews"]').waitFor();
    await shot(a.page, 'sync-panel-offline-ar');

    // ---- B comes back first: its notes reach HQ ----
    await b.context.setOffline(false);
    await b.page.evaluate(() => window.dispatchEvent(new Event('online')));
    const readerToken = await deviceToken(hq.url, userB, 'reader-laptop');
    await expect.poll(() => notesAtHq(readerToken), { timeout: 60_000 }).toBe(fromB);

    // ---- then A: its change loses at HQ and is recorded as a conflict ----
    await a.context.setOffline(false);
    await a.page.evaluate(() => window.dispatchEvent(new Event('online')));
    await a.page.getByTestId('header-conflicts').waitFor({ timeout: 60_000 });
    expect(await notesAtHq(readerToken)).toBe(fromB); // HQ's value was kept, nothing overwritten
    await expect.poll(async () => Number(await a.page.getByTestId('pending-count').getAttribute('data-total')), { timeout: 30_000 }).toBe(0);
    await shot(a.page, 'sync-panel-online-ar');

    await a.page.getByTestId('header-conflicts').click();
    const conflict = a.page.getByTestId('conflict').first();
    await conflict.waitFor({ timeout: 15_000 });
    expect(await a.page.getByTestId('conflict').count()).toBe(1);
    const row = conflict.locator('[data-testid="conflict-field"][data-path="notes"]');
    expect(await row.locator('th').textContent()).toBe('الملاحظات');
    expect(await row.getByTestId('conflict-kept').textContent()).toBe(fromB);
    expect(await row.getByTestId('conflict-other').textContent()).toBe(fromA);
    expect(await conflict.getByTestId('conflict-field').count()).toBe(1); // only the notes disagree
    const header = (await conflict.getByTestId('conflict-fields').locator('thead').textContent()) ?? '';
    expect(header).toContain(userB.displayName); // who made the version kept (named from HQ's user directory)
    expect(header).toContain(userA.displayName); // who made the other one…
    expect(header).toContain('هذا الجهاز'); // …on which laptop
    await shot(a.page, 'sync-conflicts-ar');

    // The conflict reached laptop B too (same branch).
    await go(b.page, '#/sync/conflicts');
    await b.page.getByTestId('conflict').first().waitFor({ timeout: 60_000 });

    // ---- a person on A keeps A's value ----
    await row.getByTestId('conflict-choice').getByText('اعتماد الأخرى').click();
    await conflict.getByTestId('conflict-save').click();
    await a.page.getByTestId('conflicts-none').waitFor({ timeout: 15_000 });
    await expect.poll(() => notesAtHq(readerToken), { timeout: 60_000 }).toBe(fromA);
    await expect
      .poll(async () => {
        const r = (await (await fetch(`${hq.url}/sync/sync_conflicts/pull?batchSize=100`, { headers: { authorization: `Bearer ${readerToken}` } })).json()) as { documents: { status: string }[] };
        return r.documents.map((d) => d.status);
      }, { timeout: 30_000 })
      .toEqual(['resolved']);
    const conflictsAtHq = (await (await fetch(`${hq.url}/sync/sync_conflicts/pull?batchSize=100`, { headers: { authorization: `Bearer ${readerToken}` } })).json()) as {
      documents: { status: string; resolution?: string; resolvedBy?: string; fields: { path: string; ours: string; theirs: string }[] }[];
    };
    expect(conflictsAtHq.documents[0]).toMatchObject({ resolution: 'kept_ours', resolvedBy: userA.userId });
    expect(conflictsAtHq.documents[0]!.fields).toEqual([{ path: 'notes', ours: JSON.stringify(fromA), theirs: JSON.stringify(fromB), base: JSON.stringify('زارت الأسرة الفرع وطلبت موعدًا.') }]);

    // Both laptops converge: no open conflict, the notes are A's on B too.
    await b.page.getByTestId('conflicts-none').waitFor({ timeout: 60_000 });
    await go(b.page, '#/requests/rConflict/interview');
    await expect.poll(() => notesOf(b.page).inputValue(), { timeout: 30_000 }).toBe(fromA);
    await go(a.page, '#/requests/rConflict/interview');
    await expect.poll(() => notesOf(a.page).inputValue(), { timeout: 30_000 }).toBe(fromA);

    expect(problemsA).toEqual([]);
    expect(problemsB).toEqual([]);
  });
});
