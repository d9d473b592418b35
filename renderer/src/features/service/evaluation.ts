/**
 * The satisfaction evaluation (تقييم الخدمة): the beneficiary's right and a tool for improving the
 * service, never for blaming staff. Pure helpers: the questions, building the stored record
 * (anonymous or linked), and the one-time evaluation links printed as QR codes.
 */
import { satisfactionEvaluations, validateDocument, type SatisfactionEvaluation } from '../../../../shared/schema';
import { saudiDayNumber, SAUDI_UTC_OFFSET_MINUTES } from '../../../../shared/dates/expiry';

/** Questions asked beside the overall score (ids are stored; wording lives in the catalogue). */
export const evaluationQuestionIds = ['respect', 'clarity', 'timeliness', 'fit'] as const;
export type EvaluationQuestionId = (typeof evaluationQuestionIds)[number];

/** How the evaluation reached us (stored as the evaluation's channelId). */
export const evaluationChannels = ['laptop_handover', 'qr_link', 'staff_entry'] as const;
export type EvaluationChannel = (typeof evaluationChannels)[number];

export const scores = [1, 2, 3, 4, 5] as const;

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
  /** The employee's user id (who handed over the laptop), never the beneficiary. */
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
  if (comment.length > 2000) {
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

// ---- one-time evaluation links (QR) ----

/** An issued link as kept on this laptop: only the SHA-256 of the token, never the token itself. */
export interface EvaluationLink {
  tokenHash: string;
  requestId: string;
  issuedAt: string;
  expiresAt: string;
  usedAt?: string;
}

export const evaluationLinkValidityDays = 90;
const linkStorageKey = 'sila.evaluationLinks';

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** 256 random bits, base64url: unguessable. */
export function newEvaluationToken(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  return base64url(random(new Uint8Array(32)));
}

export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** `<origin>/#/requests/<id>/evaluate/<token>`: opens only the evaluation form of that request. */
export function evaluationLinkUrl(appUrl: string, requestId: string, token: string): string {
  const base = appUrl.split('#')[0]!;
  return `${base}#/requests/${encodeURIComponent(requestId)}/evaluate/${token}`;
}

/** The token of an evaluation route (`params` of #/requests/…), or null. */
export function evaluationRouteToken(params: readonly string[], requestId: string): string | null {
  const at = params.indexOf('evaluate');
  if (at < 0 || params[0] !== requestId) return null;
  const token = params[at + 1];
  return token && tokenPattern.test(token) ? token : null;
}

export type LinkCheck =
  | { ok: true; link: EvaluationLink }
  | { ok: false; reason: 'unknown' | 'other_request' | 'used' | 'expired'; messageAr: string; messageEn: string };

export function checkEvaluationLink(links: readonly EvaluationLink[], tokenHash: string, requestId: string, now: Date): LinkCheck {
  const link = links.find((l) => l.tokenHash === tokenHash);
  if (!link) {
    return {
      ok: false,
      reason: 'unknown',
      messageAr: 'رابط التقييم غير معروف على هذا الجهاز. افتحه على جهاز الفرع الذي طُبع منه، أو اطلب من الموظف نموذج تقييم جديدًا.',
      messageEn: 'This evaluation link is not known on this device. Open it on the branch laptop that printed it, or ask the employee for a new evaluation form.',
    };
  }
  if (link.requestId !== requestId) {
    return {
      ok: false,
      reason: 'other_request',
      messageAr: 'رابط التقييم لا يخص هذا الطلب. امسح الرمز المطبوع مرة أخرى.',
      messageEn: 'This evaluation link belongs to another request. Scan the printed code again.',
    };
  }
  if (link.usedAt) {
    return {
      ok: false,
      reason: 'used',
      messageAr: 'استُخدم رابط التقييم هذا من قبل، فكل رابط يصلح لتقييم واحد. شكرًا لك.',
      messageEn: 'This evaluation link has already been used; each link is good for one evaluation. Thank you.',
    };
  }
  if (Date.parse(link.expiresAt) < now.getTime()) {
    return {
      ok: false,
      reason: 'expired',
      messageAr: 'انتهت صلاحية رابط التقييم. اطلب من الموظف رمزًا جديدًا.',
      messageEn: 'This evaluation link has expired. Ask the employee for a new code.',
    };
  }
  return { ok: true, link };
}

export function loadEvaluationLinks(storage: Storage = localStorage): EvaluationLink[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(linkStorageKey) ?? '[]');
    return Array.isArray(parsed) ? (parsed as EvaluationLink[]) : [];
  } catch {
    return [];
  }
}

export function saveEvaluationLinks(links: readonly EvaluationLink[], storage: Storage = localStorage): void {
  storage.setItem(linkStorageKey, JSON.stringify(links));
}

/** Issues a new link for a request (older unused links of the request stay valid until used or expired). */
export async function issueEvaluationLink(requestId: string, now: Date, storage: Storage = localStorage): Promise<string> {
  const token = newEvaluationToken();
  const links = loadEvaluationLinks(storage).filter((l) => Date.parse(l.expiresAt) >= now.getTime());
  links.push({
    tokenHash: await hashToken(token),
    requestId,
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + evaluationLinkValidityDays * 86_400_000).toISOString(),
  });
  saveEvaluationLinks(links, storage);
  return token;
}

export function markEvaluationLinkUsed(tokenHash: string, now: Date, storage: Storage = localStorage): void {
  saveEvaluationLinks(
    loadEvaluationLinks(storage).map((l) => (l.tokenHash === tokenHash ? { ...l, usedAt: now.toISOString() } : l)),
    storage,
  );
}
