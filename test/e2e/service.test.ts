/**
 * Issue 7 items 8–10, end to end in Debian Chromium with a real HQ (embedded PGlite):
 * requests, decisions and evaluations are seeded at HQ through its sync API (as the branch and the
 * committee would have pushed them) and reach the branch laptop by replication. The employee
 * registers the accepted beneficiary, records a delivery (an empty note is refused in Arabic
 * first), hands the laptop over for an anonymous evaluation (kiosk layer, thanks screen, resume
 * only with the employee's password), prints a one-time QR code (decoded from the printed PDF) that
 * a phone opens on HQ's public page — Arabic, right to left, no sign-in — answered once (a missing
 * score is refused in Arabic with the typed comment kept; a second use is refused); the evaluation
 * syncs back to the laptop. Screenshots of the phone page: service-phone-ar-*.png. The reports show the seeded and new numbers, filter by branch, and export CSV and
 * XLSX (downloads parsed and counted). The library shows the policy and finds a tool. axe-core
 * finds no serious or critical violation on these screens. Screenshots in Arabic and English:
 * artifacts/screenshots/service-*.png and reports-*.png.
 *
 * Build first: `npx vite build --outDir /tmp/service-dist --emptyOutDir` and run with
 * SILA_RENDERER_DIST=/tmp/service-dist (default dist/renderer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import jsQR from 'jsqr';
import { AxeBuilder } from '@axe-core/playwright';
import { generateNationalId } from '../../shared/identity/nationalId';
import { policyProfilesById } from '../../shared/policy';
import { earliestReplyDate } from '../../shared/workflow/machine';
import { UTF8_BOM } from '../../shared/casefile';
import { chromiumArgs, chromiumPath, watchPage } from './helpers/browser';
import { freePort, serveStatic, type StaticServer } from './helpers/static-server';
import { push, deviceToken, createHqUser, startPgliteHq, type TestHq } from './helpers/hq';
import { signIn } from './helpers/app';
import { readXlsx } from '../../renderer/src/features/reports/xlsx';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const distDir = resolve(repoRoot, process.env.SILA_RENDERER_DIST ?? 'dist/renderer');
const screenshotDir = join(repoRoot, 'artifacts/screenshots');

const DAY = 86_400_000;
const profile = policyProfilesById.get('yusr')!; // the app's default profile
const service = profile.services[0]!.id;
const channels = profile.channels.map((c) => c.id);



/** The QR code on the first page of a PDF, decoded (pdftoppm, then jsQR), or null. */
function decodeQrFromPdf(pdf: string): string | null {
  const base = pdf.replace(/\.pdf$/, '-scan');
  execFileSync('pdftoppm', ['-r', '150', '-f', '1', '-l', '1', pdf, base]);
  const ppm = readFileSync(`${base}-1.ppm`);
  const header = ppm.subarray(0, 20).toString('latin1').split(/\s+/); // "P6\n<w> <h>\n255\n"
  const w = Number(header[1]);
  const h = Number(header[2]);
  const offset = ppm.length - w * h * 3;
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    rgba[i * 4] = ppm[offset + i * 3] ?? 0;
    rgba[i * 4 + 1] = ppm[offset + i * 3 + 1] ?? 0;
    rgba[i * 4 + 2] = ppm[offset + i * 3 + 2] ?? 0;
    rgba[i * 4 + 3] = 255;
  }
  return jsQR(rgba, w, h)?.data ?? null;
}

describe('registration, delivery, evaluation, reports and library', () => {
  let web: StaticServer;
  let hq: TestHq;
  let context: BrowserContext;
  let browser: Browser;
  const temp: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(distDir, 'index.html'))) {
      throw new Error(`${distDir} is missing: build with \`npx vite build --outDir <dir>\` and set SILA_RENDERER_DIST`);
    }
    web = await serveStatic(distDir);
    hq = await startPgliteHq(await freePort(), [web.origin]);
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true }); // the beneficiary's phone
  }, 60_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
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

  async function setLocale(page: Page, locale: 'ar' | 'en'): Promise<void> {
    if ((await page.evaluate(() => document.documentElement.lang)) !== locale) await page.getByTestId('locale-toggle').click();
    await page.waitForFunction((l) => document.documentElement.lang === l, locale);
  }

  it('walks steps 8–10 and the reports', async () => {
    const branchStaff = await createHqUser(hq, { role: 'branch_staff', branchIds: ['main', 'north'] });
    const committee = await createHqUser(hq, { role: 'committee_member', branchIds: ['main', 'north'] });
    const staffToken = await deviceToken(hq.url, branchStaff, 'seed-branch-laptop');
    const committeeToken = await deviceToken(hq.url, committee, 'seed-committee-laptop');

    // ---- seed: four requests in three states, two decisions, two earlier evaluations ----
    const now = Date.now();
    const iso = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
    const base = (id: string, branchId: string, daysAgo: number) => ({ id, branchId, createdAt: iso(daysAgo), updatedAt: iso(daysAgo), updatedBy: branchStaff.userId });
    const beneficiaries = ['bA', 'bB', 'bC', 'bD'].map((id, i) => ({
      ...base(id, i === 2 ? 'north' : 'main', 40),
      fullName: ['نورة سعد العتيبي', 'خالد فهد الحربي', 'منى علي الزهراني', 'سلمان ناصر القحطاني'][i]!,
      nationalId: generateNationalId('citizen', `1357246${i}`),
      idHash: '',
      phoneHash: '',
    }));
    const hist = (entries: [string, string, string, number][]) =>
      entries.map(([from, to, event, daysAgo]) => ({ from, to, event, by: event === 'accept' || event === 'reject' ? committee.userId : branchStaff.userId, role: event === 'accept' || event === 'reject' ? 'committee_member' : 'branch_staff', at: iso(daysAgo) }));
    const submittedB = iso(20);
    const requests = [
      {
        ...base('rA', 'main', 30),
        beneficiaryId: 'bA', serviceId: service, channelId: channels[0]!, state: 'accepted',
        submittedAt: iso(28), earliestReplyDate: earliestReplyDate(iso(28)), decisionId: 'dA',
        history: hist([['reception', 'data_collection', 'begin_data_collection', 30], ['data_collection', 'declaration_signed', 'sign_declaration', 29], ['declaration_signed', 'submitted_to_committee', 'submit_to_committee', 28], ['submitted_to_committee', 'accepted', 'accept', 10]]),
      },
      {
        ...base('rB', 'main', 25),
        beneficiaryId: 'bB', serviceId: service, channelId: channels[1] ?? channels[0]!, state: 'submitted_to_committee',
        submittedAt: submittedB, earliestReplyDate: earliestReplyDate(submittedB),
        history: hist([['reception', 'data_collection', 'begin_data_collection', 25], ['data_collection', 'declaration_signed', 'sign_declaration', 21], ['declaration_signed', 'submitted_to_committee', 'submit_to_committee', 20]]),
      },
      {
        ...base('rC', 'north', 40),
        beneficiaryId: 'bC', serviceId: service, channelId: channels[0]!, state: 'rejected', submittedAt: iso(38), earliestReplyDate: earliestReplyDate(iso(38)), decisionId: 'dC',
        history: hist([['reception', 'data_collection', 'begin_data_collection', 40], ['data_collection', 'declaration_signed', 'sign_declaration', 39], ['declaration_signed', 'submitted_to_committee', 'submit_to_committee', 38], ['submitted_to_committee', 'rejected', 'reject', 20]]),
      },
      { ...base('rD', 'main', 2), beneficiaryId: 'bD', serviceId: service, channelId: channels[1] ?? channels[0]!, state: 'reception', history: [] },
    ];
    const member = [{ userId: committee.userId, name: 'عضو اللجنة' }];
    const decisions = [
      { ...base('dA', 'main', 10), updatedBy: committee.userId, requestId: 'rA', beneficiaryId: 'bA', serviceId: service, decision: 'accepted', reasons: [], membersPresent: member, decidedAt: iso(10) },
      { ...base('dC', 'north', 20), updatedBy: committee.userId, requestId: 'rC', beneficiaryId: 'bC', serviceId: service, decision: 'rejected', reasons: ['لا تنطبق الشروط'], membersPresent: member, decidedAt: iso(20) },
    ];
    const evaluations = [
      { ...base('e1', 'main', 62), serviceId: service, anonymous: true, submittedAt: iso(62), overall: 4, answers: [] },
      { ...base('e2', 'north', 33), serviceId: service, anonymous: true, submittedAt: iso(33), overall: 2, answers: [] },
    ];
    await push(hq.url, staffToken, 'beneficiaries', beneficiaries);
    await push(hq.url, staffToken, 'support_requests', requests);
    await push(hq.url, committeeToken, 'committee_decisions', decisions);
    await push(hq.url, staffToken, 'satisfaction_evaluations', evaluations);

    // ---- the branch laptop ----
    const profileDir = await mkdtemp(join(tmpdir(), 'sila-service-profile-'));
    temp.push(profileDir);
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: chromiumPath,
      args: chromiumArgs,
      headless: true,
      viewport: { width: 1280, height: 900 },
      locale: 'ar-SA',
      acceptDownloads: true,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const { problems } = watchPage(page);
    await page.goto(web.url);
    await signIn(page, { hqUrl: hq.url, username: branchStaff.username, password: branchStaff.password });

    // Reports before anything: the seeded numbers, once replicated.
    await page.evaluate(() => (window.location.hash = '#/reports'));
    await page.getByTestId('reports-screen').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('figure-total').textContent(), { timeout: 60_000 }).toBe('4');
    await expect.poll(() => page.getByTestId('figure-evaluations').textContent(), { timeout: 30_000 }).toBe('2');
    expect(await page.getByTestId('figure-overdue').textContent()).toBe('1');

    // 8a. Registration of the accepted beneficiary.
    await page.evaluate(() => (window.location.hash = '#/requests/rA/registration'));
    const registration = page.getByTestId('registration-step');
    await registration.waitFor({ timeout: 30_000 });
    await shot(page, 'service-ar-registration');
    await registration.getByTestId('register-beneficiary').click();
    await registration.getByTestId('registration-done').waitFor();
    expect(await registration.getByTestId('request-state').getAttribute('data-state')).toBe('registered');

    // 8b. A delivery: an empty note is refused in Arabic, the time typed is kept; then saved.
    await page.evaluate(() => (window.location.hash = '#/requests/rA/delivery'));
    const delivery = page.getByTestId('delivery-step');
    await delivery.waitFor();
    await delivery.getByTestId('deliveries-empty').waitFor();
    const when = delivery.locator('input[name="deliveredAt"]');
    const typedWhen = await when.inputValue();
    await delivery.getByTestId('delivery-submit').click();
    await expect.poll(() => delivery.textContent()).toMatch(/اكتب ما قُدِّم للمستفيد/);
    expect(await when.inputValue()).toBe(typedWhen);
    await delivery.locator('textarea[name="notes"]').fill('جلسة استشارة أسرية أولى، وتسليم دليل الخدمات.');
    await delivery.getByTestId('delivery-submit').click();
    await expect.poll(() => delivery.getByTestId('delivery-row').count()).toBe(1);
    await shot(page, 'service-ar-delivery');

    // 8c. Hand-over: only the form, large targets; anonymous; thanks; resume with the password.
    await page.evaluate(() => (window.location.hash = '#/requests/rA/evaluation'));
    const evaluation = page.getByTestId('evaluation-step');
    await evaluation.waitFor();
    await axe(page, 'evaluation step');
    await evaluation.getByTestId('evaluation-handover').click();
    const layer = page.getByTestId('handover-layer');
    await layer.waitFor();
    expect(await page.evaluate(() => document.getElementById('root')!.inert)).toBe(true);
    await page.evaluate(() => (window.location.hash = '#/beneficiaries')); // navigation is undone
    await page.waitForFunction(() => window.location.hash === '#/requests/rA/evaluation');
    await expect.poll(() => layer.isVisible()).toBe(true);
    await layer.getByTestId('evaluation-submit').click();
    await expect.poll(() => layer.textContent()).toMatch(/اختر تقييمك العام/);
    await layer.locator('textarea[name="comment"]').fill('الموظفة كانت متعاونة.');
    await layer.locator('input[name="overall"][value="5"]').check();
    await layer.locator('input[name="respect"][value="4"]').check();
    await layer.locator('input[name="anonymous"]').check();
    await shot(page, 'service-ar-handover');
    await axe(page, 'hand-over form');
    await layer.getByTestId('evaluation-submit').click();
    await layer.getByTestId('handover-thanks').waitFor();
    await shot(page, 'service-ar-handover-thanks');
    const resume = layer.getByTestId('handover-resume-form');
    await resume.locator('input[name="password"]').fill('not the password');
    await layer.getByTestId('handover-resume').click();
    await expect.poll(() => resume.textContent(), { timeout: 30_000 }).toMatch(/[\u0600-\u06ff]{3}/);
    expect(await layer.isVisible()).toBe(true);
    await resume.locator('input[name="password"]').fill(branchStaff.password);
    await layer.getByTestId('handover-resume').click();
    await layer.waitFor({ state: 'detached', timeout: 30_000 });
    expect(await page.evaluate(() => document.getElementById('root')!.inert)).toBe(false);
    await expect.poll(() => page.getByTestId('request-file').getAttribute('data-state')).toBe('evaluated');
    // Anonymous: nothing links it to this request.
    expect(await evaluation.getByTestId('evaluation-count').getAttribute('data-count')).toBe('0');

    // Declining is the beneficiary's right: the lock screen, nothing saved.
    await evaluation.getByTestId('evaluation-handover').click();
    await layer.getByTestId('handover-decline').click();
    await expect.poll(() => layer.getByTestId('handover-thanks').textContent()).toMatch(/ليس واجبًا/);
    await resume.locator('input[name="password"]').fill(branchStaff.password);
    await layer.getByTestId('handover-resume').click();
    await layer.waitFor({ state: 'detached', timeout: 30_000 });

    // 8d. A printed QR code: a one-time link to HQ's public page, answered later on a phone.
    await evaluation.getByTestId('evaluation-qr').click();
    const qr = page.getByTestId('qr-image');
    await qr.waitFor();
    const link = (await qr.getAttribute('data-url'))!;
    expect(link).toMatch(new RegExp(`^${hq.url}/e/[A-Za-z0-9_-]{43}$`));
    await page.getByTestId('qr-sync-note').waitFor();
    await shot(page, 'service-ar-qr');
    // What is printed: a copy of the sheet alone at the top of the page (renderer/src/features/library/print.ts), as a PDF.
    const printed = join(screenshotDir, 'service-qr-sheet.pdf');
    await page.evaluate(() => {
      const copy = document.querySelector('[data-testid="qr-sheet"]')!.cloneNode(true) as HTMLElement;
      copy.classList.add('sila-print-area');
      copy.id = 'e2e-print-copy';
      document.body.appendChild(copy);
      document.body.classList.add('sila-printing');
    });
    await page.emulateMedia({ media: 'print' });
    await writeFile(printed, await page.pdf({ format: 'A4', printBackground: true }));
    await page.emulateMedia({ media: 'screen' });
    await page.evaluate(() => {
      document.getElementById('e2e-print-copy')!.remove();
      document.body.classList.remove('sila-printing');
    });
    execFileSync('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', '1', printed, join(screenshotDir, 'service-qr-sheet-pdf')]);
    expect(decodeQrFromPdf(printed)).toBe(link);
    await page.keyboard.press('Escape');
    // The token is stored only as its hash, on the delivery; the link works once the delivery has synced.
    const token = link.split('/e/')[1]!;
    await expect
      .poll(
        async () => {
          const res = await fetch(`${hq.url}/sync/service_deliveries/pull?batchSize=100`, { headers: { authorization: `Bearer ${staffToken}` } });
          const body = (await res.json()) as { documents: { evaluationLinks?: { tokenHash: string }[] }[] };
          return body.documents.flatMap((d) => d.evaluationLinks ?? []).length;
        },
        { timeout: 60_000 },
      )
      .toBe(1);
    const pulled = await (await fetch(`${hq.url}/sync/service_deliveries/pull?batchSize=100`, { headers: { authorization: `Bearer ${staffToken}` } })).text();
    expect(pulled).not.toContain(token);

    // The beneficiary's phone: no sign-in, no app — HQ's page in Arabic, right to left.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'ar-SA' });
    try {
      const mobile = await phone.newPage();
      const mobileProblems = watchPage(mobile).problems;
      await mobile.goto(link);
      expect(await mobile.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
      await mobile.getByText(profile.association.nameAr).waitFor();
      expect(await mobile.locator('h1').textContent()).toContain(profile.services[0]!.nameAr);
      const body = (await mobile.locator('body').textContent())!;
      expect(body).not.toContain('نورة'); // nobody's name: the beneficiary's file stays on the laptop
      expect(await mobile.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await mobile.screenshot({ path: join(screenshotDir, 'service-phone-ar-form.png'), fullPage: true });
      await axe(mobile, 'phone evaluation page');
      // Sent without the overall score: an Arabic message at the question, the typed comment kept.
      await mobile.locator('textarea[name="comment"]').fill('الخدمة ممتازة والموظفون متعاونون.');
      await mobile.locator('label:has(input[name="clarity"][value="4"])').tap();
      await mobile.getByRole('button', { name: 'إرسال التقييم' }).tap();
      await mobile.getByText('اختر تقييمك العام للخدمة').waitFor();
      expect(await mobile.locator('textarea[name="comment"]').inputValue()).toBe('الخدمة ممتازة والموظفون متعاونون.');
      expect(await mobile.locator('input[name="clarity"][value="4"]').isChecked()).toBe(true);
      await mobile.screenshot({ path: join(screenshotDir, 'service-phone-ar-error.png'), fullPage: true });
      await mobile.locator('label:has(input[name="overall"][value="4"])').tap();
      await mobile.getByRole('button', { name: 'إرسال التقييم' }).tap();
      await mobile.getByText('شكرًا لك، وصل تقييمك').waitFor();
      await mobile.screenshot({ path: join(screenshotDir, 'service-phone-ar-thanks.png'), fullPage: true });
      // The same code again: used.
      await mobile.goto(link);
      await mobile.getByText('استُخدم رابط التقييم هذا من قبل').waitFor();
      // English on request.
      await mobile.goto(`${hq.url}/e/${'A'.repeat(43)}?lang=en`);
      await mobile.getByText('This evaluation link is not known').waitFor();
      expect(mobileProblems).toEqual([]);
    } finally {
      await phone.close();
    }

    // Back at the branch: the phone's evaluation arrives with the next sync, linked to this request.
    await page.evaluate(() => (window.location.hash = '#/requests/rA/evaluation'));
    await expect.poll(() => evaluation.getByTestId('evaluation-count').getAttribute('data-count'), { timeout: 60_000 }).toBe('1');

    // 10. Reports: seeded plus new numbers; branch filter; CSV and XLSX downloads.
    await page.evaluate(() => (window.location.hash = '#/reports'));
    await page.getByTestId('reports-screen').waitFor();
    await expect.poll(() => page.getByTestId('figure-evaluations').textContent()).toBe('4');
    expect(await page.getByTestId('figure-total').textContent()).toBe('4');
    expect(await page.getByTestId('figure-overdue').textContent()).toMatch(/^1$/);
    expect(await page.getByTestId('figure-median').textContent()).toMatch(/20|٢٠/); // reception → decision: rA 30 → 10 days ago, rC 40 → 20
    // Branches by the names HQ published (hq_config branch entries), not their codes.
    const branchTable = page.getByTestId('table-branch');
    await expect.poll(() => branchTable.textContent(), { timeout: 30_000 }).toContain('فرع north');
    expect(await branchTable.textContent()).toContain('فرع main');
    expect(await branchTable.textContent()).not.toMatch(/غير مسجّل/);
    const statusTable = page.getByTestId('table-status');
    await expect.poll(() => statusTable.textContent()).toMatch(/تم تقييم الخدمة/);
    await page.getByTestId('chart-status').waitFor();
    await shot(page, 'reports-ar');
    await axe(page, 'reports');

    const csvDownload = page.waitForEvent('download');
    await page.getByTestId('csv-status').click();
    const csvFile = await (await csvDownload).path();
    const csv = await readFile(csvFile, 'utf8');
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    const lines = csv.slice(1).trim().split('\r\n');
    expect(lines[0]).toBe('البند,العدد,النسبة ٪');
    const counts = Object.fromEntries(lines.slice(1).map((l) => [l.split(',')[0], Number(l.split(',')[1])]));
    expect((Object.values(counts) as number[]).reduce((a, b) => a + b, 0)).toBe(4);
    expect(counts['تم تقييم الخدمة']).toBe(1);
    expect(counts['مرفوض']).toBe(1);
    expect(counts['مرفوع إلى لجنة البحث']).toBe(1);
    expect(counts['الاستقبال']).toBe(1);

    const xlsxDownload = page.waitForEvent('download');
    await page.getByTestId('xlsx-export').click();
    const xlsx = await xlsxDownload;
    expect(xlsx.suggestedFilename()).toBe('sila-report-all.xlsx');
    const book = await readXlsx(new Uint8Array(await readFile(await xlsx.path())));
    const statusSheet = book.get('الطلبات حسب المرحلة')!;
    expect(statusSheet.slice(1).reduce((n, r) => n + Number(r[1]), 0)).toBe(4);
    const satisfaction = book.get('رضا المستفيدين شهريًا')!;
    expect(satisfaction.slice(1).reduce((n, r) => n + Number(r[1]), 0)).toBe(4);
    expect(book.get('ردود لجنة البحث المتأخرة')!.slice(1).map((r) => r[0])).toEqual(['rB']);

    // Branch filter: the north branch alone.
    await page.getByTestId('filter-branch').click();
    await page.getByRole('option', { name: /north/ }).click();
    await expect.poll(() => page.getByTestId('figure-total').textContent()).toBe('1');
    expect(await page.getByTestId('figure-evaluations').textContent()).toBe('1');
    await shot(page, 'reports-ar-north');

    // 9. The library: the policy and the tools, searchable.
    await page.evaluate(() => (window.location.hash = '#/library'));
    await page.getByTestId('library-screen').waitFor();
    await page.getByTestId('library-section-tools').waitFor();
    const all = Number(await page.getByTestId('library-count').getAttribute('data-count'));
    expect(all).toBeGreaterThan(profile.services.length + profile.tools.length);
    await shot(page, 'service-ar-library');
    await axe(page, 'library');
    await page.getByTestId('library-search').fill('اللائحه');
    await expect.poll(async () => Number(await page.getByTestId('library-count').getAttribute('data-count'))).toBeLessThan(all);
    await page.getByTestId('library-section-tools').waitFor();
    await page.getByTestId('library-search').fill('');

    // English.
    await setLocale(page, 'en');
    await shot(page, 'service-en-library');
    await page.evaluate(() => (window.location.hash = '#/reports'));
    await page.getByTestId('reports-screen').waitFor();
    await page.getByTestId('filter-branch').click();
    await page.getByRole('option', { name: /All branches/ }).click();
    await expect.poll(() => page.getByTestId('figure-total').textContent()).toBe('4');
    await shot(page, 'reports-en');
    await page.evaluate(() => (window.location.hash = '#/requests/rA/evaluation'));
    await evaluation.waitFor();
    await evaluation.getByTestId('evaluation-handover').click();
    await layer.waitFor();
    await shot(page, 'service-en-handover');
    await layer.locator('input[name="overall"][value="4"]').check();
    await layer.getByTestId('evaluation-submit').click();
    await layer.getByTestId('handover-thanks').waitFor();
    await resume.locator('input[name="password"]').fill(branchStaff.password);
    await layer.getByTestId('handover-resume').click();
    await layer.waitFor({ state: 'detached', timeout: 30_000 });
    await setLocale(page, 'ar');

    // Everything written on the laptop reached HQ.
    await expect
      .poll(async () => {
        const res = await fetch(`${hq.url}/sync/satisfaction_evaluations/pull?batchSize=100`, { headers: { authorization: `Bearer ${staffToken}` } });
        const body = (await res.json()) as { documents: { id: string; anonymous: boolean; requestId?: string }[] };
        return body.documents.length;
      }, { timeout: 60_000 })
      .toBe(5);
    expect(problems).toEqual([]);
  }, 420_000);
});
