/**
 * Issue 7 item 4 — document verification, end to end in Debian Chromium with a real HQ:
 * a branch employee opens a request file, adds the required ID from a file chooser (a file that
 * is not an image is refused first, keeping what was typed), types a Hijri expiry date already
 * past (flagged expired) and a number that is not the beneficiary's (flagged mismatch), rejects
 * it with a reason; adds a correct one by drag and drop and verifies it; photographs a third
 * with Chromium's fake camera, views it large, rotates and crops it; a refused camera shows the
 * Arabic message. Screenshots in Arabic and English (artifacts/screenshots/documents-*.png).
 *
 * Build first: `npx vite build --outDir /tmp/documents-dist --emptyOutDir` and run with
 * SILA_RENDERER_DIST=/tmp/documents-dist (default dist/renderer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { generateNationalId } from '../../shared/identity/nationalId';
import { chromiumArgs, chromiumPath, watchPage } from './helpers/browser';
import { freePort, serveStatic, type StaticServer } from './helpers/static-server';
import { createHqUser, startPgliteHq, type TestHq } from './helpers/hq';
import { signIn, unlock } from './helpers/app';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const distDir = resolve(repoRoot, process.env.SILA_RENDERER_DIST ?? 'dist/renderer');
const screenshotDir = join(repoRoot, 'artifacts/screenshots');

describe('documents step: add, compare, flag, verify, reject, camera, rotate and crop', () => {
  let web: StaticServer;
  let hq: TestHq;
  let context: BrowserContext;
  const temp: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(distDir, 'index.html'))) {
      throw new Error(
        `${distDir} is missing: build with \`npx vite build --outDir <dir>\` and set SILA_RENDERER_DIST`,
      );
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

  /** The documents step itself, or the window (for dialogs); toasts closed first. */
  async function screenshot(page: Page, name: string, whole = false): Promise<void> {
    await mkdir(screenshotDir, { recursive: true });
    const toasts = page.locator('.mantine-Notification-closeButton');
    for (let i = 0; i < 10 && (await toasts.count()) > 0; i++)
      await toasts
        .first()
        .click({ timeout: 2000 })
        .catch(() => {});
    await page.waitForTimeout(300); // the toasts' exit transition
    const path = join(screenshotDir, `documents-${name}.png`);
    if (whole) await page.screenshot({ path });
    else await page.getByTestId('documents-step').screenshot({ path });
  }

  /** axe-core on the documents step (or an open dialog): no serious or critical violations. */
  async function axe(
    page: Page,
    label: string,
    selector = '[data-testid="documents-step"]',
  ): Promise<void> {
    const result = await new AxeBuilder({ page })
      .include(selector)
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(
      bad.map((v) => `${label}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([]);
  }

  it('walks the documents step of a request file', async () => {
    const files = await mkdtemp(join(tmpdir(), 'sila-docs-files-'));
    const profileDir = await mkdtemp(join(tmpdir(), 'sila-docs-profile-'));
    temp.push(files, profileDir);
    // Scans made with ImageMagick: an ID-like card, 640×400.
    const cardPng = join(files, 'id-card.png');
    execFileSync('convert', [
      '-size',
      '640x400',
      'xc:#dbe9f6',
      '-fill',
      '#1c3d5a',
      '-draw',
      'rectangle 40,40 220,260',
      '-fill',
      '#333',
      '-draw',
      'rectangle 260,60 600,90',
      '-draw',
      'rectangle 260,120 560,150',
      cardPng,
    ]);
    const cardJpeg = join(files, 'id-card-2.jpg');
    execFileSync('convert', [cardPng, '-rotate', '180', cardJpeg]);
    const fakePng = join(files, 'not-really.png');
    await writeFile(fakePng, 'MZ this is a program, not a picture');

    const user = await createHqUser(hq, { role: 'branch_staff', branchIds: ['riyadh'] });
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: chromiumPath,
      args: [
        ...chromiumArgs,
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
      ],
      headless: true,
      viewport: { width: 1280, height: 900 },
      locale: 'ar-SA',
      permissions: ['camera'],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const { problems } = watchPage(page);
    await page.goto(web.url);
    await signIn(page, { hqUrl: hq.url, username: user.username, password: user.password });

    // Reception: register the beneficiary through the form.
    const nationalId = generateNationalId('citizen', '13572468');
    const otherId = generateNationalId('citizen', '24681357');
    await page.evaluate(() => (window.location.hash = '#/beneficiaries'));
    const form = page.getByTestId('registration-form');
    await form.waitFor();
    if ((await form.locator('input[name="nameFirst"]').count()) > 0) {
      await form.locator('input[name="nameFirst"]').fill('سارة');
      await form.locator('input[name="nameFather"]').fill('محمد');
      await form.locator('input[name="nameGrandfather"]').fill('علي');
      await form.locator('input[name="nameFamily"]').fill('الشهري');
    } else {
      await form.locator('input[name="fullName"]').fill('سارة محمد علي الشهري');
    }
    await form.locator('input[name="nationalId"]').fill(nationalId);
    await form.locator('input[name="phone"]').fill('0551234567');
    await page.getByTestId('register-submit').click();
    const opened = page.getByTestId('saved-open-file');
    await opened.waitFor({ timeout: 20_000 });
    const beneficiaryHref = (await opened.getAttribute('href')) ?? '';
    const beneficiaryId = /#\/beneficiaries\/([A-Za-z0-9_-]+)/.exec(beneficiaryHref)?.[1];
    expect(beneficiaryId).toBeTruthy();

    // New request: the first service of the association's catalogue, the first channel.
    await page.evaluate(
      (id) => (window.location.hash = `#/requests/new?beneficiary=${id}`),
      beneficiaryId!,
    );
    await page.getByTestId('new-request-form').waitFor();
    await page.locator('[data-testid^="service-"]').first().click();
    await page.getByTestId('request-channel').click();
    await page.getByRole('option').first().click();
    await page.getByTestId('create-request').click();
    await page.waitForFunction(
      () => /#\/requests\/[A-Za-z0-9_-]+\/intake/.test(window.location.hash),
      undefined,
      { timeout: 20_000 },
    );
    const requestId = /#\/requests\/([A-Za-z0-9_-]+)\//.exec(
      await page.evaluate(() => window.location.hash),
    )![1]!;
    await page.evaluate((id) => (window.location.hash = `#/requests/${id}/documents`), requestId);
    const step = page.getByTestId('documents-step');
    await step.waitFor();
    await expect.poll(() => page.getByTestId('reference-day').textContent()).toMatch(/اليوم/);
    const idItem = page.locator('[data-testid="checklist-item"][data-types~="national_id"]');
    await expect.poll(() => idItem.getAttribute('data-status')).toBe('missing');
    await screenshot(page, 'ar-empty');

    // 1. The ID from the file chooser: a refused file first, then the real scan.
    await idItem.getByTestId('checklist-add').click();
    const editor = page.getByTestId('document-editor');
    await editor.waitFor();
    await editor.getByTestId('document-number').fill(otherId);
    await editor.getByTestId('expiryDate-input').fill('01/01/1445'); // Hijri, already past
    await expect
      .poll(() => editor.getByTestId('expiryDate-equivalent').textContent())
      .toMatch(/2023|٢٠٢٣/);
    await editor.getByTestId('flag-expired').waitFor();
    await editor.getByTestId('flag-id_number_mismatch').waitFor();
    let chooser = page.waitForEvent('filechooser');
    await editor.getByTestId('scan-pick').click();
    await (await chooser).setFiles(fakePng);
    await expect.poll(() => editor.getByTestId('scan-problem').textContent()).toMatch(/ليس صورة/);
    expect(await editor.getByTestId('document-number').inputValue()).toBe(otherId); // nothing lost
    await screenshot(page, 'ar-flags-and-refused-file');
    await axe(page, 'editor with flags');
    chooser = page.waitForEvent('filechooser');
    await editor.getByTestId('scan-pick').click();
    await (await chooser).setFiles(cardPng);
    await editor.getByTestId('scan-pending').waitFor();
    expect(await editor.getByTestId('scan-problem').count()).toBe(0);
    await editor.getByTestId('document-save').click();
    await editor.waitFor({ state: 'detached' });
    const first = page.getByTestId('document-card').first();
    await first.getByTestId('badge-expired').waitFor();
    await first.getByTestId('badge-mismatch').waitFor();
    await first.getByTestId('scan-thumb').waitFor();
    await expect.poll(() => idItem.getAttribute('data-status')).toBe('expired_at_submission');

    // Verifying a mismatched document is refused; rejecting needs a reason.
    await first.getByTestId('document-verify').click();
    await expect
      .poll(() => first.getByTestId('verification-error').textContent())
      .toMatch(/لا يطابق رقم الهوية/);
    await first.getByTestId('document-reject').click();
    await expect
      .poll(() => first.getByTestId('verification-error').textContent())
      .toMatch(/سبب رفض/);
    await first
      .getByTestId('verification-note')
      .fill('رقم الهوية في الصورة لا يطابق رقم المستفيد، والهوية منتهية.');
    await first.getByTestId('document-reject').click();
    await expect.poll(() => first.getAttribute('data-status')).toBe('rejected');
    await first.getByTestId('rejection-reason').waitFor();
    await first.getByTestId('verification-record').waitFor();

    // 2. A correct ID by drag and drop, expiry typed in Gregorian, verified.
    await page.getByTestId('document-add').click();
    const editor2 = page.getByTestId('document-editor');
    await editor2.getByTestId('document-type').click();
    await page.getByRole('option', { name: 'الهوية الوطنية' }).click();
    await editor2.getByTestId('document-number').fill(nationalId);
    await editor2.getByTestId('expiryDate-calendar').getByText('ميلادي').click();
    const future = new Date(Date.now() + 400 * 86_400_000);
    const futureText = `${String(future.getUTCDate()).padStart(2, '0')}/${String(future.getUTCMonth() + 1).padStart(2, '0')}/${future.getUTCFullYear()}`;
    await editor2.getByTestId('expiryDate-input').fill(futureText);
    await expect
      .poll(() => editor2.getByTestId('expiryDate-equivalent').textContent())
      .toMatch(/هـ/);
    const jpegBytes = [...(await readFile(cardJpeg))];
    await editor2.getByTestId('scan-dropzone').evaluate((zone, bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'dropped-id.jpg', { type: 'image/jpeg' }));
      for (const type of ['dragenter', 'dragover', 'drop'])
        zone.dispatchEvent(
          new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }),
        );
    }, jpegBytes);
    await expect
      .poll(() => editor2.getByTestId('scan-pending').textContent())
      .toMatch(/dropped-id\.jpg/);
    expect(await editor2.locator('[data-testid^="flag-"]').count()).toBe(0);
    await editor2.getByTestId('document-save').click();
    await editor2.waitFor({ state: 'detached' });
    const second = page.locator('[data-testid="document-card"][data-status="pending"]');
    await second.getByTestId('scan-thumb').waitFor();
    await second.getByTestId('document-verify').click();
    const verifiedCard = page.locator('[data-testid="document-card"][data-status="verified"]');
    await verifiedCard.waitFor();
    await verifiedCard.getByTestId('verification-record').waitFor();
    await expect.poll(() => idItem.getAttribute('data-status')).toBe('verified');
    await screenshot(page, 'ar-verified-and-rejected');
    await axe(page, 'verified and rejected');

    // 3. The laptop camera (Chromium's fake device), then view large, rotate and crop.
    await page.getByTestId('document-add').click();
    const editor3 = page.getByTestId('document-editor');
    await editor3.getByTestId('document-type').click();
    await page.getByRole('option').first().click();
    await editor3.getByTestId('scan-camera').click();
    const capture = page.getByTestId('camera-capture');
    await expect.poll(() => capture.isEnabled(), { timeout: 20_000 }).toBe(true);
    await screenshot(page, 'ar-camera', true);
    await axe(page, 'camera', '.mantine-Modal-content');
    await capture.click();
    await expect.poll(() => editor3.getByTestId('scan-pending').textContent()).toMatch(/الكاميرا/);
    await editor3.getByTestId('document-save').click();
    await editor3.waitFor({ state: 'detached' });
    const third = page.locator('[data-testid="document-card"][data-status="pending"]');
    await third.getByTestId('scan-open').click();
    const size = page.getByTestId('viewer-size');
    await size.waitFor();
    const before = /(\d+)\s*×\s*(\d+)/.exec((await size.textContent()) ?? '');
    expect(before).not.toBeNull();
    const [w, h] = [Number(before![1]), Number(before![2])];
    await page.getByTestId('viewer-rotate-right').click();
    await expect.poll(() => size.textContent()).toContain(`${h} × ${w}`);
    await page.getByTestId('viewer-crop').click();
    const handle = page.getByTestId('crop-handle-se');
    const box = (await handle.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x - 60, box.y - 40, { steps: 5 });
    await page.mouse.up();
    const cropped = /(\d+)\s*×\s*(\d+)/.exec((await size.textContent()) ?? '')!;
    expect(Number(cropped[1])).toBeLessThan(Math.round(h * 0.8));
    expect(Number(cropped[2])).toBeLessThan(Math.round(w * 0.8));
    await screenshot(page, 'ar-crop', true);
    await axe(page, 'viewer', '.mantine-Modal-content');
    const oldSrc = await third.getByTestId('scan-thumb').getAttribute('src');
    await page.getByTestId('viewer-save').click();
    await page.getByTestId('viewer-canvas').waitFor({ state: 'detached' });
    await expect.poll(() => third.getByTestId('scan-thumb').getAttribute('src')).not.toBe(oldSrc);
    const dims = await third
      .getByTestId('scan-thumb')
      .evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
    expect(dims).toEqual([Number(cropped[1]), Number(cropped[2])]);

    // A refused camera: the Arabic message says what to do next.
    await page.getByTestId('document-add').click();
    await page.evaluate(() => {
      navigator.mediaDevices.getUserMedia = () =>
        Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    await page.getByTestId('document-editor').getByTestId('scan-camera').click();
    await expect
      .poll(() => page.getByTestId('camera-problem').textContent())
      .toMatch(/لم يُسمح للتطبيق باستخدام الكاميرا/);
    await screenshot(page, 'ar-camera-denied', true);
    await page.keyboard.press('Escape');
    await page.getByTestId('document-editor').getByRole('button', { name: 'إلغاء' }).click();

    // Scans never go to localStorage; the data survives a reload (sealed scans reopen).
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    expect(stored).not.toContain(otherId);
    expect(stored).not.toMatch(/iVBOR|\/9j\//);
    expect(stored.length).toBeLessThan(20_000);

    // At rest the scans and the document numbers are encrypted: no IndexedDB record holds a PNG
    // or JPEG in clear (raw or base64) or the ID number typed.
    const dump = await page.evaluate(async () => {
      const parts: string[] = [];
      const b64 = (bytes: Uint8Array) =>
        btoa(Array.from(bytes, (c) => String.fromCharCode(c)).join(''));
      // Blobs and byte arrays (attachments) become base64 so a clear image would show its signature.
      async function plain(v: unknown): Promise<unknown> {
        if (v instanceof Blob) return b64(new Uint8Array(await v.arrayBuffer()));
        if (v instanceof ArrayBuffer) return b64(new Uint8Array(v));
        if (ArrayBuffer.isView(v)) return b64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
        if (Array.isArray(v)) return Promise.all(v.map(plain));
        if (v && typeof v === 'object') {
          const out: Record<string, unknown> = {};
          for (const [k, x] of Object.entries(v)) out[k] = await plain(x);
          return out;
        }
        return v;
      }
      for (const info of await indexedDB.databases()) {
        const db = await new Promise<IDBDatabase>((ok, fail) => {
          const req = indexedDB.open(info.name!);
          req.onsuccess = () => ok(req.result);
          req.onerror = () => fail(req.error ?? new Error('open failed'));
        });
        for (const name of [...db.objectStoreNames]) {
          const rows = await new Promise<unknown[]>((ok, fail) => {
            const req = db.transaction(name).objectStore(name).getAll();
            req.onsuccess = () => ok(req.result as unknown[]);
            req.onerror = () => fail(req.error ?? new Error('getAll failed'));
          });
          for (const row of rows) parts.push(JSON.stringify(await plain(row)));
        }
        db.close();
      }
      return parts.join('\n');
    });
    expect(dump.length).toBeGreaterThan(1000);
    // The records' secret fields are sealed (AES-GCM, shared/security/rxdb-encryption.ts) and the
    // scans are there, as ciphertext.
    expect(dump).toContain('"silaSealed"');
    expect(dump).toMatch(/"data":"[A-Za-z0-9+/=]{2000,}"/); // a stored scan (Blob) of some size
    expect(dump).not.toContain('iVBORw0KGgo'); // PNG
    expect(dump).not.toMatch(/\/9j\/[0-9A-Za-z+/]{4}/); // JPEG
    expect(dump).not.toContain(otherId);

    // After a reload and unlock everything is still there and the sealed scans reopen.
    await page.reload();
    await unlock(page, user.password);
    await page.evaluate((id) => (window.location.hash = `#/requests/${id}/documents`), requestId);
    await page.getByTestId('documents-step').waitFor();
    await expect.poll(() => page.getByTestId('document-card').count()).toBe(3);
    await expect.poll(() => page.getByTestId('scan-thumb').count()).toBe(3);
    await expect.poll(() => idItem.getAttribute('data-status')).toBe('verified');

    // English.
    await page.getByTestId('locale-toggle').click();
    await expect.poll(() => page.getByTestId('reference-day').textContent()).toMatch(/today/);
    await page
      .locator('[data-testid="document-card"][data-status="rejected"]')
      .getByTestId('rejection-reason')
      .waitFor();
    await screenshot(page, 'en-step');
    expect(problems).toEqual([]);
  }, 240_000);
});
