import { describe, expect, it } from 'vitest';
import { validateDocument, satisfactionEvaluations, serviceDeliveries } from '../../../shared/schema';
import {
  buildEvaluation,
  checkEvaluationLink,
  evaluationLinkUrl,
  evaluationRouteToken,
  hashToken,
  issueEvaluationLink,
  loadEvaluationLinks,
  markEvaluationLinkUsed,
  newEvaluationToken,
  saudiDayStartIso,
  tokenPattern,
  type EvaluationContext,
} from '../../../renderer/src/features/service/evaluation';
import { buildDelivery, isoToSaudiLocal, saudiLocalToIso } from '../../../renderer/src/features/service/delivery';
import { routeFromHash } from '../../../renderer/src/navigation';

class MemoryStorage implements Storage {
  private map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
}

const now = new Date('2026-03-10T13:47:21.000Z'); // 16:47 in Riyadh
const ctx: EvaluationContext = {
  id: 'eval1',
  branchId: 'main',
  serviceId: 'consultations',
  requestId: 'req1',
  beneficiaryId: 'ben1',
  deliveryId: 'del1',
  channel: 'laptop_handover',
  updatedBy: 'staff1',
  now,
};

describe('satisfaction evaluation', () => {
  it('links a named evaluation to the request, beneficiary and delivery, with the exact time', () => {
    const r = buildEvaluation({ overall: 4, answers: { respect: 5, fit: 3 }, comment: ' شكرًا ', anonymous: false }, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.evaluation).toMatchObject({ requestId: 'req1', beneficiaryId: 'ben1', deliveryId: 'del1', overall: 4, comment: 'شكرًا', submittedAt: now.toISOString(), channelId: 'laptop_handover' });
    expect(r.evaluation.answers).toEqual([
      { questionId: 'respect', score: 5 },
      { questionId: 'fit', score: 3 },
    ]);
    expect(validateDocument(satisfactionEvaluations, r.evaluation).ok).toBe(true);
  });

  it('keeps an anonymous evaluation free of any link to the person, and of the time of day', () => {
    const r = buildEvaluation({ overall: 2, answers: {}, comment: '', anonymous: true }, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.evaluation.requestId).toBeUndefined();
    expect(r.evaluation.beneficiaryId).toBeUndefined();
    expect(r.evaluation.deliveryId).toBeUndefined();
    expect(r.evaluation.comment).toBeUndefined();
    // Midnight in Riyadh = 21:00 UTC the day before.
    expect(r.evaluation.submittedAt).toBe('2026-03-09T21:00:00.000Z');
    expect(r.evaluation.createdAt).toBe(r.evaluation.submittedAt);
    expect(r.evaluation.updatedAt).toBe(r.evaluation.submittedAt);
  });

  it('asks for the overall rating in Arabic and refuses an over-long comment', () => {
    const r = buildEvaluation({ overall: null, answers: {}, comment: 'x'.repeat(2001), anonymous: false }, ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.field).sort()).toEqual(['comment', 'overall']);
    expect(r.problems.find((p) => p.field === 'overall')!.messageAr).toMatch(/اختر تقييمك العام/);
  });

  it('takes the start of the Saudi day across the UTC midnight', () => {
    expect(saudiDayStartIso(new Date('2026-03-09T22:30:00Z'))).toBe('2026-03-09T21:00:00.000Z');
    expect(saudiDayStartIso(new Date('2026-03-09T20:59:59Z'))).toBe('2026-03-08T21:00:00.000Z');
  });
});

describe('one-time evaluation links', () => {
  it('makes unguessable tokens that fit the route', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => newEvaluationToken()));
    expect(tokens.size).toBe(200);
    for (const t of tokens) expect(t).toMatch(tokenPattern);
  });

  it('builds a URL whose hash route carries the request and the token', () => {
    const token = newEvaluationToken();
    const url = evaluationLinkUrl('http://127.0.0.1:5000/#/requests/req1/evaluation', 'req1', token);
    expect(url).toBe(`http://127.0.0.1:5000/#/requests/req1/evaluate/${token}`);
    const route = routeFromHash(new URL(url).hash);
    expect(route.section).toBe('requests');
    expect(evaluationRouteToken(route.params, 'req1')).toBe(token);
    expect(evaluationRouteToken(route.params, 'req2')).toBeNull();
    expect(evaluationRouteToken(['req1', 'evaluate', 'short'], 'req1')).toBeNull();
  });

  it('accepts a link once, for its request only, and stores only the token hash', async () => {
    const storage = new MemoryStorage();
    const token = await issueEvaluationLink('req1', now, storage);
    expect(JSON.stringify(loadEvaluationLinks(storage))).not.toContain(token);
    const hash = await hashToken(token);
    expect(checkEvaluationLink(loadEvaluationLinks(storage), hash, 'req1', now).ok).toBe(true);
    const other = checkEvaluationLink(loadEvaluationLinks(storage), hash, 'req2', now);
    expect(other.ok ? null : other.reason).toBe('other_request');
    const unknown = checkEvaluationLink(loadEvaluationLinks(storage), await hashToken(newEvaluationToken()), 'req1', now);
    expect(unknown.ok ? null : unknown.reason).toBe('unknown');
    markEvaluationLinkUsed(hash, now, storage);
    const used = checkEvaluationLink(loadEvaluationLinks(storage), hash, 'req1', now);
    expect(used.ok ? null : used.reason).toBe('used');
    if (!used.ok) expect(used.messageAr).toMatch(/استُخدم/);
  });

  it('expires links after 90 days', async () => {
    const storage = new MemoryStorage();
    const hash = await hashToken(await issueEvaluationLink('req1', now, storage));
    const later = new Date(now.getTime() + 91 * 86_400_000);
    const r = checkEvaluationLink(loadEvaluationLinks(storage), hash, 'req1', later);
    expect(r.ok ? null : r.reason).toBe('expired');
  });
});

describe('service delivery', () => {
  const base = { id: 'del2', branchId: 'main', requestId: 'req1', beneficiaryId: 'ben1', serviceId: 'consultations', deliveredBy: 'staff1', now };

  it('reads the form time as Saudi time and numbers sessions after the previous ones', () => {
    expect(saudiLocalToIso('2026-03-10T09:30')).toBe('2026-03-10T06:30:00.000Z');
    expect(isoToSaudiLocal(now)).toBe('2026-03-10T16:47');
    const first = buildDelivery({ deliveredAt: '2026-03-10T09:30', mode: 'office', notes: 'جلسة استشارة' }, { ...base, previous: [] });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.delivery.sessionNumber).toBe(1);
    expect(validateDocument(serviceDeliveries, first.delivery).ok).toBe(true);
    const second = buildDelivery({ deliveredAt: '2026-03-10T10:30', mode: 'remote', notes: 'متابعة' }, { ...base, previous: [first.delivery] });
    expect(second.ok && second.delivery.sessionNumber).toBe(2);
  });

  it('shows Arabic messages per field for a missing time, a future time and empty notes', () => {
    const r = buildDelivery({ deliveredAt: '', mode: 'office', notes: '  ' }, { ...base, previous: [] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.field).sort()).toEqual(['deliveredAt', 'notes']);
    const future = buildDelivery({ deliveredAt: '2026-03-11T09:00', mode: 'field', notes: 'x' }, { ...base, previous: [] });
    expect(future.ok ? null : future.problems[0]!.messageAr).toMatch(/المستقبل/);
    expect(saudiLocalToIso('2026-02-30T09:00')).toBeNull();
  });
});
