/**
 * Registering a beneficiary (المستفيد) from the form. The rules come from the domain:
 * `validateNationalId` (shared/identity) and the collection schema (shared/schema); this module
 * only turns form input into a document and reports the domain's messages per field.
 */
import { beneficiaries, validateDocument, type Beneficiary } from '../../../shared/schema';
import { validateNationalId } from '../../../shared/identity/nationalId';
import { normalizeDigits } from '../../../shared/identity/digits';
import { normalizeSaudiMobile } from '../../../shared/identity/phone';
import type { SilaDatabase } from './database';

export interface RegistrationInput {
  fullName: string;
  nationalId: string;
  phone: string;
}

export type RegistrationField = keyof RegistrationInput;

/** A problem with one field, in both languages (from the domain). */
export interface FieldProblem {
  messageAr: string;
  messageEn: string;
}

export type RegistrationResult =
  | { ok: true; beneficiary: Beneficiary }
  | { ok: false; problems: Partial<Record<RegistrationField, FieldProblem>> };

export interface RegistrationContext {
  branchId: string;
  /** Who registers (until sign-in exists: this device's id). */
  updatedBy: string;
  now: Date;
  newId(): string;
}

/** Generic English wording for schema messages, which the shared schema gives in Arabic only. */
const englishFallback: Record<RegistrationField, string> = {
  fullName: 'Enter the full name (at least three letters).',
  nationalId: 'Enter a valid 10-digit National ID or iqama number.',
  phone: 'Enter a Saudi mobile number as 05XXXXXXXX.',
};

const formFields: readonly RegistrationField[] = ['fullName', 'nationalId', 'phone'];

function isFormField(path: string): path is RegistrationField {
  return (formFields as readonly string[]).includes(path);
}

/** Builds the document to store, or the problems to show next to each field. */
export function prepareRegistration(input: RegistrationInput, ctx: RegistrationContext): RegistrationResult {
  const problems: Partial<Record<RegistrationField, FieldProblem>> = {};

  const id = validateNationalId(input.nationalId);
  if (!id.ok) problems.nationalId = { messageAr: id.messageAr, messageEn: id.messageEn };

  // Stored as +9665XXXXXXXX (shared/schema); people type 05…, 9665…, Arabic-Indic digits, spaces.
  const mobile = input.phone.trim() ? normalizeSaudiMobile(input.phone) : undefined;
  if (mobile && !mobile.ok) problems.phone = { messageAr: mobile.messageAr, messageEn: mobile.messageEn };
  const phone = mobile?.ok ? mobile.value.e164 : normalizeDigits(input.phone).replace(/[\s\u00a0-]/g, '');
  const at = ctx.now.toISOString();
  const candidate: Record<string, unknown> = {
    id: ctx.newId(),
    branchId: ctx.branchId,
    createdAt: at,
    updatedAt: at,
    updatedBy: ctx.updatedBy,
    fullName: input.fullName.trim().replace(/\s+/g, ' '),
    nationalId: id.ok ? id.value.id : normalizeDigits(input.nationalId).trim(),
    ...(phone ? { phone } : {}),
  };

  const checked = validateDocument(beneficiaries, candidate);
  if (!checked.ok) {
    for (const issue of checked.issues) {
      const field = issue.path;
      if (isFormField(field)) {
        problems[field] ??= { messageAr: issue.message, messageEn: englishFallback[field] };
      } else {
        // A non-form field failed (e.g. a malformed branch code in the settings): a bug or a
        // bad setting, not something the person at the form can fix by retyping.
        throw new Error(`beneficiary field '${field}' is invalid: ${issue.message}`);
      }
    }
  }
  if (Object.keys(problems).length > 0 || !checked.ok) return { ok: false, problems };
  return { ok: true, beneficiary: checked.value };
}

/** Stores a prepared beneficiary in the local database (replication sends it to HQ later). */
export async function saveBeneficiary(db: SilaDatabase, beneficiary: Beneficiary): Promise<void> {
  await db.beneficiaries.insert(beneficiary);
}

/** How a stored mobile (+9665XXXXXXXX) is shown: the local form people dial (05XXXXXXXX). */
export function displayPhone(stored: string): string {
  const mobile = normalizeSaudiMobile(stored);
  return mobile.ok ? mobile.value.local : stored;
}

/** Record ids: a random UUID without dashes (fits the shared id pattern [A-Za-z0-9_-]{1,64}). */
export function newRecordId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}
