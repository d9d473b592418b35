/**
 * Accounts, authorisation, conflicts, device revocation and crash safety against a real HQ,
 * with real RxDB clients (every collection of the registry, each laptop in its own process):
 * two branches (Riyadh, Jeddah) and a research-committee member. Each test runs on PGlite and
 * on PostgreSQL.
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startHq, type RunningHq } from '../../hq/server';
import { generateNationalId } from '../../shared/identity';
import type { Beneficiary } from '../../shared/schema';
import { downloadAttachment, uploadAttachment } from '../../shared/sync/attachments';
import type { SyncProblem } from '../../shared/sync/client';
import {
  ADMIN,
  Laptop,
  PASSWORD,
  USERS,
  api,
  createBackend,
  deviceToken,
  freePort,
  pullAll,
  seedAccounts,
  signIn,
  startHqProcess,
  testHqOptions,
  waitFor,
  type Backend,
} from './support/harness';

const now = () => new Date().toISOString();
const fakeHash = (value: string) => createHash('sha256').update(value).digest('hex');

function beneficiary(id: string, branchId: string, fields: Partial<Beneficiary> = {}): Beneficiary {
  const t = now();
  const nationalId = generateNationalId('citizen', String(Math.floor(Math.random() * 1e8)).padStart(8, '0'));
  return { id, branchId, createdAt: t, updatedAt: t, updatedBy: 'user-x', fullName: 'فاطمة عبدالله القحطاني', nationalId, idHash: fakeHash(nationalId), phoneHash: '', ...fields };
}

function decision(id: string, branchId: string) {
  const t = now();
  return {
    id,
    branchId,
    createdAt: t,
    updatedAt: t,
    updatedBy: 'cm-1',
    requestId: 'req-1',
    beneficiaryId: 'ben-r1',
    serviceId: 'family_consultation',
    decision: 'accepted',
    reasons: [],
    membersPresent: [{ userId: 'cm-1', name: 'عضو اللجنة الأول' }],
    decidedAt: t,
  };
}

function auditEntry(id: string, branchId: string, summary = 'created') {
  return {
    id,
    branchId,
    deviceId: 'dev-1',
    seq: 1,
    userId: 'user-1',
    role: 'field_delegate',
    at: now(),
    action: 'create',
    collectionName: 'beneficiaries',
    docId: 'ben-1',
    summary,
    prevHash: '0'.repeat(64),
    hash: 'a'.repeat(64),
    _deleted: false,
  };
}

const push = (url: string, collection: string, rows: unknown, token: string) => api(url, 'POST', `/sync/${collection}/push`, rows, token);

describe.each(['pglite', 'postgres'] as const)('sync policy on %s', (backendName) => {
  let backend: Backend;
  let hq: RunningHq | null = null;
  const laptops: Laptop[] = [];
  const processes: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    backend = await createBackend(backendName);
  });
  afterEach(async () => {
    await Promise.all(laptops.splice(0).map((l) => l.stop()));
    await Promise.all(processes.splice(0).map((p) => p.stop()));
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
  const laptop = async (name: string, url: string, user: keyof typeof USERS, extra: Record<string, unknown> = {}) => {
    const l = await Laptop.start(name, url, { username: USERS[user].username, password: PASSWORD, ...extra });
    laptops.push(l);
    return l;
  };

  test('three laptops: each branch sees only its records; only the committee writes decisions; refused writes store nothing', async () => {
    const { url } = await start();
    const [a, b, c] = await Promise.all([laptop('A', url, 'delegateA'), laptop('B', url, 'delegateB'), laptop('C', url, 'committee')]);
    await Promise.all([a.call('waitForStream'), b.call('waitForStream'), c.call('waitForStream')]);

    // What each role replicates follows the access table.
    const plan = (await c.call<{ status: { collections: { name: string; pull: boolean; push: boolean }[] } }>('info')).status.collections;
    expect(plan.find((p) => p.name === 'committee_decisions')).toEqual({ name: 'committee_decisions', pull: true, push: true });
    expect(plan.find((p) => p.name === 'beneficiaries')).toEqual({ name: 'beneficiaries', pull: true, push: false });
    expect(plan.find((p) => p.name === 'audit_entries')).toEqual({ name: 'audit_entries', pull: false, push: true });

    await a.call('insert', { doc: beneficiary('ben-r1', 'branch-riyadh') });
    await b.call('insert', { doc: beneficiary('ben-j1', 'branch-jeddah') });
    await c.call('waitFor', { id: 'ben-r1', field: 'branchId', value: 'branch-riyadh', timeoutMs: 15_000 });
    await waitFor(async () => (await pullAll(url, 'beneficiaries')).length === 2, 15_000, 'both on HQ');
    await c.call('insert', { collection: 'committee_decisions', doc: decision('cd-r1', 'branch-riyadh') });
    await a.call('waitFor', { collection: 'committee_decisions', id: 'cd-r1', field: 'decision', value: 'accepted', timeoutMs: 15_000 });

    // Jeddah never receives Riyadh's records (and vice versa), by pull or stream.
    await new Promise((r) => setTimeout(r, 500));
    expect(await b.call('get', { id: 'ben-r1' })).toBeNull();
    expect(await b.call('get', { collection: 'committee_decisions', id: 'cd-r1' })).toBeNull();
    expect(await a.call('get', { id: 'ben-j1' })).toBeNull();
    expect(await c.call('get', { id: 'ben-j1' })).toBeNull();

    // Over HTTP, as a Jeddah user: pull shows Jeddah only; writes into Riyadh are 403 and
    // nothing of the batch is written (the valid Jeddah row included).
    const tokenB = await deviceToken(url, 'delegateB');
    const pulledB = await pullAll(url, 'beneficiaries', tokenB);
    expect(pulledB.map((d) => d.id)).toEqual(['ben-j1']);
    const before = await pullAll(url, 'beneficiaries');
    const stolen = before.find((d) => d.id === 'ben-r1')!;
    const cross = await push(url, 'beneficiaries', [
      { newDocumentState: { ...beneficiary('ben-j2', 'branch-jeddah'), _deleted: false } },
      { newDocumentState: { ...beneficiary('ben-r2', 'branch-riyadh'), _deleted: false } },
    ], tokenB);
    expect(cross.status).toBe(403);
    expect(cross.body.error).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'other_branch', index: 1, documentId: 'ben-r2' } });
    expect(String(cross.body.error?.messageAr)).toMatch(/فرع/);
    // Taking over a Riyadh record (moving it to Jeddah), and an insert over its id: refused,
    // and HQ's copy is NOT returned as a "conflict" (that would leak it).
    const moved = await push(url, 'beneficiaries', [{ newDocumentState: { ...stolen, branchId: 'branch-jeddah' }, assumedMasterState: stolen }], tokenB);
    expect(moved.status).toBe(403);
    const overwrite = await push(url, 'beneficiaries', [{ newDocumentState: { ...beneficiary('ben-r1', 'branch-jeddah'), _deleted: false } }], tokenB);
    expect(overwrite.status).toBe(403);
    expect(JSON.stringify(overwrite.body)).not.toContain(String(stolen.nationalId));
    // A field delegate may not write committee decisions or configuration.
    const tokenA = await deviceToken(url, 'delegateA');
    const forged = await push(url, 'committee_decisions', [{ newDocumentState: { ...decision('cd-forged', 'branch-riyadh'), _deleted: false } }], tokenA);
    expect(forged.status).toBe(403);
    expect(forged.body.error).toMatchObject({ details: { reason: 'no_write_access' } });
    const config = await push(url, 'hq_config', [{ newDocumentState: { id: 'branch-x', createdAt: now(), updatedAt: now(), updatedBy: 'x', kind: 'branch', branch: { name: 'فرع', city: 'مكة', active: true }, _deleted: false } }], tokenA);
    expect(config.status).toBe(403);
    const after = await pullAll(url, 'beneficiaries');
    expect(after).toEqual(before);
    expect((await pullAll(url, 'committee_decisions')).map((d) => d.id)).toEqual(['cd-r1']);
    // Only what HQ itself published (the registered devices' public keys, its branches' names, its
    // user directory) is configuration.
    const configDocs = (await pullAll(url, 'hq_config')) as Array<{ id: string; kind: string; updatedBy: string }>;
    expect(configDocs.find((d) => d.id === 'branch-x')).toBeUndefined();
    expect(configDocs.every((d) => ['device', 'branch', 'user'].includes(d.kind) && d.updatedBy === 'hq')).toBe(true);
    expect(configDocs.some((d) => d.kind === 'branch')).toBe(true);
    expect(configDocs.some((d) => d.kind === 'user')).toBe(true);

    // Append-only: an identical retry is a no-op; an edit of a stored audit entry or decision is 403.
    const entry = auditEntry('dev-1-1', 'branch-riyadh');
    expect((await push(url, 'audit_entries', [{ newDocumentState: entry }], tokenA)).status).toBe(200);
    const seqBefore = (await backend.name) === 'postgres' ? await backend.storedDoc('audit_entries', 'dev-1-1') : null;
    expect((await push(url, 'audit_entries', [{ newDocumentState: entry }], tokenA))).toEqual({ status: 200, body: [] });
    if (seqBefore) expect((await backend.storedDoc('audit_entries', 'dev-1-1'))?.seq).toBe(seqBefore.seq);
    const edited = await push(url, 'audit_entries', [{ newDocumentState: { ...entry, summary: 'changed' }, assumedMasterState: entry }], tokenA);
    expect(edited.status).toBe(403);
    // (A branch user may not even read stored audit entries: refused without showing it.)
    expect(edited.body.error).toMatchObject({ details: { reason: 'no_read_access' } });
    const tokenC = await deviceToken(url, 'committee');
    const storedDecision = (await pullAll(url, 'committee_decisions', tokenC))[0]!;
    const reconsidered = await push(url, 'committee_decisions', [{ newDocumentState: { ...storedDecision, decision: 'rejected', reasons: ['سبب'] }, assumedMasterState: storedDecision }], tokenC);
    expect(reconsidered.status).toBe(403);
    expect(reconsidered.body.error).toMatchObject({ details: { reason: 'append_only' } });
    expect((await push(url, 'committee_decisions', [{ newDocumentState: storedDecision }], tokenC))).toEqual({ status: 200, body: [] });
    // Branch users cannot read audit entries at all.
    expect((await api(url, 'GET', '/sync/audit_entries/pull', undefined, tokenA)).status).toBe(403);

    // A laptop that tries anyway gets the refusal surfaced (not silently dropped).
    await b.call('insert', { doc: beneficiary('ben-r9', 'branch-riyadh') });
    const refused = await b.call<SyncProblem[]>('waitForProblem', { code: 'FORBIDDEN', timeoutMs: 15_000 });
    expect(refused[0]?.messageAr).toMatch(/فرع/);
    expect((await pullAll(url, 'beneficiaries')).some((d) => d.id === 'ben-r9')).toBe(false);
  });

  test('same-field edits on two laptops: HQ value kept, the other recorded as a conflict, resolved in the app', async () => {
    const { url } = await start();
    const [a, d] = await Promise.all([laptop('A', url, 'delegateA'), laptop('D', url, 'staffA')]);
    await Promise.all([a.call('waitForStream'), d.call('waitForStream')]);
    await a.call('insert', { doc: beneficiary('ben-c1', 'branch-riyadh', { phone: '+966500000001' }) });
    await d.call('waitFor', { id: 'ben-c1', field: 'phone', value: '+966500000001', timeoutMs: 15_000 });

    // Both edit the phone while A is offline; D's edit reaches HQ first. A also edits the city.
    await a.call('pause');
    await a.call('patch', { id: 'ben-c1', patch: { phone: '+966511111111', city: 'الخرج', updatedAt: now() } });
    await d.call('patch', { id: 'ben-c1', patch: { phone: '+966522222222', updatedAt: now() } });
    await waitFor(async () => (await pullAll(url, 'beneficiaries')).find((x) => x.id === 'ben-c1' && x.phone === '+966522222222'), 15_000, "D's edit on HQ");
    await a.call('resume');

    const open = await a.call<{ id: string; documentId: string; status: string; fields: { path: string; ours: string; theirs: string; base: string }[] }[]>('waitForOpenConflicts', { timeoutMs: 20_000 });
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ documentId: 'ben-c1', collectionName: 'beneficiaries', status: 'open', branchId: 'branch-riyadh' });
    expect(open[0]!.fields).toEqual([{ path: 'phone', ours: '"+966511111111"', theirs: '"+966522222222"', base: '"+966500000001"' }]);
    // The record keeps HQ's phone and A's (non-conflicting) city.
    const merged = await waitFor(async () => (await pullAll(url, 'beneficiaries')).find((x) => x.id === 'ben-c1' && x.city === 'الخرج'), 15_000, 'merged record');
    expect(merged.phone).toBe('+966522222222');
    // The conflict replicates to the branch: the other laptop lists it too.
    const onD = await d.call<{ id: string }[]>('waitForOpenConflicts', { timeoutMs: 15_000 });
    expect(onD.map((x) => x.id)).toEqual([open[0]!.id]);
    const status = (await d.call<{ status: { openConflicts: number } }>('info')).status;
    expect(status.openConflicts).toBe(1);

    // A person on D chooses A's value: the record and the conflict are updated everywhere.
    await d.call('resolveConflict', { id: open[0]!.id, resolution: 'kept_ours' });
    await a.call('waitFor', { id: 'ben-c1', field: 'phone', value: '+966511111111', timeoutMs: 15_000 });
    await a.call('waitFor', { collection: 'sync_conflicts', id: open[0]!.id, field: 'status', value: 'resolved', timeoutMs: 15_000 });
    await waitFor(async () => (await a.call<{ status: { openConflicts: number } }>('info')).status.openConflicts === 0, 10_000, 'no open conflicts on A');
    const onHq = (await pullAll(url, 'sync_conflicts')).find((x) => x.id === open[0]!.id);
    expect(onHq).toMatchObject({ status: 'resolved', resolution: 'kept_ours', resolvedBy: expect.any(String) });
    expect((await pullAll(url, 'beneficiaries')).find((x) => x.id === 'ben-c1')?.phone).toBe('+966511111111');
  });

  test('a revoked device is refused and told to wipe; sign-in and admin endpoints', async () => {
    const { url } = await start();
    const a = await laptop('A', url, 'delegateA', { deviceId: 'dev-lost-laptop', collections: ['beneficiaries', 'sync_conflicts'] });
    await a.call('waitForStream');
    await a.call('insert', { doc: beneficiary('ben-w1', 'branch-riyadh') });
    await waitFor(async () => (await pullAll(url, 'beneficiaries')).some((x) => x.id === 'ben-w1'), 15_000, 'pushed');
    const stolenToken = await a.call<string>('token');

    // Only an HQ administrator may revoke; a branch user gets 403.
    expect((await api(url, 'POST', '/admin/devices/dev-lost-laptop/revoke', {}, stolenToken)).status).toBe(403);
    const admin = await signIn(url, ADMIN.username, ADMIN.password);
    const devices = (await api(url, 'GET', '/admin/devices', undefined, admin)).body as unknown as { id: string; publicKey: { crv: string } }[];
    expect(devices.find((x) => x.id === 'dev-lost-laptop')?.publicKey.crv).toBe('P-256');
    const revoked = await api(url, 'POST', '/admin/devices/dev-lost-laptop/revoke', {}, admin);
    expect(revoked.status).toBe(200);

    // The open stream is closed; at its next contact the laptop is told to wipe, and does.
    const wipe = await a.call<{ deviceId: string; messageAr: string }>('waitForWipe', { timeoutMs: 20_000 });
    expect(wipe.deviceId).toBe('dev-lost-laptop');
    expect(wipe.messageAr).toMatch(/أوقف مدير النظام/);
    // Its token, and signing in again from it, are refused with DEVICE_REVOKED + wipe.
    const refused = await api(url, 'GET', '/sync/beneficiaries/pull', undefined, stolenToken);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'DEVICE_REVOKED', details: { wipe: true } });
    const again = await api(url, 'POST', '/auth/sign-in', { username: USERS.delegateA.username, password: PASSWORD, device: { id: 'dev-lost-laptop', publicKey: devices.find((x) => x.id === 'dev-lost-laptop')!.publicKey } });
    expect(again.body.error).toMatchObject({ code: 'DEVICE_REVOKED' });

    // Sign-in: wrong password → 401; repeated failures → 429 with Retry-After; tokens refresh
    // once (a replayed refresh token is refused and kills its family).
    // (A user of its own: the lock would otherwise carry over into the next tests.)
    const target = { username: `lockout.${backendName}`, displayName: 'مستخدم للتجربة', role: 'field_delegate', branchIds: ['branch-jeddah'], password: PASSWORD };
    expect((await api(url, 'POST', '/admin/users', target, admin)).status).toBe(201);
    const wrong = await api(url, 'POST', '/auth/sign-in', { username: target.username, password: 'wrong-password-123' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    let limited = wrong;
    for (let i = 0; i < 6 && limited.status !== 429; i++) {
      limited = await api(url, 'POST', '/auth/sign-in', { username: target.username, password: 'wrong-password-123' });
    }
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'RATE_LIMITED' });
    // Even the right password waits out the lock.
    expect((await api(url, 'POST', '/auth/sign-in', { username: target.username, password: PASSWORD })).status).toBe(429);

    const pair = (await api(url, 'POST', '/auth/sign-in', { username: USERS.staffA.username, password: PASSWORD })).body as { refreshToken: string; accessToken: string };
    const refreshed = await api(url, 'POST', '/auth/refresh', { refreshToken: pair.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await api(url, 'POST', '/auth/refresh', { refreshToken: pair.refreshToken })).status).toBe(401);
    expect((await api(url, 'POST', '/auth/refresh', { refreshToken: (refreshed.body as { refreshToken: string }).refreshToken })).status).toBe(401);
    // A token without a registered device may not sync.
    expect((await api(url, 'GET', '/sync/beneficiaries/pull', undefined, pair.accessToken)).status).toBe(403);
    // A forged token is refused.
    const [h, kid, payload] = pair.accessToken.split('.');
    const forged = `${h}.${kid}.${Buffer.from(JSON.stringify({ sub: 'u_admin', dev: null, iat: 0, exp: 9e9 })).toString('base64url')}.${pair.accessToken.split('.')[3]}`;
    expect(payload).toBeTruthy();
    expect((await api(url, 'GET', '/admin/users', undefined, forged)).status).toBe(401);
    // Admin endpoints: users and branches are listed, weak passwords refused.
    const users = (await api(url, 'GET', '/admin/users', undefined, admin)).body as unknown as { username: string; role: string }[];
    expect(users.map((u) => u.username)).toEqual(expect.arrayContaining(Object.values(USERS).map((u) => u.username)));
    expect(JSON.stringify(users)).not.toMatch(/argon2/);
    const weak = await api(url, 'POST', '/admin/users', { username: 'new.user', displayName: 'مستخدم', role: 'field_delegate', branchIds: ['branch-riyadh'], password: 'short' }, admin);
    expect(weak.status).toBe(400);
    expect(String(weak.body.error?.messageAr)).toMatch(/كلمة المرور/);
  });

  test('files are stored once by content hash, never re-sent, and only visible to branches that uploaded them', async () => {
    const { url } = await start();
    const [tokenA, tokenStaff, tokenB] = await Promise.all([deviceToken(url, 'delegateA'), deviceToken(url, 'staffA'), deviceToken(url, 'delegateB')]);
    const calls: string[] = [];
    const counting: typeof fetch = (input, init) => {
      calls.push(init?.method ?? 'GET');
      return fetch(input, init);
    };
    const pdf = new Uint8Array(200_000).map((_, i) => (i * 31) % 251);
    const asA = { hqUrl: url, getAccessToken: () => tokenA, fetch: counting };
    const first = await uploadAttachment(asA, pdf, 'branch-riyadh');
    expect(first.uploaded).toBe(true);
    expect(calls).toEqual(['HEAD', 'PUT']);
    calls.length = 0;
    // Unchanged: HQ already has it for the branch, nothing is sent again.
    expect(await uploadAttachment(asA, pdf, 'branch-riyadh')).toEqual({ sha256: first.sha256, uploaded: false });
    expect(calls).toEqual(['HEAD']);
    expect(await downloadAttachment({ hqUrl: url, getAccessToken: () => tokenStaff }, first.sha256)).toEqual(pdf);
    // Another branch cannot read it by knowing the hash, nor upload into Riyadh.
    expect((await api(url, 'GET', `/attachments/${first.sha256}`, undefined, tokenB)).status).toBe(404);
    expect((await api(url, 'HEAD', `/attachments/${first.sha256}?branchId=branch-riyadh`, undefined, tokenB)).status).toBe(403);
    // Uploading the same bytes for its own branch links the stored copy (no second copy).
    expect((await uploadAttachment({ hqUrl: url, getAccessToken: () => tokenB }, pdf, 'branch-jeddah')).uploaded).toBe(true);
    expect(await downloadAttachment({ hqUrl: url, getAccessToken: () => tokenB }, first.sha256)).toEqual(pdf);
    // Bytes that do not match the hash are refused.
    const bad = await fetch(`${url}/attachments/${'0'.repeat(64)}?branchId=branch-riyadh`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tokenA}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array([1, 2, 3]),
    });
    expect(bad.status).toBe(400);
    expect((await api(url, 'GET', '/attachments/not-a-hash', undefined, tokenA)).status).toBe(400);
  });

  test('HQ killed in the middle of a push and restarted: no loss, no duplicates', { timeout: 240_000 }, async () => {
    const port = await freePort();
    const options = { port, ...testHqOptions(backend) };
    let proc = await startHqProcess(options);
    processes.push(proc);
    await seedAccounts(proc.url);
    try {
      const a = await laptop('A', proc.url, 'delegateA', { collections: ['beneficiaries', 'sync_conflicts'], pushBatchSize: 10 });
      await a.call('awaitInitialSync');
      const docs = Array.from({ length: 600 }, (_, i) => beneficiary(`ben-k${String(i).padStart(4, '0')}`, 'branch-riyadh'));
      await a.call('bulkInsert', { docs });
      // Kill HQ (SIGKILL, no shutdown) while the pushes are under way.
      const log = (m: string) => process.env.SILA_TEST_DEBUG && process.stderr.write(`[kill test] ${m}\n`);
      const reader = await deviceToken(proc.url, 'staffA');
      const ours = async (u: string, t?: string) => (await pullAll(u, 'beneficiaries', t)).filter((d) => String(d.id).startsWith('ben-k'));
      await waitFor(async () => (await ours(proc.url, reader)).length >= 50, 30_000, 'the push to start');
      await proc.kill();
      // It really died mid-way: some, not all, of the documents had reached the database.
      const atKill = await backend.countRows("collection = 'beneficiaries' AND id LIKE 'ben-k%'");
      log(`killed with ${atKill} stored`);
      expect(atKill).toBeGreaterThan(0);
      expect(atKill).toBeLessThan(600);
      proc = await startHqProcess(options);
      processes.push(proc);
      log('restarted');
      await waitFor(async () => {
        const n = (await ours(proc.url)).length;
        log(`on HQ: ${n}`);
        return n === 600;
      }, 90_000, 'all 600 on HQ');
      await a.call('awaitInSync');
      const all = await ours(proc.url);
      expect(all).toHaveLength(600);
      expect(new Set(all.map((d) => d.id)).size).toBe(600);
      for (const d of docs) expect(all.find((x) => x.id === d.id)).toEqual({ ...d, _deleted: false });
      // A fresh laptop receives each exactly once.
      const fresh = await laptop('F', proc.url, 'staffA', { collections: ['beneficiaries', 'sync_conflicts'] });
      await fresh.call('awaitInitialSync');
      const everything = (await pullAll(proc.url, 'beneficiaries')).filter((d) => d.branchId === 'branch-riyadh' && !d._deleted).length;
      expect(await fresh.call('count')).toBe(everything);
      await Promise.all(laptops.splice(0).map((l) => l.stop()));
    } finally {
      await proc.stop();
    }
    expect(await backend.countRows("collection = 'beneficiaries' AND id LIKE 'ben-k%'")).toBe(600);
  });

  test.runIf(backendName === 'postgres')('two HQ instances on one PostgreSQL: laptops on each see each other live', async () => {
    const first = await start();
    const second = await startHq({ port: 0, ...testHqOptions(backend) });
    try {
      const [a, d] = await Promise.all([
        laptop('A', first.url, 'delegateA', { collections: ['beneficiaries', 'sync_conflicts'] }),
        laptop('D', second.url, 'staffA', { collections: ['beneficiaries', 'sync_conflicts'] }),
      ]);
      await Promise.all([a.call('waitForStream'), d.call('waitForStream')]);
      await a.call('insert', { doc: beneficiary('ben-m1', 'branch-riyadh') });
      await d.call('waitFor', { id: 'ben-m1', field: 'branchId', value: 'branch-riyadh', timeoutMs: 15_000 });
      await d.call('patch', { id: 'ben-m1', patch: { city: 'الدرعية', updatedAt: now() } });
      await a.call('waitFor', { id: 'ben-m1', field: 'city', value: 'الدرعية', timeoutMs: 15_000 });
      await Promise.all(laptops.splice(0).map((l) => l.stop()));
    } finally {
      await second.close();
    }
  });
});
