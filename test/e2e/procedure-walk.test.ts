/**
 * Issue 7 acceptance walk, end to end in Debian Chromium with a real HQ (embedded PGlite), for
 * the five associations' policy profiles. One parametrised walk:
 *
 * settings (the association's profile) → reception: register the beneficiary, contact log entry
 * with its channel → new request for a service of the profile's catalogue (channel recorded,
 * eligibility live, documents checklist) → data collection → interview answered → referral to
 * the social researcher with its reason → the researcher (signed in on the same laptop) hands it
 * back → interview completed → documents: an ID expired at submission is caught and rejected
 * with a reason, a valid one and the other required documents verified → declaration signed on
 * screen and confirmed → submitted, receipt with the earliest reply date → committee member on a
 * SECOND browser profile accepts it (the committee laptop's clock is moved past the 14-day study
 * period with Playwright's clock; before that the workflow's refusal is checked) → the decision
 * syncs back → registration → service delivered → anonymous evaluation handed to the beneficiary.
 *
 * All five profiles walk the whole procedure (~50 s each, ~5 min together). yusr also saves
 * English screenshots. anat-al-bayt is the offline walk: every step on the branch laptop is done
 * with HQ STOPPED (the employee signed in once online, then unlocks offline): reception, request,
 * interview and referral; HQ comes back, the laptop syncs on its own and the social researcher
 * (on her own laptop, which kept trying meanwhile) returns the request; HQ goes down again for
 * the interview, documents, declaration and submission; HQ comes back, the committee decides on
 * its laptop; HQ goes down a third time for registration, service and evaluation, and when it
 * comes back everything reaches HQ (checked through HQ's sync API). The committee's file shows
 * every document with its scan and the declaration authentic and current.
 * Screenshots: artifacts/screenshots/walk-<profile>-<step>.png.
 *
 * Build first: `npx vite build --outDir /tmp/walk-dist --emptyOutDir` and run with
 * SILA_RENDERER_DIST=/tmp/walk-dist (default dist/renderer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { generateNationalId } from '../../shared/identity/nationalId';
import { policyProfilesById, type PolicyProfile } from '../../shared/policy';
import { chromiumArgs, chromiumPath, watchPage } from './helpers/browser';
import { freePort, serveStatic, type StaticServer } from './helpers/static-server';
import { createHqUser, startPgliteHq, type HqUser, type TestHq } from './helpers/hq';
import { fillRegistration, signIn } from './helpers/app';
import { answerInterview, chooseProfile, deviceToken, go, screenshot, setLocale, signOnPad, stateAtHq, switchUser } from './helpers/procedure';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const distDir = resolve(repoRoot, process.env.SILA_RENDERER_DIST ?? 'dist/renderer');
const screenshotDir = join(repoRoot, 'artifacts/screenshots');
const DAY = 86_400_000;

interface Walk {
  profileId: string;
  mode: 'full' | 'short';
  offline?: boolean;
  english?: boolean;
}

const walks: Walk[] = [
  { profileId: 'yusr', mode: 'full', english: true },
  { profileId: 'anat-al-bayt', mode: 'full', offline: true },
  { profileId: 'lamasat', mode: 'full' },
  { profileId: 'sidr', mode: 'full' },
  { profileId: 'open-islamic-academy', mode: 'full' },
];

const names: Record<string, [string, string]> = {
  yusr: ['نوف عبدالله سعد القحطاني', '31415926'],
  'anat-al-bayt': ['مريم خالد ناصر العنزي', '27182818'],
  lamasat: ['أمل فهد علي الشمري', '16180339'],
  sidr: ['سلمى ماجد حمد الحربي', '14142135'],
  'open-islamic-academy': ['جواهر سعيد عمر الغامدي', '17320508'],
};

function serviceOf(profile: PolicyProfile) {
  return profile.services.find((s) => s.requiredDocuments.some((r) => r.documentTypeIds.includes('national_id')))!;
}

describe('issue 7 acceptance: the whole procedure for each association', () => {
  let web: StaticServer;
  let hq: TestHq;
  let staff: HqUser;
  let researcher: HqUser;
  let member: HqUser;
  let committee: Page | undefined;
  const contexts: BrowserContext[] = [];
  const temp: string[] = [];
  let cardPng = '';
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    if (!existsSync(join(distDir, 'index.html'))) {
      throw new Error(`${distDir} is missing: build with \`npx vite build --outDir <dir>\` and set SILA_RENDERER_DIST`);
    }
    web = await serveStatic(distDir);
    hq = await startPgliteHq(await freePort(), [web.origin]);
    staff = await createHqUser(hq, { role: 'branch_staff', branchIds: ['main'], displayName: 'ريم موظفة الاستقبال' });
    researcher = await createHqUser(hq, { role: 'social_researcher', branchIds: ['main'], displayName: 'هند الباحثة الاجتماعية' });
    member = await createHqUser(hq, { role: 'committee_member', branchIds: ['main'], displayName: 'د. سامي عضو اللجنة' });
    const files = await mkdtemp(join(tmpdir(), 'sila-walk-files-'));
    temp.push(files);
    cardPng = join(files, 'id-card.png');
    execFileSync('convert', ['-size', '640x400', 'xc:#dbe9f6', '-fill', '#1c3d5a', '-draw', 'rectangle 40,40 220,260', '-fill', '#333', '-draw', 'rectangle 260,60 600,90', cardPng]);
  }, 90_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await hq?.destroy();
    await web?.close();
    for (const d of temp) await rm(d, { recursive: true, force: true });
    console.log('procedure walk timings (s):', JSON.stringify(timings));
  });

  async function laptop(name: string): Promise<Page> {
    const dir = await mkdtemp(join(tmpdir(), `sila-walk-${name}-`));
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

  async function walk(w: Walk): Promise<void> {
    const started = Date.now();
    const profile = policyProfilesById.get(w.profileId)!;
    const service = serviceOf(profile);
    const channel = profile.channels.find((c) => c.id === 'phone') ?? profile.channels[0]!;
    const [fullName, idSeed] = names[w.profileId]!;
    const nationalId = generateNationalId('citizen', idSeed);
    const shot = (page: Page, step: string) => screenshot(page, screenshotDir, `walk-${w.profileId}-${step}`);
    const hqUrl = hq.url;
    let observer = '';

    const page = await laptop(`branch-${w.profileId}`);
    current = page;
    const { problems } = watchPage(page);
    await page.goto(web.url);
    let researcherLaptop: Page | undefined;
    if (w.offline) {
      // The employee signs in once while HQ is reachable (that creates her account on this
      // laptop); the social researcher works on her own laptop. Then HQ goes down.
      await signIn(page, { hqUrl, username: staff.username, password: staff.password });
      await chooseProfile(page, profile);
      observer = await deviceToken(hqUrl, staff, `walk-observer-${w.profileId}`);
      researcherLaptop = await laptop(`researcher-${w.profileId}`);
      await researcherLaptop.goto(web.url);
      await signIn(researcherLaptop, { hqUrl, username: researcher.username, password: researcher.password });
      await chooseProfile(researcherLaptop, profile);
      await hq.stop();
      await switchUser(page, { hqUrl, username: staff.username, password: staff.password, offline: true });
    } else {
      await signIn(page, { hqUrl, username: staff.username, password: staff.password });
      await chooseProfile(page, profile);
    }
    await shot(page, '01-settings-profile');

    // ---- Reception ----
    await go(page, '#/beneficiaries');
    await page.getByTestId('registration-form').waitFor();
    await fillRegistration(page, { fullName, nationalId, phone: '0551234567' });
    const opened = page.getByTestId('saved-open-file');
    await opened.waitFor({ timeout: 30_000 });
    const beneficiaryId = /#\/beneficiaries\/([A-Za-z0-9_-]+)/.exec((await opened.getAttribute('href')) ?? '')?.[1];
    expect(beneficiaryId).toBeTruthy();
    await shot(page, '02-reception-registered');
    await go(page, `#/beneficiaries/${beneficiaryId}`);
    await page.getByTestId('beneficiary-file').waitFor();
    await page.getByTestId('contact-channel').click();
    await page.getByRole('option', { name: channel.labelAr, exact: true }).click();
    await page.getByTestId('contact-form').locator('textarea[name="summary"]').fill('اتصلت تسأل عن الخدمة وطريقة التقديم.');
    await page.getByTestId('contact-submit').click();
    await page.locator(`[data-testid="contact-entry"][data-channel="${channel.id}"]`).waitFor();
    await shot(page, '03-reception-contact-log');

    // ---- New request: service, channel, eligibility, checklist ----
    await page.getByTestId('new-request').click();
    await page.getByTestId('new-request-form').waitFor();
    await page.getByLabel(service.nameAr).check();
    await expect.poll(() => page.getByTestId('checklist-item').count()).toBe(service.requiredDocuments.length);
    if (service.conditions.length > 0) {
      await page.getByTestId('eligibility').waitFor();
      for (const status of await page.getByTestId('eligibility-condition').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))) {
        expect(['pass', 'fail', 'unknown']).toContain(status);
      }
    }
    await page.getByTestId('request-channel').click();
    await page.getByRole('option', { name: channel.labelAr, exact: true }).click();
    await page.getByTestId('new-request-form').locator('textarea[name="summary"]').fill(`طلب ${service.nameAr}`);
    await shot(page, '04-request-new-eligibility');
    if (w.english) {
      await setLocale(page, 'en');
      await screenshot(page, screenshotDir, `walk-${w.profileId}-04-request-new-en`);
      await setLocale(page, 'ar');
    }
    await page.getByTestId('create-request').click();
    await page.getByTestId('intake-step').waitFor({ timeout: 30_000 });
    const requestId = /#\/requests\/([A-Za-z0-9_-]+)/.exec(page.url())![1]!;
    expect(await page.getByTestId('request-channel-recorded').getAttribute('data-channel')).toBe(channel.id);
    await shot(page, '05-request-intake');

    if (w.mode === 'short') {
      await go(page, `#/requests/${requestId}/documents`);
      await page.getByTestId('documents-step').waitFor();
      await expect.poll(() => page.locator('[data-testid="documents-step"] [data-testid="checklist-item"]').count()).toBe(service.requiredDocuments.length);
      await shot(page, '06-documents-checklist');
      expect(problems).toEqual([]);
      timings[w.profileId] = Math.round((Date.now() - started) / 1000);
      return;
    }

    // ---- Data collection, interview, referral and return ----
    await page.getByTestId('begin-data-collection').click();
    await page.getByTestId('interview-form').waitFor();
    await page.getByTestId('interview-mode').getByText('زيارة ميدانية').click();
    await answerInterview(page, service);
    await page.getByTestId('interview-form').locator('textarea[name="interviewNotes"]').fill('زيارة ميدانية للمنزل، حضرت الأم والأبناء.');
    await expect.poll(() => page.getByTestId('draft-status').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved');
    await shot(page, '06-interview');
    const reason = 'ظروف الأسرة تحتاج تقييمًا من الباحث الاجتماعي قبل الرفع للجنة.';
    await page.getByTestId('referral-form').locator('textarea[name="referralReason"]').fill(reason);
    await page.getByTestId('refer-to-researcher').click();
    await expect.poll(() => page.getByTestId('request-state').getAttribute('data-state')).toBe('with_social_researcher');
    await shot(page, '07-referred');

    if (w.offline) {
      // Everything so far was done with HQ down. HQ comes back: the employee's laptop (unlocked
      // offline, holding only its sealed refresh token) syncs on its own, and the referral
      // reaches the researcher's laptop, which kept trying while HQ was away.
      await hq.restart();
      await expect.poll(() => stateAtHq(hqUrl, observer, requestId), { timeout: 120_000, interval: 1_000 }).toBe('with_social_researcher');
    }
    // The researcher, from her own account (each user's store is separate, so the referral
    // reaches her through HQ): on her own laptop in the offline walk, on this one otherwise.
    const desk = researcherLaptop ?? page;
    if (!researcherLaptop) await switchUser(page, { hqUrl, username: researcher.username, password: researcher.password, offline: false });
    await go(desk, `#/requests/${requestId}/interview`);
    await desk.getByTestId('return-from-researcher').waitFor({ timeout: 120_000 });
    expect(await desk.getByTestId('referral-open').textContent()).toContain(reason);
    await desk.getByTestId('referral-open').locator('textarea[name="returnNote"]').fill('قيّمت الأسرة؛ الحاجة قائمة ويوصى بالخدمة.');
    await shot(desk, '08-researcher');
    await desk.getByTestId('return-from-researcher').click();
    await expect.poll(() => desk.getByTestId('request-state').getAttribute('data-state')).toBe('data_collection');

    if (w.offline) {
      await expect.poll(() => stateAtHq(hqUrl, observer, requestId), { timeout: 120_000, interval: 1_000 }).toBe('data_collection');
    } else {
      await switchUser(page, { hqUrl, username: staff.username, password: staff.password, offline: false });
    }
    await go(page, `#/requests/${requestId}/interview`);
    await expect.poll(() => page.getByTestId('request-state').getAttribute('data-state'), { timeout: 120_000, interval: 1_000 }).toBe('data_collection');
    if (w.offline) await hq.stop(); // offline again for the rest of the branch's work
    await page.getByTestId('interview-form').waitFor();
    await answerInterview(page, service); // the draft is kept; answering again is harmless
    await page.getByTestId('complete-interview').click();
    await page.getByTestId('completed-interview').waitFor({ timeout: 30_000 });
    await shot(page, '09-interview-completed');

    // ---- Documents: an expired ID caught and rejected, then everything verified ----
    await go(page, `#/requests/${requestId}/documents`);
    await page.getByTestId('documents-step').waitFor();
    const idItem = page.locator('[data-testid="checklist-item"][data-types~="national_id"]');
    await idItem.getByTestId('checklist-add').click();
    let editor = page.getByTestId('document-editor');
    await editor.waitFor();
    await editor.getByTestId('document-number').fill(nationalId);
    await editor.getByTestId('expiryDate-input').fill('01/01/1445'); // Hijri, before the submission date
    await editor.getByTestId('flag-expired').waitFor();
    await attachScan(page, editor);
    await shot(page, '10-documents-expired-caught');
    await editor.getByTestId('document-save').click();
    await editor.waitFor({ state: 'detached' });
    const expired = page.getByTestId('document-card').first();
    await expired.getByTestId('badge-expired').waitFor();
    // (The checklist item itself stays "presented": the ID card typed at reception, valid till 1450 AH, counts.)
    await expired.getByTestId('verification-note').fill('الهوية منتهية في تاريخ التقديم؛ طُلبت هوية سارية.');
    await expired.getByTestId('document-reject').click();
    await expect.poll(() => expired.getAttribute('data-status')).toBe('rejected');

    // The ID card typed at reception (valid till 1450 AH) is already a pending document; add a
    // valid one only if it is not there.
    const pending = page.locator('[data-testid="document-card"][data-status="pending"]');
    if ((await pending.count()) === 0) {
      await idItem.getByTestId('checklist-add').click();
      editor = page.getByTestId('document-editor');
      await editor.getByTestId('document-number').fill(nationalId);
      await editor.getByTestId('expiryDate-input').fill('01/01/1450');
      await attachScan(page, editor);
      await editor.getByTestId('document-save').click();
      await editor.waitFor({ state: 'detached' });
    }
    for (const item of await page.locator('[data-testid="documents-step"] [data-testid="checklist-item"]').all()) {
      if ((await item.getAttribute('data-types'))?.split(' ').includes('national_id')) continue;
      await item.getByTestId('checklist-add').click();
      const other = page.getByTestId('document-editor');
      await other.waitFor();
      await attachScan(page, other);
      await other.getByTestId('document-save').click();
      await other.waitFor({ state: 'detached' });
    }
    await expect.poll(() => pending.count()).toBeGreaterThanOrEqual(service.requiredDocuments.length);
    // Known intermittent problem (see the session note): now and then a document card is replaced
    // under the test right after its scan is saved. Take the pending list again, at most twice; the
    // outcome (every required document verified) is still checked below.
    let retries = 0;
    while ((await pending.count()) > 0) {
      const before = await pending.count();
      // Pin the card by its record id: the list's order can change when a document is saved.
      const documentId = await pending.first().getAttribute('data-document-id');
      const card = page.locator(`[data-testid="document-card"][data-document-id="${documentId}"]`);
      try {
        if ((await card.getByTestId('scan-thumb').count()) === 0) {
          // Verification needs the scan: attach it to the document (e.g. the ID typed at reception).
          await card.getByTestId('document-edit').click({ timeout: 15_000 });
          const edit = page.getByTestId('document-editor');
          await attachScan(page, edit);
          await edit.getByTestId('document-save').click();
          await edit.waitFor({ state: 'detached' });
          await card.getByTestId('scan-thumb').waitFor({ timeout: 15_000 });
        }
        await card.getByTestId('document-verify').click({ timeout: 15_000 });
        await expect.poll(() => pending.count(), { timeout: 15_000 }).toBe(before - 1);
      } catch (err) {
        if (++retries > 2) throw err;
        console.warn(`walk ${w.profileId}: document ${documentId} changed under the test (${retries}); taking the pending list again`);
        if (await page.getByTestId('document-editor').count()) await page.keyboard.press('Escape');
      }
    }
    await expect.poll(() => idItem.getAttribute('data-status')).toBe('verified');
    await shot(page, '11-documents-verified');
    if (w.english) {
      await setLocale(page, 'en');
      await screenshot(page, screenshotDir, `walk-${w.profileId}-11-documents-en`);
      await setLocale(page, 'ar');
    }

    // ---- Declaration signed on screen ----
    await go(page, `#/requests/${requestId}/declaration`);
    await page.getByTestId('declaration-step').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('declared-data').textContent(), { timeout: 30_000 }).toContain(fullName);
    expect(await page.getByTestId('declaration-gaps').count()).toBe(0);
    const place = page.getByTestId('declaration-step').locator('input[name="place"]');
    if ((await place.inputValue()) === '') await place.fill('الرياض');
    await signOnPad(page);
    await page.getByTestId('declaration-confirm').check();
    await shot(page, '12-declaration-signing');
    await page.getByTestId('declaration-create').click();
    await page.getByTestId('declaration-built').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('request-file').getAttribute('data-state'), { timeout: 30_000 }).toBe('declaration_signed');
    await shot(page, '13-declaration-signed');

    // ---- Submission and receipt ----
    await go(page, `#/requests/${requestId}/submission`);
    const submit = page.getByTestId('submission-submit');
    await submit.waitFor();
    await expect.poll(() => submit.isEnabled(), { timeout: 30_000 }).toBe(true);
    await submit.click();
    await page.getByTestId('receipt').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('receipt-earliest').textContent()).toMatch(/هـ/);
    await shot(page, '14-receipt');
    if (w.english) {
      await setLocale(page, 'en');
      await screenshot(page, screenshotDir, `walk-${w.profileId}-14-receipt-en`);
      await setLocale(page, 'ar');
    }

    if (w.offline) {
      // Everything so far was done with HQ down: nothing of it is at HQ yet. HQ comes back; the
      // laptop syncs on its own.
      expect(await page.getByTestId('request-file').getAttribute('data-state')).toBe('submitted_to_committee');
      await hq.restart();
      await expect.poll(() => stateAtHq(hqUrl, observer, requestId), { timeout: 120_000, interval: 1_000 }).toBe('submitted_to_committee');
    }

    // ---- Committee decision on another laptop ----
    // A fresh committee laptop per walk (its clock is moved forward below).
    committee = await laptop(`committee-${w.profileId}`);
    const committeeProblems = watchPage(committee).problems;
    await committee.goto(web.url);
    await signIn(committee, { hqUrl, username: member.username, password: member.password });
    await chooseProfile(committee, profile);
    await go(committee, '#/committee');
    const row = committee.locator(`[data-testid="committee-row"][data-request-id="${requestId}"]`);
    await row.waitFor({ timeout: 120_000 });
    await screenshot(committee, screenshotDir, `walk-${w.profileId}-15-committee-queue`);
    await row.getByRole('link').click();
    const form = committee.getByTestId('decision-form');
    await form.waitFor({ timeout: 30_000 });
    await committee.getByTestId('committee-verification').waitFor({ timeout: 60_000 });
    // The whole file reached the committee's laptop: the declaration is authentic and current,
    // and every document is there with its scan (the expired ID rejected, the others verified).
    await expect.poll(() => committee!.getByTestId('committee-verification').getAttribute('data-status'), { timeout: 60_000 }).toBe('authentic_current');
    expect(await committee.getByTestId('committee-declaration-stale').count()).toBe(0);
    const docRows = committee.getByTestId('committee-document');
    await expect.poll(() => docRows.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(service.requiredDocuments.length + 1);
    expect(await committee.locator('[data-testid="committee-document"][data-status="rejected"]').count()).toBe(1);
    expect(await committee.locator('[data-testid="committee-document"][data-status="pending"]').count()).toBe(0);
    await expect.poll(() => committee!.locator('[data-testid="committee-document"] [data-testid="scan-thumb"]').count(), { timeout: 60_000 }).toBe(await docRows.count());
    await committee.locator('[data-testid="committee-document"] [data-testid="scan-open"]').first().click();
    await committee.getByTestId('committee-scan-large').waitFor();
    await screenshot(committee, screenshotDir, `walk-${w.profileId}-15b-committee-scan`);
    await committee.keyboard.press('Escape');
    // Today the study period is not over: acceptance is refused with the workflow's reason.
    await form.getByText('قبول', { exact: true }).click();
    await committee.getByTestId('decision-submit').click();
    await expect.poll(() => committee!.getByTestId('decision-error').textContent()).toContain('لا يصدر قرار القبول أو الرفض قبل انقضاء مدة الدراسة');
    await screenshot(committee, screenshotDir, `walk-${w.profileId}-16-committee-refused-early`);
    // Fifteen days later (the committee laptop's clock), the member accepts.
    await committee.clock.setFixedTime(new Date(Date.now() + 15 * DAY));
    await committee.getByTestId('decision-submit').click();
    await committee.getByTestId('committee-decided').waitFor({ timeout: 30_000 });
    await screenshot(committee, screenshotDir, `walk-${w.profileId}-17-committee-accepted`);
    if (w.english) {
      await setLocale(committee, 'en');
      await screenshot(committee, screenshotDir, `walk-${w.profileId}-17-committee-accepted-en`);
      await setLocale(committee, 'ar');
    }

    // ---- Back at the branch: the decision arrives; registration, service, evaluation ----
    await go(page, `#/requests/${requestId}`);
    await expect.poll(() => page.getByTestId('request-file').getAttribute('data-state'), { timeout: 120_000, interval: 1_000 }).toBe('accepted');
    if (w.offline) await hq.stop(); // the last part offline too
    await go(page, `#/requests/${requestId}/registration`);
    const registration = page.getByTestId('registration-step');
    await registration.waitFor({ timeout: 30_000 });
    await registration.getByTestId('register-beneficiary').click();
    await registration.getByTestId('registration-done').waitFor();
    await shot(page, '18-registered');

    await go(page, `#/requests/${requestId}/delivery`);
    const delivery = page.getByTestId('delivery-step');
    await delivery.waitFor();
    await delivery.locator('textarea[name="notes"]').fill(`قُدِّمت ${service.nameAr} للمستفيدة.`);
    await delivery.getByTestId('delivery-submit').click();
    await expect.poll(() => delivery.getByTestId('delivery-row').count()).toBe(1);
    await shot(page, '19-service-delivered');

    await go(page, `#/requests/${requestId}/evaluation`);
    const evaluation = page.getByTestId('evaluation-step');
    await evaluation.waitFor();
    await evaluation.getByTestId('evaluation-handover').click();
    const layer = page.getByTestId('handover-layer');
    await layer.waitFor();
    await layer.locator('input[name="overall"][value="5"]').check();
    await layer.locator('input[name="anonymous"]').check();
    await shot(page, '20-evaluation-handover');
    await layer.getByTestId('evaluation-submit').click();
    await layer.getByTestId('handover-thanks').waitFor();
    await layer.getByTestId('handover-resume-form').locator('input[name="password"]').fill(staff.password);
    await layer.getByTestId('handover-resume').click();
    await layer.waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(() => page.getByTestId('request-file').getAttribute('data-state')).toBe('evaluated');
    await shot(page, '21-evaluated');
    if (w.offline) {
      // Back online: the registration, the service and the evaluation reach HQ by themselves.
      await hq.restart();
      await expect.poll(() => stateAtHq(hqUrl, observer, requestId), { timeout: 120_000, interval: 1_000 }).toBe('evaluated');
    }
    if (w.english) {
      await setLocale(page, 'en');
      await screenshot(page, screenshotDir, `walk-${w.profileId}-21-evaluated-en`);
      await setLocale(page, 'ar');
    }

    expect(problems).toEqual([]);
    expect(committeeProblems).toEqual([]);
    timings[w.profileId] = Math.round((Date.now() - started) / 1000);
    await committee.context().close();
    await researcherLaptop?.context().close();
    await page.context().close();
    committee = undefined;
  }

  let current: Page | undefined;

  async function attachScan(page: Page, editor: Locator): Promise<void> {
    const chooser = page.waitForEvent('filechooser');
    await editor.getByTestId('scan-pick').click();
    await (await chooser).setFiles(cardPng);
    await editor.getByTestId('scan-pending').waitFor();
  }
  async function walkOrShow(w: Walk): Promise<void> {
    const firstContext = contexts.length;
    try {
      await walk(w);
    } catch (err) {
      if (current) await current.screenshot({ path: join(screenshotDir, `walk-${w.profileId}-FAILED.png`), fullPage: true }).catch(() => {});
      // Bounded: a restart that hangs must not also take the next walks down with it.
      if (w.offline) await Promise.race([hq.restart().catch(() => {}), new Promise((r) => setTimeout(r, 30_000))]);
      if (committee) await committee.screenshot({ path: join(screenshotDir, `walk-${w.profileId}-FAILED-committee.png`), fullPage: true }).catch(() => {});
      // The failed walk's laptops (each its own Chromium) are closed so they do not load the next walks.
      for (const context of contexts.splice(firstContext)) await context.close().catch(() => {});
      committee = undefined;
      current = undefined;
      throw err;
    }
  }

  for (const w of walks) {
    it(`${w.profileId}: ${w.mode === 'full' ? 'reception to evaluation' : 'reception to the documents checklist'}${w.offline ? ', offline then synced' : ''}`, () => walkOrShow(w), w.mode === 'full' ? 420_000 : 120_000);
  }
});
