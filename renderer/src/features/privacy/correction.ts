/**
 * Correcting a beneficiary's personal data at their request (PDPL right to correction): the
 * name, the ID/iqama number, the mobile, the city and district. The same domain rules as
 * registration (shared/identity), written through the one audited write path (`saveRecord`,
 * which also redoes the ID/phone lookup hashes) with an audit summary naming the corrected
 * fields only.
 */
import type { Beneficiary } from '../../../../shared/schema';
import { describeChangedFields } from '../../../../shared/audit';
import { validateNationalId } from '../../../../shared/identity/nationalId';
import { normalizeSaudiMobile } from '../../../../shared/identity/phone';
import { saveRecord, type RecordActor, type SaveRecordOptions, type SaveRecordResult } from '../../data/records';
import type { StoreDatabase } from '../../data/audit';
import { composeFullName } from '../reception/registration';

export interface CorrectionForm {
  first: string;
  father: string;
  grandfather: string;
  family: string;
  nationalId: string;
  phone: string;
  city: string;
  district: string;
}

export const correctionFields = ['first', 'father', 'grandfather', 'family', 'nationalId', 'phone', 'city', 'district'] as const;

export type CorrectionProblems = Partial<Record<keyof CorrectionForm, { messageAr: string; messageEn?: string }>>;

/** The form, filled from the stored record (a mobile shown as 05…). */
export function correctionFormOf(b: Beneficiary): CorrectionForm {
  const parts = b.nameParts ?? { first: b.fullName };
  return {
    first: parts.first ?? '',
    father: parts.father ?? '',
    grandfather: parts.grandfather ?? '',
    family: parts.family ?? '',
    nationalId: b.nationalId,
    phone: b.phone ? b.phone.replace(/^\+966/, '0') : '',
    city: b.city ?? '',
    district: b.address?.district ?? '',
  };
}

const collapse = (s: string) => s.trim().replace(/\s+/g, ' ');

/** The corrected record, or the problems per field (nothing is changed in the form). */
export function correctedBeneficiary(b: Beneficiary, form: CorrectionForm): { ok: true; doc: Beneficiary } | { ok: false; problems: CorrectionProblems } {
  const problems: CorrectionProblems = {};
  if (!collapse(form.first)) problems.first = { messageAr: '«الاسم الأول» مطلوب.', messageEn: 'The first name is required.' };
  const id = validateNationalId(form.nationalId);
  if (!id.ok) problems.nationalId = { messageAr: id.messageAr, messageEn: id.messageEn };
  const mobile = form.phone.trim() ? normalizeSaudiMobile(form.phone) : null;
  if (mobile && !mobile.ok) problems.phone = { messageAr: mobile.messageAr, messageEn: mobile.messageEn };
  if (Object.keys(problems).length > 0 || !id.ok) return { ok: false, problems };

  const nameParts: NonNullable<Beneficiary['nameParts']> = { first: collapse(form.first) };
  for (const part of ['father', 'grandfather', 'family'] as const) if (collapse(form[part])) nameParts[part] = collapse(form[part]);
  const { phone: _phone, city: _city, address, ...rest } = b;
  const nextAddress = { ...(address ?? {}) };
  if (collapse(form.district)) nextAddress.district = collapse(form.district);
  else delete nextAddress.district;
  const doc: Beneficiary = {
    ...rest,
    fullName: composeFullName(form),
    nameParts,
    nationalId: id.value.id,
    ...(mobile?.ok ? { phone: mobile.value.e164 } : {}),
    ...(collapse(form.city) ? { city: collapse(form.city) } : {}),
    ...(Object.keys(nextAddress).length > 0 ? { address: nextAddress } : {}),
  };
  return { ok: true, doc };
}

/** Save the correction (audited as a PDPL correction, field names only). */
export async function saveCorrection(
  db: StoreDatabase,
  actor: RecordActor,
  b: Beneficiary,
  form: CorrectionForm,
  options: Pick<SaveRecordOptions, 'deviceId' | 'lookupKey'> = {},
): Promise<{ ok: false; problems: CorrectionProblems } | SaveRecordResult<Beneficiary> | { ok: true; unchanged: true }> {
  const prepared = correctedBeneficiary(b, form);
  if (!prepared.ok) return prepared;
  const changed = describeChangedFields(b as unknown as Record<string, unknown>, prepared.doc as unknown as Record<string, unknown>);
  if (changed === 'updated: no field changed') return { ok: true, unchanged: true };
  return saveRecord<Beneficiary>(db, actor, 'beneficiaries', prepared.doc as unknown as Record<string, unknown>, { ...options, action: 'update', summary: `pdpl correction at the data subject's request, ${changed}` });
}
