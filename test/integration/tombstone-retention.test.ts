/**
 * A laptop offline longer than HQ's tombstone retention (issue 6 §1), on PGlite and PostgreSQL,
 * with real RxDB clients: HQ purges old tombstones (the admin CLI's purge-tombstones) and
 * records the purge horizon; the laptop's pull from an older checkpoint is answered 410
 * RESYNC_REQUIRED, and the laptop pulls the collection again from zero: the deletion it missed
 * is applied, later changes arrive, and nothing it typed while away is lost.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { runAdminCommand } from '../../hq/admin-cli';
import { startHq, type RunningHq } from '../../hq/server';
import { generateNationalId } from '../../shared/identity';
import type { Beneficiary } from '../../shared/schema';
import type { SyncProblem } from '../../shared/sync/client';
import { ADMIN, Laptop, PASSWORD, USERS, api, createBackend, deviceToken, freePort, pullAll, seedAccounts, signIn, testHqOptions, waitFor, type Backend } from './support/harness';

const RIYADH = 'branch-riyadh';

function beneficiary(id: string, fields: Partial<Beneficiary> = {}): Beneficiary {
  const t = new Date().toISOString();
  const nationalId = generateNationalId('citizen', String(Math.floor(Math.random() * 1e8)).padStart(8, '0'));
  return { id, branchId: RIYADH, createdAt: t, updatedAt: t, updatedBy: 'user-x', fullName: `مستفيد ${id}`, nationalId, idHash: '', phoneHash: '', city: 'الرياض', ...fields };
}

describe.each(['pglite', 'postgres'] as const)('tombstone retention on %s', (backendName) => {
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

  test('a laptop offline past the retention is told to start again, applies the deletion it missed and keeps what it typed', async () => {
    const port = await freePort();
    hq = await startHq({ port, ...testHqOptions(backend) });
    const url = hq.url;
    await seedAccounts(url);
    const only = { collections: ['beneficiaries'] };
    const [away, home] = await Promise.all([
      Laptop.start('away', url, { username: USERS.delegateA.username, password: PASSWORD, ...only }),
      Laptop.start('home', url, { username: USERS.staffA.username, password: PASSWORD, ...only }),
    ]);
    laptops.push(away, home);
    await Promise.all(laptops.map((l) => l.call('awaitInitialSync')));

    // Both laptops have five records; then the delegate's laptop goes away for years.
    await away.call('bulkInsert', { docs: ['r-del', 'r-upd', 'r-kept', 'r-edit-away', 'r-del-edited'].map((id) => beneficiary(id)) });
    for (const id of ['r-del', 'r-upd', 'r-kept', 'r-edit-away', 'r-del-edited']) await home.call('waitFor', { id, field: 'id', value: id, timeoutMs: 20_000 });
    await away.call('awaitInSync');
    await away.call('pause');

    // Meanwhile at the branch: one record deleted, one changed, one added, one deleted that the
    // delegate is about to edit offline.
    await home.call('remove', { id: 'r-del' });
    await home.call('patch', { id: 'r-upd', patch: { city: 'الخرج', updatedAt: new Date().toISOString() } });
    await home.call('insert', { doc: beneficiary('r-new') });
    await home.call('remove', { id: 'r-del-edited' });
    await home.call('awaitInSync');
    // … and on the laptop that is away: a new record, and edits.
    await away.call('insert', { doc: beneficiary('r-typed-away') });
    await away.call('patch', { id: 'r-edit-away', patch: { city: 'الدرعية', updatedAt: new Date().toISOString() } });
    await away.call('patch', { id: 'r-del-edited', patch: { city: 'المزاحمية', updatedAt: new Date().toISOString() } });

    // Years later HQ purges tombstones older than the retention (the admin CLI, HQ stopped:
    // a PGlite data directory is single-user) — the deletions above are gone from HQ.
    await hq.close();
    await backend.exec("UPDATE sync_documents SET received_at = now() - interval '800 days' WHERE deleted");
    const out: string[] = [];
    const env = backend.hqOptions.databaseUrl ? { DATABASE_URL: backend.hqOptions.databaseUrl } : { SILA_HQ_DATA: backend.hqOptions.dataDir };
    expect(await runAdminCommand(['purge-tombstones', '--days', '730'], { env, readPassword: async () => '', out: (l) => out.push(l) })).toBe(0);
    expect(out.join('\n')).toMatch(/Purged 2 tombstones/);
    hq = await startHq({ port, ...testHqOptions(backend) });
    const admin = await signIn(url, ADMIN.username, ADMIN.password, `dev-ret-admin-${backendName}`);
    expect((await pullAll(url, 'beneficiaries', admin)).map((d) => d.id)).not.toContain('r-del');

    // A pull from an old checkpoint is refused with a clear code; from the start it is fine.
    const token = await deviceToken(url, 'delegateA');
    const stale = await api(url, 'GET', '/sync/beneficiaries/pull?seq=1&id=x', undefined, token);
    expect(stale.status).toBe(410);
    expect(stale.body.error).toMatchObject({ code: 'RESYNC_REQUIRED', details: { collection: 'beneficiaries', checkpointSeq: 1 } });
    expect(String(stale.body.error?.messageAr)).toMatch(/[\u0600-\u06ff]/);
    expect((await api(url, 'GET', '/sync/beneficiaries/pull', undefined, token)).status).toBe(200);
    // Another branch saw no purge: its old checkpoints stay valid.
    expect((await api(url, 'GET', '/sync/beneficiaries/pull?seq=1&id=x', undefined, await deviceToken(url, 'delegateB'))).status).toBe(200);

    // The laptop comes back.
    await away.call('resume');
    await away.call('waitForProblem', { source: 'pull', code: 'RESYNC_REQUIRED', timeoutMs: 30_000 });
    await waitFor(async () => (await away.call('get', { id: 'r-del' })) === null, 30_000, 'the missed deletion applied');
    await away.call('waitFor', { id: 'r-upd', field: 'city', value: 'الخرج', timeoutMs: 30_000 });
    await away.call('waitFor', { id: 'r-new', field: 'id', value: 'r-new', timeoutMs: 30_000 });
    await away.call('awaitInSync');
    // Nothing typed while away is lost: the new record and the edits reach HQ and the branch.
    await home.call('waitFor', { id: 'r-typed-away', field: 'id', value: 'r-typed-away', timeoutMs: 30_000 });
    await home.call('waitFor', { id: 'r-edit-away', field: 'city', value: 'الدرعية', timeoutMs: 30_000 });
    // An edit to a record deleted meanwhile (its tombstone purged) wins: the edit is kept.
    await home.call('waitFor', { id: 'r-del-edited', field: 'city', value: 'المزاحمية', timeoutMs: 30_000 });
    expect(await away.call('get', { id: 'r-kept' })).not.toBeNull();
    expect(await away.call('get', { id: 'r-typed-away' })).not.toBeNull();

    const atHq = new Map((await pullAll(url, 'beneficiaries', admin)).map((d) => [d.id, d]));
    expect(atHq.has('r-del')).toBe(false);
    expect(atHq.get('r-typed-away')?._deleted).toBe(false);
    expect(atHq.get('r-edit-away')?.city).toBe('الدرعية');
    expect(await away.call('count')).toBe(await home.call('count'));

    const problems = (await away.call<{ problems: SyncProblem[] }>('info')).problems.filter((p) => p.code !== 'NETWORK' && p.code !== 'RESYNC_REQUIRED');
    expect(problems).toEqual([]);
  }, 180_000);
});
