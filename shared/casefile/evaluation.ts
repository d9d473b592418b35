/**
 * The satisfaction evaluation (تقييم الخدمة): the beneficiary's right and a tool for improving the
 * service, never for blaming staff. One definition for every place the form is shown — the
 * laptop (employee entry, hand-over) and HQ's public page opened from a printed QR code — so the
 * questions, their wording and the stored record are the same wherever the beneficiary answers.
 *
 * Also the one-time evaluation links: a random token printed as a QR code; only its SHA-256 is
 * stored (on the service delivery, `evaluationLinks`), and HQ accepts it once, until it expires.
 */
import { satisfactionEvaluations, validateDocument, type SatisfactionEvaluation } from '../schema';
import { EVALUATION_LINK_VALIDITY_DAYS, type EvaluationLink, type ServiceDelivery } from '../schema/serviceDelivery';
import { saudiDayNumber, SAUDI_UTC_OFFSET_MINUTES } from '../dates/expiry';
import { sha256Hex, utf8 } from '../declaration/canonicalJson';

export { EVALUATION_LINK_VALIDITY_DAYS, type EvaluationLink };

interface Bilingual {
  readonly ar: string;
  readonly en: string;
}

/** The overall question (required) and its wording. */
export const overallQuestion: Bilingual = {
  ar: 'ما مدى رضاك عن الخدمة بشكل عام؟',
  en: 'Overall, how satisfied are you with the service?',
};

/** Questions asked beside the overall score, in order (ids are stored). */
export const evaluationQuestions = [
  { id: 'respect', ar: 'الاحترام والتقدير في التعامل معك', en: 'Respect and courtesy in how you were treated' },
  { id: 'clarity', ar: 'وضوح المعلومات والإجراءات', en: 'Clarity of the information and steps' },
  { id: 'timeliness', ar: 'تقديم الخدمة في وقت مناسب', en: 'The service came at a suitable time' },
  { id: 'fit', ar: 'تلبية الخدمة لاحتياجك', en: 'How well the service met your need' },
] as const satisfies readonly (Bilingual & { id: string })[];

export const evaluationQuestionIds = evaluationQuestions.map((q) => q.id) as readonly EvaluationQuestionId[];
export type EvaluationQuestionId = (typeof evaluationQuestions)[number]['id'];

export const scores = [1, 2, 3, 4, 5] as const;

/** The words beside each score, 1 (very dissatisfied) to 5 (very satisfied). */
export const scoreWords: Readonly<Record<(typeof scores)[number], Bilingual>> = {
  1: { ar: 'غير راضٍ إطلاقًا', en: 'Very dissatisfied' },
  2: { ar: 'غير راضٍ', en: 'Dissatisfied' },
  3: { ar: 'محايد', en: 'Neutral' },
  4: { ar: 'راضٍ', en: 'Satisfied' },
  5: { ar: 'راضٍ جدًا', en: 'Very satisfied' },
};

/** The policies' principle, shown on every evaluation form. */
export const evaluationPrinciple: Bilingual = {
  ar: 'تقييم الخدمة حقٌّ لك، ونستعمله لتحسين خدماتنا، لا لمحاسبة أحد أو لومه. يمكنك التقييم دون ذكر اسمك.',
  en: 'Evaluating the service is your right. We use it to improve our services, not to blame or hold anyone to account. You may evaluate without giving your name.',
};

export const commentField = {
  label: { ar: 'ملاحظاتك واقتراحاتك (اختياري)', en: 'Your comments and suggestions (optional)' },
  hint: { ar: 'اكتب ما تراه يحسّن الخدمة. لا حاجة لذكر أسماء.', en: 'Write what would improve the service. There is no need to name anyone.' },
} as const;

export const anonymousOption = {
  label: { ar: 'أريد التقييم دون ذكر اسمي', en: 'I want to evaluate without my name' },
  hint: {
    ar: 'لن يُربط التقييم باسمك ولا بطلبك، ويُحفظ تاريخ اليوم فقط دون الوقت.',
    en: 'The evaluation will not be linked to your name or your request, and only the day is kept, not the time.',
  },
} as const;

export const MAX_COMMENT_LENGTH = 2000;

/** How the evaluation reached us (stored as the evaluation's channelId). */
export const evaluationChannels = ['laptop_handover', 'qr_link', 'staff_entry'] as const;
export type EvaluationChannel = (typeof evaluationChannels)[number];

export interface EvaluationInput {
  overall: number | null;
  answers: Partial<Record<EvaluationQuestionId, number>>;
  comment: string;
  anonymous: boolean;
}

export interface EvaluationContext {
  id: string;
  branchId: string;
  serviceId: string;
  requestId: string;
  beneficiaryId: string;
  /** The latest delivery, linked when the evaluation is not anonymous. */
  deliveryId?: string;
  channel: EvaluationChannel;
  /** Who recorded it: the employee who handed over the laptop, or HQ for a QR link — never the beneficiary. */
  updatedBy: string;
  now: Date;
}

export interface EvaluationProblem {
  field: 'overall' | 'comment' | 'record';
  messageAr: string;
  messageEn: string;
}

export type EvaluationBuild = { ok: true; evaluation: SatisfactionEvaluation } | { ok: false; problems: EvaluationProblem[] };

/**
 * The start of the Saudi civil day of `at`, as an ISO instant. Anonymous evaluations keep only
 * the day, so their time cannot be matched to the request's history entry or a delivery.
 */
export function saudiDayStartIso(at: Date): string {
  const ms = saudiDayNumber(at) * 86_400_000 - SAUDI_UTC_OFFSET_MINUTES * 60_000;
  return new Date(ms).toISOString();
}

/** Builds the record to store, or the problems to show next to the fields (typed input is kept by the caller). */
export function buildEvaluation(input: EvaluationInput, ctx: EvaluationContext): EvaluationBuild {
  const problems: EvaluationProblem[] = [];
  if (input.overall === null) {
    problems.push({
      field: 'overall',
      messageAr: 'اختر تقييمك العام للخدمة (من ١ إلى ٥) قبل الإرسال.',
      messageEn: 'Choose your overall rating of the service (1 to 5) before sending.',
    });
  }
  const comment = input.comment.trim();
  if (comment.length > MAX_COMMENT_LENGTH) {
    problems.push({
      field: 'comment',
      messageAr: `الملاحظات أطول من المسموح (${comment.length} من ٢٠٠٠ حرف). اختصرها ثم أرسل.`,
      messageEn: `The comment is too long (${comment.length} of 2000 characters). Shorten it, then send.`,
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  const at = input.anonymous ? saudiDayStartIso(ctx.now) : ctx.now.toISOString();
  const answers = evaluationQuestionIds
    .filter((q) => input.answers[q] !== undefined)
    .map((q) => ({ questionId: q, score: input.answers[q]! }));
  const doc: Record<string, unknown> = {
    id: ctx.id,
    branchId: ctx.branchId,
    createdAt: at,
    updatedAt: at,
    updatedBy: ctx.updatedBy,
    serviceId: ctx.serviceId,
    anonymous: input.anonymous,
    channelId: ctx.channel,
    submittedAt: at,
    overall: input.overall,
    answers,
  };
  if (comment) doc.comment = comment;
  if (!input.anonymous) {
    doc.requestId = ctx.requestId;
    doc.beneficiaryId = ctx.beneficiaryId;
    if (ctx.deliveryId) doc.deliveryId = ctx.deliveryId;
  }
  const checked = validateDocument(satisfactionEvaluations, doc);
  if (!checked.ok) {
    return {
      ok: false,
      problems: checked.issues.map((i) => ({
        field: i.path === 'comment' ? 'comment' : i.path === 'overall' ? 'overall' : 'record',
        messageAr: i.message,
        messageEn: `The evaluation could not be saved (${i.path}). Check the answers and send again.`,
      })),
    };
  }
  return { ok: true, evaluation: checked.value };
}

// ---- one-time evaluation links (printed QR codes, opened on HQ's public page) ----

/** HQ's public evaluation page: `<HQ address>/e/<token>`. */
export const EVALUATION_LINK_PATH = '/e/';

/** A token: 256 random bits, base64url (43 characters). */
export const evaluationTokenPattern = /^[A-Za-z0-9_-]{43}$/;

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** 256 random bits, base64url: unguessable. */
export function newEvaluationToken(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  return base64url(random(new Uint8Array(32)));
}

/** What is stored for a token (never the token itself): its SHA-256, hex. */
export function hashEvaluationToken(token: string): Promise<string> {
  return sha256Hex(utf8(token));
}

/** The address printed as a QR code: HQ's public page for this token. */
export function evaluationLinkUrl(hqUrl: string, token: string): string {
  return `${hqUrl.trim().replace(/\/+$/, '')}${EVALUATION_LINK_PATH}${token}`;
}

/** A new link for a delivery: the record entry (hash, dates) and the token to print. */
export async function issueEvaluationLink(profileId: string, now: Date, token: string = newEvaluationToken()): Promise<{ token: string; link: EvaluationLink }> {
  return {
    token,
    link: {
      tokenHash: await hashEvaluationToken(token),
      profileId,
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + EVALUATION_LINK_VALIDITY_DAYS * 86_400_000).toISOString(),
    },
  };
}

/** Links kept per delivery; the oldest are dropped first (a used or expired one is worthless). */
export const MAX_EVALUATION_LINKS = 20;

/** The delivery with one more link (expired links dropped, at most MAX_EVALUATION_LINKS kept). */
export function withEvaluationLink(delivery: ServiceDelivery, link: EvaluationLink): ServiceDelivery {
  const now = Date.parse(link.issuedAt);
  const kept = (delivery.evaluationLinks ?? []).filter((l) => Date.parse(l.expiresAt) > now);
  return { ...delivery, evaluationLinks: [...kept, link].slice(-MAX_EVALUATION_LINKS) };
}

export type EvaluationLinkRefusal = 'unknown' | 'used' | 'expired';

/** What the beneficiary reads when a link cannot be used (Arabic first; never who or why beyond this). */
export const evaluationLinkMessages: Readonly<Record<EvaluationLinkRefusal | 'rate_limited' | 'unavailable', Bilingual>> = {
  unknown: {
    ar: 'رابط التقييم غير معروف. تأكد من مسح الرمز المطبوع كاملًا. إن طُبع الرمز اليوم فقد يعمل بعد مزامنة جهاز الفرع مع المركز الرئيس؛ أعد المحاولة لاحقًا، أو اطلب من الموظف رمزًا جديدًا.',
    en: 'This evaluation link is not known. Make sure you scanned the whole printed code. If it was printed today it may work once the branch laptop has synced with HQ; try again later, or ask the employee for a new code.',
  },
  used: {
    ar: 'استُخدم رابط التقييم هذا من قبل، فكل رابط يصلح لتقييم واحد. شكرًا لك.',
    en: 'This evaluation link has already been used; each link is good for one evaluation. Thank you.',
  },
  expired: {
    ar: 'انتهت صلاحية رابط التقييم. اطلب من الموظف رمزًا جديدًا إن رغبت في التقييم.',
    en: 'This evaluation link has expired. Ask the employee for a new code if you would like to evaluate.',
  },
  rate_limited: {
    ar: 'وصلت طلبات كثيرة من جهازك في وقت قصير. انتظر بضع دقائق ثم أعد المحاولة.',
    en: 'Too many requests came from your device in a short time. Wait a few minutes, then try again.',
  },
  unavailable: {
    ar: 'تعذّر فتح التقييم الآن. أعد المحاولة بعد قليل.',
    en: 'The evaluation cannot be opened right now. Try again in a little while.',
  },
};

/** Whether a link may be used now (`used` comes from HQ's record of used links). */
export function evaluationLinkRefusal(link: EvaluationLink | undefined, used: boolean, now: Date): EvaluationLinkRefusal | null {
  if (!link) return 'unknown';
  if (used) return 'used';
  if (Date.parse(link.expiresAt) <= now.getTime()) return 'expired';
  return null;
}
