/**
 * Duplicate beneficiaries (المستفيد المكرّر). Two records describe the same person when they
 * carry the same National ID / iqama number, or the same normalised name and the same birth
 * date. The rule runs in memory on decrypted records (names and IDs are encrypted at rest) or,
 * for the ID, on the keyed `idHash` the laptop stores in clear for exact lookup.
 */
import { toGregorian, toIsoDate, type CalendarDate } from '../dates/index';
import { normalizeDigits } from './digits';
import { normalizeArabicName } from './names';

export interface BeneficiaryIdentity {
  /** Record id (a record is never a duplicate of itself). */
  readonly id?: string;
  readonly nationalId?: string;
  readonly fullName?: string;
  /** Birth date in the calendar it was entered in, or an ISO Gregorian 'YYYY-MM-DD' string. */
  readonly birthDate?: CalendarDate | string;
}

export type DuplicateReason = 'same_national_id' | 'same_name_and_birth_date';

export interface DuplicateMatch {
  readonly reason: DuplicateReason;
  /** Id of the existing record the candidate duplicates. */
  readonly existingId: string | undefined;
  readonly messageAr: string;
  readonly messageEn: string;
}

function birthKey(date: CalendarDate | string | undefined): string | undefined {
  if (date === undefined) return undefined;
  if (typeof date === 'string') return /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : undefined;
  const g = toGregorian(date);
  return g.ok ? toIsoDate(g.value) : undefined;
}

function idKey(id: string | undefined): string | undefined {
  if (!id) return undefined;
  const compact = normalizeDigits(id).replace(/\D/g, '');
  return compact.length > 0 ? compact : undefined;
}

/** Why `candidate` duplicates `existing`, or null when they are different people. */
export function duplicateReason(candidate: BeneficiaryIdentity, existing: BeneficiaryIdentity): DuplicateMatch | null {
  if (candidate.id !== undefined && candidate.id === existing.id) return null;
  const a = idKey(candidate.nationalId);
  if (a !== undefined && a === idKey(existing.nationalId)) {
    return {
      reason: 'same_national_id',
      existingId: existing.id,
      messageAr: 'يوجد مستفيد مسجّل بنفس رقم الهوية أو الإقامة. افتح سجله وحدّثه بدل إنشاء سجل جديد.',
      messageEn: 'A beneficiary with the same National ID or iqama number is already registered. Open and update that record instead of creating a new one.',
    };
  }
  const nameA = candidate.fullName ? normalizeArabicName(candidate.fullName) : '';
  const birthA = birthKey(candidate.birthDate);
  if (nameA !== '' && birthA !== undefined && nameA === (existing.fullName ? normalizeArabicName(existing.fullName) : '') && birthA === birthKey(existing.birthDate)) {
    return {
      reason: 'same_name_and_birth_date',
      existingId: existing.id,
      messageAr: 'يوجد مستفيد مسجّل بنفس الاسم وتاريخ الميلاد. تحقّق من هويته: إن كان الشخص نفسه فحدّث سجله الموجود.',
      messageEn: 'A beneficiary with the same name and birth date is already registered. Check the identity: if it is the same person, update the existing record.',
    };
  }
  return null;
}

/** The first existing record that the candidate duplicates (ID matches take precedence). */
export function findDuplicateBeneficiary(
  candidate: BeneficiaryIdentity,
  existing: Iterable<BeneficiaryIdentity>,
): DuplicateMatch | null {
  let byName: DuplicateMatch | null = null;
  for (const record of existing) {
    const match = duplicateReason(candidate, record);
    if (match?.reason === 'same_national_id') return match;
    if (match && !byName) byName = match;
  }
  return byName;
}
