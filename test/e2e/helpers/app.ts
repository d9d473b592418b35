/** Driving the Sila renderer through its UI (the same steps a person takes). */
import type { Locator, Page } from 'playwright-core';

/** The device password screen: creates the password on first run, unlocks afterwards. */
export async function unlock(page: Page, password: string): Promise<void> {
  const create = page.getByTestId('create-password-form');
  const open = page.getByTestId('unlock-form');
  await create.or(open).first().waitFor();
  if (await create.isVisible()) {
    await create.locator('input[name="password"]').fill(password);
    await create.locator('input[name="confirmation"]').fill(password);
  } else {
    await open.locator('input[name="password"]').fill(password);
  }
  await page.getByTestId('unlock-submit').click();
  await page.getByTestId('nav-beneficiaries').waitFor();
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

export async function fillRegistration(page: Page, input: BeneficiaryInput): Promise<void> {
  const form = page.getByTestId('registration-form');
  await form.locator('input[name="fullName"]').fill(input.fullName);
  await form.locator('input[name="nationalId"]').fill(input.nationalId);
  await form.locator('input[name="phone"]').fill(input.phone ?? '');
  await page.getByTestId('register-submit').click();
}

export function beneficiaryRow(page: Page, nationalId: string): Locator {
  return page.locator(`[data-testid="beneficiary-row"][data-national-id="${nationalId}"]`);
}
