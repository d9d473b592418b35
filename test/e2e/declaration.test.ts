/**
 * Issue 7 items 5–7, end to end in Debian Chromium with a real HQ (embedded PGlite):
 *
 *  - branch laptop (branch staff, signed in): a request in data collection with its ID verified
 *    (seeded at HQ through the sync API, as the branch would have pushed it) → the declaration
 *    step shows the declared data → the applicant signs on screen (mouse, Pointer Events) → the
 *    employee confirms → the PDF is built in the worker and saved (download checked with
 *    pdftotext for the beneficiary's name and the reference, and rendered to PNG) → printed
 *    (the print is recorded) → submitted to the committee → the receipt with the earliest reply
 *    date is saved (pdftotext: name and reference);
 *  - committee laptop (a committee member, a SECOND browser profile): the queue shows the request,
 *    the file shows the declaration verified against the device key HQ knows, acceptance before
 *    the study period is refused with the workflow's Arabic reason, a request for more
 *    information is recorded;
 *  - the decision syncs back and the branch laptop applies it: its request returns to data
 *    collection with the member recorded as the actor.
 *
 * Screenshots (Arabic and English): artifacts/screenshots/declaration-*.png, committee-*.png.
 * Build first: `npx vite build --outDir /tmp/declaration-dist --emptyOutDir`, then run with
 * SILA_RENDERER_DIST=/tmp/declaration-dist (default dist/renderer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { generateNationalId } from '../../shared/identity/nationalId';
import { policyProfilesById } from '../../shared/policy';
import { chromiumArgs, chromiumPath, watchPage } from './helpers/browser';
import { freePort, serveStatic, type StaticServer } from './helpers/static-server';
import { push, deviceToken, createHqUser, startPgliteHq, type TestHq } from './helpers/hq';
import { signIn } from './helpers/app';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const distDir = resolve(repoRoot, process.env.SILA_RENDERER_DIST ?? 'dist/renderer');
const screenshotDir = join(repoRoot, 'artifacts/screenshots');

const profile = policyProfilesById.get('yusr')!; // the app's default profile
const service = profile.services.find((s) => s.requiredDocuments.some((r) => r.documentTypeIds.includes('national_id')))!;



function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString('utf8');
}

describe('declaration, submission, receipt and the committee decision', () => {
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
      acceptDownloads: true,
    });
    contexts.push(context);
    return context.pages()[0] ?? (await context.newPage());
  }

  async function shot(page: Page, name: string): Promise<void> {
    await mkdir(screenshotDir, { recursive: true });
    await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
  }

  async function setLocale(page: Page, locale: 'ar' | 'en'): Promise<void> {
    if ((await page.evaluate(() => document.documentElement.lang)) !== locale) await page.getByTestId('locale-toggle').click();
    await page.waitForFunction((l) => document.documentElement.lang === l, locale);
  }

  async function download(page: Page, button: string, dir: string): Promise<string> {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(button).click()]);
    const path = join(dir, file.suggestedFilename());
    await file.saveAs(path);
    return path;
  }

  it('signs on screen, saves the PDF and the receipt, and a committee decision reaches the branch', async () => {
    const staff = await createHqUser(hq, { role: 'branch_staff', branchIds: ['main'], displayName: 'ريم الموظفة' });
    const member = await createHqUser(hq, { role: 'committee_member', branchIds: ['main'], displayName: 'د. سامي عضو اللجنة' });
    const staffToken = await deviceToken(hq.url, staff, 'seed-branch-laptop');

    // ---- seed: a beneficiary, a request in data collection, its National ID verified ----
    const now = new Date();
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * 86_400_000).toISOString();
    const base = (id: string, daysAgo: number) => ({ id, branchId: 'main', createdAt: at(daysAgo), updatedAt: at(daysAgo), updatedBy: staff.userId });
    const fullName = 'هيفاء محمد الشهري';
    const nationalId = generateNationalId('citizen', '24681357');
    const seededBeneficiary = { ...base('bDecl', 3), fullName, nationalId, idHash: '', phoneHash: '', phone: '+966551234567', city: 'أبها', gender: 'female' };
    await push(hq.url, staffToken, 'beneficiaries', [seededBeneficiary]);
    await push(hq.url, staffToken, 'support_requests', [
      {
        ...base('rDecl', 3),
        beneficiaryId: 'bDecl',
        serviceId: service.id,
        channelId: 'branch_delegates',
        state: 'data_collection',
        summary: 'تحتاج الأسرة إلى استشارة أسرية بعد وفاة العائل',
        history: [{ from: 'reception', to: 'data_collection', event: 'begin_data_collection', by: staff.userId, role: 'branch_staff', at: at(3) }],
      },
    ]);
    await push(hq.url, staffToken, 'documents', [
      {
        ...base('docDecl', 2),
        beneficiaryId: 'bDecl',
        requestId: 'rDecl',
        type: 'national_id',
        number: nationalId,
        expiryDate: { calendar: 'gregorian', y: now.getUTCFullYear() + 3, m: 1, d: 15 },
        verification: { status: 'verified', method: 'original_seen', verifiedBy: staff.userId, verifiedAt: at(2), validAtSubmission: true },
      },
    ]);

    const downloads = await mkdtemp(join(tmpdir(), 'sila-declaration-downloads-'));
    temp.push(downloads);

    // ---- the branch laptop ----
    const branch = await laptop('branch');
    const branchProblems = watchPage(branch).problems;
    await branch.goto(web.url);
    await signIn(branch, { hqUrl: hq.url, username: staff.username, password: staff.password });
    await branch.evaluate(() => (window.location.hash = '#/requests/rDecl/declaration'));
    const step = branch.getByTestId('declaration-step');
    await step.waitFor({ timeout: 60_000 });
    await expect.poll(() => branch.getByTestId('declared-data').textContent(), { timeout: 30_000 }).toContain(fullName);
    expect(await branch.getByTestId('declaration-gaps').count()).toBe(0);

    // Creating without a signature is not possible (the button waits for one).
    const create = branch.getByTestId('declaration-create');
    expect(await create.isDisabled()).toBe(true);

    // The applicant signs with the mouse (Pointer Events on the canvas).
    const pad = branch.getByTestId('signature-pad');
    await pad.scrollIntoViewIfNeeded();
    const box = (await pad.boundingBox())!;
    await branch.mouse.move(box.x + 40, box.y + 120);
    await branch.mouse.down();
    for (let i = 1; i <= 24; i++) await branch.mouse.move(box.x + 40 + i * 14, box.y + 120 - Math.sin(i / 3) * 45, { steps: 2 });
    await branch.mouse.up();
    await branch.mouse.move(box.x + 200, box.y + 150);
    await branch.mouse.down();
    await branch.mouse.move(box.x + 320, box.y + 60, { steps: 8 });
    await branch.mouse.up();
    // Undo removes the last stroke; the first one stays.
    await branch.getByTestId('signature-undo').click();
    expect(await create.isDisabled()).toBe(false);

    // Without the employee's confirmation the declaration is not made.
    await create.click();
    await expect.poll(() => step.textContent()).toContain('أكّد أنك شهدت التوقيع');
    await shot(branch, 'declaration-sign-ar');
    await branch.getByTestId('declaration-confirm').check();
    await create.click();
    const built = branch.getByTestId('declaration-built');
    await built.waitFor({ timeout: 60_000 });
    const reference = /DEC-\d{4}-[A-Z0-9]+/.exec((await built.textContent()) ?? '')?.[0];
    expect(reference).toBeTruthy();
    await expect.poll(() => branch.getByTestId('request-file').getAttribute('data-state'), { timeout: 30_000 }).toBe('declaration_signed');

    // Saved: the downloaded PDF carries the beneficiary's name and the reference.
    const declarationPdf = await download(branch, 'declaration-pdf-save', downloads);
    const declarationText = pdfText(declarationPdf);
    expect(declarationText).toContain(fullName);
    expect(declarationText).toContain(reference!);
    expect(declarationText).toContain(nationalId);
    execFileSync('pdftoppm', ['-r', '70', '-png', '-f', '1', '-l', '2', declarationPdf, join(screenshotDir, 'declaration-pdf')]);
    await expect.poll(() => branch.getByTestId('declaration-pdf-done').textContent()).toContain('حُفظ');

    // Printed: the browser opens its PDF viewer; the print is recorded.
    const popup = branch.context().waitForEvent('page');
    await branch.getByTestId('declaration-pdf-copies').fill('2');
    await branch.getByTestId('declaration-pdf-print').click();
    await (await popup).close();
    await expect.poll(() => branch.getByTestId('declaration-pdf-done').textContent()).toContain('2');
    await shot(branch, 'declaration-signed-ar');
    await setLocale(branch, 'en');
    await shot(branch, 'declaration-signed-en');
    await setLocale(branch, 'ar');

    // The mobile number is corrected on another laptop after signing: once synced, the declaration
    // is stale, the changed field is named, submission is refused with the workflow's reason, and a
    // new declaration is asked for and signed.
    await push(hq.url, staffToken, 'beneficiaries', [{ ...seededBeneficiary, phone: '+966559876543', updatedAt: new Date().toISOString() }], seededBeneficiary);
    const staleAlert = branch.getByTestId('declaration-stale');
    await staleAlert.waitFor({ timeout: 60_000 });
    expect(await branch.getByTestId('declaration-changed-fields').textContent()).toContain('رقم الجوال');
    await shot(branch, 'declaration-stale-ar');
    await setLocale(branch, 'en');
    await expect.poll(() => branch.getByTestId('declaration-changed-fields').textContent()).toContain('Mobile number');
    await shot(branch, 'declaration-stale-en');
    await setLocale(branch, 'ar');
    await branch.evaluate(() => (window.location.hash = '#/requests/rDecl/submission'));
    await expect.poll(() => branch.getByTestId('submission-blocked').textContent(), { timeout: 30_000 }).toContain('تغيّرت بيانات الطلب بعد توقيع الإقرار');
    expect(await branch.getByTestId('submission-submit').isDisabled()).toBe(true);
    await branch.evaluate(() => (window.location.hash = '#/requests/rDecl/declaration'));
    await branch.getByTestId('declaration-renew').click();
    await expect.poll(() => branch.getByTestId('request-file').getAttribute('data-state'), { timeout: 30_000 }).toBe('data_collection');
    await expect.poll(() => branch.getByTestId('declared-data').textContent()).toContain('0559876543');
    const pad2 = branch.getByTestId('signature-pad');
    await pad2.scrollIntoViewIfNeeded();
    const box2 = (await pad2.boundingBox())!;
    await branch.mouse.move(box2.x + 60, box2.y + 100);
    await branch.mouse.down();
    for (let i = 1; i <= 20; i++) await branch.mouse.move(box2.x + 60 + i * 15, box2.y + 100 + Math.cos(i / 2) * 40, { steps: 2 });
    await branch.mouse.up();
    await branch.getByTestId('declaration-confirm').check();
    await branch.getByTestId('declaration-create').click();
    await branch.getByTestId('declaration-built').waitFor({ timeout: 60_000 });
    await expect.poll(() => branch.getByTestId('request-file').getAttribute('data-state'), { timeout: 30_000 }).toBe('declaration_signed');
    expect(await branch.getByTestId('declaration-standing').textContent()).toBe('مطابق للبيانات');
    const renewedPdf = await download(branch, 'declaration-pdf-save', downloads);
    expect(pdfText(renewedPdf)).toContain('0559876543');
    // Coming back later, the signed PDF is opened again from the declaration record's file.
    await branch.evaluate(() => (window.location.hash = '#/requests/rDecl/submission'));
    await branch.getByTestId('submission-step').waitFor();
    await branch.evaluate(() => (window.location.hash = '#/requests/rDecl/declaration'));
    await branch.getByTestId('declaration-reopen-pdf').click();
    await branch.getByTestId('declaration-built').waitFor();

    // No administrator step: HQ published this laptop's key (registered at sign-in) as an
    // hq_config device entry, so the committee's laptop verifies the declaration below.

    // Submission and the receipt.
    await branch.evaluate(() => (window.location.hash = '#/requests/rDecl/submission'));
    const submit = branch.getByTestId('submission-submit');
    await submit.waitFor();
    await expect.poll(() => submit.isEnabled(), { timeout: 30_000 }).toBe(true);
    await submit.click();
    const receipt = branch.getByTestId('receipt');
    await receipt.waitFor({ timeout: 30_000 });
    expect(await branch.getByTestId('receipt-earliest').textContent()).toMatch(/هـ/);
    const receiptReference = (await branch.getByTestId('receipt-reference').textContent())!;
    expect(receiptReference).toMatch(/^REQ-\d{4}-/);
    await branch.getByTestId('receipt-pdf-save').waitFor({ timeout: 30_000 });
    const receiptPdf = await download(branch, 'receipt-pdf-save', downloads);
    const receiptText = pdfText(receiptPdf);
    expect(receiptText).toContain(fullName);
    expect(receiptText).toContain(receiptReference);
    expect(receiptText).toContain('أقرب موعد للرد');
    execFileSync('pdftoppm', ['-r', '70', '-png', '-f', '1', '-l', '1', receiptPdf, join(screenshotDir, 'declaration-receipt-pdf')]);
    await shot(branch, 'declaration-receipt-ar');
    await setLocale(branch, 'en');
    await shot(branch, 'declaration-receipt-en');
    await setLocale(branch, 'ar');

    // Branch staff see the committee's queue read-only, with the reason.
    await branch.evaluate(() => (window.location.hash = '#/committee'));
    await branch.getByTestId('committee-read-only').first().waitFor();

    // ---- the committee laptop ----
    const committee = await laptop('committee');
    const committeeProblems = watchPage(committee).problems;
    await committee.goto(web.url);
    await signIn(committee, { hqUrl: hq.url, username: member.username, password: member.password });
    await committee.evaluate(() => (window.location.hash = '#/committee'));
    const row = committee.locator('[data-testid="committee-row"][data-request-id="rDecl"]');
    await row.waitFor({ timeout: 60_000 });
    expect(await committee.getByTestId('committee-read-only').count()).toBe(0);
    await shot(committee, 'committee-queue-ar');
    await row.getByRole('link').click();
    const verification = committee.getByTestId('committee-verification');
    await verification.waitFor({ timeout: 60_000 });
    await expect.poll(() => verification.getAttribute('data-status'), { timeout: 30_000 }).toBe('authentic_current');
    expect(await committee.getByTestId('committee-documents').textContent()).toContain('تم التحقق');
    // The signed PDF travelled with its record: the committee saves the very declaration signed
    // at the branch (the renewed one, with the corrected mobile number).
    await committee.getByTestId('committee-declaration-pdf-save').waitFor({ timeout: 60_000 });
    const committeeCopy = await download(committee, 'committee-declaration-pdf-save', downloads);
    const committeeText = pdfText(committeeCopy);
    expect(committeeText).toContain(fullName);
    expect(committeeText).toContain('0559876543');

    // Acceptance before the study period ends is refused with the workflow's reason.
    const form = committee.getByTestId('decision-form');
    await form.getByText('قبول', { exact: true }).click();
    await committee.getByTestId('decision-submit').click();
    await expect.poll(() => committee.getByTestId('decision-error').textContent()).toContain('لا يصدر قرار القبول أو الرفض قبل انقضاء مدة الدراسة');
    // A request for more information needs a reason (Arabic, next to the field), then is recorded.
    await form.getByText('طلب معلومات إضافية', { exact: true }).click();
    await committee.getByTestId('decision-submit').click();
    await expect.poll(() => form.textContent()).toContain('اكتب سبب الرفض أو المعلومات المطلوبة');
    await shot(committee, 'committee-file-ar');
    await form.locator('textarea[name="reasons"]').fill('أرفقوا صك الإعالة ومشهد الراتب');
    await committee.getByTestId('decision-submit').click();
    await committee.getByTestId('committee-decided').waitFor({ timeout: 30_000 });
    await setLocale(committee, 'en');
    await shot(committee, 'committee-file-en');
    await committee.evaluate(() => (window.location.hash = '#/committee'));
    // (The request may already have left the queue: the branch applies "more information" and its
    // new state reaches this laptop through the live stream within moments.)
    await committee.getByTestId('committee-queue').waitFor();
    await shot(committee, 'committee-queue-en');

    // ---- back at the branch: the synced decision is applied to the request ----
    await branch.evaluate(() => (window.location.hash = '#/requests/rDecl'));
    await expect.poll(() => branch.getByTestId('request-file').getAttribute('data-state'), { timeout: 90_000 }).toBe('data_collection');
    await shot(branch, 'declaration-branch-after-decision-ar');

    expect(branchProblems).toEqual([]);
    expect(committeeProblems).toEqual([]);
  }, 420_000);
});
