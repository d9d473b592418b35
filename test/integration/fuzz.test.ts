/**
 * Hostile-input fuzzing of every HQ endpoint: at least 1,000 malformed or malicious requests
 * (wrong types, huge bodies, unknown collections, forged/expired/missing tokens, other
 * branches' ids, script and NUL characters in strings, prototype-pollution keys, deep nesting).
 * Nothing may answer 5xx, the HQ must stay up, and the database must hold exactly what it
 * held before plus the writes HQ accepted (200 without conflict).
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHq, type RunningHq } from '../../hq/server';
import { collections } from '../../shared/schema';
import { PDPL_DESTRUCTION_ACTION, PDPL_DESTRUCTION_SUMMARY } from '../../shared/privacy';
import { ADMIN, api, createBackend, deviceToken, pullAll, seedAccounts, signIn, testHqOptions, type Backend } from './support/harness';

const T = '2026-11-21T08:00:00.000Z';
const hash = (v: string) => createHash('sha256').update(v).digest('hex');

const validBeneficiary = (id: string, branchId: string) => ({
  id,
  branchId,
  createdAt: T,
  updatedAt: T,
  updatedBy: 'user-f',
  fullName: 'فاطمة عبدالله القحطاني',
  nationalId: '1012345672',
  idHash: hash('1012345672'),
  phoneHash: '',
  _deleted: false,
});

const hostileStrings = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'; DROP TABLE sync_documents; --",
  '\u0000',
  'a\u0000b',
  '../../etc/passwd',
  '%00%2e%2e%2f',
  '\u202e\u0644\u0627',
  '${7*7}{{7*7}}',
  '__proto__',
  'constructor',
  ' '.repeat(5000),
  '😀'.repeat(300),
  'x'.repeat(70_000),
];

interface FuzzRequest {
  method: 'GET' | 'POST' | 'OPTIONS' | 'PUT' | 'DELETE' | 'HEAD';
  path: string;
  body?: string;
  contentType?: string;
  token: 'none' | 'forged' | 'garbage' | 'branchB' | 'admin' | 'deviceless';
}

describe.each(['pglite', 'postgres'] as const)('fuzzing HQ on %s', (backendName) => {
  let backend: Backend;
  let hq: RunningHq;
  let tokens: Record<FuzzRequest['token'], string | null>;

  beforeAll(async () => {
    backend = await createBackend(backendName);
    hq = await startHq({ port: 0, ...testHqOptions(backend) });
    await seedAccounts(hq.url);
    const branchB = await deviceToken(hq.url, 'delegateB');
    const admin = await signIn(hq.url, ADMIN.username, ADMIN.password, 'dev-fuzz-admin');
    const deviceless = await signIn(hq.url, ADMIN.username, ADMIN.password);
    const [h, kid, , mac] = branchB.split('.');
    tokens = {
      none: null,
      branchB,
      admin,
      deviceless,
      forged: `${h}.${kid}.${Buffer.from(JSON.stringify({ sub: 'u_admin', dev: 'dev-fuzz-admin', iat: 1, exp: 9e9 })).toString('base64url')}.${mac}`,
      garbage: 'sila1.nokey.e30.AAAA',
    };
  }, 120_000);
  afterAll(async () => {
    await hq?.close();
    await backend?.dispose();
  });

  test('1,200 hostile requests: no 5xx, no crash, nothing written but accepted writes', async () => {
    const url = hq.url;
    // A Riyadh record the Jeddah user will try to read, overwrite and move.
    const riyadh = validBeneficiary('ben-riyadh-1', 'branch-riyadh');
    const tokenA = await deviceToken(url, 'delegateA');
    expect((await api(url, 'POST', '/sync/beneficiaries/push', [{ newDocumentState: riyadh }], tokenA)).status).toBe(200);

    const snapshot = async () => {
      const out: Record<string, Record<string, unknown>> = {};
      for (const c of collections) {
        for (const d of await pullAll(url, c.name, tokens.admin!)) out[`${c.name}/${String(d.id)}`] = d;
      }
      return out;
    };
    const before = await snapshot();
    const usersBefore = ((await api(url, 'GET', '/admin/users', undefined, tokens.admin)).body as unknown as unknown[]).length;

    const names = [...collections.map((c) => c.name), 'donkeys', '__proto__', '..%2f..%2fetc', '%00', 'x'.repeat(300), 'sync_documents'];
    const hostile = fc.oneof(fc.constantFrom(...hostileStrings), fc.string({ maxLength: 40 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));
    const mutatedDoc = fc.record({
      base: fc.constantFrom(validBeneficiary('ben-f', 'branch-jeddah'), validBeneficiary('ben-f', 'branch-riyadh'), riyadh, { ...riyadh, branchId: 'branch-jeddah' }),
      field: fc.constantFrom('id', 'branchId', 'fullName', 'nationalId', 'createdAt', '_deleted', 'extra', '__proto__', 'constructor', 'phone'),
      value: hostile,
      id: fc.constantFrom('ben-riyadh-1', 'ben-f', 'ben-f2', '../x', '<script>', ''),
    }).map(({ base, field, value, id }) => ({ ...base, id: field === 'id' ? value : id, [field]: value }));
    const pushBody = fc.oneof(
      fc.array(fc.record({ newDocumentState: mutatedDoc, assumedMasterState: fc.oneof(fc.constant(undefined), fc.constant(riyadh), mutatedDoc, hostile) }), { maxLength: 4 }),
      fc.array(fc.record({ newDocumentState: mutatedDoc }), { maxLength: 3 }),
      hostile,
      fc.constant(Array.from({ length: 501 }, () => ({ newDocumentState: riyadh }))),
      fc.constant([{ newDocumentState: riyadh, assumedMasterState: riyadh, extra: 1 }]),
      fc.constant(JSON.parse('[{"newDocumentState":{"__proto__":{"polluted":true},"id":"ben-p","_deleted":false}}]') as unknown),
    );
    const deep = (n: number): unknown => (n === 0 ? 'deep' : { a: deep(n - 1) });
    const jsonBody = fc.oneof(
      pushBody.map((b) => JSON.stringify(b)),
      fc.constantFrom('{', '[', 'null', '"', '{"checkpoint":{"seq":-1,"id":1}}', '{"checkpoint":{"seq":1e300,"id":"x"},"batchSize":"1; DROP"}', '{"batchSize":100000}', '[1,2,3]', JSON.stringify(deep(2000)), '\u0000'),
      fc.record({ username: hostile, password: hostile, device: fc.oneof(hostile, fc.record({ id: hostile, label: hostile, publicKey: hostile })) }).map((b) => JSON.stringify(b)),
      fc.record({ refreshToken: hostile }).map((b) => JSON.stringify(b)),
      fc.record({ id: hostile, name: hostile, city: hostile, username: hostile, displayName: hostile, role: fc.constantFrom('hq_admin', 'field_delegate', 'god', ''), branchIds: fc.oneof(hostile, fc.array(hostile, { maxLength: 3 })), password: hostile }).map((b) => JSON.stringify(b)),
    );
    const query = fc.oneof(
      fc.constant(''),
      fc.constantFrom('?seq=-1', '?seq=abc', '?seq=99999999999999999999', '?batchSize=0', '?batchSize=1001', '?batchSize=1e3', '?checkpoint=%7Bbad', '?checkpoint=%7B%22seq%22%3A1%2C%22id%22%3A%22x%22%7D', '?seq=1&seq=2', '?__proto__[x]=1'),
    );
    const request: fc.Arbitrary<FuzzRequest> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ method: fc.constant('POST' as const), path: fc.constantFrom(...names).map((n) => `/sync/${n}/push`), body: jsonBody, contentType: fc.constantFrom('application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'), token: fc.constantFrom('none', 'forged', 'garbage', 'branchB', 'branchB', 'admin', 'deviceless') }) },
      { weight: 3, arbitrary: fc.record({ method: fc.constantFrom('GET' as const, 'POST' as const), path: fc.tuple(fc.constantFrom(...names), query).map(([n, q]) => `/sync/${n}/pull${q}`), body: jsonBody, contentType: fc.constant('application/json'), token: fc.constantFrom('none', 'forged', 'garbage', 'branchB', 'admin', 'deviceless') }) },
      { weight: 2, arbitrary: fc.record({ method: fc.constantFrom('POST' as const, 'GET' as const), path: fc.constantFrom('/admin/users', '/admin/branches', '/admin/devices', '/admin/devices/dev-fuzz-admin/revoke', '/admin/devices/%00/revoke', '/admin/users/u_x/deactivate', '/admin/destructions', '/auth/me'), body: jsonBody, contentType: fc.constant('application/json'), token: fc.constantFrom('none', 'forged', 'garbage', 'branchB') }) },
      { weight: 1, arbitrary: fc.record({ method: fc.constant('POST' as const), path: fc.constantFrom('/auth/sign-in', '/auth/refresh', '/auth/sign-out'), body: jsonBody, contentType: fc.constantFrom('application/json', 'text/plain'), token: fc.constant('none' as const) }) },
      {
        weight: 1,
        arbitrary: fc.record({
          method: fc.constantFrom('PUT' as const, 'GET' as const, 'POST' as const),
          path: fc.tuple(fc.constantFrom('0'.repeat(64), hash('x'), 'abc', '%2e%2e', 'A'.repeat(64)), fc.constantFrom('', '?branchId=branch-riyadh', '?branchId=branch-jeddah', '?branchId=', '?branchId=%00')).map(([h, q]) => `/attachments/${h}${q}`),
          body: fc.oneof(fc.constantFrom(...hostileStrings), jsonBody),
          contentType: fc.constantFrom('application/octet-stream', 'application/json', 'text/plain'),
          token: fc.constantFrom('none', 'forged', 'branchB', 'deviceless'),
        }),
      },
      { weight: 1, arbitrary: fc.record({ method: fc.constantFrom('GET' as const, 'PUT' as const, 'DELETE' as const, 'OPTIONS' as const), path: fc.constantFrom('/health', '/ready', '/', '/sync', '/sync/beneficiaries', '/../../etc/passwd', '/sync/beneficiaries/push', '/%', '/admin'), token: fc.constantFrom('none', 'garbage') }) },
    );
    // Destruction requests (PDPL) for another branch's beneficiary, for one HQ does not have yet,
    // and ordinary audit entries; and declarations with forged signatures.
    const destructionRequest = fc.record({ n: fc.nat(40), docId: fc.constantFrom('ben-riyadh-1', 'ben-riyadh-1', 'ben-fuzz-pending', ''), token: fc.constantFrom('branchB', 'admin', 'forged') }).map(({ n, docId, token }) => ({
      method: 'POST' as const,
      path: '/sync/audit_entries/push',
      contentType: 'application/json',
      token,
      body: JSON.stringify([{ newDocumentState: { id: `fuzz-audit-${n}`, branchId: 'branch-jeddah', deviceId: 'dev-fuzz', seq: n + 1, userId: 'user-fuzz', at: T, action: PDPL_DESTRUCTION_ACTION, collectionName: 'beneficiaries', docId, summary: PDPL_DESTRUCTION_SUMMARY, prevHash: '0'.repeat(64), hash: hash(String(n)), _deleted: false } }]),
    }));
    const forgedDeclaration = fc.record({ qr: fc.oneof(fc.constantFrom(...hostileStrings), fc.string({ maxLength: 200 }).map((s) => `SILA1.${s}`)), n: fc.nat(20), token: fc.constantFrom('branchB', 'admin') }).map(({ qr, n, token }) => ({
      method: 'POST' as const,
      path: '/sync/declarations/push',
      contentType: 'application/json',
      token,
      body: JSON.stringify([{ newDocumentState: { id: `dec-fuzz-${n}`, branchId: 'branch-jeddah', createdAt: T, updatedAt: T, updatedBy: 'u', requestId: 'req-f', beneficiaryId: 'ben-f', reference: 'DEC-1', declaredAt: T, snapshotJson: '{"x":1}', snapshotSha256: hash('{"x":1}'), dataSha256: hash('d'), qrPayload: qr, deviceKeyId: 'k', signature: { kind: 'wet' }, witnessedBy: 'u', _deleted: false } }]),
    }));
    const requests = [...fc.sample(request, { numRuns: 1200, seed: 20261121 }), ...fc.sample(destructionRequest, { numRuns: 60, seed: 5 }), ...fc.sample(forgedDeclaration, { numRuns: 60, seed: 6 })];

    const statuses = new Map<number, number>();
    const accepted: { collection: string; rows: { newDocumentState: Record<string, unknown> }[]; conflicts: Record<string, unknown>[] }[] = [];
    const serverErrors: string[] = [];
    let createdUsers = 0;
    const run = async (r: FuzzRequest) => {
      const headers: Record<string, string> = {};
      const token = tokens[r.token];
      if (token) headers.authorization = `Bearer ${token}`;
      if (r.body !== undefined && r.method !== 'GET') headers['content-type'] = r.contentType ?? 'application/json';
      const res = await fetch(`${url}${r.path}`, { method: r.method, headers, body: r.method === 'GET' || r.method === 'OPTIONS' || r.method === 'HEAD' ? undefined : r.body });
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) serverErrors.push(`${r.method} ${r.path} → ${res.status} ${text.slice(0, 200)}`);
      if (res.status >= 400) {
        // Error bodies never carry stack traces or internals.
        expect(text).not.toMatch(/\bat [\w.<>]+ \(|node_modules|\/work\//);
        const parsed = JSON.parse(text) as { error?: { code?: string; messageAr?: string } };
        expect(parsed.error?.code, `${r.method} ${r.path}`).toEqual(expect.any(String));
        expect(parsed.error?.messageAr).toMatch(/[\u0600-\u06ff]/);
      }
      const m = /^\/sync\/([^/]+)\/push$/.exec(r.path);
      if (res.status === 200 && m && r.body !== undefined) {
        accepted.push({ collection: m[1]!, rows: JSON.parse(r.body) as never, conflicts: JSON.parse(text) as never });
      }
      if (res.status === 201 && r.path === '/admin/users') createdUsers++;
    };
    // A few concurrent workers (several requests in flight, as from many laptops).
    const queue = [...requests];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let r = queue.shift(); r; r = queue.shift()) await run(r);
      }),
    );
    // Huge bodies (over the 8 MiB limit) and a stream per collection with hostile tokens.
    for (let i = 0; i < 5; i++) {
      await run({ method: 'POST', path: '/sync/beneficiaries/push', body: JSON.stringify([{ newDocumentState: { ...riyadh, fullName: 'x'.repeat(9 * 1024 * 1024) } }]), token: 'branchB' });
    }
    for (const c of names) {
      for (const t of ['none', 'forged', 'branchB'] as const) {
        const abort = new AbortController();
        const res = await fetch(`${url}/sync/${c}/stream`, { headers: tokens[t] ? { authorization: `Bearer ${tokens[t]}` } : {}, signal: abort.signal });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) serverErrors.push(`stream ${c} ${t} → ${res.status}`);
        abort.abort();
      }
    }
    // The shared stream: hostile collection lists (unknown, forbidden, empty, huge, script, encoded) and tokens.
    const lists = ['', ',', 'beneficiaries,,x', names.join(','), `${names.join(',')},audit_entries`, '<script>alert(1)</script>', '%00', 'beneficiaries%0d%0aevent:%20x', Array.from({ length: 200 }, () => 'beneficiaries').join(','), 'x'.repeat(5000)];
    for (const list of lists) {
      for (const t of ['none', 'forged', 'branchB'] as const) {
        const abort = new AbortController();
        const res = await fetch(`${url}/sync/stream?collections=${list}`, { headers: tokens[t] ? { authorization: `Bearer ${tokens[t]}` } : {}, signal: abort.signal });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) serverErrors.push(`multiplexed stream ${list.slice(0, 40)} ${t} → ${res.status}`);
        abort.abort();
      }
    }
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(1000);
    expect(serverErrors).toEqual([]);
    expect((await api(url, 'GET', '/health')).body).toEqual({ status: 'ok' });
    expect((await api(url, 'GET', '/ready')).status).toBe(200);
    // Refusals dominate; some hostile-but-valid documents (script text in a name) are stored.
    expect((statuses.get(400) ?? 0) + (statuses.get(401) ?? 0) + (statuses.get(403) ?? 0)).toBeGreaterThan(total / 2);

    // The database: what it held before, plus exactly the accepted writes.
    const expected = { ...before };
    for (const a of accepted) {
      const refused = new Set(a.conflicts.map((c) => c.id));
      for (const row of a.rows) if (!refused.has(row.newDocumentState.id)) expected[`${a.collection}/${String(row.newDocumentState.id)}`] = row.newDocumentState;
    }
    const after = await snapshot();
    expect(Object.keys(after).sort()).toEqual(Object.keys(expected).sort());
    for (const k of Object.keys(after)) expect(after[k], k).toEqual(expected[k]);
    // The Riyadh record was never changed by the Jeddah user.
    expect(after['beneficiaries/ben-riyadh-1']).toEqual(riyadh);
    // Destruction requests from the other branch destroyed nothing; no forged declaration is stored.
    const destructions = (await api(url, 'GET', '/admin/destructions', undefined, tokens.admin)).body as unknown as { beneficiaryId: string; recordCount: number }[];
    expect(destructions.map((d) => d.beneficiaryId).filter((id) => id !== 'ben-fuzz-pending')).toEqual([]);
    expect(destructions.every((d) => d.recordCount === 0)).toBe(true);
    expect(Object.keys(after).filter((k) => k.startsWith('declarations/'))).toEqual([]);
    const usersAfter = ((await api(url, 'GET', '/admin/users', undefined, tokens.admin)).body as unknown as unknown[]).length;
    expect(usersAfter).toBe(usersBefore + createdUsers);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    process.stdout.write(`fuzz ${backendName}: ${total} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}, accepted pushes ${accepted.length}\n`);
  }, 300_000);
});
