/**
 * The signed-in user's own account, end to end (the built renderer in Chromium, a real HQ on
 * PGlite): the password is changed from the header's user menu (offline the dialog says to
 * connect first and nothing changes; a wrong current password is refused with the field named),
 * then after locking the old password no longer unlocks the laptop and the new one does.
 *
 * And the PDPL panel on the beneficiary's file (branch staff): export downloads the JSON and the
 * HTML summary, a correction is saved, a destruction request is recorded after a confirmation
 * naming the person. A social researcher of the same branch does not get the panel.
 *
 * Screenshots: artifacts/screenshots/account-*.png, pdpl-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { generateNationalId } from '../../shared/identity/nationalId';
import { freePort, serveStatic, type StaticServer } from './helpers/static-server';
import { launchProfile, watchPage } from './helpers/browser';
import { createHqUser, startPgliteHq, type TestHq } from './helpers/hq';
import { beneficiaryRow, fillRegistration, signIn, unlock } from './helpers/app';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const distDir = process.env.SILA_RENDERER_DIST ?? join(repoRoot, 'dist/renderer');
const screenshotDir = join(repoRoot, 'artifacts/screenshots');
const arabic = /[\u0600-\u06ff]/;

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

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage });
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

describe('my account', () => {
  it('changes the password online; after locking the old one fails and the new one unlocks', async () => {
    const user = await createHqUser(hq, { role: 'branch_staff', branchIds: ['riyadh-1'], displayName: 'منيرة موظفة الاستقبال' });
    // Laptop B: the same user signed in there before the change.
    const laptopB = await open('sila-e2e-account-b-');
    await laptopB.goto(web.url);
    await signIn(laptopB, { hqUrl: hq.url, username: user.username, password: user.password });

    const page = await open('sila-e2e-account-');
    const watch = watchPage(page);
    await page.goto(web.url);
    await signIn(page, { hqUrl: hq.url, username: user.username, password: user.password });

    await page.getByTestId('user-menu').click();
    await page.getByTestId('user-menu-change-password').click();
    const form = page.getByTestId('change-password-form');
    await form.waitFor();
    const newPassword = 'كلمة سر جديدة للفرع ٢٠٢٦';

    // Offline: the dialog says to connect first; nothing can be submitted.
    await page.context().setOffline(true);
    await page.getByTestId('change-password-offline').waitFor();
    expect(await page.getByTestId('change-password-offline').textContent()).toContain('اتصل بالشبكة');
    expect(await page.getByTestId('change-password-submit').isDisabled()).toBe(true);
    await form.locator('input[name="currentPassword"]').fill(user.password);
    await shot(page, 'account-change-password-offline');
    await page.context().setOffline(false);
    await expect.poll(() => page.getByTestId('change-password-offline').count()).toBe(0);

    // A wrong current password: refused next to the field, everything typed kept.
    await form.locator('input[name="currentPassword"]').fill('not my password');
    await form.locator('input[name="newPassword"]').fill(newPassword);
    await form.locator('input[name="confirmation"]').fill(newPassword);
    await page.getByTestId('change-password-submit').click();
    await expect.poll(() => page.getByTestId('change-password-problem').getAttribute('data-code'), { timeout: 30_000 }).toBe('wrong_password');
    expect(await form.textContent()).toContain('كلمة المرور الحالية غير صحيحة');
    expect(await form.locator('input[name="newPassword"]').inputValue()).toBe(newPassword);
    await shot(page, 'account-change-password-wrong');

    await form.locator('input[name="currentPassword"]').fill(user.password);
    await shot(page, 'account-change-password');
    await page.getByTestId('change-password-submit').click();
    await form.waitFor({ state: 'detached', timeout: 60_000 });
    await page.locator('.mantine-Notification-root').filter({ hasText: 'تغيّرت كلمة المرور' }).waitFor();

    // HQ holds the new password: signing in with the old one is refused there.
    const oldAtHq = await fetch(`${hq.url}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user.username, password: user.password }) });
    expect(oldAtHq.status).toBe(401);

    // Lock from the user menu; offline unlock: the old password fails, the new one opens.
    await page.getByTestId('user-menu').click();
    await page.getByTestId('user-menu-lock').click();
    const unlockForm = page.getByTestId('unlock-form');
    await unlockForm.waitFor({ timeout: 30_000 });
    await unlockForm.locator('input[name="password"]').fill(user.password);
    await page.getByTestId('unlock-submit').click();
    await expect.poll(() => page.getByTestId('unlock-problem').getAttribute('data-code'), { timeout: 30_000 }).toBe('wrong_password');
    expect(await page.getByTestId('unlock-problem').textContent()).toMatch(arabic);
    await unlock(page, newPassword);
    await page.getByTestId('user-menu').waitFor();
    expect(watch.problems).toEqual([]);

    // Laptop B signs in online with the new password: HQ accepts it, the laptop asks once for
    // the previous password to move its data key over; afterwards the new one unlocks it.
    await laptopB.reload();
    await laptopB.getByTestId('unlock-switch-mode').click();
    const formB = laptopB.getByTestId('sign-in-form');
    await formB.locator('input[name="hqUrl"]').fill(hq.url);
    await formB.locator('input[name="username"]').fill(user.username);
    await formB.locator('input[name="password"]').fill(newPassword);
    await laptopB.getByTestId('unlock-submit').click();
    await expect.poll(() => laptopB.getByTestId('unlock-problem').getAttribute('data-code'), { timeout: 30_000 }).toBe('LOCAL_PASSWORD_DIFFERS');
    await formB.locator('input[name="previousPassword"]').fill(user.password);
    await shot(laptopB, 'account-previous-password');
    await laptopB.getByTestId('unlock-submit').click();
    await laptopB.getByTestId('nav-beneficiaries').waitFor({ timeout: 60_000 });
    await laptopB.reload();
    await unlock(laptopB, newPassword);
  }, 300_000);
});

describe('PDPL rights on the beneficiary file', () => {
  it('branch staff export (two downloads), correct, and request destruction after a confirmation; a researcher gets no panel', async () => {
    const staff = await createHqUser(hq, { role: 'branch_staff', branchIds: ['riyadh-2'] });
    const researcher = await createHqUser(hq, { role: 'social_researcher', branchIds: ['riyadh-2'] });
    const page = await open('sila-e2e-pdpl-');
    await page.goto(web.url);
    await signIn(page, { hqUrl: hq.url, username: staff.username, password: staff.password });
    await page.evaluate(() => (window.location.hash = '#/beneficiaries'));
    const nationalId = generateNationalId('citizen', '31415926');
    await fillRegistration(page, { fullName: 'جواهر سعد بن ناصر القرني', nationalId, phone: '0551112233' });
    const row = beneficiaryRow(page, nationalId);
    await row.waitFor({ timeout: 30_000 });
    await row.getByTestId('open-file').click();
    const panel = page.getByTestId('subject-rights');
    await panel.waitFor();
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'pdpl-panel-ar');

    // Export: the JSON and the HTML summary are downloaded.
    const downloads: { name: string; text: string }[] = [];
    page.on('download', (d) => {
      void d.path().then(async (p) => downloads.push({ name: d.suggestedFilename(), text: p ? await readFile(p, 'utf8') : '' }));
    });
    await page.getByTestId('pdpl-export').click();
    await expect.poll(() => page.getByTestId('pdpl-message').getAttribute('data-kind')).toBe('export');
    await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(2);
    const json = downloads.find((d) => d.name.endsWith('.json'))!;
    const html = downloads.find((d) => d.name.endsWith('.html'))!;
    expect(json.name).toMatch(/^pdpl-.+\.json$/);
    const exported = JSON.parse(json.text) as { records: { beneficiaries: { nationalId: string; fullName: string }[] } };
    expect(exported.records.beneficiaries[0]).toMatchObject({ nationalId, fullName: 'جواهر سعد بن ناصر القرني' });
    expect(html.text).toContain('جواهر سعد بن ناصر القرني');
    expect(html.text).toContain('dir="rtl"');

    // Correction: the family name and the mobile.
    await page.getByTestId('pdpl-correct').click();
    const correct = page.getByTestId('pdpl-correct-form');
    await correct.waitFor();
    await correct.locator('input[name="phone"]').fill('12');
    await page.getByTestId('pdpl-correct-save').click();
    await expect.poll(() => correct.locator('input[name="phone"]').getAttribute('aria-invalid')).toBe('true');
    await correct.locator('input[name="phone"]').fill('0559998877');
    await correct.locator('input[name="family"]').fill('القرشي');
    await shot(page, 'pdpl-correct-ar');
    await page.getByTestId('pdpl-correct-save').click();
    await correct.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('pdpl-message').getAttribute('data-kind')).toBe('correct');
    await expect.poll(() => page.getByTestId('beneficiary-file').locator('h2').first().textContent()).toBe('جواهر سعد بن ناصر القرشي');

    // A social researcher of the branch sees the file (synced) but not the panel (before the
    // destruction request below: HQ carries that out at the next sync).
    const other = await open('sila-e2e-pdpl-researcher-');
    await other.goto(web.url);
    await signIn(other, { hqUrl: hq.url, username: researcher.username, password: researcher.password });
    await other.evaluate(() => (window.location.hash = '#/beneficiaries'));
    const synced = beneficiaryRow(other, nationalId);
    await synced.waitFor({ timeout: 90_000 });
    await expect.poll(() => synced.textContent(), { timeout: 60_000 }).toContain('القرشي'); // the correction synced too
    await synced.getByTestId('open-file').click();
    await other.getByTestId('contact-form').waitFor();
    expect(await other.getByTestId('subject-rights').count()).toBe(0);

    // Destruction: a confirmation naming the person; cancelling records nothing.
    await page.getByTestId('pdpl-destroy').click();
    await page.getByTestId('pdpl-destroy-name').waitFor();
    expect(await page.getByTestId('pdpl-destroy-name').textContent()).toBe('جواهر سعد بن ناصر القرشي');
    await shot(page, 'pdpl-destroy-confirm-ar');
    await page.getByTestId('pdpl-destroy-cancel').click();
    await expect.poll(() => page.getByTestId('pdpl-destroy-name').count()).toBe(0);
    expect(await page.getByTestId('pdpl-message').getAttribute('data-kind')).toBe('correct');
    await page.getByTestId('pdpl-destroy').click();
    await page.getByTestId('pdpl-destroy-confirm').click();
    await expect.poll(() => page.getByTestId('pdpl-message').getAttribute('data-kind')).toBe('destroy');
    // Recorded once (the button is disabled) — or HQ has already carried it out and the file is gone.
    await expect.poll(async () => (await page.getByTestId('beneficiary-missing').count()) > 0 || (await page.getByTestId('pdpl-destroy').isDisabled())).toBe(true);
  }, 300_000);
});
