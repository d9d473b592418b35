/**
 * The result shape every domain rule returns: a value, or a failure that says what went wrong
 * in both languages and carries a stable machine code (for tests, logs and the UI catalogue).
 */
export interface RuleFailure<C extends string = string> {
  readonly ok: false;
  /** Stable machine-readable reason, e.g. `id_bad_check_digit`. */
  readonly code: C;
  /** What went wrong and what to do next, in Arabic (the primary UI language). */
  readonly messageAr: string;
  /** The same in English. */
  readonly messageEn: string;
}

export interface RuleSuccess<T> {
  readonly ok: true;
  readonly value: T;
}

export type RuleResult<T, C extends string = string> = RuleSuccess<T> | RuleFailure<C>;

export function succeed<T>(value: T): RuleSuccess<T> {
  return { ok: true, value };
}

export function fail<C extends string>(code: C, messageAr: string, messageEn: string): RuleFailure<C> {
  return { ok: false, code, messageAr, messageEn };
}

/** Thrown by functions that cannot return a result (e.g. conversions given invalid input). */
export class DomainRuleError extends Error {
  readonly code: string;
  readonly messageAr: string;
  readonly messageEn: string;
  constructor(failure: RuleFailure) {
    super(failure.messageEn);
    this.name = 'DomainRuleError';
    this.code = failure.code;
    this.messageAr = failure.messageAr;
    this.messageEn = failure.messageEn;
  }
}
