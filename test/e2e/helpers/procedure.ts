/**
 * Steps of the whole procedure (issue 7) driven through the UI, shared by the acceptance walk
 * (test/e2e/procedure-walk.test.ts). Same selectors as the per-feature e2e tests.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { PolicyProfile } from '../../../shared/policy';
import { signIn, unlock } from './app';

export { deviceToken } from './hq';

type Service = PolicyProfile['services'][number];

export async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (window.location.hash = h), hash);
}

export async function setLocale(page: Page, locale: 'ar' | 'en'): Promise<void> {
  if ((await page.evaluate(() => document.documentElement.lang)) !== locale) await page.getByTestId('locale-toggle').click();
  await page.waitForFunction((l) => document.documentElement.lang === l, locale);
}

/** Close the toasts so screenshots show the screen itself. */
export async function quiet(page: Page): Promise<void> {
  const close = page.locator('.mantine-Notification-closeButton');
  for (let i = 0; i < 10 && (await close.count()) > 0; i++) await close.first().click({ timeout: 2_000 }).catch(() => {});
  await page.waitForTimeout(250);
}

export async function screenshot(page: Page, dir: string, name: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await quiet(page);
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Settings: choose the association whose policy profile the laptop works with. */
export async function chooseProfile(page: Page, profile: PolicyProfile): Promise<void> {
  await go(page, '#/settings');
  const select = page.getByTestId('settings-profile');
  await select.waitFor();
  await select.click();
  await page.getByRole('option', { name: profile.association.nameAr, exact: true }).click();
  await expect.poll(() => select.inputValue()).toBe(profile.association.nameAr);
}

/**
 * Change who works on this laptop: lock by reloading, then sign in online, or unlock offline
 * with the password of a user who signed in here before (HQ unreachable).
 */
export async function switchUser(page: Page, input: { hqUrl: string; username: string; password: string; offline: boolean }): Promise<void> {
  await page.reload();
  if (input.offline) await unlock(page, input.password, input.username);
  else await signIn(page, input);
}

/** Answer every required interview question of the service (text, number, choice, yes/no). */
export async function answerInterview(page: Page, service: Service): Promise<void> {
  for (const q of service.interview.questions) {
    if (!q.required) continue;
    const field = page.locator(`[data-question="${q.id}"]`).first();
    switch (q.type) {
      case 'text':
        await page.locator(`textarea[name="q-${q.id}"]`).fill('أفادت المستفيدة بأن الأسرة بحاجة إلى الخدمة بعد تغيّر ظروفها.');
        break;
      case 'number':
        await page.locator(`input[name="q-${q.id}"]`).first().fill('4');
        break;
      case 'choice': {
        // Picking the chosen option again would clear it (the draft may already hold it).
        const first = q.options?.[0];
        if (!first || (await field.inputValue()) === first.labelAr) break;
        await field.click();
        await page.getByRole('option', { name: first.labelAr, exact: true }).click();
        break;
      }
      case 'yesno':
        await page.locator(`input[name="q-${q.id}"][value="yes"]`).check();
        break;
    }
  }
}

/** Draw a signature with the mouse on the declaration's signature pad. */
export async function signOnPad(page: Page): Promise<void> {
  const pad = page.getByTestId('signature-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + 40, box.y + 110);
  await page.mouse.down();
  for (let i = 1; i <= 22; i++) await page.mouse.move(box.x + 40 + i * 14, box.y + 110 - Math.sin(i / 3) * 40, { steps: 2 });
  await page.mouse.up();
}


/** The state of a support request as HQ has it (null when HQ has not received it). */
export async function stateAtHq(hqUrl: string, token: string, requestId: string): Promise<string | null> {
  let checkpoint: { seq: number; id: string } | null = null;
  for (let page = 0; page < 50; page++) {
    const query = new URLSearchParams({ batchSize: '200' });
    if (checkpoint) {
      query.set('seq', String(checkpoint.seq));
      query.set('id', checkpoint.id);
    }
    const res = await fetch(`${hqUrl}/sync/support_requests/pull?${query.toString()}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`pull failed: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { documents: { id: string; state: string }[]; checkpoint: { seq: number; id: string } | null };
    const found = body.documents.find((d) => d.id === requestId);
    if (found) return found.state;
    if (body.documents.length < 200) return null;
    checkpoint = body.checkpoint;
  }
  return null;
}
