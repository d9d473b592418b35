/**
 * PDPL destruction end to end in Chromium (the built renderer, a real HQ on PGlite): a branch
 * staff member records the beneficiary's destruction request on the file; HQ carries it out;
 * at their next sync the staff member's laptop and a colleague's laptop of the same branch no
 * longer have the person: the file says so, the list and the search do not show them.
 *
 * Screenshots: artifacts/screenshots/pdpl-destroyed-*.png.
 * Build first: `npx vite build --outDir /tmp/<you>-dist --emptyOutDir`, then run with
 * SILA_RENDERER_DIST=/tmp/<you>-dist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { generateNationalId } from '../../shared/identity/nationalId';
import { freePort, serveStatic, type StaticServer } from './helpers/static-server';
import { launchProfile, watchPage } from './helpers/browser';
import { adminToken, createHqUser, startPgliteHq, type TestHq } from './helpers/hq';
import { beneficiaryRow, fillRegistration, signIn } from './helpers/app';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const distDir = process.env.SILA_RENDERER_DIST ?? join(repoRoot, 'dist/renderer');
const screenshotDir = join(repoRoot, 'artifacts/screenshots');

let web: StaticServer;
let hq: TestHq;
const dirs: string[] = [];
const contexts: BrowserContext[] = [];

async function open(prefix: string): Promise<Page> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  const context = await launchProfile(dir);
  contexts.push(context);
  return context.pages()[0] ?? (await context.newPage());
}

async function shot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

beforeAll(async () => {
  if (!existsSync(join(distDir, 'index.html'))) throw new Error(`${distDir} is missing: build the renderer first (SILA_RENDERER_DIST)`);
  web = await serveStatic(distDir);
  hq = await startPgliteHq(await freePort(), [web.origin]);
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await hq?.destroy();
  await web?.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('PDPL destruction', () => {
  it('a destruction request recorded on one laptop removes the person from every laptop of the branch', async () => {
    const staff = await createHqUser(hq, { role: 'branch_staff', branchIds: ['riyadh-9'] });
    const colleague = await createHqUser(hq, { role: 'field_delegate', branchIds: ['riyadh-9'] });
    const fullName = 'ريم خالد بن سعود الدوسري';
    const nationalId = generateNationalId('citizen', '27182818');

    const page = await open('sila-e2e-destroy-');
    const watch = watchPage(page);
    await page.goto(web.url);
    await signIn(page, { hqUrl: hq.url, username: staff.username, password: staff.password });
    await page.evaluate(() => (window.location.hash = '#/beneficiaries'));
    await fillRegistration(page, { fullName, nationalId, phone: '0553141592' });
    const row = beneficiaryRow(page, nationalId);
    await row.waitFor({ timeout: 30_000 });

    // The colleague's laptop has the person too.
    const other = await open('sila-e2e-destroy-colleague-');
    await other.goto(web.url);
    await signIn(other, { hqUrl: hq.url, username: colleague.username, password: colleague.password });
    await other.evaluate(() => (window.location.hash = '#/beneficiaries'));
    await beneficiaryRow(other, nationalId).waitFor({ timeout: 90_000 });

    // The staff member records the request from the file, after the confirmation.
    await row.getByTestId('open-file').click();
    await page.getByTestId('subject-rights').waitFor();
    await page.getByTestId('pdpl-destroy').click();
    await page.getByTestId('pdpl-destroy-confirm').click();

    // HQ carries it out, and both laptops lose the person at their next sync.
    // The laptop that recorded the request says the data was destroyed (not "not here yet").
    await page.getByTestId('beneficiary-missing').waitFor({ timeout: 90_000 });
    expect(await page.getByTestId('beneficiary-missing').getAttribute('data-reason')).toBe('destroyed');
    expect(await page.getByTestId('beneficiary-missing').textContent()).toContain('أُتلفت بيانات هذا المستفيد');
    await shot(page, 'pdpl-destroyed-file-ar');
    await expect.poll(() => beneficiaryRow(other, nationalId).count(), { timeout: 90_000 }).toBe(0);
    await other.evaluate(() => (window.location.hash = '#/beneficiaries'));
    await shot(other, 'pdpl-destroyed-colleague-list-ar');
    await page.evaluate(() => (window.location.hash = '#/beneficiaries'));
    await expect.poll(() => beneficiaryRow(page, nationalId).count(), { timeout: 30_000 }).toBe(0);

    // HQ recorded what it did (ids and counts, no personal value).
    const res = await fetch(`${hq.url}/admin/destructions`, { headers: { authorization: `Bearer ${await adminToken(hq)}` } });
    const done = (await res.json()) as { branchId: string; recordCount: number }[];
    expect(done).toEqual([expect.objectContaining({ branchId: 'riyadh-9' })]);
    expect(done[0]!.recordCount).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(done)).not.toContain('الدوسري');
    expect(watch.problems).toEqual([]);
  }, 300_000);
});
