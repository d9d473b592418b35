/**
 * The public evaluation page behind printed QR codes (`GET|POST /e/<token>`): no sign-in, the
 * one-time token is the only key. The laptop keeps only the token's SHA-256, on the service
 * delivery it printed it for (`evaluationLinks`), and that record reaches HQ with the normal sync;
 * HQ finds the delivery by the hash, accepts the link once and until it expires, and stores the
 * answers as a `satisfaction_evaluations` document in the replication store, so it syncs back to
 * the branch and counts in the reports like any evaluation.
 *
 * Evaluation is the beneficiary's right, not a tool for blame: the page shows nothing about the
 * person (only the association's and the service's names), the anonymous option drops every link
 * to the person and the time of day, and HQ keeps of a used link only its hash and the day. The
 * token never reaches the logs (these routes log at warn level, and the request serializer in
 * hq/server.ts masks it). Requests are limited per address; input is checked field by field.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  buildEvaluation,
  evaluationQuestionIds,
  evaluationLinkRefusal,
  evaluationTokenPattern,
  hashEvaluationToken,
  MAX_COMMENT_LENGTH,
  EVALUATION_LINK_PATH,
  type EvaluationInput,
  type EvaluationLink,
  type EvaluationProblem,
  type EvaluationQuestionId,
} from '../shared/casefile/evaluation';
import { findService, parsePolicyProfile, policyProfilesById, type PolicyProfile } from '../shared/policy';
import { satisfactionEvaluations, serviceDeliveries, validateDocument, type ServiceDelivery } from '../shared/schema';
import type { SyncDocument } from '../shared/sync/protocol';
import type { Database, Queryable } from './db';
import { formPage, PAGE_HEADERS, refusalPage, thanksPage, type PageContext, type PageLang, type RefusalKind } from './evaluation-page';
import { pushChanges } from './store';

/** Who HQ records as the writer of an evaluation that came through a QR link. */
export const EVALUATION_LINK_WRITER = 'hq-evaluation-link';

export interface PublicEvaluationOptions {
  /** Requests to /e/… per client address and window. Default 60 per 10 minutes. */
  rateLimit?: { max: number; windowSeconds: number };
  now?: () => Date;
  /** HQ's log level; these routes log at warn or above only (no per-request lines: address and time). */
  logLevel?: string;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
type Level = (typeof LEVELS)[number];

/** The stricter of HQ's level and warn. */
export function publicRouteLogLevel(level: string | undefined): Level {
  const i = LEVELS.indexOf((level ?? 'info') as Level);
  return LEVELS[Math.max(i < 0 ? 2 : i, 3)]!;
}

/** Paths served here (no CORS origin check: a phone's browser posts the form from HQ's own page). */
export function isPublicEvaluationPath(url: string): boolean {
  return url === EVALUATION_LINK_PATH.slice(0, -1) || url.startsWith(EVALUATION_LINK_PATH);
}

/** The URL with an evaluation token masked, for logs. */
export function maskEvaluationToken(url: string): string {
  return isPublicEvaluationPath(url) ? url.replace(/^\/e\/[^?#]*/, '/e/…') : url;
}

/** A fixed-window counter per key (client address); old windows are dropped as it grows. */
export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request; null when allowed, otherwise the seconds until the window ends. */
  hit(key: string): number | null {
    const t = this.now();
    if (this.windows.size > 10_000) {
      for (const [k, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(k);
    }
    const w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      this.windows.set(key, { start: t, count: 1 });
      return null;
    }
    w.count += 1;
    return w.count > this.max ? Math.max(1, Math.ceil((w.start + this.windowMs - t) / 1000)) : null;
  }
}

interface FoundLink {
  delivery: ServiceDelivery;
  link: EvaluationLink;
  used: boolean;
}

/** The delivery that printed the link with this token hash (the newest if several claim it). */
export async function findEvaluationLink(db: Queryable, tokenHash: string): Promise<FoundLink | null> {
  const { rows } = await db.query<{ doc: SyncDocument | string }>(
    `SELECT doc FROM sync_documents
      WHERE collection = 'service_deliveries' AND NOT deleted AND doc -> 'evaluationLinks' @> $1::jsonb
      ORDER BY seq DESC LIMIT 1`,
    [JSON.stringify([{ tokenHash }])],
  );
  const raw = rows[0]?.doc;
  if (!raw) return null;
  const checked = validateDocument(serviceDeliveries, typeof raw === 'string' ? JSON.parse(raw) : raw);
  if (!checked.ok) return null;
  const link = checked.value.evaluationLinks?.find((l) => l.tokenHash === tokenHash);
  if (!link) return null;
  const { rows: used } = await db.query('SELECT 1 FROM hq_evaluation_links_used WHERE token_hash = $1', [tokenHash]);
  return { delivery: checked.value, link, used: used.length > 0 };
}

/** The newest approved version HQ published of a policy profile, else the shipped one. */
export async function profileFor(db: Queryable, profileId: string): Promise<PolicyProfile | undefined> {
  const { rows } = await db.query<{ doc: Record<string, unknown> | string }>(
    `SELECT doc FROM sync_documents
      WHERE collection = 'hq_config' AND NOT deleted AND doc ->> 'kind' = 'policy_profile'
        AND doc -> 'policyProfile' ->> 'profileId' = $1 AND doc -> 'policyProfile' ->> 'status' = 'approved'`,
    [profileId],
  );
  const published = rows
    .map((r) => (typeof r.doc === 'string' ? JSON.parse(r.doc) : r.doc) as { policyProfile: { version: number; document: unknown } })
    .sort((a, b) => b.policyProfile.version - a.policyProfile.version);
  for (const entry of published) {
    const parsed = parsePolicyProfile(entry.policyProfile.document);
    if (parsed.ok) return parsed.profile;
  }
  return policyProfilesById.get(profileId);
}

/** Marks the link used (once: false when another request used it first). */
export async function claimEvaluationLink(db: Queryable, tokenHash: string): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO hq_evaluation_links_used (token_hash, used_on) VALUES ($1, (now() AT TIME ZONE 'Asia/Riyadh')::date)
     ON CONFLICT (token_hash) DO NOTHING RETURNING token_hash`,
    [tokenHash],
  );
  return rows.length > 0;
}

const SCORE = /^[1-5]$/;

/**
 * The posted form as an evaluation input. Unknown fields are ignored; a known field with a value
 * no form could send (a score of 7, a comment past the limit, a field given twice) is a problem
 * shown next to that field, never a stored value.
 */
export function readForm(body: URLSearchParams): { input: EvaluationInput; problems: EvaluationProblem[] } {
  const problems: EvaluationProblem[] = [];
  const one = (name: string): string | undefined => {
    const all = body.getAll(name);
    return all.length === 1 ? all[0] : all.length === 0 ? undefined : '\u0000';
  };
  const score = (name: string): number | undefined | 'bad' => {
    const v = one(name);
    if (v === undefined || v === '') return undefined;
    return SCORE.test(v) ? Number(v) : 'bad';
  };
  const overall = score('overall');
  if (overall === 'bad') {
    problems.push({ field: 'overall', messageAr: 'اختر تقييمك العام من ١ إلى ٥.', messageEn: 'Choose your overall rating from 1 to 5.' });
  }
  const answers: Partial<Record<EvaluationQuestionId, number>> = {};
  for (const q of evaluationQuestionIds) {
    const v = score(q);
    if (v === 'bad') {
      problems.push({ field: 'record', messageAr: 'إحدى الإجابات غير صالحة. اختر من ١ إلى ٥ لكل سؤال.', messageEn: 'One of the answers is not valid. Choose from 1 to 5 for each question.' });
    } else if (v !== undefined) answers[q] = v;
  }
  const rawComment = one('comment') ?? '';
  let comment = rawComment === '\u0000' ? '' : rawComment.replace(/\r\n/g, '\n');
  // Control characters other than line breaks and tabs are dropped (they cannot be stored or shown).
  // eslint-disable-next-line no-control-regex
  comment = comment.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  if (comment.length > MAX_COMMENT_LENGTH * 2) comment = comment.slice(0, MAX_COMMENT_LENGTH * 2); // buildEvaluation reports the length
  const anon = one('anonymous');
  return {
    input: { overall: typeof overall === 'number' ? overall : null, answers, comment, anonymous: anon === '1' || anon === 'on' },
    problems,
  };
}

function langOf(request: FastifyRequest): PageLang {
  return (request.query as { lang?: unknown } | undefined)?.lang === 'en' ? 'en' : 'ar';
}

function send(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).send(html);
}

const refusalStatus: Record<RefusalKind, number> = { unknown: 404, used: 410, expired: 410, rate_limited: 429, unavailable: 503 };

/** Registers `/e/…` in its own encapsulated scope (form parser, HTML error pages). */
export function registerPublicEvaluation(app: FastifyInstance, db: Database, options: PublicEvaluationOptions = {}): void {
  const now = options.now ?? (() => new Date());
  const limit = options.rateLimit ?? { max: 60, windowSeconds: 600 };
  const limiter = new WindowLimiter(limit.max, limit.windowSeconds * 1000);

  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 32 * 1024 }, (_request, body, done) => {
      done(null, new URLSearchParams(String(body)));
    });

    const base = (request: FastifyRequest, token: string): PageContext => ({ lang: langOf(request), action: `${EVALUATION_LINK_PATH}${token}` });
    const refuse = (reply: FastifyReply, ctx: PageContext, kind: RefusalKind, retryAfter?: number) => {
      if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
      return send(reply, refusalStatus[kind], refusalPage(ctx, kind));
    };

    // Every failure answers with a page in the beneficiary's language, never JSON or a stack.
    scope.setErrorHandler((error, request, reply) => {
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      if (status >= 500) request.log.error({ err: error }, 'public evaluation page failed');
      const ctx: PageContext = { lang: langOf(request), action: maskEvaluationToken(request.url.split('?')[0] ?? '') };
      return send(reply, status >= 500 ? 503 : 400, refusalPage(ctx, status >= 500 ? 'unavailable' : 'unknown'));
    });

    /** Rate limit, token shape, link, its standing: the page context and the link, or a refusal sent. */
    const open = async (request: FastifyRequest, reply: FastifyReply) => {
      const token = String((request.params as { token?: string }).token ?? '');
      const safeToken = evaluationTokenPattern.test(token) ? token : '';
      const ctx = base(request, safeToken);
      const wait = limiter.hit(request.ip);
      if (wait !== null) {
        request.log.warn({ path: '/e/…' }, 'public evaluation: rate limited');
        await refuse(reply, ctx, 'rate_limited', wait);
        return null;
      }
      if (!safeToken) {
        await refuse(reply, ctx, 'unknown');
        return null;
      }
      const tokenHash = await hashEvaluationToken(safeToken);
      const found = await findEvaluationLink(db, tokenHash);
      const profile = found ? await profileFor(db, found.link.profileId) : undefined;
      if (profile && found) {
        const service = findService(profile, found.delivery.serviceId);
        ctx.associationName = ctx.lang === 'en' ? (profile.association.nameEn ?? profile.association.nameAr) : profile.association.nameAr;
        if (service) ctx.serviceName = ctx.lang === 'en' ? service.nameEn : service.nameAr;
      }
      const refusal = evaluationLinkRefusal(found?.link, found?.used ?? false, now());
      if (refusal || !found) {
        await refuse(reply, ctx, refusal ?? 'unknown');
        return null;
      }
      return { ctx, tokenHash, delivery: found.delivery };
    };

    const routeOptions = { logLevel: publicRouteLogLevel(options.logLevel) };

    scope.get('/e/:token', routeOptions, async (request, reply) => {
      const opened = await open(request, reply);
      if (!opened) return reply;
      return send(reply, 200, formPage(opened.ctx, { overall: null, answers: {}, comment: '', anonymous: false }));
    });

    scope.post('/e/:token', routeOptions, async (request, reply) => {
      const opened = await open(request, reply);
      if (!opened) return reply;
      const { ctx, tokenHash, delivery } = opened;
      if (!(request.body instanceof URLSearchParams)) return send(reply, 415, formPage(ctx, { overall: null, answers: {}, comment: '', anonymous: false }));
      const form = readForm(request.body);
      const at = now();
      const built = buildEvaluation(form.input, {
        id: randomUUID().replaceAll('-', ''),
        branchId: delivery.branchId,
        serviceId: delivery.serviceId,
        requestId: delivery.requestId,
        beneficiaryId: delivery.beneficiaryId,
        deliveryId: delivery.id,
        channel: 'qr_link',
        updatedBy: EVALUATION_LINK_WRITER,
        now: at,
      });
      const problems = [...form.problems, ...(built.ok ? [] : built.problems)];
      if (!built.ok || problems.length > 0) return send(reply, 422, formPage(ctx, form.input, problems));
      if (!(await claimEvaluationLink(db, tokenHash))) return refuse(reply, ctx, 'used');
      try {
        await pushChanges(db, satisfactionEvaluations, [{ newDocumentState: { ...built.evaluation, _deleted: false } }]);
      } catch (err) {
        // Not stored: the link stays usable.
        await db.query('DELETE FROM hq_evaluation_links_used WHERE token_hash = $1', [tokenHash]).catch(() => {});
        throw err;
      }
      return send(reply, 200, thanksPage(ctx));
    });

    // Anything else under /e/ (a cut-off code, an extra path segment): the same "unknown" page.
    scope.all('/e/*', routeOptions, async (request, reply) => {
      const wait = limiter.hit(request.ip);
      const ctx: PageContext = { lang: langOf(request), action: '/e/' };
      return wait !== null ? refuse(reply, ctx, 'rate_limited', wait) : refuse(reply, ctx, 'unknown');
    });
    scope.all('/e', routeOptions, async (request, reply) => refuse(reply, { lang: langOf(request), action: '/e/' }, 'unknown'));
  });
}
