/**
 * The structured interview (المقابلة) from the service's template in the policy profile: typed
 * answers ↔ the `interviews` record, drafts and completion. Answers are stored as typed values
 * ('yes'/'no', the option id, the number in ASCII digits, or the text) with the question's Arabic text.
 */
import type { Interview } from '../../../../shared/schema';
import type { interviewModes, interviewResults } from '../../../../shared/schema/interview';
import type { InterviewTemplate } from '../../../../shared/policy';
import { normalizeDigits } from '../../../../shared/identity/digits';

export type InterviewMode = (typeof interviewModes)[number];
export type InterviewResult = (typeof interviewResults)[number];

export interface InterviewInput {
  mode: InterviewMode;
  answers: Record<string, string>;
  notes: string;
  result: InterviewResult;
}

export const emptyInterviewInput: InterviewInput = { mode: 'office', answers: {}, notes: '', result: 'not_assessed' };

/** Why an answer cannot be accepted: an i18n key under requests.interview.errors. */
export type AnswerProblem = 'required' | 'number' | 'choice';

/** A number as people type it (Arabic-Indic digits, a decimal comma) → ASCII, or null. */
export function normalizeNumberAnswer(raw: string): string | null {
  const s = normalizeDigits(raw).trim().replace('٫', '.').replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(s) ? s : null;
}

/**
 * Problems per question. Drafts accept anything typed (never lose work); completing needs every
 * required question answered, numbers that are numbers, and choices from the template.
 */
export function answerProblems(template: InterviewTemplate, answers: Record<string, string>, completing: boolean): Record<string, AnswerProblem> {
  const out: Record<string, AnswerProblem> = {};
  if (!completing) return out;
  for (const q of template.questions) {
    const value = (answers[q.id] ?? '').trim();
    if (!value) {
      if (q.required) out[q.id] = 'required';
      continue;
    }
    if (q.type === 'number' && normalizeNumberAnswer(value) === null) out[q.id] = 'number';
    if (q.type === 'yesno' && value !== 'yes' && value !== 'no') out[q.id] = 'choice';
    if (q.type === 'choice' && !(q.options ?? []).some((o) => o.id === value)) out[q.id] = 'choice';
  }
  return out;
}

export interface InterviewContext {
  id: string;
  requestId: string;
  beneficiaryId: string;
  branchId: string;
  userId: string;
  now: Date;
}

/** The `interviews` document for a draft or a completed interview (validated by the store on save). */
export function interviewRecord(
  template: InterviewTemplate,
  input: InterviewInput,
  status: 'draft' | 'completed',
  ctx: InterviewContext,
  previous?: Interview | null,
): Record<string, unknown> {
  const answers = template.questions.flatMap((q) => {
    const raw = (input.answers[q.id] ?? '').trim();
    if (!raw) return [];
    const answer = q.type === 'number' ? (normalizeNumberAnswer(raw) ?? raw) : raw;
    return [{ questionId: q.id, question: q.labelAr, answer }];
  });
  const at = ctx.now.toISOString();
  return {
    ...(previous ?? {}),
    id: previous?.id ?? ctx.id,
    branchId: previous?.branchId ?? ctx.branchId,
    createdAt: previous?.createdAt ?? at,
    updatedAt: at,
    updatedBy: ctx.userId,
    beneficiaryId: ctx.beneficiaryId,
    requestId: ctx.requestId,
    conductedBy: ctx.userId,
    conductedAt: status === 'completed' ? at : (previous?.conductedAt ?? at),
    mode: input.mode,
    status,
    answers,
    notes: input.notes,
    result: status === 'draft' ? 'not_assessed' : input.result,
  };
}

/** What the form shows for a stored interview (a draft being resumed). */
export function inputFromInterview(interview: Interview): InterviewInput {
  const answers: Record<string, string> = {};
  for (const a of interview.answers) answers[a.questionId] = a.answer;
  return { mode: interview.mode, answers, notes: interview.notes ?? '', result: interview.result };
}

/** The draft to resume for a request: the newest draft, if any. */
export function latestDraft(interviews: readonly Interview[]): Interview | null {
  return [...interviews].filter((i) => i.status === 'draft').sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0] ?? null;
}

/** Same answers, notes and mode (used to skip saving a draft that did not change). */
export function sameInput(a: InterviewInput, b: InterviewInput): boolean {
  if (a.mode !== b.mode || a.notes !== b.notes || a.result !== b.result) return false;
  const keys = new Set([...Object.keys(a.answers), ...Object.keys(b.answers)]);
  for (const k of keys) if ((a.answers[k] ?? '') !== (b.answers[k] ?? '')) return false;
  return true;
}

/**
 * How a stored answer reads to a person: a choice's label and yes/no in the UI language
 * (stored answers are option ids and 'yes'/'no'); free text and numbers as typed.
 */
export function answerForDisplay(
  template: InterviewTemplate | undefined,
  questionId: string,
  answer: string,
  locale: 'ar' | 'en',
  yesNo: { yes: string; no: string },
): string {
  const question = template?.questions.find((q) => q.id === questionId);
  if (!question) return answer;
  if (question.type === 'yesno') return answer === 'yes' ? yesNo.yes : answer === 'no' ? yesNo.no : answer;
  if (question.type === 'choice') {
    const option = question.options?.find((o) => o.id === answer);
    if (option) return locale === 'ar' ? option.labelAr : option.labelEn;
  }
  return answer;
}
