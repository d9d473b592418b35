/**
 * The support-request procedure as a pure state machine.
 *
 * `transition(request, event, context)` checks who may do what, when, and on which evidence,
 * and returns either the updated request (new state, a history entry appended, dates set) or
 * a failure with a stable code and Arabic and English messages saying what to do next.
 * Nothing here reads clocks, storage or the network: the caller supplies the actor, the
 * instant, the policy inputs and the evidence.
 */
import type { Role } from '../schema/collection';
import { ISO_INSTANT_PATTERN } from '../schema/fields';
import { fail, type RuleFailure } from '../identity/result';
import { dayNumberToGregorian, parseIsoDate, gregorianToDayNumber, toIsoDate, type CalendarDate } from '../dates/calendar';
import { isValidAtSubmission, saudiDayNumber } from '../dates/expiry';
import { formatGregorianDate } from '../dates/format';
import {
  procedureEventLabels,
  procedureStateLabels,
  type ProcedureEventType,
  type ProcedureState,
} from './states';

/** The policies' floor: the committee answers "within a period of not less than two weeks". */
export const MINIMUM_REPLY_DAYS = 14;
/** Longest reason kept in a history entry (the support_requests schema allows 2,000 characters). */
export const MAX_REASON_LENGTH = 2000;
/** Upper bound on a policy's study period (one year), so a typo in a profile cannot push the reply out of range. */
export const MAXIMUM_REPLY_DAYS = 365;

export const roleLabels: Readonly<Record<Role, { ar: string; en: string }>> = {
  field_delegate: { ar: 'المندوب الميداني', en: 'field delegate' },
  branch_staff: { ar: 'موظف الفرع', en: 'branch staff' },
  social_researcher: { ar: 'الباحث الاجتماعي', en: 'social researcher' },
  committee_member: { ar: 'عضو لجنة البحث', en: 'research committee member' },
  hq_admin: { ar: 'مدير النظام', en: 'HQ administrator' },
};

/** One entry of a request's history: every transition is recorded. */
export interface TransitionRecord {
  readonly from: ProcedureState;
  readonly to: ProcedureState;
  readonly event: ProcedureEventType;
  /** User id of the person who made the transition. */
  readonly by: string;
  readonly role: Role;
  /** ISO-8601 instant. */
  readonly at: string;
  readonly reason?: string;
}

/** The fields of a support request the procedure reads and writes. */
export interface ProcedureRecord {
  readonly state: ProcedureState;
  /** The contact channel the request came through (recorded at reception). */
  readonly channelId: string;
  readonly history: readonly TransitionRecord[];
  readonly declarationId?: string;
  readonly declarationHash?: string;
  readonly submittedAt?: string;
  /** 'YYYY-MM-DD' (Gregorian, Saudi civil day): the committee does not answer before it. */
  readonly earliestReplyDate?: string;
  readonly decisionId?: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export type ProcedureEvent =
  | { readonly type: 'begin_data_collection' }
  | { readonly type: 'refer_to_researcher'; readonly reason: string }
  | { readonly type: 'return_from_researcher'; readonly reason?: string }
  | { readonly type: 'sign_declaration'; readonly declarationId: string; readonly declarationHash: string }
  | { readonly type: 'reopen_data'; readonly reason: string }
  | { readonly type: 'submit_to_committee' }
  | { readonly type: 'accept'; readonly decisionId: string; readonly reason?: string }
  | { readonly type: 'reject'; readonly decisionId: string; readonly reason: string }
  | { readonly type: 'request_more_information'; readonly decisionId: string; readonly reason: string }
  | { readonly type: 'register' }
  | { readonly type: 'deliver_service'; readonly deliveryId: string }
  | { readonly type: 'record_evaluation' }
  | { readonly type: 'close'; readonly reason?: string }
  | { readonly type: 'withdraw'; readonly reason: string };

/** A document as the submission guard sees it (a `documents` record fits). */
export interface DocumentEvidence {
  readonly type: string;
  readonly verification: { readonly status: string };
  readonly expiryDate?: CalendarDate;
}

export interface TransitionContext {
  readonly actor: { readonly userId: string; readonly role: Role };
  /** ISO-8601 instant of the transition. */
  readonly at: string;
  /** Policy profile: minimum days before the committee answers (clamped to at least 14). */
  readonly minimumReplyDays?: number;
  /** Policy profile: document types that must be verified before submission. */
  readonly requiredDocumentTypes?: readonly string[];
  /** Display names of document types for messages. */
  readonly documentTypeLabels?: Readonly<Record<string, { readonly ar: string; readonly en: string }>>;
  /** The request's documents. */
  readonly documents?: readonly DocumentEvidence[];
  /** SHA-256 of the current declarable data (see hashDeclarationSnapshot). */
  readonly currentDataHash?: string;
}

export type TransitionErrorCode =
  | 'transition_not_allowed'
  | 'request_closed'
  | 'role_not_allowed'
  | 'decision_requires_committee_member'
  | 'service_before_acceptance'
  | 'channel_missing'
  | 'reason_required'
  | 'reason_too_long'
  | 'invalid_instant'
  | 'declaration_missing'
  | 'declaration_stale'
  | 'current_data_hash_missing'
  | 'required_document_missing'
  | 'required_document_unverified'
  | 'required_document_expired'
  | 'reply_before_earliest_date';

export type TransitionResult<R extends ProcedureRecord> =
  | { readonly ok: true; readonly request: R; readonly entry: TransitionRecord }
  | RuleFailure<TransitionErrorCode>;

interface Rule {
  readonly from: readonly ProcedureState[];
  readonly to: ProcedureState;
  readonly roles: readonly Role[];
}

const STAFF: readonly Role[] = ['field_delegate', 'branch_staff'];
const BEFORE_SERVICE: readonly ProcedureState[] = [
  'reception',
  'data_collection',
  'with_social_researcher',
  'declaration_signed',
  'submitted_to_committee',
  'accepted',
  'registered',
];

/** Who may move a request from where to where. */
export const transitionRules: Readonly<Record<ProcedureEventType, Rule>> = {
  // Reception: field delegates and branch staff receive beneficiaries.
  begin_data_collection: { from: ['reception'], to: 'data_collection', roles: STAFF },
  refer_to_researcher: { from: ['data_collection'], to: 'with_social_researcher', roles: STAFF },
  // The social researcher answers the beneficiary's questions and hands the request back.
  return_from_researcher: { from: ['with_social_researcher'], to: 'data_collection', roles: ['social_researcher'] },
  sign_declaration: { from: ['data_collection'], to: 'declaration_signed', roles: STAFF },
  reopen_data: { from: ['declaration_signed'], to: 'data_collection', roles: STAFF },
  submit_to_committee: { from: ['declaration_signed'], to: 'submitted_to_committee', roles: STAFF },
  // The research committee decides; nobody else.
  accept: { from: ['submitted_to_committee'], to: 'accepted', roles: ['committee_member'] },
  reject: { from: ['submitted_to_committee'], to: 'rejected', roles: ['committee_member'] },
  request_more_information: { from: ['submitted_to_committee'], to: 'data_collection', roles: ['committee_member'] },
  register: { from: ['accepted'], to: 'registered', roles: ['branch_staff'] },
  // Repeated sessions (e.g. consultations) are more deliveries of the same request.
  deliver_service: { from: ['registered', 'service_delivered'], to: 'service_delivered', roles: STAFF },
  record_evaluation: { from: ['service_delivered'], to: 'evaluated', roles: STAFF },
  // Closing after delivery without an evaluation needs a reason: evaluating is the beneficiary's right, not a duty.
  close: { from: ['evaluated', 'rejected', 'service_delivered'], to: 'closed', roles: ['branch_staff'] },
  withdraw: { from: BEFORE_SERVICE, to: 'closed', roles: STAFF },
};

function roleList(roles: readonly Role[], lang: 'ar' | 'en'): string {
  return roles.map((r) => roleLabels[r][lang]).join(lang === 'ar' ? ' أو ' : ' or ');
}

function docLabel(type: string, ctx: TransitionContext, lang: 'ar' | 'en'): string {
  return ctx.documentTypeLabels?.[type]?.[lang] ?? type;
}

/** The earliest reply date: the Saudi civil day of submission plus max(14, minimumReplyDays). */
export function earliestReplyDate(submittedAt: string | Date, minimumReplyDays?: number): string {
  const day = saudiDayNumber(submittedAt);
  return toIsoDate(dayNumberToGregorian(day + effectiveReplyDays(minimumReplyDays)));
}

/** The policy's minimum period in whole days, never below 14 (nor above a year). */
export function effectiveReplyDays(minimumReplyDays?: number): number {
  if (minimumReplyDays === undefined || !Number.isFinite(minimumReplyDays)) return MINIMUM_REPLY_DAYS;
  return Math.min(MAXIMUM_REPLY_DAYS, Math.max(MINIMUM_REPLY_DAYS, Math.ceil(minimumReplyDays)));
}

function needsReason(event: ProcedureEvent, request: ProcedureRecord): boolean {
  switch (event.type) {
    case 'refer_to_researcher':
    case 'reopen_data':
    case 'reject':
    case 'request_more_information':
    case 'withdraw':
      return true;
    case 'close':
      return request.state === 'service_delivered';
    default:
      return false;
  }
}

function reasonOf(event: ProcedureEvent): string | undefined {
  return 'reason' in event ? event.reason?.trim() || undefined : undefined;
}

function checkSubmission(request: ProcedureRecord, ctx: TransitionContext): RuleFailure<TransitionErrorCode> | null {
  if (!request.declarationHash || !request.declarationId) {
    return fail(
      'declaration_missing',
      'لا يمكن رفع الطلب دون إقرار موقّع من المستفيد بصحة بياناته. اطبع الإقرار واطلب توقيعه.',
      'The request cannot be submitted without a declaration signed by the beneficiary. Print the declaration and have it signed.',
    );
  }
  if (!ctx.currentDataHash) {
    return fail(
      'current_data_hash_missing',
      'تعذّر التحقق من مطابقة الإقرار للبيانات الحالية. أعد فتح الطلب ثم حاول الرفع مرة أخرى.',
      'Could not check that the declaration matches the current data. Reopen the request and try submitting again.',
    );
  }
  if (ctx.currentDataHash !== request.declarationHash) {
    return fail(
      'declaration_stale',
      'تغيّرت بيانات الطلب بعد توقيع الإقرار، فلم يعد الإقرار مطابقًا. اطبع إقرارًا جديدًا بالبيانات الحالية واطلب توقيعه.',
      'The data changed after the declaration was signed, so it no longer matches. Print a new declaration with the current data and have it signed.',
    );
  }
  const docs = ctx.documents ?? [];
  for (const type of ctx.requiredDocumentTypes ?? []) {
    const ofType = docs.filter((d) => d.type === type);
    const ar = docLabel(type, ctx, 'ar');
    const en = docLabel(type, ctx, 'en');
    if (ofType.length === 0) {
      return fail(
        'required_document_missing',
        `المستند المطلوب «${ar}» غير مرفق. أرفق صورته وتحقّق منه قبل رفع الطلب.`,
        `The required document "${en}" is missing. Attach it and verify it before submitting.`,
      );
    }
    const verified = ofType.filter((d) => d.verification.status === 'verified');
    if (verified.length === 0) {
      return fail(
        'required_document_unverified',
        `المستند المطلوب «${ar}» لم يُتحقّق منه بعد. طابِقه مع الأصل وسجّل نتيجة التحقق قبل رفع الطلب.`,
        `The required document "${en}" has not been verified. Match it against the original and record the result before submitting.`,
      );
    }
    const valid = verified.some((d) => d.expiryDate === undefined || isValidAtSubmission(d.expiryDate, ctx.at).ok);
    if (!valid) {
      return fail(
        'required_document_expired',
        `المستند المطلوب «${ar}» منتهي الصلاحية في تاريخ التقديم. اطلب من المستفيد مستندًا ساري المفعول.`,
        `The required document "${en}" has expired at the date of submission. Ask the beneficiary for a valid document.`,
      );
    }
  }
  return null;
}

/** Events the actor's role may attempt from the request's current state (for menus; guards still apply). */
export function availableEvents(request: Pick<ProcedureRecord, 'state'>, role: Role): ProcedureEventType[] {
  return (Object.keys(transitionRules) as ProcedureEventType[]).filter((type) => {
    const rule = transitionRules[type];
    return rule.from.includes(request.state) && rule.roles.includes(role);
  });
}

/** Apply one event to a support request. Pure: the input is never modified. */
export function transition<R extends ProcedureRecord>(request: R, event: ProcedureEvent, ctx: TransitionContext): TransitionResult<R> {
  const rule = transitionRules[event.type];
  const { role, userId } = ctx.actor;
  const eventLabel = procedureEventLabels[event.type];
  const stateLabel = procedureStateLabels[request.state];

  if (!ISO_INSTANT_PATTERN.test(ctx.at) || Number.isNaN(Date.parse(ctx.at))) {
    return fail('invalid_instant', 'وقت الإجراء غير صالح. تحقّق من ساعة الجهاز ثم أعد المحاولة.', 'The time of the action is not valid. Check the device clock and try again.');
  }

  // Decisions belong to the research committee, whatever the state.
  const isDecision = event.type === 'accept' || event.type === 'reject' || event.type === 'request_more_information';
  if (isDecision && role !== 'committee_member') {
    return fail(
      'decision_requires_committee_member',
      `قرار القبول أو الرفض أو طلب معلومات إضافية من صلاحية لجنة البحث وحدها، وأنت بصفة ${roleLabels[role].ar}. ارفع الطلب إلى اللجنة.`,
      `Accepting, rejecting or requesting more information is for the research committee only; you are acting as ${roleLabels[role].en}. Submit the request to the committee.`,
    );
  }

  if (!rule.from.includes(request.state)) {
    if (request.state === 'closed') {
      return fail('request_closed', 'الطلب مغلق ولا يقبل إجراءات جديدة. افتح طلبًا جديدًا إن لزم.', 'The request is closed and takes no further actions. Open a new request if needed.');
    }
    if (event.type === 'deliver_service' && (BEFORE_SERVICE.includes(request.state) || request.state === 'rejected')) {
      return fail(
        'service_before_acceptance',
        `لا تُقدَّم الخدمة قبل قبول لجنة البحث للطلب واستكمال التسجيل. حالة الطلب الآن: «${stateLabel.ar}».`,
        `The service cannot be delivered before the research committee accepts the request and registration is complete. The request is now: "${stateLabel.en}".`,
      );
    }
    return fail(
      'transition_not_allowed',
      `لا يمكن «${eventLabel.ar}» والطلب في مرحلة «${stateLabel.ar}».`,
      `Cannot ${eventLabel.en} while the request is at "${stateLabel.en}".`,
    );
  }

  if (!rule.roles.includes(role)) {
    return fail(
      'role_not_allowed',
      `«${eventLabel.ar}» من صلاحية ${roleList(rule.roles, 'ar')}، وأنت بصفة ${roleLabels[role].ar}. اطلب ذلك من المختص.`,
      `Only a ${roleList(rule.roles, 'en')} may ${eventLabel.en}; you are acting as ${roleLabels[role].en}. Ask the person responsible.`,
    );
  }

  const reason = reasonOf(event);
  if (needsReason(event, request) && !reason) {
    return fail('reason_required', `اكتب سبب «${eventLabel.ar}»؛ يُحفظ السبب في سجل الطلب.`, `Write the reason to ${eventLabel.en}; it is kept in the request's history.`);
  }

  if (reason && reason.length > MAX_REASON_LENGTH) {
    return fail(
      'reason_too_long',
      `السبب أطول من المسموح (${MAX_REASON_LENGTH} حرف). اختصره واحفظ التفاصيل في ملاحظات الطلب.`,
      `The reason is too long (at most ${MAX_REASON_LENGTH} characters). Shorten it and keep the details in the request's notes.`,
    );
  }

  let changes: Partial<ProcedureRecord> = {};
  switch (event.type) {
    case 'begin_data_collection':
      if (!request.channelId.trim()) {
        return fail('channel_missing', 'حدّد قناة التواصل التي وصل منها المستفيد (مقابلة، هاتف، …) قبل المتابعة.', 'Record the channel the beneficiary came through (interview, phone, …) before continuing.');
      }
      break;
    case 'sign_declaration':
      if (!ctx.currentDataHash) {
        return fail(
          'current_data_hash_missing',
          'تعذّر التحقق من مطابقة الإقرار للبيانات الحالية. احفظ البيانات ثم أعد إنشاء الإقرار.',
          'Could not check that the declaration matches the current data. Save the data and create the declaration again.',
        );
      }
      if (event.declarationHash !== ctx.currentDataHash) {
        return fail(
          'declaration_stale',
          'الإقرار لا يطابق البيانات الحالية (تغيّرت بعد إنشائه). أنشئ إقرارًا جديدًا واطلب توقيعه.',
          'The declaration does not match the current data (it changed after the declaration was made). Create a new declaration and have it signed.',
        );
      }
      changes = { declarationId: event.declarationId, declarationHash: event.declarationHash };
      break;
    case 'reopen_data':
      changes = { declarationId: undefined, declarationHash: undefined };
      break;
    case 'submit_to_committee': {
      const problem = checkSubmission(request, ctx);
      if (problem) return problem;
      changes = { submittedAt: ctx.at, earliestReplyDate: earliestReplyDate(ctx.at, ctx.minimumReplyDays) };
      break;
    }
    case 'accept':
    case 'reject': {
      const earliest = request.earliestReplyDate ? parseIsoDate(request.earliestReplyDate) : undefined;
      if (earliest?.ok && saudiDayNumber(ctx.at) < gregorianToDayNumber(earliest.value)) {
        const dateAr = formatGregorianDate(earliest.value, { locale: 'ar', plain: true });
        const dateEn = formatGregorianDate(earliest.value, { locale: 'en', plain: true });
        return fail(
          'reply_before_earliest_date',
          `لا يصدر قرار القبول أو الرفض قبل انقضاء مدة الدراسة (${dateAr})؛ تنص السياسة على مدة لا تقل عن أسبوعين. يمكن طلب معلومات إضافية الآن.`,
          `Acceptance or rejection cannot be decided before the study period ends (${dateEn}); the policy sets at least two weeks. You can request more information now.`,
        );
      }
      changes = { decisionId: event.decisionId };
      break;
    }
    case 'request_more_information':
      // More information changes the data: a new declaration is needed before resubmission.
      changes = { decisionId: event.decisionId, declarationId: undefined, declarationHash: undefined };
      break;
    default:
      break;
  }

  const entry: TransitionRecord = {
    from: request.state,
    to: rule.to,
    event: event.type,
    by: userId,
    role,
    at: ctx.at,
    ...(reason ? { reason } : {}),
  };
  const next = { ...request, ...changes, state: rule.to, history: [...request.history, entry], updatedAt: ctx.at, updatedBy: userId };
  for (const key of Object.keys(changes) as (keyof ProcedureRecord)[]) {
    if (changes[key] === undefined) delete (next as Partial<ProcedureRecord>)[key];
  }
  return { ok: true, request: next, entry };
}
