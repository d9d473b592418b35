/**
 * A real HQ (PGlite, then PostgreSQL) with two real RxDB clients, each in its own process.
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startHq, type RunningHq } from '../../hq/server';
import { beneficiarySchema, collections, type Beneficiary } from '../../shared/schema';
import { readEventStream, type SyncProblem } from '../../shared/sync/client';
import type { StreamMessage } from '../../shared/sync/protocol';
import { Laptop, PASSWORD, USERS, createBackend, deviceToken, freePort, pullAll, seedAccounts, testHqOptions, waitFor, type Backend } from './support/harness';

const now = () => new Date().toISOString();
/** Stand-in for the laptop's keyed lookup hash (64 hex characters). */
const fakeHash = (value: string) => createHash('sha256').update(value).digest('hex');

function beneficiary(id: string, fields: Partial<Beneficiary> = {}): Beneficiary {
  const t = now();
  return {
    id,
    branchId: 'branch-riyadh',
    createdAt: t,
    updatedAt: t,
    updatedBy: 'user-a',
    fullName: 'فاطمة عبدالله القحطاني',
    nationalId: '1012345672', // valid check digit
    idHash: fakeHash('1012345672'),
    phoneHash: '',
    ...fields,
  };
}

/** A branch-riyadh staff member's sync token (set by each test after seeding the accounts). */
let token = '';

async function push(hqUrl: string, collection: string, body: unknown, raw = false) {
  const res = await fetch(`${hqUrl}/sync/${collection}/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: Record<string, unknown> } };
}

describe.each(['pglite', 'postgres'] as const)('HQ replication on %s', (backendName) => {
  let backend: Backend;
  let hq: RunningHq | null = null;
  const laptops: Laptop[] = [];

  beforeAll(async () => {
    backend = await createBackend(backendName);
  });
  afterEach(async () => {
    await Promise.all(laptops.splice(0).map((l) => l.stop()));
    await hq?.close();
    hq = null;
  });
  afterAll(async () => {
    await backend?.dispose();
  });

  const start = async (port = 0) => {
    hq = await startHq({ port, ...testHqOptions(backend) });
    await seedAccounts(hq.url);
    token = await deviceToken(hq.url, 'staffA');
    return hq;
  };
  const stopHq = async () => {
    await hq?.close();
    hq = null;
  };
  const laptopA = (hqUrl: string) => Laptop.start('A', hqUrl, { username: USERS.delegateA.username, password: PASSWORD, collections: ['beneficiaries', 'sync_conflicts'] });
  const laptopB = (hqUrl: string) => Laptop.start('B', hqUrl, { username: USERS.staffA.username, password: PASSWORD, collections: ['beneficiaries', 'sync_conflicts'] });

  test('two laptops: offline edits on both, catch-up, stream, different-field merge, tombstone', async () => {
    const port = await freePort();
    const hqUrl = `http://127.0.0.1:${port}`;
    await start(port);
    const [a, b] = await Promise.all([laptopA(hqUrl), laptopB(hqUrl)]);
    laptops.push(a, b);
    await Promise.all([a.call('awaitInitialSync'), b.call('awaitInitialSync')]);

    // HQ goes away; both laptops keep working. Writes are kept locally, the failure is visible.
    await hq?.close();
    hq = null;
    const original = beneficiary('ben-0001');
    await a.call('insert', { doc: original });
    await b.call('insert', { doc: beneficiary('ben-0003', { nationalId: '1000000016', idHash: fakeHash('1000000016'), fullName: 'سارة خالد العتيبي' }) });
    const offlineProblems = await a.call<SyncProblem[]>('waitForProblem', { source: 'push', timeoutMs: 15_000 });
    expect(offlineProblems[0]?.code).toBe('NETWORK');
    expect(offlineProblems[0]?.messageAr).toMatch(/محفوظة على جهازك/);
    expect(await a.call('get', { id: 'ben-0001' })).toMatchObject({ fullName: original.fullName });
    await waitFor(async () => (await a.call<{ status: { online: boolean; pendingChanges: number } }>('info')).status.online === false, 10_000, 'A offline');
    const offlineInfo = await a.call<{ status: { online: boolean; pendingChanges: number; state: string } }>('info');
    expect(offlineInfo.status.pendingChanges).toBe(1);
    expect(offlineInfo.status.state).toBe('offline');

    // HQ comes back on the same port and data; both retries push, each laptop gets the other's.
    await start(port);
    const onServer = await waitFor(
      async () => (await pullAll(hqUrl, 'beneficiaries')).find((d) => d.id === 'ben-0001'),
      20_000,
      'A to push ben-0001',
    );
    // Stored exactly as sent: the document's own fields plus _deleted, nothing stamped in.
    expect(onServer).toEqual({ ...original, _deleted: false });
    await b.call('waitFor', { id: 'ben-0001', field: 'fullName', value: original.fullName, timeoutMs: 15_000 });
    await a.call('waitFor', { id: 'ben-0003', field: 'fullName', value: 'سارة خالد العتيبي', timeoutMs: 15_000 });
    await waitFor(async () => (await a.call<{ status: { pendingChanges: number } }>('info')).status.pendingChanges === 0, 10_000, 'A has nothing pending');
    const infoAfter = await a.call<{ status: { online: boolean; lastSyncAt: string | null } }>('info');
    expect(infoAfter.status.lastSyncAt).not.toBeNull();
    await Promise.all([a.call('waitForStream'), b.call('waitForStream')]);

    // An update on B reaches A through the live stream (live replication does not poll).
    await b.call('patch', { id: 'ben-0001', patch: { fullName: 'فاطمة عبدالله سعد القحطاني', updatedAt: now(), updatedBy: 'user-b' } });
    await a.call('waitFor', { id: 'ben-0001', field: 'fullName', value: 'فاطمة عبدالله سعد القحطاني', timeoutMs: 15_000 });

    // And an update on A reaches B.
    await a.call('patch', { id: 'ben-0001', patch: { phone: '+966551234567', updatedAt: now(), updatedBy: 'user-a' } });
    await b.call('waitFor', { id: 'ben-0001', field: 'phone', value: '+966551234567', timeoutMs: 15_000 });

    // Concurrent edits of DIFFERENT fields: A edits the phone while paused, B's name edit
    // reaches HQ first. HQ refuses A's stale write; A's three-way merge keeps both edits.
    await a.call('pause');
    await a.call('patch', { id: 'ben-0001', patch: { phone: '+966559999999', updatedAt: now(), updatedBy: 'user-a' } });
    await b.call('patch', { id: 'ben-0001', patch: { fullName: 'فاطمة القحطاني', updatedAt: now(), updatedBy: 'user-b' } });
    await waitFor(
      async () => (await pullAll(hqUrl, 'beneficiaries')).find((d) => d.id === 'ben-0001' && d.fullName === 'فاطمة القحطاني'),
      15_000,
      "B's edit on HQ",
    );
    await a.call('resume');
    const merged = await waitFor(
      async () => (await pullAll(hqUrl, 'beneficiaries')).find((d) => d.id === 'ben-0001' && d.phone === '+966559999999'),
      15_000,
      'the merged document on HQ',
    );
    expect(merged.fullName).toBe('فاطمة القحطاني');
    await a.call('waitFor', { id: 'ben-0001', field: 'fullName', value: 'فاطمة القحطاني', timeoutMs: 15_000 });
    await b.call('waitFor', { id: 'ben-0001', field: 'phone', value: '+966559999999', timeoutMs: 15_000 });
    // A different-field merge is not a conflict for a person.
    expect(await a.call('conflicts')).toEqual([]);
    const stored = await pullAll(hqUrl, 'beneficiaries');

    // A deletion replicates as a tombstone, which HQ keeps.
    await a.call('insert', { doc: beneficiary('ben-0002', { nationalId: '2098765437', idHash: fakeHash('2098765437'), fullName: 'John Smith Doe' }) });
    await b.call('waitFor', { id: 'ben-0002', field: 'fullName', value: 'John Smith Doe', timeoutMs: 15_000 });
    await b.call('remove', { id: 'ben-0002' });
    await waitFor(async () => (await a.call('get', { id: 'ben-0002' })) === null, 15_000, 'the deletion on A');
    const tomb = (await pullAll(hqUrl, 'beneficiaries')).find((d) => d.id === 'ben-0002');
    expect(tomb?._deleted).toBe(true);
    expect(tomb?.fullName).toBe('John Smith Doe');

    // Every pulled document still passes the shared schema; neither laptop saw an HQ rejection.
    for (const d of stored) expect(beneficiarySchema.safeParse(d).success).toBe(true);
    for (const l of [a, b]) {
      const info = await l.call<{ problems: SyncProblem[] }>('info');
      expect(info.problems.filter((p) => p.status !== null && p.status >= 400)).toEqual([]);
      // Handler failures are reported once (not again as RxDB's wrapped RC_PULL/RC_PUSH).
      expect(info.problems.filter((p) => p.source === 'replication')).toEqual([]);
    }

    await Promise.all(laptops.splice(0).map((l) => l.stop()));
    await stopHq();
    expect(await backend.countRows("collection = 'beneficiaries'")).toBe(3);
    const row = await backend.storedDoc('beneficiaries', 'ben-0002');
    expect(row?.deleted).toBe(true);
    const first = await backend.storedDoc('beneficiaries', 'ben-0001');
    expect(row && first && row.seq > first.seq).toBe(true);
  });

  test('rejects malformed pushes with a clear 4xx and stores nothing of the batch', async () => {
    const { url } = await start(0);
    const before = (await pullAll(url, 'beneficiaries')).length;

    const wrongType = await push(url, 'beneficiaries', [
      { newDocumentState: { ...beneficiary('bad-1'), nationalId: 1012345672, _deleted: false } },
    ]);
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error).toMatchObject({ code: 'INVALID_DOCUMENT', details: { documentId: 'bad-1', index: 0 } });
    const issues = (wrongType.body.error?.details as { issues: { path: string }[] }).issues;
    expect(issues.map((i) => i.path)).toContain('nationalId');
    expect(String(wrongType.body.error?.message)).toContain('bad-1');
    expect(String(wrongType.body.error?.messageAr)).toMatch(/لم يُحفظ شيء/);

    const { fullName: _omit, ...missing } = beneficiary('bad-2');
    const missingField = await push(url, 'beneficiaries', [
      { newDocumentState: { ...beneficiary('good-1'), _deleted: false } },
      { newDocumentState: { ...missing, _deleted: false } },
    ]);
    expect(missingField.status).toBe(400);
    expect(missingField.body.error).toMatchObject({ code: 'INVALID_DOCUMENT', details: { documentId: 'bad-2', index: 1 } });
    expect((missingField.body.error?.details as { issues: { path: string }[] }).issues[0]?.path).toBe('fullName');

    const noDeletedFlag = await push(url, 'beneficiaries', [{ newDocumentState: beneficiary('bad-3') }]);
    expect(noDeletedFlag.status).toBe(400);
    expect(noDeletedFlag.body.error).toMatchObject({ code: 'INVALID_DOCUMENT', details: { documentId: 'bad-3' } });

    const notArray = await push(url, 'beneficiaries', { newDocumentState: beneficiary('bad-4') });
    expect(notArray.status).toBe(400);
    expect(notArray.body.error?.code).toBe('MALFORMED_REQUEST');

    const badJson = await push(url, 'beneficiaries', '[{"newDocumentState":', true);
    expect(badJson.status).toBe(400);
    expect(badJson.body.error?.code).toBe('MALFORMED_REQUEST');

    const unknown = await push(url, 'donkeys', [{ newDocumentState: { ...beneficiary('bad-5'), _deleted: false } }]);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'UNKNOWN_COLLECTION' });
    expect(String(unknown.body.error?.message)).toContain('donkeys');

    const auth = { headers: { authorization: `Bearer ${token}` } };
    const badPull = await fetch(`${url}/sync/beneficiaries/pull?batchSize=0`, auth);
    expect(badPull.status).toBe(400);
    const unknownPull = await fetch(`${url}/sync/donkeys/pull`, auth);
    expect(unknownPull.status).toBe(404);

    // Nothing of any rejected batch was stored (not even good-1, the valid row).
    const after = await pullAll(url, 'beneficiaries');
    expect(after.length).toBe(before);
    expect(after.find((d) => d.id === 'good-1')).toBeUndefined();

    // Push semantics over plain HTTP: insert, stale insert → conflict, stale update → conflict.
    const doc = { ...beneficiary('cas-1'), _deleted: false };
    expect(await push(url, 'beneficiaries', [{ newDocumentState: doc }])).toEqual({ status: 200, body: [] });
    const again = await push(url, 'beneficiaries', [{ newDocumentState: { ...doc, fullName: 'اسم آخر مختلف' } }]);
    expect(again.body).toEqual([doc]);
    const updated = { ...doc, fullName: 'اسم محدّث للمستفيد' };
    expect((await push(url, 'beneficiaries', [{ newDocumentState: updated, assumedMasterState: doc }])).body).toEqual([]);
    const stale = await push(url, 'beneficiaries', [{ newDocumentState: { ...doc, phone: '+966500000000' }, assumedMasterState: doc }]);
    expect(stale.body).toEqual([updated]);

    await hq?.close();
    hq = null;
    expect(await backend.countRows("id LIKE 'bad-%' OR id = 'good-1'")).toBe(0);
    expect((await backend.storedDoc('beneficiaries', 'cas-1'))?.doc).toEqual(updated);
  });

  test('HQ restarts: laptops reconnect their streams and catch up on what was written meanwhile', async () => {
    const port = await freePort();
    const hqUrl = `http://127.0.0.1:${port}`;
    await start(port);
    const [a, b] = await Promise.all([laptopA(hqUrl), laptopB(hqUrl)]);
    laptops.push(a, b);
    await Promise.all([a.call('waitForStream'), b.call('waitForStream')]);

    await hq?.close();
    hq = null;
    await b.call('insert', { doc: beneficiary('ben-restart', { nationalId: '1000000016', idHash: fakeHash('1000000016') }) });
    await b.call('waitForProblem', { source: 'push', timeoutMs: 15_000 });

    await start(port);
    await a.call('waitFor', { id: 'ben-restart', field: 'nationalId', value: '1000000016', timeoutMs: 20_000 });
    await a.call('waitForStream');
    // The reconnected stream is live again: a new write reaches the other laptop.
    await a.call('patch', { id: 'ben-restart', patch: { city: 'الدمام', updatedAt: now() } });
    await b.call('waitFor', { id: 'ben-restart', field: 'city', value: 'الدمام', timeoutMs: 15_000 });
  });

  test('health, readiness, CORS for the renderer origins only, body size limit', async () => {
    const { url } = await startHq({ port: 0, ...testHqOptions(backend), allowedOrigins: ['https://hq.example.org'] }).then((h) => {
      hq = h;
      return h;
    });
    await seedAccounts(url);
    token = await deviceToken(url, 'staffA');
    const admin = await deviceToken(url, 'staffA');
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${url}/ready`)).json()).toMatchObject({ status: 'ready', database: backendName });

    for (const origin of ['app://sila', 'http://localhost:5173', 'http://127.0.0.1:4173', 'https://hq.example.org']) {
      const pre = await fetch(`${url}/sync/beneficiaries/push`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
      expect(pre.headers.get('access-control-allow-headers')).toContain('content-type');
    }
    const evil = await fetch(`${url}/sync/beneficiaries/pull`, { headers: { origin: 'https://evil.example.com' } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await evil.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN_ORIGIN');

    const huge = await push(url, 'beneficiaries', [{ newDocumentState: { ...beneficiary('huge'), _deleted: false, pad: 'x'.repeat(9 * 1024 * 1024) } }]);
    expect(huge.status).toBe(413);
    expect(huge.body.error?.code).toBe('PAYLOAD_TOO_LARGE');

    // Every collection of the shared registry has its endpoints (audit entries are write-only
    // for branch staff: 403 with the reason).
    for (const def of collections) {
      const res = await fetch(`${url}/sync/${def.name}/pull?batchSize=1`, { headers: { authorization: `Bearer ${admin}` } });
      if (def.name === 'audit_entries') {
        expect(res.status, def.name).toBe(403);
        expect(await res.json()).toMatchObject({ error: { code: 'FORBIDDEN', details: { reason: 'no_read_access' } } });
        continue;
      }
      expect(res.status, def.name).toBe(200);
      expect(await res.json()).toMatchObject({ documents: expect.any(Array) });
    }

    const notFound = await fetch(`${url}/nothing/here`);
    expect(notFound.status).toBe(404);
    const body = (await notFound.json()) as { error: { code: string; messageAr: string } };
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.error.messageAr.length).toBeGreaterThan(10);
  });

  test.runIf(backendName === 'postgres')('two HQ instances on one PostgreSQL: a write on one streams from the other', async () => {
    const first = await start(0);
    const second = await startHq({ port: 0, ...testHqOptions(backend) });
    const abort = new AbortController();
    // A token issued by one instance is accepted by the other (signing keys live in the database).
    const auth = { authorization: `Bearer ${token}` };
    try {
      const res = await fetch(`${second.url}/sync/beneficiaries/stream`, { signal: abort.signal, headers: auth });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const messages: StreamMessage[] = [];
      const reading = readEventStream(res.body!, (data) => messages.push(JSON.parse(data) as StreamMessage)).catch(() => {});
      await waitFor(async () => messages.includes('RESYNC'), 5_000, 'RESYNC on connect');

      const doc = { ...beneficiary('multi-1'), _deleted: false };
      const pushed = await push(first.url, 'beneficiaries', [{ newDocumentState: doc }]);
      expect(pushed).toEqual({ status: 200, body: [] });
      const event = await waitFor(
        async () => messages.find((m): m is Exclude<StreamMessage, 'RESYNC'> => m !== 'RESYNC' && m.documents.some((d) => d.id === 'multi-1')),
        10_000,
        'the change on the second instance',
      );
      expect(event.documents).toEqual([doc]);
      // The event's checkpoint is the one a pull would return after that document.
      const pulled = (await (await fetch(`${second.url}/sync/beneficiaries/pull?batchSize=1000`, { headers: auth })).json()) as { checkpoint: unknown };
      expect(event.checkpoint).toEqual(pulled.checkpoint);
      abort.abort();
      await reading;
    } finally {
      abort.abort();
      await second.close();
    }
  });
});
