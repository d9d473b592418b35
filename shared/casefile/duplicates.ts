/** Possible duplicates of a beneficiary being registered, by shared/identity's duplicate rule. */
import type { Beneficiary } from '../schema';
import { duplicateReason, type DuplicateReason } from '../identity/duplicates';

export const duplicateReasonLabels: Readonly<Record<DuplicateReason, { ar: string; en: string }>> =
  {
    same_national_id: { ar: 'نفس رقم الهوية أو الإقامة', en: 'Same National ID or iqama number' },
    same_name_and_birth_date: { ar: 'نفس الاسم وتاريخ الميلاد', en: 'Same name and birth date' },
  };

export interface DuplicateCandidate {
  readonly existingId: string;
  readonly existingBranchId: string;
  readonly reason: DuplicateReason;
  readonly reasonLabelAr: string;
  readonly reasonLabelEn: string;
  /** What to do next. */
  readonly messageAr: string;
  readonly messageEn: string;
}

type NewBeneficiary = Pick<Beneficiary, 'nationalId' | 'fullName'> &
  Partial<Pick<Beneficiary, 'id' | 'birthDate'>>;

/**
 * Every existing beneficiary the new one may duplicate (same ID/iqama number, or same
 * normalised name and birth date), ID matches first. A record never duplicates itself.
 */
export function duplicateCandidates(
  newBeneficiary: NewBeneficiary,
  existing: readonly Beneficiary[],
): DuplicateCandidate[] {
  const out: DuplicateCandidate[] = [];
  for (const record of existing) {
    const match = duplicateReason(
      {
        id: newBeneficiary.id,
        nationalId: newBeneficiary.nationalId,
        fullName: newBeneficiary.fullName,
        birthDate: newBeneficiary.birthDate,
      },
      {
        id: record.id,
        nationalId: record.nationalId,
        fullName: record.fullName,
        birthDate: record.birthDate,
      },
    );
    if (!match) continue;
    out.push({
      existingId: record.id,
      existingBranchId: record.branchId,
      reason: match.reason,
      reasonLabelAr: duplicateReasonLabels[match.reason].ar,
      reasonLabelEn: duplicateReasonLabels[match.reason].en,
      messageAr: match.messageAr,
      messageEn: match.messageEn,
    });
  }
  const rank = (r: DuplicateReason) => (r === 'same_national_id' ? 0 : 1);
  return out.sort((a, b) => rank(a.reason) - rank(b.reason));
}
