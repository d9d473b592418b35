/**
 * Issue 7 acceptance: axe-core on each main screen, in Arabic and in English, finds no serious
 * or critical violation — the sign-in screen, then signed in as branch staff: reception,
 * requests, the committee queue, reports, the reference library, sync, open conflicts,
 * settings. (Screens deeper in a request file are checked by their own e2e tests:
 * reception, documents, committee, service, beneficiary-edit.)
 * Build first: `npx vite build --outDir /tmp/a11y-dist --emptyOutDir`, run with
 * SILA_RENDERER_DIST=/tmp/a11y-dist (default dist/renderer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { launchProfile, watchPage } from './helpers/browser';
import { freePort, serveStatic, type StaticServer } from './helpers/static-server';
import { createHqUser, startPgliteHq, type TestHq } from './helpers/hq';
import { signIn } from './helpers/app';
import { go, setLocale } from './helpers/procedure';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const distDir = resolve(repoRoot, process.env.SILA_RENDERER_DIST ?? 'dist/renderer');
const screenshotDir = join(repoRoot, 'artifacts/screenshots');

const screens: { hash: string; ready: string }[] = [
  { hash: '#/beneficiaries', ready: '[data-testid="registration-form"], [data-testid="beneficiary-search"], main' },
  { hash: '#/requests', ready: 'main' },
  { hash: '#/committee', ready: '[data-testid="committee-queue"]' },
  { hash: '#/reports', ready: '[data-testid="reports-screen"]' },
  { hash: '#/library', ready: '[data-testid="library-screen"]' },
  { hash: '#/sync', ready: 'main' },
  { hash: '#/sync/conflicts', ready: 'main' },
  { hash: '#/settings', ready: '[data-testid="settings-form"]' },
];

describe('accessibility of the main screens (axe-core)', () => {
  let web: StaticServer;
  let hq: TestHq;
  let context: BrowserContext | undefined;
  const temp: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(distDir, 'index.html'))) {
      throw new Error(`${distDir} is missing: build with \`npx vite build --outDir <dir>\` and set SILA_RENDERER_DIST`);
    }
    web = await serveStatic(distDir);
    hq = await startPgliteHq(await freePort(), [web.origin]);
  }, 60_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await hq?.destroy();
    await web?.close();
    for (const d of temp) await rm(d, { recursive: true, force: true });
  });

  async function violations(page: Page, label: string): Promise<string[]> {
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.map((n) => `${n.target.join(" ")} [${n.any[0]?.message ?? ""}]`).slice(0, 5).join(", ")}`);
  }

  it('sign-in and every main screen, Arabic and English: no serious or critical violation', async () => {
    const staff = await createHqUser(hq, { role: 'branch_staff', branchIds: ['main'], displayName: 'ريم موظفة الاستقبال' });
    const dir = await mkdtemp(join(tmpdir(), 'sila-a11y-'));
    temp.push(dir);
    context = await launchProfile(dir);
    const page = context.pages()[0] ?? (await context.newPage());
    const { problems } = watchPage(page);
    await page.goto(web.url);
    await page.locator('form').first().waitFor();
    const found: string[] = [...(await violations(page, 'sign-in (ar)'))];
    await setLocale(page, 'en');
    found.push(...(await violations(page, 'sign-in (en)')));
    await setLocale(page, 'ar');

    await mkdir(screenshotDir, { recursive: true });
    await signIn(page, { hqUrl: hq.url, username: staff.username, password: staff.password });
    for (const locale of ['ar', 'en'] as const) {
      await setLocale(page, locale);
      for (const s of screens) {
        await go(page, s.hash);
        await page.locator(s.ready).first().waitFor({ timeout: 30_000 });
        await page.waitForTimeout(300); // live queries settle
        found.push(...(await violations(page, `${s.hash} (${locale})`)));
        await page.screenshot({ path: join(screenshotDir, `a11y-${s.hash.slice(2).replace(/\//g, '-')}-${locale}.png`), fullPage: true });
      }
    }
    expect(found).toEqual([]);
    expect(problems).toEqual([]);
  }, 240_000);
});
