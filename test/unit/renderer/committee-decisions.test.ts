/**
 * The committee's queue order and the branch's reconciliation of synced decisions
 * (features/committee): pure helpers, then the whole reconciliation on a real local database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RxCollection } from 'rxdb';
import { committeeQueue, decisionOfCurrentRound } from '../../../renderer/src/features/committee/queue';
import { decisionEvent, decisionsToApply, reconcileDecisions } from '../../../renderer/src/features/committee/applyDecisions';
import type { SilaDatabase } from '../../../renderer/src/data/database';
import type { Actor } from '../../../renderer/src/state/actor';
import { policyProfilesById } from '../../../shared/policy';
import type { CommitteeDecision, SupportRequest } from '../../../shared/schema';
import { samples } from './store-fixtures';
import { openTestDatabase } from './store-helpers';

const profile = policyProfilesById.get('yusr')!;
const baseRequest = samples.support_requests!.valid as unknown as SupportRequest;
const baseDecision = samples.committee_decisions!.valid as unknown as CommitteeDecision;

function request(id: string, submittedAt: string, earliestReplyDate: string, extra: Partial<SupportRequest> = {}): SupportRequest {
  return { ...baseRequest, id, submittedAt, earliestReplyDate, ...extra };
}

function decision(id: string, requestId: string, decidedAt: string, extra: Partial<CommitteeDecision> = {}): CommitteeDecision {
  return { ...baseDecision, id, requestId, decidedAt, createdAt: decidedAt, updatedAt: decidedAt, updatedBy: 'cm-1', ...extra };
}

describe('committee queue', () => {
  const now = '2025-04-01T09:00:00.000Z'; // 2025-04-01 in Riyadh
  const a = request('a', '2025-03-20T08:00:00.000Z', '2025-04-03');
  const b = request('b', '2025-03-06T08:00:00.000Z', '2025-03-20');
  const c = request('c', '2025-03-18T08:00:00.000Z', '2025-04-01');
  const done = request('d', '2025-03-01T08:00:00.000Z', '2025-03-15', { state: 'accepted' });

  it('orders by earliest reply date, marks due and overdue replies, and leaves out decided states', () => {
    const queue = committeeQueue([a, done, c, b], [], now, 14);
    expect(queue.map((q) => q.request.id)).toEqual(['b', 'c', 'a']);
    expect(queue.map((q) => q.daysOverdue)).toEqual([12, 0, undefined]);
  });

  it('breaks ties on the submission instant, then the id', () => {
    const x = request('x', '2025-03-18T10:00:00.000Z', '2025-04-01');
    const y = request('y', '2025-03-18T07:00:00.000Z', '2025-04-01');
    expect(committeeQueue([x, c, y], [], now, 14).map((q) => q.request.id)).toEqual(['y', 'c', 'x']);
  });

  it("shows the decision of the request's current round only", () => {
    const old = decision('old', 'b', '2025-03-01T08:00:00.000Z', { decision: 'more_information' });
    const current = decision('cur', 'b', '2025-03-25T08:00:00.000Z', { decision: 'accepted', reasons: [] });
    expect(decisionOfCurrentRound(b, [old])).toBeUndefined();
    expect(decisionOfCurrentRound(b, [old, current])?.id).toBe('cur');
    expect(committeeQueue([b], [old, current], now, 14)[0]!.decision?.id).toBe('cur');
  });
});

describe('decision reconciliation (pure)', () => {
  const submitted = request('r1', '2025-03-06T08:00:00.000Z', '2025-03-20', { decisionId: undefined });

  it('maps each decision kind to its workflow event with the reasons', () => {
    expect(decisionEvent(decision('d1', 'r1', '2025-03-21T08:00:00.000Z', { decision: 'accepted', reasons: [] }))).toEqual({ type: 'accept', decisionId: 'd1' });
    expect(decisionEvent(decision('d2', 'r1', '2025-03-21T08:00:00.000Z', { decision: 'rejected', reasons: ['سبب أول', ' سبب ثان '] }))).toEqual({
      type: 'reject',
      decisionId: 'd2',
      reason: 'سبب أول؛ سبب ثان',
    });
    expect(decisionEvent(decision('d3', 'r1', '2025-03-21T08:00:00.000Z', { decision: 'more_information', reasons: ['صك الإعالة'] })).type).toBe('request_more_information');
  });

  it('applies the newest decision of the round as the deciding member, at the decision time', () => {
    const first = decision('d1', 'r1', '2025-03-21T08:00:00.000Z');
    const second = decision('d2', 'r1', '2025-03-22T08:00:00.000Z', { updatedBy: 'cm-2' });
    const pending = decisionsToApply([submitted], [first, second], ['branch-riyadh']);
    expect(pending).toHaveLength(1);
    expect(pending[0]!.decision.id).toBe('d2');
    expect(pending[0]!.actor).toEqual({ userId: 'cm-2', role: 'committee_member' });
    expect(pending[0]!.at).toBe('2025-03-22T08:00:00.000Z');
  });

  it('skips requests of other branches, requests no longer at the committee, decisions already applied and earlier rounds', () => {
    const d = decision('d1', 'r1', '2025-03-21T08:00:00.000Z');
    expect(decisionsToApply([submitted], [d], ['branch-jeddah'])).toEqual([]);
    expect(decisionsToApply([{ ...submitted, state: 'rejected' }], [d], ['branch-riyadh'])).toEqual([]);
    expect(decisionsToApply([{ ...submitted, decisionId: 'd1' }], [d], ['branch-riyadh'])).toEqual([]);
    const earlierRound = decision('d0', 'r1', '2025-02-01T08:00:00.000Z', { decision: 'more_information' });
    expect(decisionsToApply([submitted], [earlierRound], ['branch-riyadh'])).toEqual([]);
  });
});

describe('decision reconciliation on the local database', () => {
  let db: SilaDatabase | null = null;
  afterEach(async () => {
    await db?.close();
    db = null;
  });
  const staff: Actor = { userId: 'u_staff', displayName: 'u_staff', role: 'branch_staff', branchIds: ['branch-riyadh'], branchId: 'branch-riyadh', signedIn: true };
  const audit = { deviceId: 'device-0123456789abcdef0123456789abcdef' };

  async function seed(req: SupportRequest, decisions: CommitteeDecision[]) {
    ({ db } = await openTestDatabase(undefined, `reconcile-${Math.random().toString(36).slice(2)}`));
    await (db.collections.beneficiaries as RxCollection).insert(samples.beneficiaries!.valid);
    await (db.collections.support_requests as RxCollection).insert(req);
    for (const d of decisions) await (db.collections.committee_decisions as RxCollection).insert(d);
    return db;
  }

  async function stored(id: string): Promise<SupportRequest> {
    return (await (db!.collections.support_requests as RxCollection).findOne(id).exec())!.toJSON() as SupportRequest;
  }

  it('moves a submitted request to rejected with the member as actor, once, and audits it', async () => {
    const req = request('req-1', '2025-03-06T08:00:00.000Z', '2025-03-20', { decisionId: undefined });
    const d = decision('cd-9', 'req-1', '2025-03-21T08:00:00.000Z', { decision: 'rejected', reasons: ['لا تنطبق شروط الخدمة'] });
    const database = await seed(req, [d]);
    const outcomes = await reconcileDecisions(database, staff, profile, audit);
    expect(outcomes).toEqual([{ decisionId: 'cd-9', requestId: 'req-1', ok: true }]);
    const after = await stored('req-1');
    expect(after.state).toBe('rejected');
    expect(after.decisionId).toBe('cd-9');
    const last = after.history.at(-1)!;
    expect(last).toMatchObject({ from: 'submitted_to_committee', to: 'rejected', event: 'reject', by: 'cm-1', role: 'committee_member', at: '2025-03-21T08:00:00.000Z', reason: 'لا تنطبق شروط الخدمة' });
    // A second run finds nothing to do.
    expect(await reconcileDecisions(database, staff, profile, audit)).toEqual([]);
    const entries = await (database.collections.audit_entries as RxCollection).find().exec();
    expect(entries.filter((e) => e.get('docId') === 'req-1' && e.get('action') === 'update')).toHaveLength(1);
  });

  it("reports the workflow's refusal (no acceptance before the study period) and leaves the request", async () => {
    const req = request('req-1', '2025-03-06T08:00:00.000Z', '2025-03-20', { decisionId: undefined });
    const early = decision('cd-early', 'req-1', '2025-03-10T08:00:00.000Z', { decision: 'accepted', reasons: [] });
    const database = await seed(req, [early]);
    const outcomes = await reconcileDecisions(database, staff, profile, audit);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ ok: false, decisionId: 'cd-early' });
    expect((await stored('req-1')).state).toBe('submitted_to_committee');
  });

  it('does nothing for a committee member (the committee never writes requests)', async () => {
    const req = request('req-1', '2025-03-06T08:00:00.000Z', '2025-03-20', { decisionId: undefined });
    const database = await seed(req, [decision('cd-9', 'req-1', '2025-03-21T08:00:00.000Z')]);
    const member: Actor = { ...staff, userId: 'cm-1', role: 'committee_member' };
    expect(await reconcileDecisions(database, member, profile, audit)).toEqual([]);
    expect((await stored('req-1')).state).toBe('submitted_to_committee');
  });

  it('sends the request back to data collection on a request for more information', async () => {
    const req = request('req-1', '2025-03-06T08:00:00.000Z', '2025-03-20', { decisionId: undefined });
    const database = await seed(req, [decision('cd-m', 'req-1', '2025-03-08T08:00:00.000Z', { decision: 'more_information', reasons: ['أرفق صك الإعالة'] })]);
    expect((await reconcileDecisions(database, staff, profile, audit))[0]).toMatchObject({ ok: true });
    const after = await stored('req-1');
    expect(after.state).toBe('data_collection');
    expect(after.declarationId).toBeUndefined();
  });
});
