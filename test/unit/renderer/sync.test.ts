import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BehaviorSubject, Subject } from 'rxjs';
import { createSyncController, lastRequestSucceeded, maxLiveStreams } from '../../../renderer/src/data/sync';
import { isValidBranchId, isValidHqUrl, normaliseHqUrl, useSession } from '../../../renderer/src/state/session';
import { isRecordSynced, useSyncMarks } from '../../../renderer/src/state/syncMarks';
import type { CollectionReplication, ReplicationStatus, SyncProblem } from '../../../shared/sync/client';
import type { SilaDatabase } from '../../../renderer/src/data/database';
import { collections } from '../../../shared/schema';
import { pullableCollections } from '../../../shared/access';

class FakeReplication {
  active = new BehaviorSubject(false);
  errors = new Subject<SyncProblem>();
  received = new Subject<unknown>();
  sent = new Subject<unknown>();
  status = new BehaviorSubject<ReplicationStatus>({ online: false, streamConnected: false, lastSyncAt: null, lastProblem: null });
  reSync = vi.fn();
  cancel = vi.fn(async () => {});
  constructor(readonly opts: { collection: { name: string }; hqUrl: string; stream?: boolean; pull?: boolean }) {}
  get api(): CollectionReplication<unknown> {
    const status = this.status;
    return {
      replicationState: { active$: this.active, received$: this.received, sent$: this.sent } as never,
      error$: this.errors,
      conflict$: new Subject(),
      status$: this.status,
      get status() {
        return status.value;
      },
      awaitInSync: async () => true,
      reSync: this.reSync,
      cancel: this.cancel,
    } as CollectionReplication<unknown>;
  }
}

function fakeWindow() {
  const listeners = new Map<string, () => void>();
  return {
    win: {
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
      clearTimeout: (id: number) => clearTimeout(id),
      setInterval: (fn: () => void, ms: number) => setInterval(fn, ms),
      clearInterval: (id: number) => clearInterval(id),
      addEventListener: (type: string, fn: () => void) => listeners.set(type, fn),
    } as unknown as Window,
    fire: (type: string) => listeners.get(type)?.(),
  };
}

function fakeDb(): SilaDatabase {
  const cols: Record<string, { name: string }> = {};
  for (const c of collections) cols[c.name] = { name: c.name };
  return { collections: cols, waitForLeadership: async () => true } as unknown as SilaDatabase;
}

const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  useSession.setState({ hqUrl: 'http://127.0.0.1:9', branchId: 'main', online: true, hqReachable: null, sync: { phase: 'idle', lastSyncAt: null, errors: [] } });
  useSyncMarks.setState({ seen: {} });
});

describe('sync controller', () => {
  it('pulls what the role may pull, only pushes the rest, streams a few, and reports a clean cycle as in sync', async () => {
    const started: FakeReplication[] = [];
    const { win } = fakeWindow();
    const controller = createSyncController({
      win,
      start: (opts) => {
        const r = new FakeReplication(opts as never);
        started.push(r);
        return r.api;
      },
    });
    controller.attach(fakeDb());
    await flush();
    await flush();
    const pullable = pullableCollections('branch_staff') as string[];
    const names = collections.map((c) => c.name);
    const expected = [...names.filter((n) => pullable.includes(n)), ...names.filter((n) => !pullable.includes(n))];
    expect(started.map((r) => r.opts.collection.name)).toEqual(expected);
    expect(started.filter((r) => !r.opts.pull).map((r) => r.opts.collection.name)).toEqual(names.filter((n) => !pullable.includes(n)));
    expect(started.filter((r) => !r.opts.pull).length).toBeGreaterThan(0); // the audit log
    expect(started.filter((r) => r.opts.stream).length).toBe(maxLiveStreams);
    expect(started.filter((r) => r.opts.stream && !r.opts.pull)).toEqual([]);
    expect(started[0]!.opts.collection.name).toBe('beneficiaries');
    expect(started[0]!.opts.stream).toBe(true);
    expect(useSession.getState().sync.phase).toBe('starting');

    // A cycle that fails: HQ down.
    started[0]!.active.next(true);
    const before = Date.now();
    started[0]!.errors.next({ source: 'push', code: 'NETWORK', message: 'fetch failed', messageAr: 'تعذّر الاتصال', status: null, at: new Date().toISOString() });
    started[0]!.errors.next({ source: 'pull', code: 'NETWORK', message: 'fetch failed', messageAr: 'تعذّر الاتصال', status: null, at: new Date().toISOString() });
    for (const r of started) r.status.next({ online: false, streamConnected: false, lastSyncAt: null, lastProblem: null });
    started[0]!.active.next(false);
    let state = useSession.getState();
    expect(state.sync.phase).toBe('error');
    expect(state.hqReachable).toBe(false);
    expect(state.sync.errors).toHaveLength(1); // the same problem twice is one entry…
    expect(state.sync.errors[0]!.count).toBe(2); // …with a count
    expect(state.sync.lastSyncAt).toBeNull();

    // HQ answers: every replication's last request succeeded → in sync as of the cycle start.
    started[0]!.active.next(true);
    const cycleStart = Date.now();
    const ok: ReplicationStatus = { online: true, streamConnected: true, lastSyncAt: new Date(Date.now() + 5).toISOString(), lastProblem: null };
    for (const r of started) if (r.opts.pull) r.status.next(ok);
    for (const r of started) if (!r.opts.pull) r.status.next({ online: false, streamConnected: false, lastSyncAt: null, lastProblem: null });
    expect(useSession.getState().sync.phase).toBe('active');
    started[0]!.sent.next({ id: 'b1', updatedAt: '2026-01-01T00:00:00.000Z' });
    started[0]!.active.next(false);
    state = useSession.getState();
    expect(state.sync.phase).toBe('inSync');
    expect(state.hqReachable).toBe(true);
    expect(Date.parse(state.sync.lastSyncAt!)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(state.sync.lastSyncAt!)).toBeLessThanOrEqual(cycleStart);
    expect(useSyncMarks.getState().seen).toEqual({ b1: '2026-01-01T00:00:00.000Z' });

    // A new HQ address restarts every replication against it.
    useSession.getState().setSettings({ hqUrl: 'http://127.0.0.1:10', branchId: 'main' });
    await flush();
    await flush();
    expect(started.slice(0, expected.length).every((r) => r.cancel.mock.calls.length === 1)).toBe(true);
    expect(started.slice(expected.length).map((r) => r.opts.hqUrl)).toEqual(expected.map(() => 'http://127.0.0.1:10'));
    expect(useSession.getState().sync.lastSyncAt).toBeNull(); // the new HQ has none of our records yet
    await controller.stop();
  });

  it('says so when another window holds leadership', async () => {
    const { win } = fakeWindow();
    const db = { collections: {}, waitForLeadership: () => new Promise<boolean>(() => {}) } as unknown as SilaDatabase;
    const start = vi.fn();
    const controller = createSyncController({ win, start, followerAfterMs: 5 });
    controller.attach(db);
    await new Promise((r) => setTimeout(r, 20));
    expect(useSession.getState().sync.phase).toBe('follower');
    expect(start).not.toHaveBeenCalled();
    await controller.stop();
  });

  it('a request that failed after the last success is not a clean state', () => {
    const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    const problem = (at: string): SyncProblem => ({ source: 'pull', code: 'NETWORK', message: '', messageAr: '', status: null, at });
    expect(lastRequestSucceeded({ online: true, streamConnected: true, lastSyncAt: t(2), lastProblem: problem(t(1)) })).toBe(true);
    expect(lastRequestSucceeded({ online: true, streamConnected: true, lastSyncAt: t(1), lastProblem: problem(t(2)) })).toBe(false);
    expect(lastRequestSucceeded({ online: false, streamConnected: false, lastSyncAt: t(2), lastProblem: null })).toBe(false);
    expect(lastRequestSucceeded({ online: true, streamConnected: false, lastSyncAt: null, lastProblem: null })).toBe(false);
    // A push-only replication that had nothing to push is fine; one whose push failed is not.
    expect(lastRequestSucceeded({ online: false, streamConnected: false, lastSyncAt: null, lastProblem: null }, false)).toBe(true);
    expect(lastRequestSucceeded({ online: false, streamConnected: false, lastSyncAt: null, lastProblem: problem(t(1)) }, false)).toBe(false);
  });
});

describe('sync badge rule and settings', () => {
  it('a record is synced when HQ saw this version, or the last clean cycle began after its change', () => {
    const doc = { id: 'a', updatedAt: '2026-11-21T10:00:00.000Z' };
    expect(isRecordSynced(doc, null, {})).toBe(false);
    expect(isRecordSynced(doc, '2026-11-21T09:59:59.000Z', {})).toBe(false);
    expect(isRecordSynced(doc, '2026-11-21T10:00:00.000Z', {})).toBe(true);
    expect(isRecordSynced(doc, null, { a: '2026-11-21T10:00:00.000Z' })).toBe(true);
    expect(isRecordSynced(doc, null, { a: '2026-11-21T09:00:00.000Z' })).toBe(false); // an older version
  });

  it('validates device settings', () => {
    expect(isValidHqUrl('https://hq.example.org')).toBe(true);
    expect(isValidHqUrl('http://127.0.0.1:8787/')).toBe(true);
    expect(isValidHqUrl('ftp://hq.example.org')).toBe(false);
    expect(isValidHqUrl('https://u:p@hq.example.org')).toBe(false);
    expect(isValidHqUrl('hq.example.org')).toBe(false);
    expect(normaliseHqUrl(' https://hq.example.org/// ')).toBe('https://hq.example.org');
    expect(isValidBranchId('riyadh-1')).toBe(true);
    expect(isValidBranchId('فرع')).toBe(false);
    expect(isValidBranchId('')).toBe(false);
  });
});
