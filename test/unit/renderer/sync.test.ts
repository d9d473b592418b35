import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BehaviorSubject, Subject } from 'rxjs';
import { createSyncController, firstSyncProgress, lastRequestSucceeded, pendingRecountDelayMs, syncErrorOf } from '../../../renderer/src/data/sync';
import { isValidBranchId, isValidHqUrl, normaliseHqUrl, useSession } from '../../../renderer/src/state/session';
import { isRecordSynced, useSyncMarks } from '../../../renderer/src/state/syncMarks';
import type { CollectionReplication, ExternalStreamSource, ReplicationStatus, SyncProblem } from '../../../shared/sync/client';
import type { StreamHub, StreamHubOptions, StreamHubStatus } from '../../../shared/sync/stream-hub';
import type { PendingChanges } from '../../../shared/sync/pending';
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
  initial = { resolve: () => {} };
  initialReplication = new Promise<void>((resolve) => (this.initial.resolve = resolve));
  constructor(
    readonly opts: {
      collection: { name: string };
      hqUrl: string;
      stream?: boolean;
      pull?: boolean;
      streamSource?: ExternalStreamSource;
      onPulled?: (count: number, total: number | undefined) => void;
    },
  ) {}
  private cached: CollectionReplication<unknown> | null = null;
  get api(): CollectionReplication<unknown> {
    const status = this.status;
    return (this.cached ??= {
      replicationState: { active$: this.active, received$: this.received, sent$: this.sent, awaitInitialReplication: () => this.initialReplication } as never,
      error$: this.errors,
      conflict$: new Subject(),
      status$: this.status,
      get status() {
        return status.value;
      },
      awaitInSync: async () => true,
      reSync: this.reSync,
      cancel: this.cancel,
    } as CollectionReplication<unknown>);
  }
}

class FakeHub {
  started = 0;
  stopped = 0;
  reconnects = 0;
  drops = 0;
  errors = new Subject<SyncProblem>();
  status = new BehaviorSubject<StreamHubStatus>({ connected: false, connections: 0, lastProblem: null });
  sources = new Map<string, ExternalStreamSource>();
  constructor(readonly opts: StreamHubOptions) {}
  get api(): StreamHub {
    const status = this.status;
    return {
      source: (c: string) => {
        const s = { data$: new Subject<string>(), connected$: new BehaviorSubject(false) };
        this.sources.set(c, s);
        return s;
      },
      status$: status,
      get status() {
        return status.value;
      },
      error$: this.errors,
      start: () => void this.started++,
      reconnectNow: () => void this.reconnects++,
      dropConnection: () => void this.drops++,
      stop: () => void this.stopped++,
    };
  }
}

function fakeWindow() {
  const listeners = new Map<string, () => void>();
  return {
    win: {
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
      clearTimeout: (id: number) => clearTimeout(id),
      setInterval: vi.fn((fn: () => void, ms: number) => setInterval(fn, ms)),
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
  useSession.setState({
    hqUrl: 'http://127.0.0.1:9',
    branchId: 'main',
    online: true,
    hqReachable: null,
    sync: { phase: 'idle', lastSyncAt: null, errors: [], streamConnected: false, pending: null, firstSync: null },
  });
  useSyncMarks.setState({ seen: {} });
});

describe('sync controller', () => {
  it('pulls what the role may pull, all live through one stream, only pushes the rest, and reports a clean cycle as in sync', async () => {
    const started: FakeReplication[] = [];
    const hubs: FakeHub[] = [];
    const { win, fire } = fakeWindow();
    const pendingOf = new Map<string, PendingChanges | null>();
    const controller = createSyncController({
      win,
      start: (opts) => {
        const r = new FakeReplication(opts as never);
        started.push(r);
        return r.api;
      },
      createHub: (opts) => {
        const h = new FakeHub(opts);
        hubs.push(h);
        return h.api;
      },
      countPending: async (r) => pendingOf.get(started.find((s) => s.api === r)?.opts.collection.name ?? '') ?? null,
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
    // One stream hub for every pulled collection; each pulled replication takes its share.
    expect(hubs).toHaveLength(1);
    const hub = hubs[0]!;
    expect(hub.opts.collections).toEqual(names.filter((n) => pullable.includes(n)));
    expect(hub.started).toBe(1);
    for (const r of started) expect(r.opts.streamSource === undefined, r.opts.collection.name).toBe(!r.opts.pull);
    for (const r of started.filter((x) => x.opts.pull)) expect(r.opts.streamSource).toBe(hub.sources.get(r.opts.collection.name));
    expect(started.filter((r) => r.opts.stream === false)).toEqual([]); // no collection left out of the stream
    expect(vi.mocked(win.setInterval)).not.toHaveBeenCalled(); // no polling
    expect(started[0]!.opts.collection.name).toBe('beneficiaries');
    expect(useSession.getState().sync.phase).toBe('starting');
    hub.status.next({ connected: true, connections: 1, lastProblem: null });
    expect(useSession.getState().sync.streamConnected).toBe(true);

    // A long first sync: HQ's counts on the first pulls, then what arrives, until all are done.
    started[0]!.opts.onPulled!(100, 1500);
    started[1]!.opts.onPulled!(100, 500);
    started[0]!.opts.onPulled!(100, undefined);
    expect(useSession.getState().sync.firstSync).toEqual({ received: 300, expected: 2000, done: false });
    for (const r of started) r.initial.resolve();
    await flush();
    expect(useSession.getState().sync.firstSync).toMatchObject({ received: 2000, expected: 2000, done: true });

    // Pending local changes come from each replication's bookkeeping, recounted after writes and cycles.
    pendingOf.set('beneficiaries', { count: 2, ids: ['b1', 'b2'], complete: true });
    pendingOf.set('audit_entries', { count: 5, ids: [], complete: true });
    started[0]!.active.next(true);
    started[0]!.active.next(false);
    expect(pendingRecountDelayMs).toBeGreaterThan(0); // throttled: a burst of writes is not counted once per write
    await vi.waitFor(() => expect(useSession.getState().sync.pending).toMatchObject({ total: 7, byCollection: { beneficiaries: 2, audit_entries: 5 }, complete: true }), { timeout: 5_000 });
    useSession.setState((s) => ({ sync: { ...s.sync, phase: 'starting' } }));

    // The network goes away: the stream is dropped now; it comes back: the stream retries at once, every collection pulls.
    fire('offline');
    expect(hub.drops).toBe(1);
    expect(useSession.getState().online).toBe(false);
    fire('online');
    expect(hub.reconnects).toBe(1);
    expect(started.every((r) => r.reSync.mock.calls.length === 1)).toBe(true);

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
    // HQ asking for a pull from the start (its tombstones were purged) is handled by the replication itself: not listed.
    started[0]!.errors.next({ source: 'pull', code: 'RESYNC_REQUIRED', message: 'checkpoint older than the retention horizon', messageAr: 'يلزم جلب السجلات من البداية', status: 410, at: new Date().toISOString() });
    expect(useSession.getState().sync.errors.map((e) => e.code)).toEqual(['NETWORK']);
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
    expect(hub.stopped).toBe(1);
    expect(hubs).toHaveLength(2);
    expect(hubs[1]!.opts.hqUrl).toBe('http://127.0.0.1:10');
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

  it('a revoked device seen on the shared stream wipes once; stream problems are listed', async () => {
    const hubs: FakeHub[] = [];
    const { win } = fakeWindow();
    const onWipe = vi.fn();
    const controller = createSyncController({
      win,
      start: (opts) => new FakeReplication(opts as never).api,
      createHub: (opts) => {
        const h = new FakeHub(opts);
        hubs.push(h);
        return h.api;
      },
      countPending: async () => null,
    });
    controller.attach(fakeDb(), { getAccessToken: async () => 'token', role: 'field_delegate', onWipe });
    await flush();
    await flush();
    const hub = hubs[0]!;
    expect(hub.opts.collections).toEqual(pullableCollections('field_delegate'));
    const at = new Date().toISOString();
    hub.errors.next({ source: 'stream', code: 'NETWORK', message: 'fetch failed', messageAr: 'انقطع الاتصال', status: null, at });
    expect(useSession.getState().sync.errors[0]).toMatchObject({ code: 'NETWORK', collection: '' });
    hub.errors.next({ source: 'stream', code: 'DEVICE_REVOKED', message: 'revoked', messageAr: 'أوقف مدير النظام هذا الجهاز.', status: 403, at });
    hub.errors.next({ source: 'stream', code: 'DEVICE_REVOKED', message: 'revoked', messageAr: 'أوقف مدير النظام هذا الجهاز.', status: 403, at });
    expect(onWipe).toHaveBeenCalledTimes(1);
    expect(onWipe).toHaveBeenCalledWith('أوقف مدير النظام هذا الجهاز.');
    expect(hub.stopped).toBe(1);
    await controller.stop();
  });

  it('a pulled record that fails validation is listed with the record and the fields, one entry per record', () => {
    const problem = (documentId: string): SyncProblem => ({
      source: 'pull',
      code: 'INVALID_PULLED_DOCUMENT',
      message: `Pulled document ${documentId} does not match the schema; it was not stored.`,
      messageAr: 'وصل من الخادم المركزي سجل لا يطابق هذا الإصدار من التطبيق فلم يُحفظ على جهازك.',
      status: null,
      details: { documentId, issues: [{ path: 'nationalId', message: 'رقم الهوية غير صحيح.' }, { path: 7, message: 'bad' }] },
      at: new Date().toISOString(),
    });
    expect(syncErrorOf('beneficiaries', problem('ben-1'))).toMatchObject({
      collection: 'beneficiaries',
      code: 'INVALID_PULLED_DOCUMENT',
      documentId: 'ben-1',
      issues: [{ path: 'nationalId', message: 'رقم الهوية غير صحيح.' }],
    });
    const state = useSession.getState();
    state.addSyncError(syncErrorOf('beneficiaries', problem('ben-1')));
    state.addSyncError(syncErrorOf('beneficiaries', problem('ben-2')));
    state.addSyncError(syncErrorOf('beneficiaries', problem('ben-1')));
    const errors = useSession.getState().sync.errors;
    expect(errors.map((e) => [e.documentId, e.count])).toEqual([
      ['ben-1', 2],
      ['ben-2', 1],
    ]);
    expect(syncErrorOf('', { ...problem('x'), details: undefined })).not.toHaveProperty('documentId');
  });

  it('first-sync progress: shown only when HQ gave a count; never more than expected, complete when done', () => {
    const m = (entries: [string, { received: number; expected: number | null; done: boolean }][]) => new Map(entries);
    expect(firstSyncProgress(m([['a', { received: 50, expected: null, done: false }]]))).toBeNull();
    expect(firstSyncProgress(m([['a', { received: 100, expected: 1000, done: false }], ['b', { received: 40, expected: null, done: true }]]))).toEqual({ received: 140, expected: 1040, done: false });
    // HQ's count was taken before more records arrived: the bar never passes 100 %.
    expect(firstSyncProgress(m([['a', { received: 1100, expected: 1000, done: false }]]))).toEqual({ received: 1000, expected: 1000, done: false });
    expect(firstSyncProgress(m([['a', { received: 1100, expected: 1000, done: true }]]))).toEqual({ received: 1100, expected: 1100, done: true });
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
