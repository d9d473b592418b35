/** Driving the Sila renderer through its UI (the same steps a person takes). */
import type { Locator, Page } from 'playwright-core';

/**
 * Sign in online through the start screen (first use of this profile, or another account):
 * the account must exist at HQ (helpers/hq.ts `createHqUser`). Waits for the app shell.
 */
export async function signIn(page: Page, input: { hqUrl: string; username: string; password: string }): Promise<void> {
  const form = page.getByTestId('sign-in-form');
  const unlockForm = page.getByTestId('unlock-form');
  await form.or(unlockForm).first().waitFor();
  if (!(await form.isVisible())) await page.getByTestId('unlock-switch-mode').click();
  await form.locator('input[name="hqUrl"]').fill(input.hqUrl);
  await form.locator('input[name="username"]').fill(input.username);
  await form.locator('input[name="password"]').fill(input.password);
  await page.getByTestId('unlock-submit').click();
  await page.getByTestId('nav-beneficiaries').or(page.getByTestId('unlock-problem')).first().waitFor({ timeout: 60_000 });
  const problem = page.getByTestId('unlock-problem');
  if (await problem.isVisible()) throw new Error(`sign-in refused: ${await problem.textContent()}`);
}

/**
 * Unlock offline with the password of a user who signed in on this profile before (the most
 * recent one is preselected; pass `username` to pick another). Waits for the app shell.
 */
export async function unlock(page: Page, password: string, username?: string): Promise<void> {
  const open = page.getByTestId('unlock-form');
  await open.waitFor({ timeout: 30_000 });
  if (username) {
    await page.getByTestId('unlock-user').click();
    await page.getByRole('option', { name: new RegExp(`\\(${username}\\)`) }).click();
  }
  await open.locator('input[name="password"]').fill(password);
  await page.getByTestId('unlock-submit').click();
  await page.getByTestId('nav-beneficiaries').waitFor({ timeout: 60_000 });
}

export async function openSection(page: Page, baseUrl: string, section: string): Promise<void> {
  const target = `${baseUrl}#/${section}`;
  if (page.url() === 'about:blank' || !page.url().startsWith(baseUrl)) await page.goto(target);
  else await page.evaluate((hash) => (window.location.hash = hash), `#/${section}`);
  await page.getByTestId(`nav-${section}`).waitFor();
}

/** Settings screen: set the HQ address and save. */
export async function configureHq(page: Page, baseUrl: string, hqUrl: string): Promise<void> {
  await openSection(page, baseUrl, 'settings');
  const form = page.getByTestId('settings-form');
  await form.locator('input[name="hqUrl"]').fill(hqUrl);
  await page.getByTestId('settings-save').click();
  // Saved settings live in the session store, persisted to localStorage.
  await page.waitForFunction((url) => {
    const raw = localStorage.getItem('sila.session');
    return raw !== null && (JSON.parse(raw) as { state?: { hqUrl?: string } }).state?.hqUrl === url;
  }, hqUrl);
}

export interface BeneficiaryInput {
  fullName: string;
  nationalId: string;
  phone?: string;
}

/**
 * The reception registration form (features/reception): the full name goes into the name
 * parts (first, father, [grandfather,] family), the ID card's expiry is a fixed future Hijri
 * date unless given.
 */
export async function fillRegistration(page: Page, input: BeneficiaryInput & { idExpiry?: string }): Promise<void> {
  const form = page.getByTestId('registration-form');
  const parts = input.fullName.trim().split(/\s+/);
  const [first = '', ...rest] = parts;
  const family = rest.length > 0 ? rest[rest.length - 1]! : '';
  const middle = rest.slice(0, -1);
  await form.locator('input[name="nameFirst"]').fill(first);
  await form.locator('input[name="nameFather"]').fill(middle[0] ?? '');
  await form.locator('input[name="nameGrandfather"]').fill(middle.slice(1).join(' '));
  await form.locator('input[name="nameFamily"]').fill(family);
  await form.locator('input[name="nationalId"]').fill(input.nationalId);
  await form.locator('input[name="idExpiry"]').fill(input.idExpiry ?? '01/01/1450');
  await form.locator('input[name="phone"]').fill(input.phone ?? '');
  await page.getByTestId('register-submit').click();
}

export function beneficiaryRow(page: Page, nationalId: string): Locator {
  return page.locator(`[data-testid="beneficiary-row"][data-national-id="${nationalId}"]`);
}
