// What a data declaration (إقرار) states. These are display-ready values (Arabic labels already
// chosen, enums translated); a mapper from the stored records produces them. The same `DeclaredData`
// shape is produced from the current, synced record when a declaration is verified later.

export interface DeclaredBeneficiary {
  fullName: string;
  /** National ID or iqama number (10 digits). */
  nationalId: string;
  nationality?: string;
  /** ISO date (YYYY-MM-DD). */
  dateOfBirth?: string;
  maritalStatus?: string;
  mobile: string;
  email?: string;
  iban?: string;
  address?: string;
  /** Employer or income source, e.g. "شركة النور (Al Noor Trading Co.)". */
  employer?: string;
}

export interface DeclaredHouseholdMember {
  name: string;
  relation: string;
  nationalId?: string;
  age?: number;
}

export interface DeclaredHousehold {
  membersCount: number;
  monthlyIncome?: string;
  housing?: string;
  members: DeclaredHouseholdMember[];
}

export interface DeclaredDocument {
  name: string;
  presented: boolean;
  verified: boolean;
  note?: string;
}

/** The data the applicant declares correct — what goes stale when the record changes. */
export interface DeclaredData {
  beneficiary: DeclaredBeneficiary;
  household: DeclaredHousehold;
  request: { type: string; description: string };
  service: { name: string };
  /** The contact channel (قناة التواصل) the request came through. */
  channel: { name: string };
  documents: DeclaredDocument[];
}

export interface AssociationHeader {
  name: string;
  /** رقم الترخيص; not every association's policy states it (e.g. Yusr). */
  licenceNumber?: string;
  phone?: string;
  email?: string;
  address?: string;
  website?: string;
}

export interface DeclarationInput {
  /** The declaration's reference number, e.g. "DEC-1447-000123". */
  reference: string;
  /** ISO date-time of the declaration. */
  declaredAt: string;
  association: AssociationHeader;
  /** The declaration statement from the association's policy profile. */
  statement: { text: string; policyVersion?: string } | undefined;
  data: DeclaredData;
  applicant: { name: string; relationToBeneficiary?: string };
  employee: { name: string; role: string };
  place: string;
}

/** The immutable snapshot attached to the PDF and hashed (format version 1). */
export interface DeclarationSnapshot {
  format: 'sila.declaration/1';
  reference: string;
  declaredAt: string;
  association: AssociationHeader;
  statement: { text: string; policyVersion?: string };
  data: DeclaredData;
  applicant: { name: string; relationToBeneficiary?: string };
  employee: { name: string; role: string };
  place: string;
  /** 'signed' carries the SHA-256 of the signature image; 'blank' is for a wet signature on paper. */
  signature: { kind: 'drawn'; imageSha256: string } | { kind: 'wet' };
  deviceKeyId: string;
}
