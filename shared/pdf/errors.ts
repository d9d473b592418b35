// Bad input for a document is reported before anything is drawn: one error naming the field
// (its path in the input), in Arabic and English, saying what to do. No partial PDF is returned.

export type DocumentInputProblem =
  | 'missing'
  | 'too_long'
  | 'too_many'
  | 'unsupported_character'
  | 'control_character'
  | 'missing_statement'
  | 'missing_signature'
  | 'invalid';

export class DocumentInputError extends Error {
  constructor(
    readonly field: string,
    readonly problem: DocumentInputProblem,
    readonly messageAr: string,
    readonly messageEn: string,
  ) {
    super(`${field}: ${messageEn}`);
    this.name = 'DocumentInputError';
  }
}

/** Field limits (characters). Chosen so one field never needs more than about a third of a page. */
export const FIELD_LIMITS = {
  reference: 40,
  name: 120,
  short: 200,
  description: 2000,
  statement: 4000,
  householdMembers: 40,
  documents: 40,
  nextSteps: 10,
} as const;
