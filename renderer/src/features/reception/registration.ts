/**
 * Registering a beneficiary at reception (استقبال المستفيد): from the form's typed values to the
 * `beneficiaries` record and — when the ID/iqama expiry was typed — the ID card as a `documents`
 * record awaiting verification. Rules come from the domain (shared/identity, shared/dates,
 * shared/schema); this module only maps fields and reports the domain's messages per field.
 */
import {
  beneficiaries,
  documents,
  validateDocument,
  type Beneficiary,
  type BeneficiaryDocument,
} from '../../../../shared/schema';
import type { genders, householdRelations, maritalStatuses } from '../../../../shared/schema/beneficiary';
import { validateNationalId } from '../../../../shared/identity/nationalId';
import { normalizeDigits } from '../../../../shared/identity/digits';
import { normalizeSaudiMobile } from '../../../../shared/identity/phone';
import { parseDateInput } from '../../../../shared/dates/parse';
import type { CalendarDate, CalendarKind } from '../../../../shared/dates/calendar';
import { IQAMA_DOCUMENT_TYPE, NATIONAL_ID_DOCUMENT_TYPE } from '../../../../shared/casefile';
import { jsonDeepEqual } from '../../../../shared/sync/protocol';

export type Gender = (typeof genders)[number];
export type MaritalStatus = (typeof maritalStatuses)[number];
export type HouseholdRelation = (typeof householdRelations)[number];

export interface HouseholdRow {
  /** Stable React key of the row (not stored). */
  key: string;
  fullName: string;
  relation: HouseholdRelation | '';
  gender: Gender | '';
  birthDate: string;
  birthCalendar: CalendarKind;
  nationalId: string;
  hasDisability: boolean;
}

export interface BeneficiaryForm {
  first: string;
  father: string;
  grandfather: string;
  family: string;
  nationalId: string;
  idExpiry: string;
  idExpiryCalendar: CalendarKind;
  birthDate: string;
  birthCalendar: CalendarKind;
  gender: Gender | '';
  nationality: string;
  maritalStatus: MaritalStatus | '';
  phone: string;
  city: string;
  district: string;
  street: string;
  buildingNumber: string;
  postalCode: string;
  addressDetails: string;
  household: HouseholdRow[];
}

export const emptyBeneficiaryForm: BeneficiaryForm = {
  first: '',
  father: '',
  grandfather: '',
  family: '',
  nationalId: '',
  idExpiry: '',
  idExpiryCalendar: 'hijri',
  birthDate: '',
  birthCalendar: 'hijri',
  gender: '',
  nationality: 'SA',
  maritalStatus: '',
  phone: '',
  city: '',
  district: '',
  street: '',
  buildingNumber: '',
  postalCode: '',
  addressDetails: '',
  household: [],
};

export function emptyHouseholdRow(key: string): HouseholdRow {
  return { key, fullName: '', relation: '', gender: '', birthDate: '', birthCalendar: 'hijri', nationalId: '', hasDisability: false };
}

/** A problem with one field, in both languages; `messageEn` absent when the domain gives Arabic only. */
export interface FieldProblem {
  messageAr: string;
  messageEn?: string;
}

/** Problems by form field: 'first', 'nationalId', 'household.0.fullName', … */
export type FormProblems = Record<string, FieldProblem>;

export interface RegistrationContext {
  branchId: string;
  updatedBy: string;
  now: Date;
  newId(): string;
  /**
   * Editing a registered beneficiary: the stored record. Its id, branch, creation time and what the
   * form does not show (PDPL consent, lookup hashes until they are recomputed) are kept; every
   * field the form shows is taken from the form (an emptied field is removed).
   */
  editing?: Beneficiary;
}

export type RegistrationResult =
  | { ok: true; beneficiary: Beneficiary; idDocument: BeneficiaryDocument | null }
  | { ok: false; problems: FormProblems };

const collapse = (s: string) => s.trim().replace(/\s+/g, ' ');

/** "نورة عبدالله محمد السبيعي" from the name parts, empty parts left out. */
export function composeFullName(form: Pick<BeneficiaryForm, 'first' | 'father' | 'grandfather' | 'family'>): string {
  return [form.first, form.father, form.grandfather, form.family].map(collapse).filter(Boolean).join(' ');
}

/** Schema paths of the record → the form field that shows the message. */
function formFieldOf(path: string): string | null {
  const direct: Record<string, string> = {
    fullName: 'first',
    'nameParts.first': 'first',
    'nameParts.father': 'father',
    'nameParts.grandfather': 'grandfather',
    'nameParts.family': 'family',
    nationalId: 'nationalId',
    phone: 'phone',
    birthDate: 'birthDate',
    gender: 'gender',
    nationality: 'nationality',
    maritalStatus: 'maritalStatus',
    city: 'city',
    'address.district': 'district',
    'address.street': 'street',
    'address.buildingNumber': 'buildingNumber',
    'address.postalCode': 'postalCode',
    'address.details': 'addressDetails',
  };
  if (direct[path]) return direct[path];
  const m = /^household\.(\d+)\.([a-zA-Z]+)/.exec(path);
  if (m) return `household.${m[1]}.${m[2]}`;
  if (path.startsWith('birthDate')) return 'birthDate';
  return null;
}

function parseOptionalDate(text: string, calendar: CalendarKind): { ok: true; value?: CalendarDate } | { ok: false; problem: FieldProblem } {
  if (!text.trim()) return { ok: true };
  const r = parseDateInput(text, calendar);
  return r.ok ? { ok: true, value: r.value } : { ok: false, problem: { messageAr: r.messageAr, messageEn: r.messageEn } };
}

/** The ID card's document type from its number: 1… citizen (national ID), 2… resident (iqama). */
export function identityDocumentType(nationalId: string): string | null {
  const id = validateNationalId(nationalId);
  if (!id.ok) return null;
  return id.value.kind === 'citizen' ? NATIONAL_ID_DOCUMENT_TYPE : IQAMA_DOCUMENT_TYPE;
}

/**
 * Builds the records to store, or the problems to show next to each field (all at once). The
 * form's values are never changed: the caller keeps them for the person to correct.
 */
export function prepareBeneficiary(form: BeneficiaryForm, ctx: RegistrationContext): RegistrationResult {
  const problems: FormProblems = {};
  const id = validateNationalId(form.nationalId);
  if (!id.ok) problems.nationalId = { messageAr: id.messageAr, messageEn: id.messageEn };

  const mobile = form.phone.trim() ? normalizeSaudiMobile(form.phone) : undefined;
  if (mobile && !mobile.ok) problems.phone = { messageAr: mobile.messageAr, messageEn: mobile.messageEn };

  const birth = parseOptionalDate(form.birthDate, form.birthCalendar);
  if (!birth.ok) problems.birthDate = birth.problem;
  const expiry = parseOptionalDate(form.idExpiry, form.idExpiryCalendar);
  if (!expiry.ok) problems.idExpiry = expiry.problem;

  const household: Record<string, unknown>[] = form.household.map((row, i) => {
    const memberBirth = parseOptionalDate(row.birthDate, row.birthCalendar);
    if (!memberBirth.ok) problems[`household.${i}.birthDate`] = memberBirth.problem;
    let memberId: string | undefined;
    if (row.nationalId.trim()) {
      const r = validateNationalId(row.nationalId);
      if (r.ok) memberId = r.value.id;
      else problems[`household.${i}.nationalId`] = { messageAr: r.messageAr, messageEn: r.messageEn };
    }
    return {
      fullName: collapse(row.fullName),
      relation: row.relation || undefined,
      ...(row.gender ? { gender: row.gender } : {}),
      ...(memberBirth.ok && memberBirth.value ? { birthDate: memberBirth.value } : {}),
      ...(memberId ? { nationalId: memberId } : {}),
      ...(row.hasDisability ? { hasDisability: true } : {}),
    };
  });

  const at = ctx.now.toISOString();
  const nameParts: Record<string, string> = { first: collapse(form.first) };
  for (const part of ['father', 'grandfather', 'family'] as const) if (collapse(form[part])) nameParts[part] = collapse(form[part]);
  const address: Record<string, string> = {};
  if (collapse(form.district)) address.district = collapse(form.district);
  if (collapse(form.street)) address.street = collapse(form.street);
  if (collapse(form.buildingNumber)) address.buildingNumber = normalizeDigits(collapse(form.buildingNumber));
  if (collapse(form.postalCode)) address.postalCode = normalizeDigits(collapse(form.postalCode));
  if (form.addressDetails.trim()) address.details = form.addressDetails.trim();

  const base = ctx.editing;
  const candidate: Record<string, unknown> = {
    id: base?.id ?? ctx.newId(),
    branchId: base?.branchId ?? ctx.branchId,
    createdAt: base?.createdAt ?? at,
    updatedAt: at,
    updatedBy: ctx.updatedBy,
    ...(base?.consent ? { consent: base.consent } : {}),
    // The keyed hashes are redone by the write path (records.ts); kept meanwhile only for unchanged values.
    ...(base && base.nationalId === (id.ok ? id.value.id : '') ? { idHash: base.idHash } : {}),
    ...(base && mobile?.ok && base.phone === mobile.value.e164 ? { phoneHash: base.phoneHash } : {}),
    fullName: composeFullName(form),
    nameParts,
    nationalId: id.ok ? id.value.id : normalizeDigits(form.nationalId).trim(),
    ...(mobile?.ok ? { phone: mobile.value.e164 } : {}),
    ...(birth.ok && birth.value ? { birthDate: birth.value } : {}),
    ...(form.gender ? { gender: form.gender } : {}),
    ...(form.nationality ? { nationality: form.nationality } : {}),
    ...(form.maritalStatus ? { maritalStatus: form.maritalStatus } : {}),
    ...(collapse(form.city) ? { city: collapse(form.city) } : {}),
    ...(Object.keys(address).length > 0 ? { address } : {}),
    ...(household.length > 0 ? { household } : {}),
  };

  const checked = validateDocument(beneficiaries, candidate);
  if (!checked.ok) {
    for (const issue of checked.issues) {
      const field = formFieldOf(issue.path);
      if (field === null) throw new Error(`beneficiary field '${issue.path}' is invalid: ${issue.message}`);
      problems[field] ??= { messageAr: issue.message };
    }
  }
  if (!checked.ok || Object.keys(problems).length > 0) return { ok: false, problems };

  let idDocument: BeneficiaryDocument | null = null;
  const docType = identityDocumentType(checked.value.nationalId);
  // The ID card's expiry is typed at registration only; afterwards it is the documents step's.
  if (!base && expiry.ok && expiry.value && docType) {
    const doc = validateDocument(documents, {
      id: ctx.newId(),
      branchId: ctx.branchId,
      createdAt: at,
      updatedAt: at,
      updatedBy: ctx.updatedBy,
      beneficiaryId: checked.value.id,
      type: docType,
      number: checked.value.nationalId,
      expiryDate: expiry.value,
      verification: { status: 'pending' },
    });
    if (!doc.ok) {
      problems.idExpiry = { messageAr: doc.issues[0]?.message ?? '' };
      return { ok: false, problems };
    }
    idDocument = doc.value;
  }
  return { ok: true, beneficiary: checked.value, idDocument };
}

/** A stored date as typed in its own calendar, e.g. "06/09/1446". */
export function dateText(date: CalendarDate | undefined): string {
  if (!date) return '';
  return `${String(date.d).padStart(2, '0')}/${String(date.m).padStart(2, '0')}/${date.y}`;
}

/** The form filled from a registered beneficiary (for editing); nothing is lost or reformatted beyond display. */
export function formFromBeneficiary(b: Beneficiary, rowKey: (i: number) => string): BeneficiaryForm {
  const parts = b.nameParts ?? { first: b.fullName };
  const mobile = b.phone ? normalizeSaudiMobile(b.phone) : undefined;
  return {
    first: parts.first ?? '',
    father: parts.father ?? '',
    grandfather: parts.grandfather ?? '',
    family: parts.family ?? '',
    nationalId: b.nationalId,
    idExpiry: '',
    idExpiryCalendar: 'hijri',
    birthDate: dateText(b.birthDate),
    birthCalendar: b.birthDate?.calendar ?? 'hijri',
    gender: b.gender ?? '',
    nationality: b.nationality ?? '',
    maritalStatus: b.maritalStatus ?? '',
    phone: mobile?.ok ? mobile.value.local : (b.phone ?? ''),
    city: b.city ?? '',
    district: b.address?.district ?? '',
    street: b.address?.street ?? '',
    buildingNumber: b.address?.buildingNumber ?? '',
    postalCode: b.address?.postalCode ?? '',
    addressDetails: b.address?.details ?? '',
    household: (b.household ?? []).map((m, i) => ({
      key: rowKey(i),
      fullName: m.fullName,
      relation: m.relation,
      gender: m.gender ?? '',
      birthDate: dateText(m.birthDate),
      birthCalendar: m.birthDate?.calendar ?? 'hijri',
      nationalId: m.nationalId ?? '',
      hasDisability: m.hasDisability === true,
    })),
  };
}

/** The record fields an edit changed (top level, bookkeeping and lookup hashes aside). */
export function changedBeneficiaryFields(before: Beneficiary, after: Beneficiary): string[] {
  const skip = new Set(['updatedAt', 'updatedBy', 'idHash', 'phoneHash']);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const value = (doc: Beneficiary, k: string) => (doc as Record<string, unknown>)[k] ?? null;
  return [...keys].filter((k) => !skip.has(k) && !jsonDeepEqual(value(before, k), value(after, k))).sort();
}

/** Changing a field removes its message (and only its message); typed values always stay. */
export function withoutProblem(problems: FormProblems, field: string): FormProblems {
  if (!problems[field]) return problems;
  const next = { ...problems };
  delete next[field];
  return next;
}

/** Removing household row `index` shifts the messages of the rows after it. */
export function problemsAfterRemovingRow(problems: FormProblems, index: number): FormProblems {
  const next: FormProblems = {};
  for (const [key, value] of Object.entries(problems)) {
    const m = /^household\.(\d+)\.(.+)$/.exec(key);
    if (!m) next[key] = value;
    else {
      const i = Number(m[1]);
      if (i < index) next[key] = value;
      else if (i > index) next[`household.${i - 1}.${m[2]}`] = value;
    }
  }
  return next;
}
