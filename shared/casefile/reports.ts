/**
 * Aggregations for HQ and branch managers (تقارير). Pure: records in, rows out, labelled in
 * Arabic and English from the policy profile and the workflow. Days are Saudi civil days.
 */
import type {
  CommitteeDecision,
  HqConfigEntry,
  SatisfactionEvaluation,
  SupportRequest,
} from '../schema';
import type { PolicyProfile } from '../policy/schema';
import { procedureStateLabels, procedureStates, type ProcedureState } from '../workflow/states';
import { earliestReplyDate } from '../workflow/machine';
import { parseIsoDate, gregorianToDayNumber } from '../dates/calendar';
import { saudiCivilDate, saudiDayNumber } from '../dates/expiry';
import { gregorianMonthLabel } from './labels';
import type { Instant } from './records';

export interface CountRow<K extends string = string> {
  readonly key: K;
  readonly labelAr: string;
  readonly labelEn: string;
  readonly count: number;
}

function countBy(
  requests: readonly SupportRequest[],
  key: (r: SupportRequest) => string,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
  return counts;
}

/** Requests per procedure state, every state listed in procedure order (zeros included). */
export function requestsByStatus(requests: readonly SupportRequest[]): CountRow<ProcedureState>[] {
  const counts = countBy(requests, (r) => r.state);
  return procedureStates.map((s) => ({
    key: s,
    labelAr: procedureStateLabels[s].ar,
    labelEn: procedureStateLabels[s].en,
    count: counts.get(s) ?? 0,
  }));
}

function labelledCounts(
  counts: Map<string, number>,
  known: readonly { id: string; ar: string; en: string }[],
  unknownLabel: (id: string) => { ar: string; en: string },
): CountRow[] {
  const rows: CountRow[] = known.map((k) => ({
    key: k.id,
    labelAr: k.ar,
    labelEn: k.en,
    count: counts.get(k.id) ?? 0,
  }));
  const knownIds = new Set(known.map((k) => k.id));
  for (const [id, count] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    if (!knownIds.has(id)) {
      const l = unknownLabel(id);
      rows.push({ key: id, labelAr: l.ar, labelEn: l.en, count });
    }
  }
  return rows;
}

/** Requests per contact channel, in the profile's channel order; channels not in the profile at the end. */
export function requestsByChannel(
  requests: readonly SupportRequest[],
  profile: PolicyProfile,
): CountRow[] {
  return labelledCounts(
    countBy(requests, (r) => r.channelId),
    profile.channels.map((c) => ({ id: c.id, ar: c.labelAr, en: c.labelEn })),
    (id) => ({ ar: `قناة غير معرّفة في السياسة (${id})`, en: `Channel not in the policy (${id})` }),
  );
}

/** Requests per service, in the profile's catalogue order; services not in the profile at the end. */
export function requestsByService(
  requests: readonly SupportRequest[],
  profile: PolicyProfile,
): CountRow[] {
  return labelledCounts(
    countBy(requests, (r) => r.serviceId),
    profile.services.map((s) => ({ id: s.id, ar: s.nameAr, en: s.nameEn })),
    (id) => ({ ar: `خدمة غير معرّفة في السياسة (${id})`, en: `Service not in the policy (${id})` }),
  );
}

/**
 * Requests per branch, labelled from the HQ configuration's branch entries (matched on the
 * entry's branchId, or its id when it has none); branches with requests but no entry at the end.
 */
export function requestsByBranch(
  requests: readonly SupportRequest[],
  branches: readonly HqConfigEntry[] = [],
): CountRow[] {
  const known = branches
    .filter((e) => e.kind === 'branch' && e.branch)
    .map((e) => ({
      id: e.branchId ?? e.id,
      ar: e.branch!.name,
      en: e.branch!.nameEn ?? e.branch!.name,
    }));
  return labelledCounts(
    countBy(requests, (r) => r.branchId),
    known,
    (id) => ({ ar: `فرع غير مسجّل (${id})`, en: `Unregistered branch (${id})` }),
  );
}

export interface OverdueReply {
  readonly requestId: string;
  readonly branchId: string;
  readonly serviceId: string;
  readonly submittedAt: string;
  /** 'YYYY-MM-DD': the study period ends; the committee may and should answer from this day. */
  readonly earliestReplyDate: string;
  /** Whole days since the submission. */
  readonly daysWaiting: number;
  /** Whole days past the earliest reply date (0 = the answer is due today). */
  readonly daysOverdue: number;
}

/**
 * Requests still waiting at the research committee whose study period is over (today is on or
 * after the earliest reply date), longest overdue first.
 */
export function overdueCommitteeReplies(
  requests: readonly SupportRequest[],
  now: Instant,
  minimumReplyDays?: number,
): OverdueReply[] {
  const today = saudiDayNumber(now);
  const out: OverdueReply[] = [];
  for (const r of requests) {
    if (r.state !== 'submitted_to_committee' || !r.submittedAt) continue;
    const earliest = r.earliestReplyDate ?? earliestReplyDate(r.submittedAt, minimumReplyDays);
    const parsed = parseIsoDate(earliest);
    if (!parsed.ok) continue;
    const daysOverdue = today - gregorianToDayNumber(parsed.value);
    if (daysOverdue < 0) continue;
    out.push({
      requestId: r.id,
      branchId: r.branchId,
      serviceId: r.serviceId,
      submittedAt: r.submittedAt,
      earliestReplyDate: earliest,
      daysWaiting: today - saudiDayNumber(r.submittedAt),
      daysOverdue,
    });
  }
  return out.sort(
    (a, b) => b.daysOverdue - a.daysOverdue || a.requestId.localeCompare(b.requestId),
  );
}

export interface DurationSummary {
  /** Requests with a final decision (accepted or rejected) after their submission. */
  readonly count: number;
  readonly medianDays: number | null;
  /** 90th percentile (nearest rank). */
  readonly p90Days: number | null;
  readonly minDays: number | null;
  readonly maxDays: number | null;
}

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/**
 * When the beneficiary was received for this request (الاستقبال): the request is created at
 * reception, so its creation; an earlier procedure step in its history (a request recorded after
 * the fact) moves it back.
 */
export function receivedAt(request: SupportRequest): string {
  let first = request.createdAt;
  for (const h of request.history) if (Date.parse(h.at) < Date.parse(first)) first = h.at;
  return first;
}

/**
 * Days from reception (the request's creation at reception, `receivedAt`) to the committee's
 * final decision (acceptance or rejection), in Saudi civil days: the time the beneficiary waited
 * for an answer, data collection and the committee's study included. A request's decision is the
 * one its `decisionId` names when final, otherwise its earliest final decision taken on or after
 * its (latest) submission.
 */
export function timeToDecisionDays(
  requests: readonly SupportRequest[],
  decisions: readonly CommitteeDecision[],
): DurationSummary {
  const byRequest = new Map<string, CommitteeDecision[]>();
  for (const d of decisions) {
    if (d.decision === 'more_information') continue;
    const list = byRequest.get(d.requestId) ?? [];
    list.push(d);
    byRequest.set(d.requestId, list);
  }
  const days: number[] = [];
  for (const r of requests) {
    if (!r.submittedAt) continue;
    const submitted = Date.parse(r.submittedAt);
    const finals = (byRequest.get(r.id) ?? []).filter((d) => Date.parse(d.decidedAt) >= submitted);
    const chosen =
      finals.find((d) => d.id === r.decisionId) ??
      finals.sort((a, b) => Date.parse(a.decidedAt) - Date.parse(b.decidedAt))[0];
    if (chosen) days.push(saudiDayNumber(chosen.decidedAt) - saudiDayNumber(receivedAt(r)));
  }
  days.sort((a, b) => a - b);
  return {
    count: days.length,
    medianDays: median(days),
    p90Days: percentile(days, 90),
    minDays: days[0] ?? null,
    maxDays: days[days.length - 1] ?? null,
  };
}

export interface SatisfactionBucket {
  /** 'YYYY-MM' (Saudi civil month of submission). */
  readonly month: string;
  readonly labelAr: string;
  readonly labelEn: string;
  readonly count: number;
  /** Average overall score (1–5), two decimals. */
  readonly averageScore: number;
}

export interface SatisfactionFilter {
  readonly serviceId?: string;
  readonly branchId?: string;
}

/** Average overall satisfaction and number of evaluations per month, oldest first (months without evaluations omitted). */
export function satisfactionOverTime(
  evaluations: readonly SatisfactionEvaluation[],
  bucket: 'month' = 'month',
  filter: SatisfactionFilter = {},
): SatisfactionBucket[] {
  void bucket;
  const sums = new Map<string, { y: number; m: number; sum: number; count: number }>();
  for (const e of evaluations) {
    if (filter.serviceId !== undefined && e.serviceId !== filter.serviceId) continue;
    if (filter.branchId !== undefined && e.branchId !== filter.branchId) continue;
    const day = saudiCivilDate(e.submittedAt);
    const key = `${String(day.y).padStart(4, '0')}-${String(day.m).padStart(2, '0')}`;
    const acc = sums.get(key) ?? { y: day.y, m: day.m, sum: 0, count: 0 };
    acc.sum += e.overall;
    acc.count += 1;
    sums.set(key, acc);
  }
  return [...sums]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, acc]) => {
      const label = gregorianMonthLabel(acc.y, acc.m);
      return {
        month,
        labelAr: label.ar,
        labelEn: label.en,
        count: acc.count,
        averageScore: Math.round((acc.sum / acc.count) * 100) / 100,
      };
    });
}
