/**
 * Issue 7 §1 and §5: correcting a beneficiary's data after registration, end to end in Debian
 * Chromium with a real HQ (embedded PGlite). A beneficiary with a household is seeded at HQ with a
 * request in data collection; the branch employee signs the declaration on screen, then opens the
 * beneficiary's file and edits the details with the registration form: bad data is refused with
 * Arabic messages next to the fields and nothing typed is lost; the corrected mobile, a renamed
 * and an added household member are saved through the audited write path (the lookup hash of the
 * new mobile recomputed) and reach HQ. The request's signed declaration no longer matches: the file
 * flags it and the declaration step shows it stale with the changed fields. axe-core finds no
 * serious or critical violation. Screenshots: artifacts/screenshots/beneficiary-edit-*.png.
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
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { generateNationalId } from '../../shared/identity/nationalId';
import { policyProfilesById } from '../../shared/policy';
import { chromiumArgs, chromiumPath, watchPage } from './helpers/browser';
import { freePort, serveStatic, type StaticServer } from './helpers/static-server';
import { push, deviceToken, createHqUser, startPgliteHq, type TestHq } from './helpers/hq';
import { signIn } from './helpers/app';
import { quiet, setLocale, signOnPad } from './helpers/procedure';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const distDir = resolve(repoRoot, process.env.SILA_RENDERER_DIST ?? 'dist/renderer');
const screenshotDir = join(repoRoot, 'artifacts/screenshots');

const profile = policyProfilesById.get('yusr')!; // the app's default profile
const service = profile.services.find((s) => s.requiredDocuments.some((r) => r.documentTypeIds.includes('national_id')))!;

describe('editing a beneficiary after registration', () => {
  let web: StaticServer;
  let hq: TestHq;
  let context: BrowserContext | null = null;
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

  async function shot(page: Page, name: string): Promise<void> {
    await mkdir(screenshotDir, { recursive: true });
    await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
  }

  async function axe(page: Page, label: string): Promise<void> {
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${label}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }

  it('corrects the data with the registration rules, keeps what was typed, and flags the signed declaration', async () => {
    const staff = await createHqUser(hq, { role: 'branch_staff', branchIds: ['main'], displayName: 'ريم الموظفة' });
    const staffToken = await deviceToken(hq.url, staff, 'seed-branch-laptop');

    // ---- seed: a beneficiary with a household, a request in data collection, its National ID verified ----
    const now = new Date();
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * 86_400_000).toISOString();
    const base = (id: string, daysAgo: number) => ({ id, branchId: 'main', createdAt: at(daysAgo), updatedAt: at(daysAgo), updatedBy: staff.userId });
    const nationalId = generateNationalId('citizen', '13572468');
    await push(hq.url, staffToken, 'beneficiaries', [
      {
        ...base('bEdit', 3),
        fullName: 'هيفاء محمد علي الشهري',
        nameParts: { first: 'هيفاء', father: 'محمد', grandfather: 'علي', family: 'الشهري' },
        nationalId,
        idHash: '',
        phoneHash: '',
        phone: '+966551234567',
        city: 'أبها',
        gender: 'female',
        birthDate: { calendar: 'hijri', y: 1408, m: 2, d: 14 },
        household: [{ fullName: 'ريان خالد الشهري', relation: 'son', gender: 'male' }],
      },
    ]);
    await push(hq.url, staffToken, 'support_requests', [
      {
        ...base('rEdit', 3),
        beneficiaryId: 'bEdit',
        serviceId: service.id,
        channelId: 'branch_delegates',
        state: 'data_collection',
        summary: 'تحتاج الأسرة إلى استشارة أسرية',
        history: [{ from: 'reception', to: 'data_collection', event: 'begin_data_collection', by: staff.userId, role: 'branch_staff', at: at(3) }],
      },
    ]);
    await push(hq.url, staffToken, 'documents', [
      {
        ...base('docEdit', 2),
        beneficiaryId: 'bEdit',
        requestId: 'rEdit',
        type: 'national_id',
        number: nationalId,
        expiryDate: { calendar: 'gregorian', y: now.getUTCFullYear() + 3, m: 1, d: 15 },
        verification: { status: 'verified', method: 'original_seen', verifiedBy: staff.userId, verifiedAt: at(2), validAtSubmission: true },
      },
    ]);

    // ---- the branch laptop ----
    const dir = await mkdtemp(join(tmpdir(), 'sila-edit-profile-'));
    temp.push(dir);
    context = await chromium.launchPersistentContext(dir, { executablePath: chromiumPath, args: chromiumArgs, headless: true, viewport: { width: 1280, height: 900 }, locale: 'ar-SA' });
    const page = context.pages()[0] ?? (await context.newPage());
    const { problems } = watchPage(page);
    await page.goto(web.url);
    await signIn(page, { hqUrl: hq.url, username: staff.username, password: staff.password });

    // The declaration is signed on screen first.
    await page.evaluate(() => (window.location.hash = '#/requests/rEdit/declaration'));
    await page.getByTestId('declaration-step').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('declared-data').textContent(), { timeout: 30_000 }).toContain('هيفاء');
    await signOnPad(page);
    await page.getByTestId('declaration-confirm').check();
    await page.getByTestId('declaration-create').click();
    await page.getByTestId('declaration-built').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('request-file').getAttribute('data-state'), { timeout: 30_000 }).toBe('declaration_signed');
    expect(await page.getByTestId('declaration-standing').textContent()).not.toMatch(/قديم/);

    // ---- the beneficiary's file: edit ----
    await page.evaluate(() => (window.location.hash = '#/beneficiaries/bEdit'));
    const file = page.getByTestId('beneficiary-file');
    await file.waitFor();
    expect(await page.getByTestId('request-declaration-stale').count()).toBe(0);
    await page.getByTestId('edit-beneficiary').click();
    const form = page.getByTestId('beneficiary-edit-form');
    await form.waitFor();
    // Filled from the record: name parts, the ID, the mobile as people dial it, the Hijri birth date, the household.
    expect(await form.locator('input[name="nameFamily"]').inputValue()).toBe('الشهري');
    expect(await form.locator('input[name="nationalId"]').inputValue()).toBe(nationalId);
    expect(await form.locator('input[name="phone"]').inputValue()).toBe('0551234567');
    expect(await form.locator('input[name="birthDate"]').inputValue()).toBe('14/02/1408');
    expect(await form.locator('input[name="household.0.fullName"]').inputValue()).toBe('ريان خالد الشهري');
    expect(await form.locator('input[name="idExpiry"]').count()).toBe(0); // the ID card is the documents step's
    await axe(page, 'beneficiary edit form');

    // Bad data: a wrong mobile, a new member with a wrong ID number. Arabic messages at the fields; nothing lost.
    await form.locator('input[name="phone"]').fill('05512');
    await form.locator('input[name="household.0.fullName"]').fill('ريان خالد محمد الشهري');
    await form.getByTestId('add-member').click();
    await form.locator('input[name="household.1.fullName"]').fill('لمى خالد الشهري');
    await form.locator('input[name="household.1.nationalId"]').fill('1234567890');
    await form.getByTestId('member-relation').nth(1).click();
    await page.getByRole('option', { name: 'ابنة' }).click();
    await form.getByTestId('edit-submit').click();
    await form.getByTestId('form-problems').waitFor();
    expect(await form.getByTestId('form-problems').textContent()).toMatch(/لم تُحفظ التعديلات/);
    const phoneError = await form.locator('input[name="phone"]').getAttribute('aria-describedby');
    expect(phoneError).toBeTruthy();
    await expect.poll(() => form.textContent()).toMatch(/رقم الجوال|الجوال/);
    expect(await form.textContent()).toMatch(/رقم الهوية|رقم التحقق/);
    expect(await form.locator('input[name="phone"]').inputValue()).toBe('05512');
    expect(await form.locator('input[name="household.0.fullName"]').inputValue()).toBe('ريان خالد محمد الشهري');
    expect(await form.locator('input[name="household.1.fullName"]').inputValue()).toBe('لمى خالد الشهري');
    await shot(page, 'beneficiary-edit-ar-errors');

    // Corrected and saved.
    await form.locator('input[name="phone"]').fill('0559876543');
    await form.locator('input[name="household.1.nationalId"]').fill('');
    await form.getByTestId('edit-submit').click();
    await form.waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(() => file.textContent()).toContain('0559876543');
    const household = page.getByTestId('household-list');
    await expect.poll(() => household.textContent()).toContain('ريان خالد محمد الشهري');
    expect(await household.textContent()).toContain('لمى خالد الشهري');

    // The signed declaration no longer matches: flagged on the file, stale in the declaration step.
    const flag = page.getByTestId('request-declaration-stale');
    await flag.waitFor({ timeout: 30_000 });
    await quiet(page);
    await shot(page, 'beneficiary-edit-ar-saved');
    await flag.click();
    const staleAlert = page.getByTestId('declaration-stale');
    await staleAlert.waitFor({ timeout: 30_000 });
    const changed = (await page.getByTestId('declaration-changed-fields').textContent()) ?? '';
    expect(changed).toContain('رقم الجوال');
    expect(await page.getByTestId('declaration-standing').textContent()).toMatch(/قديم/);
    await shot(page, 'beneficiary-edit-ar-declaration-stale');

    // The correction reached HQ, with the new mobile's lookup hash.
    await expect
      .poll(
        async () => {
          const res = await fetch(`${hq.url}/sync/beneficiaries/pull?batchSize=100`, { headers: { authorization: `Bearer ${staffToken}` } });
          const body = (await res.json()) as { documents: { id: string; phone?: string; phoneHash: string; household?: unknown[] }[] };
          const b = body.documents.find((d) => d.id === 'bEdit');
          return b ? [b.phone, b.phoneHash.length, b.household?.length] : null;
        },
        { timeout: 60_000 },
      )
      .toEqual(['+966559876543', 64, 2]);

    // Cancelling an edit with changes asks first; the English form.
    await page.evaluate(() => (window.location.hash = '#/beneficiaries/bEdit'));
    await page.getByTestId('edit-beneficiary').click();
    await form.locator('input[name="city"]').fill('خميس مشيط');
    await form.getByTestId('edit-cancel').click();
    await page.getByTestId('confirm-discard-edit').click();
    await form.waitFor({ state: 'detached' });
    expect(await file.textContent()).toContain('أبها');
    await setLocale(page, 'en');
    await page.getByTestId('edit-beneficiary').click();
    await form.waitFor();
    await shot(page, 'beneficiary-edit-en');
    await form.getByTestId('edit-cancel').click();
    await setLocale(page, 'ar');
    expect(problems).toEqual([]);
  }, 300_000);
});
