/**
 * Hostile-input fuzzing of EVERY HQ endpoint (issue 6), on PGlite and on PostgreSQL.
 *
 * The routes are not listed here by hand: HQ's Fastify instance is observed through the
 * `fastify.initialization` diagnostics channel (support/route-coverage.ts), which reports every
 * registered route (method + path, including encapsulated plugins such as the public `/e/…`
 * page and the HEAD routes Fastify adds) and counts, per route, the fuzz requests that reached
 * it. Known routes have their own generators; any other route (one added later) gets the generic
 * generator (garbage and wrong-type bodies, wrong content types, oversized bodies, forged,
 * expired, revoked and other-branch tokens, path parameters with traversal, script and unicode).
 * The test fails, naming the route, when a registered route received fewer than
 * MIN_HITS_PER_ROUTE hostile requests.
 *
 * The requests run in batches. After each batch: no 5xx, no dropped connection, error bodies in
 * HQ's format (Arabic message, no stack), HTML pages without injected markup, /health and /ready
 * answer, and HQ's WHOLE database (every table, support/db-state.ts) differs from its state
 * before the batch only by the writes HQ accepted (pushes answered 200 without conflict, files
 * uploaded with their hash, evaluations sent through a valid one-time link, users and branches an
 * administrator created). A Jeddah user never changes a Riyadh record.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHq, type RunningHq, type StartHqOptions } from '../../hq/server';
import {
  evaluationQuestionIds,
  issueEvaluationLink,
  newEvaluationToken,
} from '../../shared/casefile/evaluation';
import { policyProfilesById } from '../../shared/policy';
import { collections } from '../../shared/schema';
import { jsonDeepEqual } from '../../shared/sync/protocol';
import {
  describeChange,
  diffDbState,
  readDbState,
  type DbState,
  type RowChange,
} from './support/db-state';
import {
  ADMIN,
  PASSWORD,
  USERS,
  api,
  createBackend,
  seedAccounts,
  signIn,
  testHqOptions,
  type Backend,
} from './support/harness';
import { ROUTE_MARK_HEADER, collectRoutes, type RouteCoverage } from './support/route-coverage';

/** Every registered route must receive at least this many hostile requests. */
const MIN_HITS_PER_ROUTE = 8;
/** Generic hostile requests sent to EVERY route (on top of its specific generator, if any). */
const GENERIC_PER_ROUTE = 16;
const BATCHES = 4;
const WORKERS = 6;
const MiB = 1024 * 1024;
/** Fixed, so a failure replays; SILA_FUZZ_SEED explores other runs. */
const SEED = Number(process.env.SILA_FUZZ_SEED ?? 20261121);

const T = '2026-11-21T08:00:00.000Z';
const sha = (v: Buffer | string) => createHash('sha256').update(v).digest('hex');
const profile = policyProfilesById.get('yusr')!;
const service = profile.services[0]!;
const DAY = 86_400_000;

const hostileStrings = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'; DROP TABLE sync_documents; --",
  '\u0000',
  'a\u0000b',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00%2e%2e%2f',
  '\u202e\u0644\u0627',
  '${7*7}{{7*7}}',
  '__proto__',
  'constructor',
  'javascript:alert(1)',
  '\r\nSet-Cookie: a=b',
  '\ud800',
  ' '.repeat(5000),
  '😀'.repeat(300),
  'ا'.repeat(3000),
  'x'.repeat(70_000),
];
/** Path parameter values (encoded with encodeURIComponent when the path is built). */
const hostileParams = [
  '..',
  '.',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '..\\..\\x',
  '\u0000',
  'ا'.repeat(40),
  '😀',
  '\u202e',
  '__proto__',
  'constructor',
  "' OR 1=1 --",
  ' ',
  'x'.repeat(150),
  'branch-riyadh',
  'ben-riyadh-1',
  'u_admin',
  'dev-fuzz-b',
  '0'.repeat(64),
  'A'.repeat(64),
];
/** Already-encoded path segments (bad percent-encoding is refused by the router). */
const rawSegments = ['%', '%zz', '%2e%2e', '%c0%af', '%E2%80%AE'];
const hostileQueries = [
  '',
  '',
  '',
  '?',
  '?lang=en',
  '?lang=%3Cscript%3E',
  '?x=%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  '?__proto__%5Bpolluted%5D=1',
  '?constructor%5Bprototype%5D%5Bpolluted%5D=1',
  '?a=%zz',
  '?branchId=branch-riyadh',
  '?branchId=branch-riyadh&branchId=branch-jeddah',
  '?batchSize=-1&seq=1e99',
  '?checkpoint=%7B%22seq%22%3A1%7D',
  '?collections=beneficiaries,documents',
  '?collections=beneficiaries,audit_entries',
  `?${'a=1&'.repeat(1500)}`,
];
const wrongContentTypes = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/xml',
  'application/json; charset=utf-16',
  'image/jpeg',
  'text/html',
  'application/json, text/plain',
  `application/${'x'.repeat(400)}`,
];

type TokenName =
  | 'none'
  | 'garbage'
  | 'forged'
  | 'expired'
  | 'ghost'
  | 'wrongKid'
  | 'emptyMac'
  | 'revoked'
  | 'inactive'
  | 'huge'
  | 'basic'
  | 'bearerScript'
  | 'branchB'
  | 'staffA'
  | 'committee'
  | 'deviceless'
  | 'admin'
  | 'adminNoDevice';
/** Tokens that must never get past authentication. */
const BAD_TOKENS: readonly TokenName[] = [
  'none',
  'garbage',
  'forged',
  'expired',
  'ghost',
  'wrongKid',
  'emptyMac',
  'revoked',
  'inactive',
  'huge',
  'basic',
  'bearerScript',
];
const NON_ADMIN: readonly TokenName[] = [
  ...BAD_TOKENS,
  'branchB',
  'staffA',
  'committee',
  'deviceless',
];
const ALL_TOKENS: readonly TokenName[] = [...NON_ADMIN, 'admin', 'adminNoDevice'];

/** A body too large for HQ, made only when sent. */
interface Oversized {
  oversized: number;
  chunked: boolean;
}
interface FuzzRequest {
  method: string;
  /** Path and query, already encoded. */
  path: string;
  auth: TokenName;
  body?: string | Buffer | Oversized;
  contentType?: string;
  origin?: string;
  /** Which generator made it (for reports). */
  source: string;
  /** Hand-written cases: the exact status (and error code) HQ must answer. */
  expect?: number;
  expectCode?: string;
}
interface Answer {
  status: number;
  contentType: string;
  text: string;
  stream: boolean;
  error?: string;
}

const isOversized = (b: FuzzRequest['body']): b is Oversized =>
  typeof b === 'object' && b !== null && !Buffer.isBuffer(b);
const deep = (n: number): unknown => (n === 0 ? 'deep' : { a: deep(n - 1) });
const enc = encodeURIComponent;

function validBeneficiary(id: string, branchId: string) {
  return {
    id,
    branchId,
    createdAt: T,
    updatedAt: T,
    updatedBy: 'user-f',
    fullName: 'فاطمة عبدالله القحطاني',
    nationalId: '1012345672',
    idHash: sha('1012345672'),
    phoneHash: '',
    _deleted: false,
  };
}

function documentRecord(id: string, branchId: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    branchId,
    createdAt: T,
    updatedAt: T,
    updatedBy: 'user-delegate',
    beneficiaryId: 'ben-riyadh-1',
    type: 'national_id',
    number: '1012345672',
    verification: { status: 'pending' },
    _deleted: false,
    ...extra,
  };
}

function delivery(id: string, links: unknown[]) {
  const t = new Date().toISOString();
  return {
    id,
    branchId: 'branch-riyadh',
    createdAt: t,
    updatedAt: t,
    updatedBy: 'staff-1',
    requestId: `req-${id}`,
    beneficiaryId: 'ben-riyadh-1',
    serviceId: service.id,
    deliveredAt: t,
    deliveredBy: 'staff-1',
    mode: 'office',
    evaluationLinks: links,
    _deleted: false,
  };
}

/** Deterministic bytes that look like a JPEG (SOI … EOI). */
function scan(size: number, salt: string): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(salt).digest();
  for (let i = 0; i < size; i += 32) {
    block.copy(out, i);
    block = createHash('sha256').update(block).digest();
  }
  out[0] = 0xff;
  out[1] = 0xd8;
  out[size - 2] = 0xff;
  out[size - 1] = 0xd9;
  return out;
}

function mint(secret: Buffer, kid: string, claims: Record<string, unknown>): string {
  const head = `sila1.${kid}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/** Fill a route pattern's parameters (`:name`, `:name(regex)`, `*`). */
function fillPath(pattern: string, params: string[], tail: string): string {
  let i = 0;
  return pattern
    .replace(/:[A-Za-z0-9_]+(\([^)]*\))?/g, () => params[i++ % params.length] ?? 'x')
    .replace(/\*$/, tail);
}

/** Shared oversized bodies (made once). */
const bigBodies = new Map<number, Buffer>();
function bigBody(size: number): Buffer {
  let b = bigBodies.get(size);
  if (!b) {
    b = Buffer.alloc(size, 0x61);
    b.write('{"a":"', 0);
    bigBodies.set(size, b);
  }
  return b;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: WORKERS });

/** One request over a raw HTTP client (any method, raw bytes, chunked bodies, no fetch rules). */
function send(baseUrl: string, r: FuzzRequest, authorization: string | undefined): Promise<Answer> {
  const u = new URL(baseUrl);
  return new Promise((resolve) => {
    let settled = false;
    const done = (a: Answer) => {
      if (!settled) {
        settled = true;
        resolve(a);
      }
    };
    // Only hostile requests count towards a route's coverage (not the valid writes mixed in).
    const headers: Record<string, string | number> =
      r.source === 'valid' ? {} : { [ROUTE_MARK_HEADER]: r.source };
    if (authorization !== undefined) headers.authorization = authorization;
    if (r.contentType !== undefined) headers['content-type'] = r.contentType;
    if (r.origin !== undefined) headers.origin = r.origin;
    let payload: Buffer | undefined;
    let chunks: Buffer | undefined;
    if (isOversized(r.body)) {
      if (r.body.chunked) chunks = bigBody(r.body.oversized);
      else payload = bigBody(r.body.oversized);
    } else if (r.body !== undefined) {
      payload = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
    }
    if (payload) headers['content-length'] = payload.length;
    // An oversized body or request head gets a connection of its own: HQ (or Node's parser)
    // answers 413/431 and closes it, and that must not disturb the requests that follow.
    const own = isOversized(r.body) || r.path.length > 8000;
    if (own) headers.connection = 'close';
    // (Node's client frames a body of OPTIONS or DELETE only when told to.)
    if (chunks) headers['transfer-encoding'] = 'chunked';
    let req: http.ClientRequest;
    try {
      req = http.request(
        {
          host: u.hostname,
          port: u.port,
          method: r.method,
          path: r.path,
          headers,
          agent: own ? false : agent,
          timeout: 10_000,
        },
        (res) => {
          const contentType = String(res.headers['content-type'] ?? '');
          if (contentType.startsWith('text/event-stream')) {
            // An open change stream: the answer is the status; close it.
            res.destroy();
            req.destroy();
            done({ status: res.statusCode ?? 0, contentType, text: '', stream: true });
            return;
          }
          const parts: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= 2 * MiB) parts.push(c);
          });
          res.on('end', () =>
            done({
              status: res.statusCode ?? 0,
              contentType,
              text: Buffer.concat(parts).toString('utf8'),
              stream: false,
            }),
          );
          res.on('error', (err) =>
            done({
              status: res.statusCode ?? 0,
              contentType,
              text: Buffer.concat(parts).toString('utf8'),
              stream: false,
              error: String(err),
            }),
          );
        },
      );
    } catch (err) {
      done({
        status: 0,
        contentType: '',
        text: '',
        stream: false,
        error: `client refused to send: ${String(err)}`,
      });
      return;
    }
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    if (own) req.on('socket', (socket) => socket.on('error', () => {}));
    let log: string[] = [];
    req.on('socket', (socket) => {
      // What the connection carried before (named when it breaks).
      log = (socket as unknown as { fuzzLog?: string[] }).fuzzLog ??= [];
      if (log.length > 8) log.splice(0, log.length - 4);
      log.push(
        `${r.method} ${r.path.slice(0, 80)} ${r.source} ${r.contentType ?? ''} ${typeof r.body === 'string' ? r.body.length : Buffer.isBuffer(r.body) ? r.body.length : ''} ${authorization?.slice(0, 20) ?? ''}`,
      );
    });
    req.on('error', (err) =>
      done({
        status: 0,
        contentType: '',
        text: '',
        stream: false,
        error: `${String((err as NodeJS.ErrnoException).code ?? err)} history: ${log.slice(-4).join(' | ')}`,
      }),
    );
    if (chunks) {
      for (let i = 0; i < chunks.length; i += MiB) req.write(chunks.subarray(i, i + MiB));
      req.end();
    } else req.end(payload);
  });
}

/** Writes HQ accepted in a batch (what the database may differ by). */
interface Writes {
  /** "collection/id" → each version HQ accepted, with the token that wrote it. */
  docs: Map<string, { doc: Record<string, unknown>; auth: TokenName }[]>;
  qrEvaluations: number;
  usedLinks: Set<string>;
  files: Set<string>;
  fileLinks: Set<string>;
  users: Set<string>;
  branches: Set<string>;
  deactivated: Set<string>;
  revokedDevices: Set<string>;
}
const newWrites = (): Writes => ({
  docs: new Map(),
  qrEvaluations: 0,
  usedLinks: new Set(),
  files: new Set(),
  fileLinks: new Set(),
  users: new Set(),
  branches: new Set(),
  deactivated: new Set(),
  revokedDevices: new Set(),
});

/** The branches (or everything, for an administrator) a valid token may reach. */
const SCOPES: Partial<Record<TokenName, { admin: boolean; branches: readonly string[] }>> = {
  branchB: { admin: false, branches: ['branch-jeddah'] },
  deviceless: { admin: false, branches: ['branch-jeddah'] },
  staffA: { admin: false, branches: ['branch-riyadh'] },
  committee: { admin: false, branches: ['branch-riyadh'] },
  admin: { admin: true, branches: [] },
  adminNoDevice: { admin: true, branches: [] },
};
const collectionNames = new Set(collections.map((c) => c.name));

const PUBLIC_PATHS = /^\/(health|ready|auth\/sign-in|auth\/refresh|auth\/sign-out|e)(\/|$|\?)/;

describe.each(['pglite', 'postgres'] as const)('fuzzing every HQ endpoint on %s', (backendName) => {
  let backend: Backend;
  let hq: RunningHq;
  let coverage: RouteCoverage;
  let options: StartHqOptions;
  const auth = {} as Record<TokenName, string | undefined>;
  const ids = { branchBUser: '', inactiveUser: '', staffAUser: '', adminUser: '' };
  const evalTokens = {
    /** Every link still good at the start (the pool and the reserved one). */
    valid: [] as string[],
    /** Links the generators may use (and use up). */
    pool: [] as string[],
    /** Kept for one hand-written case: script in the answers, accepted. */
    reserved: '',
    expired: '',
    used: '',
    hashOf: new Map<string, string>(),
  };
  const riyadhFile = scan(2000, 'riyadh');
  const jeddahFile = scan(1500, 'jeddah');
  /** Held by Riyadh only, and never uploaded by a generated request. */
  const riyadhOnlyFile = scan(1200, 'riyadh-only');
  const riyadh = validBeneficiary('ben-riyadh-1', 'branch-riyadh');
  const riyadhDoc = documentRecord('doc-riyadh-1', 'branch-riyadh', {
    _attachments: {
      'file-1': { digest: sha(riyadhFile), length: riyadhFile.length, type: 'image/jpeg' },
    },
  });

  const putFile = async (token: string, bytes: Buffer, branchId: string) => {
    const res = await fetch(`${hq.url}/attachments/${sha(bytes)}?branchId=${branchId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(bytes),
    });
    expect(res.status).toBe(201);
  };

  beforeAll(async () => {
    coverage = collectRoutes();
    backend = await createBackend(backendName);
    const secret = randomBytes(32);
    options = {
      port: 0,
      ...testHqOptions(backend),
      signingKeys: `fuzz:${secret.toString('base64')}`,
      // The page's per-address limit would turn most hostile requests into 429 (tested in evaluation-links.test.ts).
      publicEvaluation: { rateLimit: { max: 1_000_000, windowSeconds: 600 } },
    };
    hq = await startHq(options);
    const url = hq.url;
    const adminNoDevice = await seedAccounts(url);
    const branchB = await signIn(url, USERS.delegateB.username, PASSWORD, 'dev-fuzz-b');
    const staffA = await signIn(url, USERS.staffA.username, PASSWORD, 'dev-fuzz-staff-a');
    const committee = await signIn(url, USERS.committee.username, PASSWORD, 'dev-fuzz-committee');
    const admin = await signIn(url, ADMIN.username, ADMIN.password, 'dev-fuzz-admin');
    const deviceless = await signIn(url, USERS.delegateB.username, PASSWORD);
    const me = async (t: string) =>
      String((await api(url, 'GET', '/auth/me', undefined, t)).body.userId);
    ids.branchBUser = await me(branchB);
    ids.staffAUser = await me(staffA);
    ids.adminUser = await me(admin);
    // A user deactivated after signing in, and a laptop revoked after signing in.
    const inactiveUser = await api(
      url,
      'POST',
      '/admin/users',
      {
        username: 'fuzz.inactive',
        displayName: 'موقوف',
        role: 'field_delegate',
        branchIds: ['branch-jeddah'],
        password: PASSWORD,
      },
      adminNoDevice,
    );
    expect(inactiveUser.status).toBe(201);
    ids.inactiveUser = String(inactiveUser.body.id);
    const inactive = await signIn(url, 'fuzz.inactive', PASSWORD, 'dev-fuzz-inactive');
    expect(
      (
        await api(
          url,
          'POST',
          `/admin/users/${ids.inactiveUser}/deactivate`,
          undefined,
          adminNoDevice,
        )
      ).status,
    ).toBe(204);
    const revoked = await signIn(url, USERS.delegateB.username, PASSWORD, 'dev-fuzz-revoked');
    expect(
      (await api(url, 'POST', '/admin/devices/dev-fuzz-revoked/revoke', undefined, adminNoDevice))
        .status,
    ).toBe(200);

    const now = Math.floor(Date.now() / 1000);
    const [h, kid, , mac] = branchB.split('.');
    Object.assign(auth, {
      none: undefined,
      garbage: 'Bearer sila1.nokey.e30.AAAA',
      forged: `Bearer ${h}.${kid}.${Buffer.from(JSON.stringify({ sub: ids.adminUser, dev: 'dev-fuzz-admin', iat: 1, exp: 9e9 })).toString('base64url')}.${mac}`,
      expired: `Bearer ${mint(secret, 'fuzz', { sub: ids.branchBUser, dev: 'dev-fuzz-b', iat: now - 7200, exp: now - 3600 })}`,
      ghost: `Bearer ${mint(secret, 'fuzz', { sub: 'u_ghost', dev: 'dev-fuzz-b', iat: now, exp: now + 600 })}`,
      wrongKid: `Bearer ${mint(randomBytes(32), 'other', { sub: ids.adminUser, dev: 'dev-fuzz-admin', iat: now, exp: now + 600 })}`,
      emptyMac: `Bearer sila1.fuzz.${Buffer.from(JSON.stringify({ sub: ids.adminUser, dev: null, iat: now, exp: now + 600 })).toString('base64url')}.`,
      revoked: `Bearer ${revoked}`,
      inactive: `Bearer ${inactive}`,
      huge: `Bearer ${'a'.repeat(3000)}`,
      basic: `Basic ${Buffer.from('admin:admin').toString('base64')}`,
      bearerScript: 'Bearer <script>alert(1)</script>',
      branchB: `Bearer ${branchB}`,
      staffA: `Bearer ${staffA}`,
      committee: `Bearer ${committee}`,
      deviceless: `Bearer ${deviceless}`,
      admin: `Bearer ${admin}`,
      adminNoDevice: `Bearer ${adminNoDevice}`,
    } satisfies Record<TokenName, string | undefined>);

    // Riyadh data the Jeddah user will try to read, overwrite, move and link to.
    expect(
      (await api(url, 'POST', '/sync/beneficiaries/push', [{ newDocumentState: riyadh }], staffA))
        .status,
    ).toBe(200);
    await putFile(staffA, riyadhFile, 'branch-riyadh');
    await putFile(branchB, jeddahFile, 'branch-jeddah');
    await putFile(staffA, riyadhOnlyFile, 'branch-riyadh');
    expect(
      (await api(url, 'POST', '/sync/documents/push', [{ newDocumentState: riyadhDoc }], staffA))
        .status,
    ).toBe(200);
    // Evaluation links on two Riyadh deliveries: a pool of valid ones, an expired one, a used one.
    const at = new Date();
    const links = [];
    for (let i = 0; i < 38; i++) links.push(await issueEvaluationLink(profile.id, at));
    const expired = await issueEvaluationLink(profile.id, new Date(at.getTime() - 100 * DAY));
    const used = await issueEvaluationLink(profile.id, at);
    for (const l of [...links, expired, used]) evalTokens.hashOf.set(l.token, l.link.tokenHash);
    evalTokens.valid = links.map((l) => l.token);
    evalTokens.pool = evalTokens.valid.slice(0, -1);
    evalTokens.reserved = evalTokens.valid.at(-1)!;
    evalTokens.expired = expired.token;
    evalTokens.used = used.token;
    const d1 = delivery('del-fuzz-1', [
      ...links.slice(0, 18).map((l) => l.link),
      expired.link,
      used.link,
    ]);
    const d2 = delivery(
      'del-fuzz-2',
      links.slice(18).map((l) => l.link),
    );
    expect(
      (
        await api(
          url,
          'POST',
          '/sync/service_deliveries/push',
          [{ newDocumentState: d1 }, { newDocumentState: d2 }],
          staffA,
        )
      ).status,
    ).toBe(200);
    const usedOnce = await fetch(`${url}/e/${used.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'overall=4',
    });
    expect(usedOnce.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    coverage?.stop();
    await hq?.close();
    await backend?.dispose();
  });

  test('every registered route receives hostile requests: no 5xx, no crash, database changed only by accepted writes', async () => {
    const riyadhSha = sha(riyadhFile);
    const jeddahSha = sha(jeddahFile);
    const routes = [...coverage.routes].sort();
    expect(routes.length).toBeGreaterThan(20);

    // ---------- building blocks ----------
    const hostile = fc.oneof(
      fc.constantFrom(...hostileStrings),
      fc.string({ maxLength: 40 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant([]),
      fc.constant({}),
    );
    const tokenOf = (...names: TokenName[]) => fc.constantFrom(...names);
    const anyToken = tokenOf(...ALL_TOKENS);
    const originArb = fc.oneof(
      { weight: 10, arbitrary: fc.constant(undefined) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'https://evil.example',
          'null',
          'app://sila',
          'http://localhost:5173',
        ),
      },
    );
    const hostileJson = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc
        .dictionary(
          fc.constantFrom(
            'id',
            'branchId',
            'password',
            'role',
            'username',
            'refreshToken',
            'checkpoint',
            'collections',
            'newDocumentState',
            'x',
          ),
          hostile,
          { maxKeys: 5 },
        )
        .map((v) => JSON.stringify(v)),
      fc.constantFrom(
        '{',
        '[',
        'null',
        '"',
        '[1,2,3]',
        '{"a":',
        '\u0000',
        '"\\ud800"',
        '1e999',
        '-0',
        '{"__proto__":{"polluted":true,"role":"hq_admin"}}',
        '{"constructor":{"prototype":{"polluted":true}}}',
        JSON.stringify(deep(3000)),
        JSON.stringify({ a: 'x'.repeat(1_000_000) }),
        JSON.stringify(Array.from({ length: 20_000 }, (_, i) => i)),
      ),
    );
    const bodyArb: fc.Arbitrary<Pick<FuzzRequest, 'body' | 'contentType'>> = fc.oneof(
      {
        weight: 5,
        arbitrary: hostileJson.map((body) => ({ body, contentType: 'application/json' })),
      },
      { weight: 1, arbitrary: fc.constant({}) },
      { weight: 1, arbitrary: fc.constant({ body: '', contentType: 'application/json' }) },
      {
        weight: 3,
        arbitrary: fc
          .tuple(hostileJson, fc.constantFrom(...wrongContentTypes))
          .map(([body, contentType]) => ({ body, contentType })),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(...hostileStrings)
          .map((body) => ({ body, contentType: 'text/plain' })),
      },
      {
        weight: 1,
        arbitrary: fc
          .uint8Array({ maxLength: 2000 })
          .map((b) => ({ body: Buffer.from(b), contentType: 'application/octet-stream' })),
      },
      {
        weight: 1,
        arbitrary: fc.constant({
          body: Buffer.from([0xff, 0xfe, 0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
          contentType: 'application/json',
        }),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(
            'a=1&b=%3Cscript%3E',
            'overall=5&comment=%3Cscript%3Ealert(1)%3C%2Fscript%3E',
            '__proto__%5Bx%5D=1&overall=9',
          )
          .map((body) => ({ body, contentType: 'application/x-www-form-urlencoded' })),
      },
      {
        weight: 1,
        arbitrary: fc.constant({
          body: '--x\r\nContent-Disposition: form-data; name="a"; filename="../../x.html"\r\n\r\n<script>\r\n--x--\r\n',
          contentType: 'multipart/form-data; boundary=x',
        }),
      },
      {
        weight: 1,
        arbitrary: fc.constant({
          body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
          contentType: 'application/xml',
        }),
      },
    );
    const paramArb = fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(...hostileParams).map(enc) },
      { weight: 1, arbitrary: fc.constantFrom(...rawSegments) },
      { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 20 }).map(enc) },
      // Plausible values reach past the first check: a real collection, file, link or user.
      {
        weight: 4,
        arbitrary: fc.constantFrom(
          'beneficiaries',
          'documents',
          'audit_entries',
          riyadhSha,
          jeddahSha,
          evalTokens.valid[0]!,
          ids.branchBUser,
          'dev-fuzz-b',
        ),
      },
    );
    // (Mostly several segments: one segment would match a parametric sibling such as /e/:token.)
    const tailArb = fc.oneof(
      { weight: 1, arbitrary: paramArb },
      { weight: 3, arbitrary: fc.tuple(paramArb, paramArb).map(([a, b]) => `${a}/${b}`) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('a/b/c', '..%2F..%2Fetc%2Fpasswd/x', 'x/%3Cscript%3E'),
      },
    );
    const queryArb = fc.constantFrom(...hostileQueries);
    const bodyless = (m: string) => m === 'GET' || m === 'HEAD' || m === 'TRACE';

    /** The generic generator: any route, knowing nothing but its method and pattern. */
    const generic = (key: string, n: number, seed: number): FuzzRequest[] => {
      const [method, pattern] = key.split(' ') as [string, string];
      const arb = fc.record({
        params: fc.array(paramArb, { minLength: 3, maxLength: 3 }),
        tail: tailArb,
        query: queryArb,
        auth: anyToken,
        payload: bodyless(method) ? fc.constant({}) : bodyArb,
        origin: originArb,
        getBody: fc.boolean(),
      });
      const out = fc.sample(arb, { numRuns: n, seed }).map((g): FuzzRequest => {
        const r: FuzzRequest = {
          method,
          path: fillPath(pattern, g.params, g.tail) + g.query,
          auth: g.auth,
          origin: g.origin,
          source: 'generic',
          ...g.payload,
        };
        if (method === 'GET' && g.getBody && g.auth === 'branchB')
          Object.assign(r, { body: '{"a":1}', contentType: 'application/json' });
        return r;
      });
      // Oversized bodies (over the 8 MiB limit): declared, and streamed without a length.
      if (!bodyless(method) && out.length >= 2) {
        out[0] = {
          ...out[0]!,
          body: { oversized: 9 * MiB, chunked: false },
          contentType: 'application/json',
          source: 'generic-oversized',
        };
        out[1] = {
          ...out[1]!,
          body: { oversized: 9 * MiB, chunked: true },
          contentType: 'application/json',
          source: 'generic-oversized',
        };
      }
      // One plain request with a harmless parameter (reaches parametric routes even when hostile values are refused by the router).
      if (out.length >= 3)
        out[2] = { ...out[2]!, path: fillPath(pattern, ['fuzz-1'], 'fuzz-1/x'), origin: undefined };
      return out;
    };

    // ---------- route-specific generators ----------
    const names = [
      ...collections.map((c) => c.name),
      'donkeys',
      '__proto__',
      'constructor',
      '../../etc',
      '\u0000',
      'x'.repeat(300),
      'sync_documents',
      '<script>',
      'ا',
    ];
    const mutatedDoc = fc
      .record({
        base: fc.constantFrom(
          validBeneficiary('ben-f', 'branch-jeddah'),
          validBeneficiary('ben-f', 'branch-riyadh'),
          riyadh,
          { ...riyadh, branchId: 'branch-jeddah' },
        ),
        field: fc.constantFrom(
          'id',
          'branchId',
          'fullName',
          'nationalId',
          'createdAt',
          '_deleted',
          'extra',
          '__proto__',
          'constructor',
          'phone',
          '_attachments',
        ),
        value: hostile,
        id: fc.constantFrom('ben-riyadh-1', 'ben-f', 'ben-f2', '../x', '<script>', ''),
      })
      .map(({ base, field, value, id }) => ({
        ...base,
        id: field === 'id' ? value : id,
        [field]: value,
      }));
    const stubArb = fc.oneof(
      fc.constant({ digest: riyadhSha, length: riyadhFile.length, type: 'image/jpeg' }),
      fc.constant({ digest: jeddahSha, length: jeddahFile.length, type: 'image/png' }),
      fc.constant({ digest: sha('never uploaded'), length: 10, type: 'image/jpeg' }),
      fc.constant({
        digest: riyadhSha,
        length: riyadhFile.length,
        type: 'image/jpeg',
        data: riyadhFile.toString('base64'),
      }),
      fc.constant({ digest: riyadhSha, length: riyadhFile.length, type: 'image/jpeg', data: {} }),
      fc.record({
        digest: fc.constantFrom(
          'not-a-hash',
          riyadhSha.toUpperCase(),
          riyadhSha.slice(1),
          `${riyadhSha}0`,
          '',
          '../../etc/passwd',
        ),
        length: fc.constant(10),
        type: fc.constant('image/jpeg'),
      }),
      fc.record({
        digest: fc.constant(riyadhSha),
        length: fc.constant(riyadhFile.length),
        type: fc.constantFrom(
          'text/html',
          'image/svg+xml',
          'application/x-msdownload',
          'application/javascript',
          '',
          'IMAGE/JPEG',
          'image/jpeg; x=<script>',
        ),
      }),
      fc.record({
        digest: fc.constant(riyadhSha),
        length: fc.constantFrom(0, -1, 1e12, 1.5, '2000', null),
        type: fc.constant('image/jpeg'),
      }),
      hostile,
    );
    const attachmentsArb = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.dictionary(
          fc.constantFrom('file-1', 'scan.jpg', '../etc', '<script>', 'a'.repeat(200), '', 'ا'),
          stubArb,
          { minKeys: 1, maxKeys: 3 },
        ),
      },
      {
        weight: 1,
        arbitrary: fc.constant(
          Object.fromEntries(
            Array.from({ length: 21 }, (_, i) => [
              `f${i}`,
              { digest: riyadhSha, length: riyadhFile.length, type: 'image/jpeg' },
            ]),
          ),
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom<unknown>([], 'x', 1, null, [{ digest: riyadhSha }]) },
    );
    const fileRows = fc.array(
      fc.record({
        newDocumentState: fc
          .record({
            id: fc.constantFrom('doc-riyadh-1', 'doc-fuzz-1', 'doc-fuzz-2'),
            branchId: fc.constantFrom('branch-riyadh', 'branch-jeddah'),
            deleted: fc.boolean(),
            atts: attachmentsArb,
          })
          .map((d) =>
            documentRecord(d.id, d.branchId, {
              _attachments: d.atts,
              _deleted: d.deleted && d.id !== 'doc-riyadh-1',
            }),
          ),
        assumedMasterState: fc.oneof(fc.constant(undefined), fc.constant(riyadhDoc)),
      }),
      { minLength: 1, maxLength: 3 },
    );
    const pushBody = fc.oneof(
      fc.array(
        fc.record({
          newDocumentState: mutatedDoc,
          assumedMasterState: fc.oneof(
            fc.constant(undefined),
            fc.constant(riyadh),
            mutatedDoc,
            hostile,
          ),
        }),
        { maxLength: 4 },
      ),
      fc.array(fc.record({ newDocumentState: mutatedDoc }), { maxLength: 3 }),
      hostile,
      fc.constant(Array.from({ length: 501 }, () => ({ newDocumentState: riyadh }))),
      fc.constant([{ newDocumentState: riyadh, assumedMasterState: riyadh, extra: 1 }]),
      fc.constant(
        JSON.parse(
          '[{"newDocumentState":{"__proto__":{"polluted":true},"id":"ben-p","_deleted":false}}]',
        ) as unknown,
      ),
    );
    const jsonBody = fc.oneof(
      pushBody.map((b) => JSON.stringify(b)),
      fc.constantFrom(
        '{',
        '[',
        'null',
        '"',
        '{"checkpoint":{"seq":-1,"id":1}}',
        '{"checkpoint":{"seq":1e300,"id":"x"},"batchSize":"1; DROP"}',
        '{"batchSize":100000}',
        '[1,2,3]',
        JSON.stringify(deep(2000)),
        '\u0000',
      ),
    );
    const pushTokens = tokenOf(
      ...BAD_TOKENS,
      'branchB',
      'branchB',
      'branchB',
      'branchB',
      'staffA',
      'staffA',
      'committee',
      'deviceless',
      'admin',
    );
    const pullQuery = fc.constantFrom(
      '',
      '?seq=-1',
      '?seq=abc',
      '?seq=99999999999999999999',
      '?batchSize=0',
      '?batchSize=1001',
      '?batchSize=1e3',
      '?checkpoint=%7Bbad',
      '?checkpoint=%7B%22seq%22%3A1%2C%22id%22%3A%22x%22%7D',
      '?seq=1&seq=2',
      '?__proto__[x]=1',
      '?seq=0&id=%3Cscript%3E',
    );
    const ctypes = (...extra: string[]) =>
      fc.constantFrom('application/json', 'application/json', 'application/json', ...extra);

    const formBody = fc
      .record({
        overall: fc.constantFrom(
          '5',
          '5',
          '1',
          '3',
          '7',
          '0',
          '-1',
          '1e1',
          ' 5',
          '٥',
          '',
          '<script>',
          '5.0',
          undefined,
        ),
        answers: fc.dictionary(
          fc.constantFrom(...evaluationQuestionIds, 'unknown', '__proto__'),
          fc.constantFrom('1', '4', '5', '9', 'x', ''),
        ),
        comment: fc.oneof(
          fc.constantFrom(
            '<script>alert(1)</script>',
            '"><img src=x onerror=alert(1)>',
            'ا'.repeat(2001),
            '\u0000\u0007',
            "'; DROP TABLE sync_documents; --",
            '\u202e\u0644\u0627',
            'شكرًا',
          ),
          fc.string({ maxLength: 60 }),
        ),
        anonymous: fc.constantFrom(undefined, '1', 'on', 'yes', '<script>'),
        twice: fc.boolean(),
      })
      .map((f) => {
        const p = new URLSearchParams();
        if (f.overall !== undefined) p.append('overall', f.overall);
        if (f.twice && f.overall !== undefined) p.append('overall', '1');
        for (const [k, v] of Object.entries(f.answers)) p.append(k, v);
        p.append('comment', f.comment);
        if (f.anonymous !== undefined) p.append('anonymous', f.anonymous);
        return p.toString();
      });
    const evalToken = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...evalTokens.pool) },
      { weight: 1, arbitrary: fc.constantFrom(evalTokens.expired, evalTokens.used) },
      { weight: 1, arbitrary: fc.constant(null).map(() => newEvaluationToken()) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          evalTokens.valid[0]!.slice(1),
          `${evalTokens.valid[0]!}A`,
          evalTokens.hashOf.get(evalTokens.used)!,
          enc('<script>alert(1)</script>'),
          enc('ا'.repeat(43)),
          '%00',
          enc('../../etc'),
          'x'.repeat(150),
        ),
      },
    );

    const adminBodies = {
      branch: fc.oneof(
        fc
          .record({
            id: fc.constantFrom(
              'fuzz-b1',
              'fuzz-b2',
              'branch-riyadh',
              '<script>',
              '',
              'x'.repeat(65),
              '__proto__',
            ),
            name: hostile,
            nameEn: fc.oneof(fc.constant(undefined), hostile),
            city: fc.oneof(fc.constant(undefined), hostile),
          })
          .map((b) => JSON.stringify(b)),
        fc.constantFrom(
          JSON.stringify({
            id: 'fuzz-branch-script',
            name: '<script>alert(1)</script>',
            city: '"><img src=x onerror=alert(1)>',
          }),
          '{"__proto__":{"id":"x"}}',
          '[]',
          'null',
        ),
      ),
      user: fc.oneof(
        fc
          .record({
            username: hostile,
            displayName: hostile,
            role: fc.constantFrom('hq_admin', 'field_delegate', 'god', '', '__proto__'),
            branchIds: fc.oneof(hostile, fc.array(hostile, { maxLength: 3 })),
            password: hostile,
            id: fc.oneof(fc.constant(undefined), hostile),
          })
          .map((b) => JSON.stringify(b)),
        fc
          .record({
            n: fc.integer({ min: 1, max: 6 }),
            role: fc.constantFrom('field_delegate', 'branch_staff', 'god'),
            branchIds: fc.constantFrom(
              ['branch-jeddah'],
              ['branch-nowhere'],
              [],
              ['branch-riyadh', 'branch-riyadh'],
            ),
          })
          .map((u) =>
            JSON.stringify({
              username: `fuzz.user${u.n}`,
              displayName: '<img src=x onerror=alert(1)>',
              role: u.role,
              branchIds: u.branchIds,
              password: 'كلمة-مرور-طويلة-للاختبار-2027',
            }),
          ),
        fc.constantFrom(
          '{"__proto__":{"role":"hq_admin"},"username":"fuzz.proto","displayName":"x","role":"field_delegate","branchIds":["branch-jeddah"],"password":"short"}',
          '[]',
          'null',
        ),
      ),
    };
    /** Real ids only with tokens that must be refused; an administrator gets hostile or harmless ones. */
    const targetIds = (realIds: string[], harmless: string[]) =>
      fc.oneof(
        fc.record({
          auth: tokenOf(...NON_ADMIN),
          id: fc.constantFrom(...realIds, ...hostileParams),
        }),
        fc.record({
          auth: tokenOf('admin', 'adminNoDevice'),
          id: fc.constantFrom(
            ...harmless,
            ...hostileParams.filter(
              (p) => !realIds.includes(p) && p !== 'u_admin' && p !== 'dev-fuzz-b',
            ),
            'u_nobody',
            'dev-nobody',
          ),
        }),
      );

    type Spec = { n: number; arb: fc.Arbitrary<Omit<FuzzRequest, 'source'>> };
    const specific: Record<string, Spec> = {
      'POST /sync/:collection/push': {
        n: 420,
        arb: fc.oneof(
          {
            weight: 5,
            arbitrary: fc.record({
              method: fc.constant('POST'),
              path: fc.constantFrom(...names).map((n) => `/sync/${enc(n)}/push`),
              body: jsonBody,
              contentType: ctypes(
                'text/plain',
                'application/x-www-form-urlencoded',
                'multipart/form-data; boundary=x',
              ),
              auth: pushTokens,
              origin: originArb,
            }),
          },
          {
            weight: 4,
            arbitrary: fc.record({
              method: fc.constant('POST'),
              path: fc
                .constantFrom(
                  'documents',
                  'documents',
                  'documents',
                  'declarations',
                  'beneficiaries',
                  'support_requests',
                )
                .map((n) => `/sync/${n}/push`),
              body: fileRows.map((b) => JSON.stringify(b)),
              contentType: fc.constant('application/json'),
              auth: pushTokens,
            }),
          },
        ),
      },
      'GET /sync/:collection/pull': {
        n: 110,
        arb: fc.record({
          method: fc.constant('GET'),
          path: fc
            .tuple(fc.constantFrom(...names), pullQuery)
            .map(([n, q]) => `/sync/${enc(n)}/pull${q}`),
          auth: anyToken,
          origin: originArb,
        }),
      },
      'POST /sync/:collection/pull': {
        n: 110,
        arb: fc.record({
          method: fc.constant('POST'),
          path: fc.constantFrom(...names).map((n) => `/sync/${enc(n)}/pull`),
          body: jsonBody,
          contentType: ctypes('text/plain'),
          auth: anyToken,
        }),
      },
      'GET /sync/:collection/stream': {
        n: 70,
        arb: fc.record({
          method: fc.constant('GET'),
          path: fc
            .tuple(
              fc.constantFrom(...names),
              fc.constantFrom('', '?seq=-1', '?collections=audit_entries'),
            )
            .map(([n, q]) => `/sync/${enc(n)}/stream${q}`),
          auth: anyToken,
          origin: originArb,
        }),
      },
      'GET /sync/stream': {
        n: 90,
        arb: fc.record({
          method: fc.constant('GET'),
          path: fc
            .oneof(
              fc.constantFrom(
                '',
                '?collections=',
                '?collections=,',
                '?collections=beneficiaries,,documents',
                '?collections=%20',
                '?collections=beneficiaries&collections=documents',
                '?collections[]=beneficiaries',
                '?collections[a]=x',
                '?collections=audit_entries',
                '?collections=beneficiaries,audit_entries',
              ),
              fc
                .array(
                  fc.constantFrom(
                    ...collections.map((c) => c.name),
                    'donkeys',
                    '__proto__',
                    'audit_entries',
                    'constructor',
                    'toString',
                    'hasOwnProperty',
                    '<script>',
                    'x'.repeat(300),
                    'ا',
                  ),
                  { minLength: 1, maxLength: 6 },
                )
                .map((ns) => `?collections=${ns.map(enc).join(',')}`),
              fc.constantFrom(
                `?collections=${Array.from({ length: 65 }, (_, i) => `c${i}`).join(',')}`,
                `?collections=${Array<string>(300).fill('beneficiaries').join(',')}`,
                `?collections=${'b'.repeat(10_000)}`,
                `?collections=${'b'.repeat(40_000)}`,
              ),
            )
            .map((q) => `/sync/stream${q}`),
          auth: tokenOf(...ALL_TOKENS, 'branchB', 'branchB', 'committee'),
          origin: originArb,
        }),
      },
      'PUT /attachments/:sha256': {
        n: 130,
        arb: fc.oneof(
          // the bytes do not match the hash / empty / no or wrong branch / another branch
          fc.record({
            method: fc.constant('PUT'),
            path: fc
              .tuple(
                fc.constantFrom(
                  riyadhSha,
                  jeddahSha,
                  sha('other bytes'),
                  sha(''),
                  riyadhSha.toUpperCase(),
                  riyadhSha.slice(1),
                  `${riyadhSha}0`,
                  enc('../../etc/passwd'),
                  enc('<script>'),
                ),
                fc.constantFrom(
                  '?branchId=branch-jeddah',
                  '?branchId=branch-riyadh',
                  '',
                  '?branchId=',
                  `?branchId=${'x'.repeat(65)}`,
                  '?branchId=branch-jeddah&branchId=branch-riyadh',
                  '?branchId=%3Cscript%3E',
                  '?branchId[x]=1',
                ),
              )
              .map(([s, q]) => `/attachments/${s}${q}`),
            body: fc.constantFrom<FuzzRequest['body']>(
              jeddahFile,
              riyadhFile,
              Buffer.alloc(0),
              scan(300, 'fuzz-other'),
              '{"a":1}',
              undefined,
            ),
            contentType: fc.constantFrom(
              'application/octet-stream',
              'application/octet-stream',
              'application/json',
              'text/plain',
              'image/jpeg',
              'multipart/form-data; boundary=x',
              undefined,
            ),
            auth: tokenOf(...ALL_TOKENS, 'branchB', 'branchB', 'staffA'),
          }),
          // uploads whose hash is right: another branch (refused), own branch (stored once)
          fc
            .record({
              method: fc.constant('PUT'),
              bytes: fc.constantFrom(
                riyadhFile,
                jeddahFile,
                scan(700, 'fuzz-new-1'),
                scan(900, 'fuzz-new-2'),
              ),
              branch: fc.constantFrom('branch-jeddah', 'branch-riyadh'),
              auth: tokenOf('branchB', 'staffA', 'committee', 'deviceless', 'expired', 'revoked'),
            })
            .map((u) => ({
              method: u.method,
              path: `/attachments/${sha(u.bytes)}?branchId=${u.branch}`,
              body: u.bytes,
              contentType: 'application/octet-stream',
              auth: u.auth,
            })),
          // over the 20 MiB file limit; 10 MiB (allowed size) with the wrong hash
          fc.constantFrom(
            {
              method: 'PUT',
              path: `/attachments/${sha('big')}?branchId=branch-jeddah`,
              body: { oversized: 21 * MiB, chunked: false },
              contentType: 'application/octet-stream',
              auth: 'branchB' as const,
            },
            {
              method: 'PUT',
              path: `/attachments/${sha('big')}?branchId=branch-jeddah`,
              body: { oversized: 21 * MiB, chunked: true },
              contentType: 'application/octet-stream',
              auth: 'branchB' as const,
            },
            {
              method: 'PUT',
              path: `/attachments/${sha('big')}?branchId=branch-jeddah`,
              body: { oversized: 10 * MiB, chunked: false },
              contentType: 'application/octet-stream',
              auth: 'branchB' as const,
            },
          ),
        ),
      },
      'GET /attachments/:sha256': {
        n: 50,
        arb: fc.record({
          method: fc.constant('GET'),
          path: fc
            .tuple(
              fc.constantFrom(
                riyadhSha,
                riyadhSha,
                jeddahSha,
                sha('never uploaded'),
                riyadhSha.toUpperCase(),
                enc('..'),
                enc('<script>'),
              ),
              fc.constantFrom('', '?branchId=branch-riyadh'),
            )
            .map(([s, q]) => `/attachments/${s}${q}`),
          auth: tokenOf(...ALL_TOKENS, 'branchB', 'branchB', 'staffA'),
        }),
      },
      'HEAD /attachments/:sha256': {
        n: 50,
        arb: fc.record({
          method: fc.constant('HEAD'),
          path: fc
            .tuple(
              fc.constantFrom(riyadhSha, jeddahSha, sha('never uploaded'), enc('<script>')),
              fc.constantFrom(
                '',
                '?branchId=branch-riyadh',
                '?branchId=branch-jeddah',
                '?branchId=',
                '?branchId=a&branchId=b',
              ),
            )
            .map(([s, q]) => `/attachments/${s}${q}`),
          auth: tokenOf(...ALL_TOKENS, 'branchB', 'branchB'),
        }),
      },
      'POST /auth/sign-in': {
        n: 60,
        arb: fc.record({
          method: fc.constant('POST'),
          path: fc.constant('/auth/sign-in'),
          body: fc.oneof(
            fc
              .record({
                username: hostile,
                password: hostile,
                device: fc.oneof(
                  hostile,
                  fc.record({ id: hostile, label: hostile, publicKey: hostile }),
                ),
              })
              .map((b) => JSON.stringify(b)),
            fc
              .record({
                username: fc.constantFrom(
                  USERS.delegateB.username,
                  USERS.staffA.username,
                  ADMIN.username,
                  'ADMIN',
                  ' admin ',
                ),
                password: fc.constantFrom('wrong-password-1', '', 'x'.repeat(1025), '<script>'),
                device: fc.constantFrom(
                  undefined,
                  { id: 'dev-fuzz-b', label: 'x', publicKey: { kty: 'RSA' } },
                  {
                    id: '../x',
                    label: '<script>',
                    publicKey: { kty: 'EC', crv: 'P-256', x: 'A'.repeat(5000), y: 'B' },
                  },
                ),
              })
              .map((b) => JSON.stringify(b)),
            jsonBody,
          ),
          contentType: ctypes('text/plain'),
          auth: tokenOf('none', 'none', 'garbage', 'branchB'),
        }),
      },
      'POST /auth/refresh': {
        n: 30,
        arb: fc.record({
          method: fc.constant('POST'),
          path: fc.constant('/auth/refresh'),
          body: fc.oneof(
            fc
              .record({
                refreshToken: fc.oneof(
                  hostile,
                  fc.constantFrom('x'.repeat(201), randomBytes(32).toString('base64url')),
                ),
              })
              .map((b) => JSON.stringify(b)),
            jsonBody,
          ),
          contentType: ctypes('text/plain'),
          auth: tokenOf('none', 'garbage', 'branchB'),
        }),
      },
      'POST /auth/sign-out': {
        n: 30,
        arb: fc.record({
          method: fc.constant('POST'),
          path: fc.constant('/auth/sign-out'),
          body: fc.oneof(
            fc
              .record({
                refreshToken: fc.oneof(
                  hostile,
                  fc.constantFrom('x'.repeat(201), randomBytes(32).toString('base64url')),
                ),
              })
              .map((b) => JSON.stringify(b)),
            jsonBody,
          ),
          contentType: ctypes('text/plain'),
          auth: tokenOf('none', 'garbage', 'branchB'),
        }),
      },
      'POST /auth/change-password': {
        n: 90,
        arb: fc.record({
          method: fc.constant('POST'),
          path: fc.constant('/auth/change-password'),
          body: fc.oneof(
            fc
              .record({ currentPassword: hostile, newPassword: hostile })
              .map((b) => JSON.stringify(b)),
            fc
              .record({
                currentPassword: fc.constantFrom(
                  'wrong-password-1',
                  '',
                  'كلمة-خاطئة-تمامًا',
                  'x'.repeat(1025),
                  'x'.repeat(1_000_000),
                ),
                newPassword: fc.constantFrom(
                  'short',
                  '',
                  'x'.repeat(1025),
                  'a-strong-new-password-2027',
                  '<script>alert(1)</script>-long-enough-2027',
                ),
              })
              .map((b) => JSON.stringify(b)),
            fc.constantFrom(
              JSON.stringify({
                currentPassword: 'same-same-same-2027',
                newPassword: 'same-same-same-2027',
              }),
              JSON.stringify({
                currentPassword: 'wrong-password-1',
                newPassword: 'a-strong-new-password-2027',
                role: 'hq_admin',
              }),
              JSON.stringify({ currentPassword: ['x'], newPassword: { a: 1 } }),
              JSON.stringify({ newPassword: 'a-strong-new-password-2027' }),
              '{"__proto__":{"currentPassword":"x"},"newPassword":"a-strong-new-password-2027"}',
            ),
            jsonBody,
          ),
          contentType: ctypes('text/plain', 'application/x-www-form-urlencoded'),
          auth: tokenOf(
            ...BAD_TOKENS,
            'branchB',
            'branchB',
            'deviceless',
            'committee',
            'adminNoDevice',
          ),
        }),
      },
      'GET /auth/me': {
        n: 25,
        arb: fc.record({
          method: fc.constant('GET'),
          path: fc.constantFrom('/auth/me', '/auth/me?x=%3Cscript%3E'),
          auth: anyToken,
          origin: originArb,
        }),
      },
      'POST /admin/branches': {
        n: 40,
        arb: fc.record({
          method: fc.constant('POST'),
          path: fc.constant('/admin/branches'),
          body: adminBodies.branch,
          contentType: ctypes('text/plain'),
          auth: tokenOf(...ALL_TOKENS, 'admin', 'admin', 'adminNoDevice'),
        }),
      },
      'POST /admin/users': {
        n: 50,
        arb: fc.record({
          method: fc.constant('POST'),
          path: fc.constant('/admin/users'),
          body: adminBodies.user,
          contentType: ctypes('text/plain'),
          auth: tokenOf(...ALL_TOKENS, 'admin', 'admin', 'adminNoDevice'),
        }),
      },
      'POST /admin/users/:id/deactivate': {
        n: 30,
        arb: targetIds([ids.branchBUser, ids.staffAUser, ids.adminUser], [ids.inactiveUser]).map(
          ({ auth: a, id }) => ({
            method: 'POST',
            path: `/admin/users/${enc(id)}/deactivate`,
            auth: a,
          }),
        ),
      },
      'POST /admin/devices/:id/revoke': {
        n: 30,
        arb: targetIds(
          ['dev-fuzz-b', 'dev-fuzz-staff-a', 'dev-fuzz-admin', 'dev-fuzz-committee'],
          ['dev-fuzz-revoked'],
        ).map(({ auth: a, id }) => ({
          method: 'POST',
          path: `/admin/devices/${enc(id)}/revoke`,
          auth: a,
        })),
      },
      'GET /e/:token': {
        n: 50,
        arb: fc.record({
          method: fc.constant('GET'),
          path: fc
            .tuple(
              evalToken,
              fc.constantFrom(
                '',
                '?lang=en',
                '?lang=%3Cscript%3E',
                '?lang[]=en',
                '?lang=en&lang=ar',
              ),
            )
            .map(([t, q]) => `/e/${t}${q}`),
          auth: tokenOf('none', 'none', 'garbage', 'branchB'),
          origin: originArb,
        }),
      },
      'POST /e/:token': {
        n: 150,
        arb: fc.oneof(
          {
            weight: 6,
            arbitrary: fc.record({
              method: fc.constant('POST'),
              path: evalToken.map((t) => `/e/${t}`),
              body: formBody,
              contentType: fc.constant('application/x-www-form-urlencoded'),
              auth: tokenOf('none', 'none', 'none', 'garbage'),
              origin: originArb,
            }),
          },
          {
            weight: 2,
            arbitrary: fc.record({
              method: fc.constant('POST'),
              path: evalToken.map((t) => `/e/${t}`),
              body: fc.oneof(
                formBody.map((f) => JSON.stringify(Object.fromEntries(new URLSearchParams(f)))),
                hostileJson,
                fc.constant(`overall=5&comment=${'x'.repeat(40_000)}`),
              ),
              contentType: fc.constantFrom(
                'application/json',
                'text/plain',
                'multipart/form-data; boundary=x',
                'application/x-www-form-urlencoded',
                undefined,
              ),
              auth: tokenOf('none'),
            }),
          },
        ),
      },
    };

    /** Valid writes with hostile content, mixed into every batch: the database comparison must let exactly these through. */
    const validWrites = (k: number): FuzzRequest[] => {
      const upload = scan(600, `valid-${k}`);
      const v = (r: Omit<FuzzRequest, 'source'>): FuzzRequest => ({
        contentType: r.body === undefined ? undefined : 'application/json',
        ...r,
        source: 'valid',
      });
      return [
        v({
          method: 'POST',
          path: '/sync/beneficiaries/push',
          auth: 'staffA',
          body: JSON.stringify([
            {
              newDocumentState: {
                ...validBeneficiary(`ben-fuzz-a${k}`, 'branch-riyadh'),
                fullName: '<script>alert(1)</script> فاطمة',
              },
            },
          ]),
        }),
        v({
          method: 'POST',
          path: '/sync/beneficiaries/push',
          auth: 'branchB',
          body: JSON.stringify([
            {
              newDocumentState: {
                ...validBeneficiary(`ben-fuzz-b${k}`, 'branch-jeddah'),
                fullName: '"><img src=x onerror=alert(1)> \u202eنورة 😀',
              },
            },
          ]),
        }),
        v({
          method: 'POST',
          path: '/sync/documents/push',
          auth: 'staffA',
          body: JSON.stringify([
            {
              newDocumentState: documentRecord(`doc-fuzz-a${k}`, 'branch-riyadh', {
                _attachments: {
                  'scan-1.jpg': {
                    digest: riyadhSha,
                    length: riyadhFile.length,
                    type: 'image/jpeg',
                  },
                },
              }),
            },
          ]),
        }),
        v({
          method: 'PUT',
          path: `/attachments/${sha(upload)}?branchId=branch-jeddah`,
          auth: 'branchB',
          body: upload,
          contentType: 'application/octet-stream',
        }),
        v({
          method: 'POST',
          path: '/admin/users',
          auth: 'adminNoDevice',
          body: JSON.stringify({
            username: `fuzz.valid${k}`,
            displayName: '<script>alert(1)</script>',
            role: 'field_delegate',
            branchIds: ['branch-jeddah'],
            password: 'كلمة-مرور-طويلة-للاختبار-2027',
          }),
        }),
        v({
          method: 'POST',
          path: '/admin/branches',
          auth: 'admin',
          body: JSON.stringify({
            id: `fuzz-valid-${k}`,
            name: '"><img src=x onerror=alert(1)>',
            nameEn: '<script>alert(1)</script>',
            city: 'جدة',
          }),
        }),
        v({
          method: 'POST',
          path: `/admin/users/${ids.inactiveUser}/deactivate`,
          auth: 'adminNoDevice',
        }),
      ];
    };

    /** Hand-written hostile cases whose answer is known exactly. */
    const expectedCases = (): FuzzRequest[] => {
      let n = 0;
      const x = (
        expect: number,
        expectCode: string | undefined,
        r: Omit<FuzzRequest, 'source'>,
      ): FuzzRequest => ({
        contentType: typeof r.body === 'string' ? 'application/json' : undefined,
        ...r,
        source: 'expected',
        expect,
        expectCode,
      });
      const stub = (digest: string, extra: Record<string, unknown> = {}) => ({
        'file-x': { digest, length: 10, type: 'image/jpeg', ...extra },
      });
      const filePush = (
        a: TokenName,
        branchId: string,
        atts: unknown,
        collection = 'documents',
      ) => ({
        method: 'POST',
        path: `/sync/${collection}/push`,
        auth: a,
        body: JSON.stringify([
          {
            newDocumentState: documentRecord(`doc-expected-${n++}`, branchId, {
              _attachments: atts,
            }),
          },
        ]),
      });
      const put = (
        a: TokenName,
        pathSha: string,
        branchId: string,
        body: FuzzRequest['body'],
        contentType = 'application/octet-stream',
      ) => ({
        method: 'PUT',
        path: `/attachments/${pathSha}?branchId=${branchId}`,
        auth: a,
        body,
        contentType,
      });
      const riyadhOnlySha = sha(riyadhOnlyFile);
      const form = 'application/x-www-form-urlencoded';
      return [
        // record files: not uploaded, another branch's, bytes inside, bad digest, foreign type, on a collection without files
        x(
          409,
          'ATTACHMENT_MISSING',
          filePush('staffA', 'branch-riyadh', stub(sha('never uploaded'))),
        ),
        x(409, 'ATTACHMENT_MISSING', filePush('branchB', 'branch-jeddah', stub(riyadhOnlySha))),
        x(
          400,
          'INVALID_DOCUMENT',
          filePush(
            'staffA',
            'branch-riyadh',
            stub(riyadhSha, { data: riyadhFile.toString('base64') }),
          ),
        ),
        x(400, 'INVALID_DOCUMENT', filePush('staffA', 'branch-riyadh', stub('not-a-hash'))),
        x(
          400,
          'INVALID_DOCUMENT',
          filePush('staffA', 'branch-riyadh', stub(riyadhSha, { type: 'text/html' })),
        ),
        x(
          400,
          'INVALID_DOCUMENT',
          filePush('staffA', 'branch-riyadh', stub(riyadhSha, { length: -1 })),
        ),
        x(400, 'INVALID_DOCUMENT', {
          method: 'POST',
          path: '/sync/beneficiaries/push',
          auth: 'staffA',
          body: JSON.stringify([
            {
              newDocumentState: {
                ...validBeneficiary('ben-expected-1', 'branch-riyadh'),
                _attachments: stub(riyadhSha),
              },
            },
          ]),
        }),
        x(403, 'FORBIDDEN', filePush('branchB', 'branch-riyadh', stub(riyadhOnlySha))),
        // attachment uploads: wrong hash, empty, too big, not bytes, another branch, bad id, no token
        x(400, 'INVALID_DOCUMENT', put('branchB', sha('other bytes'), 'branch-jeddah', jeddahFile)),
        x(400, undefined, put('branchB', sha(''), 'branch-jeddah', Buffer.alloc(0))),
        x(
          413,
          'PAYLOAD_TOO_LARGE',
          put('branchB', sha('big'), 'branch-jeddah', { oversized: 21 * MiB, chunked: false }),
        ),
        x(
          415,
          undefined,
          put('branchB', jeddahSha, 'branch-jeddah', '{"a":1}', 'application/json'),
        ),
        x(415, undefined, put('branchB', jeddahSha, 'branch-jeddah', jeddahFile, 'image/jpeg')),
        x(403, 'FORBIDDEN', put('branchB', riyadhOnlySha, 'branch-riyadh', riyadhOnlyFile)),
        x(
          400,
          undefined,
          put('branchB', riyadhOnlySha.toUpperCase(), 'branch-jeddah', riyadhOnlyFile),
        ),
        x(401, undefined, put('none', riyadhOnlySha, 'branch-riyadh', riyadhOnlyFile)),
        x(401, undefined, put('expired', jeddahSha, 'branch-jeddah', jeddahFile)),
        x(403, 'DEVICE_REVOKED', put('revoked', jeddahSha, 'branch-jeddah', jeddahFile)),
        x(404, undefined, {
          method: 'GET',
          path: `/attachments/${riyadhOnlySha}`,
          auth: 'branchB',
        }),
        x(403, 'FORBIDDEN', {
          method: 'HEAD',
          path: `/attachments/${riyadhOnlySha}?branchId=branch-riyadh`,
          auth: 'branchB',
        }),
        // the multiplexed stream: unknown, forbidden, too many, none
        x(404, undefined, {
          method: 'GET',
          path: '/sync/stream?collections=beneficiaries,donkeys',
          auth: 'branchB',
        }),
        x(403, 'FORBIDDEN', {
          method: 'GET',
          path: '/sync/stream?collections=beneficiaries,audit_entries',
          auth: 'branchB',
        }),
        x(400, undefined, {
          method: 'GET',
          path: `/sync/stream?collections=${Array.from({ length: 65 }, (_, i) => `c${i}`).join(',')}`,
          auth: 'branchB',
        }),
        x(400, undefined, { method: 'GET', path: '/sync/stream', auth: 'branchB' }),
        x(401, undefined, {
          method: 'GET',
          path: '/sync/stream?collections=beneficiaries',
          auth: 'forged',
        }),
        // change-password: wrong types, huge strings, extra fields, no or forged token
        x(400, undefined, {
          method: 'POST',
          path: '/auth/change-password',
          auth: 'committee',
          body: JSON.stringify({ currentPassword: 12345, newPassword: ['x'] }),
        }),
        x(400, undefined, {
          method: 'POST',
          path: '/auth/change-password',
          auth: 'committee',
          body: JSON.stringify({
            currentPassword: 'x'.repeat(100_000),
            newPassword: 'y'.repeat(100_000),
          }),
        }),
        x(400, undefined, {
          method: 'POST',
          path: '/auth/change-password',
          auth: 'committee',
          body: JSON.stringify({ currentPassword: 'a', newPassword: 'b', role: 'hq_admin' }),
        }),
        x(401, undefined, {
          method: 'POST',
          path: '/auth/change-password',
          auth: 'none',
          body: JSON.stringify({
            currentPassword: PASSWORD,
            newPassword: 'a-strong-new-password-2027',
          }),
        }),
        x(401, undefined, {
          method: 'POST',
          path: '/auth/change-password',
          auth: 'forged',
          body: JSON.stringify({
            currentPassword: PASSWORD,
            newPassword: 'a-strong-new-password-2027',
          }),
        }),
        // administration with branch tokens
        x(403, 'FORBIDDEN', { method: 'GET', path: '/admin/users', auth: 'branchB' }),
        x(403, 'FORBIDDEN', { method: 'GET', path: '/admin/destructions', auth: 'staffA' }),
        x(403, 'FORBIDDEN', {
          method: 'POST',
          path: '/admin/users',
          auth: 'staffA',
          body: JSON.stringify({
            username: 'fuzz.sneaky',
            displayName: 'x',
            role: 'hq_admin',
            branchIds: [],
            password: 'a-strong-new-password-2027',
          }),
        }),
        x(403, 'FORBIDDEN', {
          method: 'POST',
          path: `/admin/users/${ids.adminUser}/deactivate`,
          auth: 'committee',
        }),
        x(403, 'FORBIDDEN', {
          method: 'POST',
          path: '/admin/devices/dev-fuzz-admin/revoke',
          auth: 'branchB',
        }),
        // the public evaluation page: forged, expired, used, malformed; script in the answers is stored as text
        x(404, undefined, { method: 'GET', path: `/e/${newEvaluationToken()}`, auth: 'none' }),
        x(404, undefined, {
          method: 'POST',
          path: `/e/${newEvaluationToken()}`,
          auth: 'none',
          body: 'overall=5',
          contentType: form,
        }),
        x(410, undefined, {
          method: 'POST',
          path: `/e/${evalTokens.expired}`,
          auth: 'none',
          body: 'overall=5',
          contentType: form,
        }),
        x(410, undefined, {
          method: 'POST',
          path: `/e/${evalTokens.used}`,
          auth: 'none',
          body: 'overall=5',
          contentType: form,
        }),
        x(404, undefined, {
          method: 'GET',
          path: `/e/${enc('<script>alert(1)</script>')}`,
          auth: 'none',
        }),
        x(200, undefined, {
          method: 'POST',
          path: `/e/${evalTokens.reserved}`,
          auth: 'none',
          body: new URLSearchParams({
            overall: '5',
            comment: '<script>alert(1)</script>"><img src=x onerror=alert(1)>',
          }).toString(),
          contentType: form,
        }),
      ];
    };

    // ---------- the run ----------
    const requests: FuzzRequest[] = [];
    let seed = SEED;
    for (const [key, spec] of Object.entries(specific)) {
      for (const r of fc.sample(spec.arb, { numRuns: spec.n, seed: seed++ }))
        requests.push({ ...r, source: key });
    }
    for (const key of routes) requests.push(...generic(key, GENERIC_PER_ROUTE, seed++));
    const expected = expectedCases();
    requests.push(...expected);
    // A fixed shuffle, then BATCHES slices: every batch mixes every route.
    const order = fc.sample(
      fc.shuffledSubarray(
        requests.map((_, i) => i),
        { minLength: requests.length, maxLength: requests.length },
      ),
      { numRuns: 1, seed: SEED },
    )[0]!;
    const shuffled = order.map((i) => requests[i]!);

    const statuses = new Map<number, number>();
    /** Files served to branch users in the current batch, and which file each branch holds. */
    let served: { sha: string; branches: string[]; label: string }[] = [];
    const held = new Set([`${riyadhSha}|branch-riyadh`, `${jeddahSha}|branch-jeddah`]);
    const problems: string[] = [];
    const transportRefusals: string[] = [];
    const unmodeledSuccess: string[] = [];
    let total = 0;
    const label = (r: FuzzRequest) =>
      `${r.method} ${r.path.slice(0, 140)} [${r.auth}${r.contentType ? `, ${r.contentType.slice(0, 40)}` : ''}] (${r.source})`;

    const record = (r: FuzzRequest, a: Answer, w: Writes) => {
      total++;
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      const path = r.path.split('?')[0]!;
      const isPage = /^\/e(\/|$)/.test(path);
      if (a.status === 0) {
        // A body over the limit may be cut off by HQ closing the connection; anything else is a dropped request.
        if (isOversized(r.body) && /ECONNRESET|EPIPE/.test(a.error ?? ''))
          transportRefusals.push(`${label(r)}: ${a.error}`);
        else problems.push(`no answer: ${label(r)}: ${a.error}`);
        return;
      }
      if (a.status >= 500) problems.push(`${a.status}: ${label(r)} → ${a.text.slice(0, 300)}`);
      if (a.error) problems.push(`answer cut off: ${label(r)}: ${a.error}`);
      if (/\bat [\w.<>]+ \(|node_modules|\/work\/|\.ts:\d+/.test(a.text))
        problems.push(`internals in the answer: ${label(r)} → ${a.text.slice(0, 300)}`);
      if (/^text\/html/.test(a.contentType) && /<script|<img src=x|javascript:alert/i.test(a.text))
        problems.push(`markup injected into a page: ${label(r)}`);
      if (a.status >= 400 && r.method !== 'HEAD' && !a.stream && a.text !== '') {
        if (isPage && !a.contentType.startsWith('application/json')) {
          // (A URL the router cannot decode is refused before the page's scope: HQ's JSON error.)
          if (!/^text\/html/.test(a.contentType) || !/<html lang="(ar|en)"/.test(a.text))
            problems.push(
              `the public page answered without its page: ${label(r)} → ${a.contentType} ${a.text.slice(0, 200)}`,
            );
        } else if (a.status === 431) {
          // Node's HTTP parser refuses over-long request heads before HQ sees them.
          transportRefusals.push(`${label(r)}: 431`);
        } else {
          type ErrorBody = { error?: { code?: unknown; messageAr?: unknown } } | null;
          let parsed: ErrorBody;
          try {
            parsed = JSON.parse(a.text) as ErrorBody;
          } catch {
            parsed = null;
          }
          if (
            typeof parsed?.error?.code !== 'string' ||
            !/[\u0600-\u06ff]/.test(String(parsed.error.messageAr))
          )
            problems.push(
              `error not in HQ's format: ${label(r)} → ${a.status} ${a.text.slice(0, 200)}`,
            );
        }
      }
      const ok = a.status >= 200 && a.status < 300;
      if (ok && BAD_TOKENS.includes(r.auth) && r.auth !== 'none' && !PUBLIC_PATHS.test(r.path))
        problems.push(`a bad token was accepted: ${label(r)} → ${a.status}`);
      if (ok && r.auth === 'none' && !PUBLIC_PATHS.test(r.path))
        problems.push(`no token, yet accepted: ${label(r)} → ${a.status}`);
      if (ok && path.startsWith('/admin/') && r.auth !== 'admin' && r.auth !== 'adminNoDevice')
        problems.push(`a non-administrator was served: ${label(r)} → ${a.status}`);
      if (r.expect !== undefined) {
        let code: unknown;
        try {
          code = (JSON.parse(a.text) as { error?: { code?: unknown } }).error?.code;
        } catch {
          code = undefined;
        }
        if (
          a.status !== r.expect ||
          (r.expectCode !== undefined && r.method !== 'HEAD' && code !== r.expectCode)
        )
          problems.push(
            `expected ${r.expect}${r.expectCode ? ` ${r.expectCode}` : ''}, got ${a.status}: ${label(r)} → ${a.text.slice(0, 300)}`,
          );
      }
      if (r.source === 'valid' && !ok)
        problems.push(
          `a valid write was refused: ${label(r)} → ${a.status} ${a.text.slice(0, 300)}`,
        );
      if (ok) {
        // What a valid token may reach: its own branches' files, collections its role may read, links that are still good.
        const scope = SCOPES[r.auth];
        const mayRead = (collection: string) =>
          collectionNames.has(collection) &&
          (collection !== 'audit_entries' || scope?.admin === true);
        const mux =
          path === '/sync/stream'
            ? new URLSearchParams(r.path.split('?')[1] ?? '').get('collections')
            : null;
        const single = /^\/sync\/([^/]+)\/(pull|stream)$/.exec(path);
        const file = /^\/attachments\/([^/]+)$/.exec(path);
        const page = /^\/e\/([^/]+)$/.exec(path);
        if (mux !== null && !mux.split(',').every((n) => mayRead(n.trim())))
          problems.push(`a stream of an unknown or forbidden collection was opened: ${label(r)}`);
        if (single && !mayRead(decodeURIComponent(single[1]!)))
          problems.push(`an unknown or forbidden collection was served: ${label(r)}`);
        if (file && !scope?.admin) {
          const given = new URLSearchParams(r.path.split('?')[1] ?? '').getAll('branchId');
          // (HQ reads one ?branchId=; a repeated one is not a string and counts as none: the caller's own branches.)
          const target = given.length === 1 ? given[0] : undefined;
          // A branch may fetch a file once it holds it (uploaded it itself: proof of possession); checked after the batch.
          if (r.method !== 'PUT')
            served.push({
              sha: file[1]!,
              // (HEAD asks about one branch; GET looks in all of the caller's branches.)
              branches: r.method === 'HEAD' && target ? [target] : [...(scope?.branches ?? [])],
              label: `${label(r)} → ${a.status}`,
            });
          if (r.method === 'PUT' && !scope?.branches.includes(target ?? ''))
            problems.push(`a file was stored for another branch: ${label(r)} → ${a.status}`);
        }
        if (page && !evalTokens.valid.includes(decodeURIComponent(page[1]!)))
          problems.push(
            `an expired, used or forged evaluation link was accepted: ${label(r)} → ${a.status}`,
          );
      }
      if (!ok || r.method === 'GET' || r.method === 'HEAD' || r.method === 'OPTIONS') return;

      // The writes HQ accepted.
      const push = /^\/sync\/([^/]+)\/push$/.exec(path);
      const file = /^\/attachments\/([^/]+)$/.exec(path);
      const page = /^\/e\/([^/]+)$/.exec(path);
      if (push && typeof r.body === 'string') {
        const collection = decodeURIComponent(push[1]!);
        const refused = new Set((JSON.parse(a.text) as { id: string }[]).map((c) => c.id));
        for (const row of JSON.parse(r.body) as { newDocumentState: Record<string, unknown> }[]) {
          if (refused.has(String(row.newDocumentState.id))) continue;
          const k = `${collection}/${String(row.newDocumentState.id)}`;
          w.docs.set(k, [...(w.docs.get(k) ?? []), { doc: row.newDocumentState, auth: r.auth }]);
        }
      } else if (file && r.method === 'PUT') {
        w.files.add(file[1]!);
        w.fileLinks.add(
          `${file[1]!}|${new URLSearchParams(r.path.split('?')[1] ?? '').get('branchId') ?? ''}`,
        );
      } else if (page && r.method === 'POST' && a.status === 200) {
        w.qrEvaluations++;
        w.usedLinks.add(sha(decodeURIComponent(page[1]!)));
      } else if (path === '/admin/users' && a.status === 201) {
        w.users.add(String((JSON.parse(a.text) as { id: string }).id));
      } else if (path === '/admin/branches' && a.status === 201) {
        w.branches.add(String((JSON.parse(a.text) as { id: string }).id));
      } else if (/^\/admin\/users\/[^/]+\/deactivate$/.test(path)) {
        w.deactivated.add(decodeURIComponent(path.split('/')[3]!));
      } else if (/^\/admin\/devices\/[^/]+\/revoke$/.test(path)) {
        w.revokedDevices.add(decodeURIComponent(path.split('/')[3]!));
      } else if (
        path === '/auth/sign-in' ||
        path === '/auth/refresh' ||
        path === '/auth/change-password'
      ) {
        problems.push(
          `hostile credentials were accepted: ${label(r)} → ${a.status} ${a.text.slice(0, 200)}`,
        );
      } else if (path !== '/auth/sign-out' && !/^\/sync\/[^/]+\/pull$/.test(path)) {
        unmodeledSuccess.push(`${label(r)} → ${a.status}`);
      }
    };

    /** Changes of the database that no accepted write explains. */
    const unexplained = (changes: RowChange[], w: Writes): string[] => {
      const bad: string[] = [];
      let evaluations = 0;
      for (const c of changes) {
        const key = JSON.parse(c.key) as unknown[];
        const row = (c.after ?? c.before)!;
        let fine = false;
        switch (c.table) {
          case 'hq_signin_throttle':
            fine = true; // failed sign-ins and password changes are counted
            break;
          case 'sync_documents': {
            if (c.kind === 'removed') break;
            const [collection, id] = key as [string, string];
            const doc = (typeof row.doc === 'string' ? JSON.parse(row.doc) : row.doc) as Record<
              string,
              unknown
            >;
            const versions = w.docs.get(`${collection}/${id}`) ?? [];
            const match = versions.find((v) => jsonDeepEqual(v.doc, doc));
            if (match) {
              // A Jeddah user never writes a Riyadh record, nor moves one.
              const touchesRiyadh =
                row.branch_id === 'branch-riyadh' || c.before?.branch_id === 'branch-riyadh';
              fine = !(touchesRiyadh && (match.auth === 'branchB' || match.auth === 'deviceless'));
              if (!fine) bad.push(`a Jeddah token changed a Riyadh record: ${describeChange(c)}`);
              continue;
            }
            if (
              collection === 'satisfaction_evaluations' &&
              c.kind === 'added' &&
              doc.updatedBy === 'hq-evaluation-link'
            ) {
              evaluations++;
              fine = true;
            } else if (
              collection === 'hq_config' &&
              [...w.branches].some((b) => id === `branch-${b}`.slice(0, 64))
            )
              fine = true; // a created branch is published to the laptops
            else if (
              collection === 'hq_config' &&
              [...w.users, ...w.deactivated].some((u) => id === `user-${u}`.slice(0, 64))
            )
              fine = true; // so is a created or deactivated user (the user directory)
            break;
          }
          case 'hq_attachments':
            fine = c.kind === 'added' && w.files.has(String(key[0]));
            break;
          case 'hq_attachment_branches':
            fine = c.kind === 'added' && w.fileLinks.has(`${String(key[0])}|${String(key[1])}`);
            break;
          case 'hq_users':
            fine =
              (c.kind === 'added' && w.users.has(String(key[0]))) ||
              (c.kind === 'changed' && w.deactivated.has(String(key[0])));
            break;
          case 'hq_branches':
            fine = c.kind === 'added' && w.branches.has(String(key[0]));
            break;
          case 'hq_evaluation_links_used':
            fine = c.kind === 'added' && w.usedLinks.has(String(key[0]));
            break;
          case 'hq_devices':
            fine = c.kind === 'changed' && w.revokedDevices.has(String(key[0]));
            break;
          case 'hq_refresh_tokens':
            fine =
              c.kind === 'changed' &&
              (w.deactivated.has(String(row.user_id)) ||
                w.revokedDevices.has(String(row.device_id)));
            break;
          default:
            fine = false;
        }
        if (!fine) bad.push(describeChange(c));
      }
      if (evaluations !== w.qrEvaluations)
        bad.push(
          `${w.qrEvaluations} evaluations were accepted through /e/…, ${evaluations} stored`,
        );
      return bad;
    };

    /** The database; on PGlite the HQ is closed for the read and started again (a restart on fuzzed data, too). */
    const dbState = async (): Promise<DbState> => {
      if (backend.name === 'postgres') return readDbState(backend);
      await hq.close();
      const state = await readDbState(backend);
      hq = await startHq(options);
      return state;
    };

    const accepted = { records: 0, files: 0, evaluations: 0, users: 0, branches: 0 };
    let before = await dbState();
    const perBatch = Math.ceil(shuffled.length / BATCHES);
    const started = Date.now();
    for (let b = 0; b < BATCHES; b++) {
      const batch = shuffled.slice(b * perBatch, (b + 1) * perBatch);
      const valid = validWrites(b);
      valid.forEach((v, i) =>
        batch.splice(Math.floor(((i + 1) * batch.length) / (valid.length + 1)), 0, v),
      );
      const writes = newWrites();
      const queue = [...batch];
      await Promise.all(
        Array.from({ length: WORKERS }, async () => {
          for (let r = queue.shift(); r; r = queue.shift())
            record(r, await send(hq.url, r, auth[r.auth]), writes);
        }),
      );
      for (const link of writes.fileLinks) held.add(link);
      for (const f of served)
        if (!f.branches.some((br) => held.has(`${f.sha}|${br}`)))
          problems.push(`a file was served to a branch that does not hold it: ${f.label}`);
      served = [];
      expect(problems, `batch ${b + 1}`).toEqual([]);
      expect((await api(hq.url, 'GET', '/health')).body, `batch ${b + 1}: /health`).toEqual({
        status: 'ok',
      });
      expect((await api(hq.url, 'GET', '/ready')).status, `batch ${b + 1}: /ready`).toBe(200);
      const after = await dbState();
      expect(
        unexplained(diffDbState(before, after), writes),
        `batch ${b + 1}: database changes no accepted write explains`,
      ).toEqual([]);
      // Every accepted version is what HQ holds now (or a later accepted one).
      for (const [k, versions] of writes.docs) {
        const [collection, ...rest] = k.split('/');
        const stored = after
          .get('sync_documents')
          ?.get(JSON.stringify([collection, rest.join('/')]));
        const doc = stored?.row.doc;
        expect(
          versions.some((v) =>
            jsonDeepEqual(v.doc, typeof doc === 'string' ? JSON.parse(doc) : doc),
          ),
          `batch ${b + 1}: accepted write ${k} is not what HQ holds`,
        ).toBe(true);
      }
      expect((await api(hq.url, 'GET', '/health')).body).toEqual({ status: 'ok' });
      before = after;
      accepted.records += writes.docs.size;
      accepted.files += writes.fileLinks.size;
      accepted.evaluations += writes.qrEvaluations;
      accepted.users += writes.users.size;
      accepted.branches += writes.branches.size;
    }
    const seconds = (Date.now() - started) / 1000;

    // ---------- coverage: every route HQ registered got its share ----------
    const finalRoutes = [...coverage.routes].sort();
    const starved = finalRoutes
      .filter((k) => (coverage.hits.get(k) ?? 0) < MIN_HITS_PER_ROUTE)
      .map((k) => `${k} (${coverage.hits.get(k) ?? 0} requests)`);
    expect(
      starved,
      `routes that received fewer than ${MIN_HITS_PER_ROUTE} hostile requests; give them a generator in test/integration/fuzz.test.ts`,
    ).toEqual([]);
    const stale = Object.keys(specific).filter((k) => !coverage.routes.has(k));
    expect(stale, 'generators for routes HQ no longer registers').toEqual([]);
    expect(total).toBeGreaterThanOrEqual(1000);
    // The comparison was not vacuous: accepted writes of every kind happened and were found.
    expect(accepted.records).toBeGreaterThanOrEqual(3 * BATCHES);
    expect(accepted.files).toBeGreaterThanOrEqual(BATCHES);
    expect(accepted.users).toBeGreaterThanOrEqual(BATCHES);
    expect(accepted.branches).toBeGreaterThanOrEqual(BATCHES);
    expect(accepted.evaluations).toBeGreaterThan(0);
    const refusals =
      (statuses.get(400) ?? 0) +
      (statuses.get(401) ?? 0) +
      (statuses.get(403) ?? 0) +
      (statuses.get(404) ?? 0) +
      (statuses.get(413) ?? 0) +
      (statuses.get(415) ?? 0);
    expect(refusals).toBeGreaterThan(total / 2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const genericOnly = finalRoutes.filter((k) => !(k in specific));
    process.stdout.write(
      [
        `fuzz ${backendName}: ${total} requests in ${seconds.toFixed(1)} s to ${finalRoutes.length} routes, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((x, y) => x[0] - y[0])))}`,
        `  per route: ${finalRoutes.map((k) => `${k}=${coverage.hits.get(k) ?? 0}`).join(', ')}`,
        `  generic generator only: ${genericOnly.join(', ')}`,
        `  accepted writes (the database differs by exactly these): ${JSON.stringify(accepted)}`,
        `  hand-written cases answered exactly as expected: ${expected.length}`,
        `  refused at the transport level (over-long head, connection closed on an oversized body): ${transportRefusals.length}`,
        `  other successful writes (checked by the database comparison): ${unmodeledSuccess.length}${unmodeledSuccess.length ? ` e.g. ${unmodeledSuccess.slice(0, 3).join('; ')}` : ''}`,
        '',
      ].join('\n'),
    );
  }, 300_000);
});
