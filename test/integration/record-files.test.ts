/**
 * Files of records (document scans) across laptops: real RxDB clients (each in its own
 * process, attachments encrypted at rest as on a laptop) and a real HQ, on PGlite and on
 * PostgreSQL. The bug this guards against: a scan taken on one laptop never reached the
 * committee's laptop, because RxDB hands the replication a Blob that JSON turned into `{}`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startHq, type RunningHq } from '../../hq/server';
import type { BeneficiaryDocument } from '../../shared/schema';
import type { SyncProblem } from '../../shared/sync/client';
import { Laptop, PASSWORD, USERS, api, createBackend, deviceToken, freePort, pullAll, seedAccounts, testHqOptions, type Backend } from './support/harness';

/** A small but complete JPEG-looking file (SOI … EOI) with random content. */
function scan(size = 40_000): Buffer {
  const body = randomBytes(size);
  body[0] = 0xff;
  body[1] = 0xd8;
  body[2] = 0xff;
  body[size - 2] = 0xff;
  body[size - 1] = 0xd9;
  return body;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function documentRecord(id: string, fields: Partial<BeneficiaryDocument> = {}): BeneficiaryDocument {
  const t = new Date().toISOString();
  return {
    id,
    branchId: 'branch-riyadh',
    createdAt: t,
    updatedAt: t,
    updatedBy: 'user-delegate',
    beneficiaryId: 'ben-files-1',
    type: 'national_id',
    number: '1012345672',
    verification: { status: 'pending' },
    ...fields,
  };
}

describe.each(['pglite', 'postgres'] as const)('files of records on %s', (backendName) => {
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

  test('a scan taken on one laptop reaches the branch and the committee, once, and is refused before its bytes', async () => {
    hq = await startHq({ port: 0, ...testHqOptions(backend) });
    await seedAccounts(hq.url);
    const url = hq.url;
    const only = { collections: ['documents'] };
    const [delegate, staff, committee] = await Promise.all([
      Laptop.start('delegate', url, { username: USERS.delegateA.username, password: PASSWORD, ...only }),
      Laptop.start('staff', url, { username: USERS.staffA.username, password: PASSWORD, ...only }),
      Laptop.start('committee', url, { username: USERS.committee.username, password: PASSWORD, ...only }),
    ]);
    laptops.push(delegate, staff, committee);
    await Promise.all(laptops.map((l) => l.call('awaitInitialSync')));

    // The delegate records the ID card and attaches its scan (as the documents step does).
    const bytes = scan();
    await delegate.call('insert', { collection: 'documents', doc: documentRecord('doc-files-1') });
    const stored = await delegate.call<{ digest: string; length: number }>('putFile', {
      collection: 'documents',
      id: 'doc-files-1',
      attachmentId: `file-${sha(bytes).slice(0, 32)}`,
      base64: bytes.toString('base64'),
      type: 'image/jpeg',
    });
    expect(stored.digest).toBe(sha(bytes));
    const attachmentId = `file-${sha(bytes).slice(0, 32)}`;

    // Both other laptops of the branch get the record WITH the very same bytes.
    for (const l of [staff, committee]) {
      const got = await l.call<string>('waitForFile', { collection: 'documents', id: 'doc-files-1', attachmentId, timeoutMs: 20_000 });
      expect(Buffer.from(got, 'base64').equals(bytes)).toBe(true);
    }

    // On HQ the record carries a stub only; the bytes are stored once, by hash.
    const onHq = (await pullAll(url, 'documents')).find((d) => d.id === 'doc-files-1');
    // (`length` is RxDB's stored size, which encryption at rest makes larger than the file.)
    expect(onHq?._attachments).toEqual({ [attachmentId]: { digest: sha(bytes), length: expect.any(Number), type: 'image/jpeg' } });

    // An edit that does not touch the file (verification) travels without re-sending it, and the
    // other laptop keeps the file.
    const verifiedAt = new Date().toISOString();
    await staff.call('patch', {
      collection: 'documents',
      id: 'doc-files-1',
      patch: { verification: { status: 'verified', method: 'original_seen', verifiedBy: 'user-staff', verifiedAt }, updatedAt: verifiedAt, updatedBy: 'user-staff' },
    });
    const seen = await delegate.call<BeneficiaryDocument>('waitFor', { collection: 'documents', id: 'doc-files-1', field: 'updatedBy', value: 'user-staff', timeoutMs: 20_000 });
    expect(seen.verification).toEqual({ status: 'verified', method: 'original_seen', verifiedBy: 'user-staff', verifiedAt });
    expect(Buffer.from(await delegate.call<string>('getFile', { collection: 'documents', id: 'doc-files-1', attachmentId }), 'base64').equals(bytes)).toBe(true);

    // Nobody saw a problem on the way.
    for (const l of laptops) {
      const info = await l.call<{ problems: SyncProblem[] }>('info');
      expect(info.problems.filter((p) => p.code !== 'NETWORK')).toEqual([]);
    }

    // HQ's rules for records with files.
    const token = await deviceToken(url, 'staffA');
    const push = (collection: string, doc: Record<string, unknown>) => api(url, 'POST', `/sync/${collection}/push`, [{ newDocumentState: doc }], token);

    // A record whose file was never uploaded is refused (nothing of the batch stored).
    const other = scan(1_000);
    const missing = await push('documents', {
      ...documentRecord('doc-files-2'),
      _deleted: false,
      _attachments: { 'file-x': { digest: sha(other), length: other.length, type: 'image/jpeg' } },
    });
    expect(missing.status).toBe(409);
    expect((missing.body as { error: { code: string; messageAr: string } }).error).toMatchObject({ code: 'ATTACHMENT_MISSING', messageAr: expect.stringMatching(/ستُعاد المزامنة/) });
    expect((await pullAll(url, 'documents')).some((d) => d.id === 'doc-files-2')).toBe(false);

    // Bytes inside the JSON, a wrong digest, a foreign type: 400 naming the field.
    for (const [stub, path] of [
      [{ digest: sha(other), length: other.length, type: 'image/jpeg', data: {} }, '_attachments.file-x'],
      [{ digest: 'not-a-hash', length: 10, type: 'image/jpeg' }, '_attachments.file-x.digest'],
      [{ digest: sha(other), length: 10, type: 'text/html' }, '_attachments.file-x.type'],
    ] as const) {
      const r = await push('documents', { ...documentRecord('doc-files-3'), _deleted: false, _attachments: { 'file-x': stub } });
      expect(r.status).toBe(400);
      expect((r.body as { error: { code: string; details: { issues: { path: string }[] } } }).error.details.issues.map((i) => i.path)).toContain(path);
    }
    // Records that carry no files may not smuggle any.
    const ben = await push('contact_logs', { id: 'cl-x', _deleted: false, _attachments: { 'file-x': { digest: sha(other), length: other.length, type: 'image/jpeg' } } });
    expect(ben.status).toBe(400);

    // Another branch cannot read the file even knowing its hash.
    const jeddah = await deviceToken(url, 'delegateB');
    const res = await fetch(`${url}/attachments/${sha(bytes)}`, { headers: { authorization: `Bearer ${jeddah}` } });
    expect(res.status).toBe(404);
    // … while the committee member of the branch can.
    const committeeToken = await deviceToken(url, 'committee');
    const ok = await fetch(`${url}/attachments/${sha(bytes)}`, { headers: { authorization: `Bearer ${committeeToken}` } });
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).equals(bytes)).toBe(true);
  });

  test('a record pulled while its file is not at HQ is kept, and the gap is reported', async () => {
    const port = await freePort();
    hq = await startHq({ port, ...testHqOptions(backend) });
    await seedAccounts(hq.url);
    await hq.close();
    const bytes = scan(2_000);
    // Written by an older version: a stub whose bytes HQ never received. Only possible by
    // going around the push rule, so write it straight into HQ's table.
    const doc = { ...documentRecord('doc-legacy'), _deleted: false, _attachments: { 'file-old': { digest: sha(bytes), length: bytes.length, type: 'image/jpeg' } } };
    await backend.exec("INSERT INTO sync_documents (collection, id, branch_id, doc, deleted) VALUES ('documents', $1, $2, $3, false)", [doc.id, doc.branchId, JSON.stringify(doc)]);
    hq = await startHq({ port, ...testHqOptions(backend) });
    const url = hq.url;
    const staff = await Laptop.start('staff', url, { username: USERS.staffA.username, password: PASSWORD, collections: ['documents'] });
    laptops.push(staff);
    await staff.call('awaitInitialSync');
    await staff.call('waitFor', { collection: 'documents', id: 'doc-legacy', field: 'type', value: 'national_id', timeoutMs: 15_000 });
    expect(await staff.call('getFile', { collection: 'documents', id: 'doc-legacy', attachmentId: 'file-old' })).toBeNull();
    const problems = await staff.call<SyncProblem[]>('waitForProblem', { code: 'ATTACHMENT_MISSING' });
    expect(problems[0]?.messageAr).toMatch(/بدون ملفه المرفق/);
  });
});
