/**
 * Issue 5 §2 end to end: the built renderer in Chromium with a real HQ (PGlite, real accounts).
 * First use needs HQ (the start screen says so); the user signs in once online; afterwards the
 * laptop unlocks offline with the same password; wrong passwords lock it for a while; a device
 * HQ revoked wipes its local data at its next contact and says so in Arabic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { freePort, serveStatic, type StaticServer } from './helpers/static-server';
import { launchProfile, watchPage } from './helpers/browser';
import { createHqUser, revokeHqDevice, startPgliteHq, type TestHq } from './helpers/hq';
import { signIn, unlock } from './helpers/app';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const distDir = process.env.SILA_RENDERER_DIST ?? join(repoRoot, 'dist/renderer');
const screenshotDir = join(repoRoot, 'artifacts/screenshots');

let web: StaticServer;
let hq: TestHq;
const dirs: string[] = [];
const contexts: BrowserContext[] = [];

async function open(dir: string): Promise<Page> {
  const context = await launchProfile(dir);
  contexts.push(context);
  return context.pages()[0] ?? (await context.newPage());
}

beforeAll(async () => {
  if (!existsSync(join(distDir, 'index.html')))
    throw new Error(`${distDir} is missing: build the renderer first (SILA_RENDERER_DIST)`);
  web = await serveStatic(distDir);
  hq = await startPgliteHq(await freePort(), [web.origin]);
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await hq?.destroy();
  await web?.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('sign-in and unlock (UI)', () => {
  it('signs in once online, unlocks offline afterwards, locks after wrong passwords', async () => {
    const user = await createHqUser(hq, {
      role: 'field_delegate',
      branchIds: ['riyadh-1'],
      displayName: 'سلمى المندوبة',
    });
    const dir = await mkdtemp(join(tmpdir(), 'sila-e2e-signin-'));
    dirs.push(dir);
    const page = await open(dir);
    const watch = watchPage(page);
    await page.goto(web.url);
    const form = page.getByTestId('sign-in-form');
    await form.waitFor();
    // The start screen says that the first use needs HQ and an account from the administrator.
    expect(await form.textContent()).toContain('مدير النظام');
    await mkdir(screenshotDir, { recursive: true });
    await page.screenshot({ path: join(screenshotDir, 'store-sign-in.png') });

    // A wrong HQ password: HQ's Arabic message, nothing stored.
    await form.locator('input[name="hqUrl"]').fill(hq.url);
    await form.locator('input[name="username"]').fill(user.username);
    await form.locator('input[name="password"]').fill('not the password 1');
    await page.getByTestId('unlock-submit').click();
    await expect
      .poll(() => page.getByTestId('unlock-problem').getAttribute('data-code'))
      .toBe('INVALID_CREDENTIALS');

    await signIn(page, { hqUrl: hq.url, username: user.username, password: user.password });
    // The actor is the HQ user (shown in the shell? at least stored for the screens).
    const stored = await page.evaluate(() => localStorage.getItem('sila.users') ?? '');
    expect(stored).toContain(user.username);
    expect(stored).not.toContain(user.password);

    // Settings: the idle-lock minutes and the audit chain check (this device's unlock is audited).
    await page.evaluate(() => (window.location.hash = '#/settings'));
    await page.getByTestId('settings-idle-lock').waitFor();
    expect(await page.getByTestId('settings-idle-lock').inputValue()).toBe('10');
    await page.getByTestId('audit-verify').click();
    await expect.poll(() => page.getByTestId('audit-result').first().getAttribute('data-ok')).toBe('true');
    await page.screenshot({ path: join(screenshotDir, 'store-settings-audit.png'), fullPage: true });

    // HQ down: reload → offline unlock with the same password.
    await hq.stop();
    try {
      await page.reload();
      await page.getByTestId('unlock-form').waitFor();
      expect(await page.getByTestId('unlock-user').inputValue()).toContain('سلمى المندوبة');
      await page.screenshot({ path: join(screenshotDir, 'store-unlock-offline.png') });
      await unlock(page, user.password);

      // Five wrong passwords → a delay, even for the right one.
      await page.reload();
      for (let i = 0; i < 5; i++) {
        await page
          .getByTestId('unlock-form')
          .locator('input[name="password"]')
          .fill(`wrong password ${i}`);
        await page.getByTestId('unlock-submit').click();
        await expect
          .poll(() => page.getByTestId('unlock-problem').getAttribute('data-code'))
          .toBe('wrong_password');
        await expect
          .poll(() => page.getByTestId('unlock-submit').getAttribute('data-loading'))
          .toBeNull();
      }
      await page.getByTestId('unlock-form').locator('input[name="password"]').fill(user.password);
      await page.getByTestId('unlock-submit').click();
      await expect
        .poll(() => page.getByTestId('unlock-problem').getAttribute('data-code'))
        .toBe('LOCKED');
      expect(await page.getByTestId('unlock-problem').textContent()).toMatch(/[\u0600-\u06ff]/);
      await page.screenshot({ path: join(screenshotDir, 'store-unlock-locked.png') });
      expect(watch.problems).toEqual([]);
    } finally {
      await hq.restart();
    }
  }, 240_000);

  it('a device revoked at HQ wipes its local data at the next contact and says so', async () => {
    const user = await createHqUser(hq, { role: 'branch_staff', branchIds: ['riyadh-1'] });
    const dir = await mkdtemp(join(tmpdir(), 'sila-e2e-revoke-'));
    dirs.push(dir);
    const page = await open(dir);
    await page.goto(web.url);
    await signIn(page, { hqUrl: hq.url, username: user.username, password: user.password });
    const deviceId = await page.evaluate(() => localStorage.getItem('sila.deviceId'));
    expect(deviceId).toMatch(/^device-/);
    const before = await page.evaluate(async () =>
      (await indexedDB.databases()).map((d) => d.name),
    );
    expect(before.some((n) => n?.startsWith('rxdb-dexie-sila-'))).toBe(true);

    await revokeHqDevice(hq, deviceId!);
    // The live stream is cut, the client reconnects, is refused with DEVICE_REVOKED and wipes.
    await page.getByTestId('wiped-notice').waitFor({ timeout: 90_000 });
    expect(await page.getByTestId('wiped-notice').textContent()).toContain('حُذفت');
    const after = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
    expect(
      after.filter((n) => n?.startsWith('rxdb-dexie-sila-') && !n.includes('--0--_rxdb_internal')),
    ).toEqual([]);
    expect(await page.evaluate(() => localStorage.getItem('sila.users'))).toBeNull();
    await page.screenshot({ path: join(screenshotDir, 'store-device-wiped.png') });
  }, 240_000);
});
