/**
 * One multiplexed change stream (`GET /sync/stream?collections=…`, shared/sync/stream-hub.ts)
 * feeding several collections' replications, against a real HQ on PGlite and on PostgreSQL,
 * with real RxDB clients (in-memory storage, encrypted fields as on a laptop):
 *   - one connection carries the changes of several collections, live, within the branch scope;
 *   - every listed collection is authorised like its own stream;
 *   - a dropped stream (HQ restarted, network cut) reconnects and every collection catches up.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { wrappedKeyEncryptionCryptoJsStorage } from 'rxdb/plugins/encryption-crypto-js';
import { startHq, type RunningHq } from '../../hq/server';
import { collectionsByName, toRxJsonSchema, validateDocument } from '../../shared/schema';
import { startCollectionReplication, type CollectionReplication, type SyncProblem } from '../../shared/sync/client';
import { CHANGES_CHANNEL } from '../../hq/store';
import { createStreamHub, type StreamHub } from '../../shared/sync/stream-hub';
import { ADMIN, PASSWORD, USERS, api, createBackend, freePort, seedAccounts, signIn, testHqOptions, waitFor, type Backend } from './support/harness';

const COLLECTIONS = ['beneficiaries', 'support_requests', 'contact_logs'] as const;
const now = () => new Date().toISOString();
const fakeHash = (value: string) => createHash('sha256').update(value).digest('hex');

function base(id: string, branchId: string) {
  const t = now();
  return { id, branchId, createdAt: t, updatedAt: t, updatedBy: 'user-seed' };
}

const docsOf = {
  beneficiaries: (id: string, branchId: string, nationalId = '1012345672') => ({
    ...base(id, branchId),
    fullName: 'فاطمة عبدالله القحطاني',
    nationalId,
    idHash: fakeHash(nationalId),
    phoneHash: '',
  }),
  support_requests: (id: string, branchId: string) => ({
    ...base(id, branchId),
    beneficiaryId: 'ben-x',
    serviceId: 'family_consultations',
    channelId: 'branch_delegates',
    state: 'reception',
    history: [],
  }),
  contact_logs: (id: string, branchId: string) => ({
    ...base(id, branchId),
    channelId: 'phone',
    direction: 'inbound',
    at: now(),
    subject: 'inquiry',
    handledBy: 'user-seed',
    summary: 'استفسار عن موعد المقابلة',
  }),
};

/** A laptop: a real RxDB database, one replication per collection, all live through one hub. */
interface Client {
  db: RxDatabase;
  hub: StreamHub;
  replications: Map<string, CollectionReplication<unknown>>;
  /** Every request this client made: "GET /sync/stream?collections=…", "GET /sync/beneficiaries/pull?…". */
  requests: string[];
  /** While false, opening the stream fails as if the network were cut. */
  gate: { open: boolean };
  /** Every problem any replication reported. */
  problems: (SyncProblem & { collection: string })[];
  has(collection: string, id: string): Promise<boolean>;
  close(): Promise<void>;
}

let clientCounter = 0;

async function startClient(hqUrl: string, username: string, deviceId: string): Promise<Client> {
  const token = await signIn(hqUrl, username, PASSWORD, deviceId);
  const requests: string[] = [];
  const gate = { open: true };
  const fetchFn: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    requests.push(`${init?.method ?? 'GET'} ${url.pathname}${url.search}`);
    if (url.pathname === '/sync/stream' && !gate.open) throw new TypeError('fetch failed (test: network cut)');
    return fetch(input, init);
  };
  const headers = () => ({ authorization: `Bearer ${token}` });
  const db = await createRxDatabase({
    name: `hubclient${process.pid}x${++clientCounter}`,
    storage: wrappedKeyEncryptionCryptoJsStorage({ storage: getRxStorageMemory() }),
    password: 'test-password-stream-hub',
    multiInstance: false,
  });
  const creators: Record<string, { schema: never }> = {};
  for (const name of COLLECTIONS) creators[name] = { schema: toRxJsonSchema(collectionsByName.get(name)!) as never };
  await db.addCollections(creators);
  const hub = createStreamHub({ hqUrl, collections: COLLECTIONS, fetch: fetchFn, headers, reconnect: { initialDelayMs: 100, maxDelayMs: 400 } });
  const replications = new Map<string, CollectionReplication<unknown>>();
  const problems: (SyncProblem & { collection: string })[] = [];
  for (const name of COLLECTIONS) {
    replications.set(
      name,
      startCollectionReplication({
        collection: db.collections[name] as RxCollection<unknown>,
        hqUrl,
        fetch: fetchFn,
        headers,
        retryTime: 300,
        waitForLeadership: false,
        streamSource: hub.source(name),
      }),
    );
  }
  for (const [name, r] of replications) r.error$.subscribe((p) => problems.push({ ...p, collection: name }));
  hub.start();
  await Promise.all([...replications.values()].map((r) => r.replicationState.awaitInitialReplication()));
  return {
    db,
    hub,
    replications,
    requests,
    gate,
    problems,
    has: async (collection, id) => (await db.collections[collection]!.findOne(id).exec()) !== null,
    async close() {
      hub.stop();
      await Promise.all([...replications.values()].map((r) => r.cancel()));
      await db.close();
    },
  };
}

async function push(hqUrl: string, token: string, collection: string, docs: Record<string, unknown>[]) {
  for (const d of docs) {
    const check = validateDocument(collectionsByName.get(collection)!, d);
    if (!check.ok) throw new Error(`test document ${collection}/${String(d.id)} is invalid: ${JSON.stringify(check.issues)}`);
  }
  const r = await api(hqUrl, 'POST', `/sync/${collection}/push`, docs.map((d) => ({ newDocumentState: { ...d, _deleted: false } })), token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body).toEqual([]);
}

const streamRequests = (c: Client) => c.requests.filter((r) => r.includes('/stream'));
const pullRequests = (c: Client) => c.requests.filter((r) => r.includes('/pull'));

describe.each(['pglite', 'postgres'] as const)('multiplexed change stream on %s', (backendName) => {
  let backend: Backend;
  let hq: RunningHq | null = null;
  const clients: Client[] = [];

  beforeAll(async () => {
    backend = await createBackend(backendName);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await hq?.close();
    hq = null;
  });
  afterAll(async () => {
    await backend?.dispose();
  });

  const start = async (port = 0) => {
    hq = await startHq({ port, ...testHqOptions(backend) });
    await seedAccounts(hq.url);
    return hq;
  };

  test('one connection carries every collection live, each laptop only its branch', async () => {
    const { url } = await start();
    const [riyadh, jeddah] = await Promise.all([
      startClient(url, USERS.delegateA.username, 'dev-hub-riyadh'),
      startClient(url, USERS.delegateB.username, 'dev-hub-jeddah'),
    ]);
    clients.push(riyadh, jeddah);
    await waitFor(async () => riyadh.hub.status.connected && jeddah.hub.status.connected, 10_000, 'both streams');
    for (const r of riyadh.replications.values()) expect(r.status.streamConnected).toBe(true);
    // Let the pulls that followed each collection's RESYNC finish.
    await Promise.all([...riyadh.replications.values()].map((r) => r.awaitInSync()));
    const pullsBefore = pullRequests(riyadh).length;

    const staffA = await signIn(url, USERS.staffA.username, PASSWORD, 'dev-hub-seed-a');
    const delegateB = await signIn(url, USERS.delegateB.username, PASSWORD, 'dev-hub-seed-b');
    await push(url, staffA, 'beneficiaries', [docsOf.beneficiaries('hub-ben-1', 'branch-riyadh')]);
    await push(url, staffA, 'support_requests', [docsOf.support_requests('hub-req-1', 'branch-riyadh')]);
    await push(url, staffA, 'contact_logs', [docsOf.contact_logs('hub-log-1', 'branch-riyadh')]);
    await push(url, delegateB, 'beneficiaries', [docsOf.beneficiaries('hub-ben-j', 'branch-jeddah', '1000000016')]);

    await waitFor(async () => (await riyadh.has('beneficiaries', 'hub-ben-1')) && (await riyadh.has('support_requests', 'hub-req-1')) && (await riyadh.has('contact_logs', 'hub-log-1')), 15_000, 'the three Riyadh records on the Riyadh laptop');
    await waitFor(async () => jeddah.has('beneficiaries', 'hub-ben-j'), 15_000, 'the Jeddah record on the Jeddah laptop');
    // They came through the stream, not through pulls; one stream connection per laptop.
    expect(pullRequests(riyadh).length).toBe(pullsBefore);
    expect(streamRequests(riyadh)).toEqual(['GET /sync/stream?collections=beneficiaries,support_requests,contact_logs']);
    expect(streamRequests(jeddah)).toHaveLength(1);
    // Branch scoping holds on the shared stream.
    expect(await riyadh.has('beneficiaries', 'hub-ben-j')).toBe(false);
    for (const [c, id] of [['beneficiaries', 'hub-ben-1'], ['support_requests', 'hub-req-1'], ['contact_logs', 'hub-log-1']] as const) {
      expect(await jeddah.has(c, id)).toBe(false);
    }
  });

  // A record HQ holds that this app version's schema refuses (written by another version, or
  // straight into the database): reported with the record and the field, never stored quietly.
  test.runIf(backendName === 'postgres')('a streamed record that fails validation is reported with its id and field, and not stored', async () => {
    const { url } = await start();
    const laptop = await startClient(url, USERS.delegateA.username, 'dev-hub-invalid');
    clients.push(laptop);
    await waitFor(async () => laptop.hub.status.connected, 10_000, 'the stream');
    // Connecting makes every replication pull once (RESYNC); let that pull finish first, or it
    // could be the one that meets the record (source 'pull' instead of 'stream').
    await Promise.all([...laptop.replications.values()].map((r) => r.replicationState.awaitInSync()));
    const bad = { ...docsOf.beneficiaries('hub-bad-1', 'branch-riyadh'), nationalId: '1012345673', _deleted: false }; // wrong check digit
    const db = new pg.Client({ connectionString: backend.hqOptions.databaseUrl });
    await db.connect();
    try {
      await db.query("INSERT INTO sync_documents (collection, id, doc, deleted, branch_id) VALUES ('beneficiaries', $1, $2, false, 'branch-riyadh')", ['hub-bad-1', JSON.stringify(bad)]);
      await db.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, JSON.stringify({ collection: 'beneficiaries' })]);
    } finally {
      await db.end();
    }
    const problem = await waitFor(async () => laptop.problems.find((p) => p.code === 'INVALID_PULLED_DOCUMENT'), 15_000, 'the rejected record to be reported');
    expect(problem).toMatchObject({ collection: 'beneficiaries', source: 'stream', details: { documentId: 'hub-bad-1' } });
    expect((problem.details as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain('nationalId');
    expect(problem.messageAr).toMatch(/حدّث التطبيق/);
    expect(await laptop.has('beneficiaries', 'hub-bad-1')).toBe(false);
  });

  test('every listed collection is authorised like its own stream; a refusal refuses the whole request', async () => {
    const { url } = await start();
    const delegate = await signIn(url, USERS.delegateA.username, PASSWORD, 'dev-hub-auth');
    const committee = await signIn(url, USERS.committee.username, PASSWORD, 'dev-hub-committee');
    const adminNoDevice = await signIn(url, ADMIN.username, ADMIN.password);
    const open = async (query: string, token: string | null) => {
      const abort = new AbortController();
      const res = await fetch(`${url}/sync/stream${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: abort.signal });
      const contentType = res.headers.get('content-type') ?? '';
      const body = contentType.includes('json') ? ((await res.json()) as { error?: { code: string; messageAr: string; details?: unknown } }) : null;
      abort.abort();
      return { status: res.status, contentType, body };
    };
    // Write-only for a delegate (audit entries): refused, even beside a readable collection.
    const auditRefused = await open('?collections=beneficiaries,audit_entries', delegate);
    expect(auditRefused.status).toBe(403);
    expect(auditRefused.body?.error).toMatchObject({ code: 'FORBIDDEN', details: { collection: 'audit_entries' } });
    expect(auditRefused.body?.error?.messageAr).toMatch(/[\u0600-\u06ff]/);
    expect((await open('?collections=beneficiaries,no_such_thing', delegate)).body?.error?.code).toBe('UNKNOWN_COLLECTION');
    expect((await open('?collections=beneficiaries,no_such_thing', delegate)).status).toBe(404);
    expect((await open('?collections=beneficiaries', null)).status).toBe(401);
    expect((await open('?collections=beneficiaries', 'forged.token.value')).status).toBe(401);
    expect((await open('?collections=beneficiaries', adminNoDevice)).status).toBe(403); // no registered device
    expect((await open('', delegate)).status).toBe(400);
    expect((await open('?collections=', delegate)).status).toBe(400);
    expect((await open('?collections=beneficiaries,,contact_logs', delegate)).status).toBe(400);
    expect((await open(`?collections=${Array.from({ length: 65 }, (_, i) => `c${i}`).join(',')}`, delegate)).status).toBe(400);
    // Allowed combinations open an event stream (committee members read decisions, delegates do not).
    expect((await open('?collections=beneficiaries,hq_config,sync_conflicts', delegate)).contentType).toContain('text/event-stream');
    expect((await open('?collections=committee_decisions,beneficiaries', committee)).contentType).toContain('text/event-stream');
    expect((await open('?collections=beneficiaries,beneficiaries', delegate)).status).toBe(200); // duplicates are one
  });

  test('a dropped stream reconnects with backoff and every collection catches up on what it missed', async () => {
    const port = await freePort();
    const { url } = await start(port);
    const laptop = await startClient(url, USERS.delegateA.username, 'dev-hub-drop');
    clients.push(laptop);
    await waitFor(async () => laptop.hub.status.connected, 10_000, 'the stream');
    const problemsBefore: string[] = [];
    laptop.hub.error$.subscribe((p) => problemsBefore.push(p.code));

    // HQ goes away (the stream drops) and comes back; the laptop's network stays cut meanwhile,
    // so what is written now can only reach it by catching up.
    laptop.gate.open = false;
    await hq?.close();
    hq = null;
    await waitFor(async () => !laptop.hub.status.connected, 10_000, 'the drop to be noticed');
    for (const r of laptop.replications.values()) expect(r.status.streamConnected).toBe(false);
    hq = await startHq({ port, ...testHqOptions(backend) });
    const staffA = await signIn(url, USERS.staffA.username, PASSWORD, 'dev-hub-seed-drop');
    await push(url, staffA, 'beneficiaries', [docsOf.beneficiaries('drop-ben-1', 'branch-riyadh')]);
    await push(url, staffA, 'support_requests', [docsOf.support_requests('drop-req-1', 'branch-riyadh')]);
    await push(url, staffA, 'contact_logs', [docsOf.contact_logs('drop-log-1', 'branch-riyadh')]);
    await waitFor(async () => problemsBefore.length >= 2, 10_000, 'failed reconnection attempts while cut');
    expect(await laptop.has('beneficiaries', 'drop-ben-1')).toBe(false);
    const pullsWhileCut = pullRequests(laptop).length;

    laptop.gate.open = true;
    await waitFor(
      async () => (await laptop.has('beneficiaries', 'drop-ben-1')) && (await laptop.has('support_requests', 'drop-req-1')) && (await laptop.has('contact_logs', 'drop-log-1')),
      20_000,
      'the catch-up of every collection',
    );
    expect(laptop.hub.status.connected).toBe(true);
    expect(laptop.hub.status.connections).toBe(2);
    // Each collection pulled after the reconnection's RESYNC.
    const caughtUp = pullRequests(laptop).slice(pullsWhileCut);
    for (const c of COLLECTIONS) expect(caughtUp.some((r) => r.startsWith(`GET /sync/${c}/pull`)), c).toBe(true);
    expect(problemsBefore).toContain('NETWORK');

    // And it is live again.
    await push(url, staffA, 'contact_logs', [docsOf.contact_logs('drop-log-2', 'branch-riyadh')]);
    await waitFor(async () => laptop.has('contact_logs', 'drop-log-2'), 15_000, 'a live change after the reconnection');
  });
});
