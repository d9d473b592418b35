/**
 * PDPL destruction carried out by HQ on every device (issue 5 §7, hq/destruction.ts), with real
 * RxDB clients (each in its own process, encrypted at rest as on a laptop) and a real HQ, on
 * PGlite and on PostgreSQL.
 *
 * Two laptops of the Riyadh branch (a delegate, a staff member) and the Riyadh committee
 * member's laptop hold a beneficiary and everything about them (request, interview, document
 * with its scan, declaration, committee decision, delivery, evaluation, contact log, a conflict
 * record). The delegate records the beneficiary's destruction request; after the next sync no
 * laptop has any of those records, and nothing of them — values, encrypted values, the scan,
 * the lookup hash — is left in any laptop's IndexedDB. HQ keeps only bare tombstones, deleted
 * the file, kept the audit trail and recorded what it did. A request from another branch's user
 * is refused (403) and destroys nothing; records pushed later for the destroyed beneficiary are
 * turned into tombstones.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startHq, type RunningHq } from '../../hq/server';
import { appendAuditEntry } from '../../shared/audit';
import { generateNationalId } from '../../shared/identity';
import { PDPL_DESTROYED_BY, PDPL_DESTRUCTION_ACTION, PDPL_DESTRUCTION_SUMMARY } from '../../shared/privacy';
import type { SyncProblem } from '../../shared/sync/client';
import { ADMIN, Laptop, PASSWORD, USERS, api, createBackend, deviceToken, pullAll, seedAccounts, signIn, testHqOptions, waitFor, type Backend } from './support/harness';
import { deviceSignIn, newTestDevice, signedDeclaration } from './support/declarations';

const RIYADH = 'branch-riyadh';
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const now = () => new Date().toISOString();

function scan(size = 20_000): Buffer {
  const body = randomBytes(size);
  body.set([0xff, 0xd8, 0xff], 0);
  body.set([0xff, 0xd9], size - 2);
  return body;
}

/** Every string in a value (deep). */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
  return out;
}

interface ScannedRow {
  db: string;
  store: string;
  row: Record<string, unknown>;
}

const scanOf = async (l: Laptop) => JSON.parse(await l.call<string>('scanStorage')) as ScannedRow[];

describe.each(['pglite', 'postgres'] as const)('PDPL destruction on %s', (backendName) => {
  let backend: Backend;
  let hq: RunningHq;
  let url: string;
  let admin: string;
  const laptops: Laptop[] = [];
  /** HQ's stored document, through an administrator's pull (tombstones included). */
  const atHq = async (collection: string, id: string) => (await pullAll(url, collection, admin)).find((d) => d.id === id);

  beforeAll(async () => {
    backend = await createBackend(backendName);
    hq = await startHq({ port: 0, ...testHqOptions(backend) });
    url = hq.url;
    await seedAccounts(url);
    admin = await signIn(url, ADMIN.username, ADMIN.password, `dev-pdpl-admin-${backendName}`);
  }, 120_000);
  afterEach(async () => {
    await Promise.all(laptops.splice(0).map((l) => l.stop()));
  });
  afterAll(async () => {
    await hq?.close();
    await backend?.dispose();
  });

  test('a destruction request recorded on one laptop is carried out by HQ on every laptop of the branch and the committee', async () => {
    const [delegate, staff, committee] = await Promise.all([
      Laptop.start('delegate', url, { username: USERS.delegateA.username, password: PASSWORD }),
      Laptop.start('staff', url, { username: USERS.staffA.username, password: PASSWORD }),
      Laptop.start('committee', url, { username: USERS.committee.username, password: PASSWORD }),
    ]);
    laptops.push(delegate, staff, committee);
    await Promise.all(laptops.map((l) => l.call('awaitInitialSync')));

    // The beneficiary and everything about them, written where each record is written.
    const t = now();
    const name = 'ميمونة زايد الشهراني';
    const nationalId = generateNationalId('citizen', String(Math.floor(Math.random() * 1e8)).padStart(8, '0'));
    const phone = '+966559871234';
    const idHash = sha(`lookup:${nationalId}`);
    const base = (id: string) => ({ id, branchId: RIYADH, createdAt: t, updatedAt: t, updatedBy: 'user-delegate' });
    const X = 'ben-pdpl-x';
    const Y = 'ben-pdpl-y'; // another beneficiary of the branch: untouched
    await delegate.call('bulkInsert', {
      collection: 'beneficiaries',
      docs: [
        { ...base(X), fullName: name, nationalId, idHash, phone, phoneHash: sha(`lookup:${phone}`), city: 'الرياض', address: { district: 'حي الشهداء السري' } },
        { ...base(Y), fullName: 'نورة سعد العتيبي', nationalId: generateNationalId('citizen', '76543210'), idHash: sha('y'), phoneHash: '' },
      ],
    });
    await delegate.call('insert', {
      collection: 'support_requests',
      doc: { ...base('req-pdpl-x'), beneficiaryId: X, serviceId: 'family_consultation', channelId: 'branch_visit', state: 'submitted_to_committee', summary: 'تحتاج ميمونة إلى استشارة عاجلة', history: [] },
    });
    await delegate.call('insert', {
      collection: 'interviews',
      doc: { ...base('int-pdpl-x'), beneficiaryId: X, requestId: 'req-pdpl-x', conductedBy: 'user-delegate', conductedAt: t, mode: 'field', answers: [{ questionId: 'household', question: 'من يعيش معك؟', answer: 'أعيش مع ابنتي سارة الشهراني' }], result: 'passed' },
    });
    const file = scan();
    const attachmentId = `file-${sha(file).slice(0, 32)}`;
    await delegate.call('insert', {
      collection: 'documents',
      doc: { ...base('doc-pdpl-x'), beneficiaryId: X, requestId: 'req-pdpl-x', type: 'national_id', number: nationalId, verification: { status: 'pending' } },
    });
    await delegate.call('putFile', { collection: 'documents', id: 'doc-pdpl-x', attachmentId, base64: file.toString('base64'), type: 'image/jpeg' });
    await delegate.call('insert', {
      collection: 'contact_logs',
      doc: { ...base('con-pdpl-x'), channelId: 'phone', direction: 'inbound', at: t, subject: 'request', handledBy: 'user-delegate', beneficiaryId: X, summary: 'اتصلت ميمونة تسأل عن طلبها' },
    });
    await staff.call('insert', {
      collection: 'service_deliveries',
      doc: { ...base('del-pdpl-x'), requestId: 'req-pdpl-x', beneficiaryId: X, serviceId: 'family_consultation', deliveredAt: t, deliveredBy: 'user-staff', mode: 'office', notes: 'جلسة مع ميمونة' },
    });
    // An evaluation linked by its delivery only.
    await staff.call('insert', {
      collection: 'satisfaction_evaluations',
      doc: { ...base('eva-pdpl-x'), serviceId: 'family_consultation', anonymous: false, deliveryId: 'del-pdpl-x', submittedAt: t, overall: 5, answers: [], comment: 'شكرًا — ميمونة' },
    });
    await committee.call('insert', {
      collection: 'committee_decisions',
      doc: { ...base('cd-pdpl-x'), requestId: 'req-pdpl-x', beneficiaryId: X, serviceId: 'family_consultation', decision: 'rejected', reasons: ['دخل ميمونة يتجاوز الحد'], membersPresent: [{ userId: 'cm-1', name: 'عضو اللجنة' }], decidedAt: t },
    });
    await staff.call('insert', {
      collection: 'sync_conflicts',
      doc: { ...base('cf-pdpl-x'), collectionName: 'beneficiaries', documentId: X, fields: [{ path: 'phone', ours: JSON.stringify('+966500000001'), theirs: JSON.stringify(phone), base: '' }], detectedAt: t, detectedBy: 'user-staff', status: 'open' },
    });
    // A declaration signed on a registered laptop of the branch (append-only for devices).
    const signer = await newTestDevice(`dev-pdpl-signer-${backendName}`);
    const signerToken = await deviceSignIn(url, 'delegateA', signer);
    const declaration = await signedDeclaration(signer, { id: 'dec-pdpl-x', branchId: RIYADH, requestId: 'req-pdpl-x', beneficiaryId: X, witnessedBy: 'user-delegate' }, { fullName: name, nationalId });
    expect((await api(url, 'POST', '/sync/declarations/push', [{ newDocumentState: declaration }], signerToken)).status).toBe(200);
    // And the beneficiary's audit trail.
    const opened = await appendAuditEntry(null, { deviceId: 'dev-pdpl-audit', branchId: RIYADH, userId: 'user-delegate', role: 'field_delegate', at: t, action: 'open_file', collectionName: 'beneficiaries', docId: X, summary: 'opened the file' });
    await delegate.call('insert', { collection: 'audit_entries', doc: opened });

    const subject: Record<string, string[]> = {
      beneficiaries: [X],
      support_requests: ['req-pdpl-x'],
      interviews: ['int-pdpl-x'],
      documents: ['doc-pdpl-x'],
      declarations: ['dec-pdpl-x'],
      committee_decisions: ['cd-pdpl-x'],
      service_deliveries: ['del-pdpl-x'],
      satisfaction_evaluations: ['eva-pdpl-x'],
      contact_logs: ['con-pdpl-x'],
      sync_conflicts: ['cf-pdpl-x'],
    };
    const subjectIds = new Set(Object.values(subject).flat());

    // Every laptop of the branch (the committee's too) has everything, the scan included.
    for (const l of [delegate, staff, committee]) {
      for (const [collection, idsOf] of Object.entries(subject)) {
        for (const id of idsOf) await l.call('waitFor', { collection, id, field: 'id', value: id, timeoutMs: 30_000 });
      }
      const got = await l.call<string>('waitForFile', { collection: 'documents', id: 'doc-pdpl-x', attachmentId, timeoutMs: 30_000 });
      expect(Buffer.from(got, 'base64').equals(file)).toBe(true);
    }
    expect((await api(url, 'GET', `/attachments/${sha(file)}`, undefined, await deviceToken(url, 'staffA'))).status).toBe(200);

    // What each laptop stores about the person before: its rows (records, files, replication
    // metadata) and every long value in them — encrypted fields, the scan's stored bytes.
    const secretsOf = (rows: ScannedRow[]) => {
      const related = rows.filter(({ row }) => {
        const id = String(row.id ?? '');
        return subjectIds.has(id) || subjectIds.has(String(row.itemId ?? '')) || [...subjectIds].some((s) => id.startsWith(`${s}||`));
      });
      // (not revisions `n-…`, which identical writes share, nor 64-hex hashes)
      return new Set(related.flatMap(({ row }) => strings(row)).filter((s) => s.length >= 40 && !/^[0-9a-f]{64}$/.test(s) && !/^\d+-[A-Za-z0-9_]+$/.test(s)));
    };
    const before = new Map<Laptop, Set<string>>();
    for (const l of [delegate, staff, committee]) {
      const secrets = secretsOf(await scanOf(l));
      expect(secrets.size, `${l.name} stores the person's encrypted values`).toBeGreaterThan(5);
      before.set(l, secrets);
    }

    // ---- Another branch's user cannot destroy a Riyadh beneficiary (403, nothing destroyed) ----
    const jeddah = await deviceToken(url, 'delegateB');
    const foreign = await appendAuditEntry(null, { deviceId: 'dev-pdpl-jeddah', branchId: 'branch-jeddah', userId: 'user-jeddah', role: 'field_delegate', at: now(), action: PDPL_DESTRUCTION_ACTION, collectionName: 'beneficiaries', docId: Y, summary: PDPL_DESTRUCTION_SUMMARY });
    const refused = await api(url, 'POST', '/sync/audit_entries/push', [{ newDocumentState: { ...foreign, _deleted: false } }], jeddah);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'FORBIDDEN', details: { documentId: foreign.id, beneficiaryId: Y } });
    expect(String(refused.body.error?.messageAr)).toMatch(/[\u0600-\u06ff]/);
    // … nor may the committee member, who does not write beneficiaries.
    const committeeToken = await deviceToken(url, 'committee');
    const byCommittee = await appendAuditEntry(null, { deviceId: 'dev-pdpl-cm', branchId: RIYADH, userId: 'user-cm', role: 'committee_member', at: now(), action: PDPL_DESTRUCTION_ACTION, collectionName: 'beneficiaries', docId: Y, summary: PDPL_DESTRUCTION_SUMMARY });
    expect((await api(url, 'POST', '/sync/audit_entries/push', [{ newDocumentState: { ...byCommittee, _deleted: false } }], committeeToken)).status).toBe(403);
    expect((await atHq('beneficiaries', Y))?._deleted).toBe(false);
    expect((await pullAll(url, 'audit_entries', admin)).map((e) => e.id)).not.toContain(foreign.id);
    expect(await api(url, 'GET', '/admin/destructions', undefined, admin).then((r) => r.body)).toEqual([]);

    // ---- The delegate records the data subject's request; it syncs to HQ ----
    const request = await appendAuditEntry(opened, { deviceId: 'dev-pdpl-audit', branchId: RIYADH, userId: 'user-delegate', role: 'field_delegate', at: now(), action: PDPL_DESTRUCTION_ACTION, collectionName: 'beneficiaries', docId: X, summary: PDPL_DESTRUCTION_SUMMARY });
    await delegate.call('insert', { collection: 'audit_entries', doc: request });

    const record = await waitFor(async () => {
      const r = await api(url, 'GET', '/admin/destructions', undefined, admin);
      return (r.body as unknown as Record<string, unknown>[])[0];
    }, 30_000, 'the destruction at HQ');
    expect(record).toMatchObject({ beneficiaryId: X, branchId: RIYADH, auditEntryId: request.id, requestedAt: request.at, recordCount: 10, filesDeleted: 1 });
    expect(record.records).toEqual(Object.fromEntries(Object.entries(subject).map(([c, ids]) => [c, ids])));
    expect(JSON.stringify(record)).not.toContain(name);

    // HQ keeps bare tombstones only, the file is gone, the audit trail stays.
    for (const [collection, idsOf] of Object.entries(subject)) {
      for (const id of idsOf) {
        const stored = await atHq(collection, id);
        expect(stored?._deleted, `${collection}/${id}`).toBe(true);
        expect(Object.keys(stored!).sort(), `${collection}/${id}`).toEqual(['_deleted', 'branchId', 'id', 'updatedAt', 'updatedBy']);
        expect(stored!.updatedBy).toBe(PDPL_DESTROYED_BY);
      }
    }
    expect((await api(url, 'GET', `/attachments/${sha(file)}`, undefined, await deviceToken(url, 'staffA'))).status).toBe(404);
    expect((await pullAll(url, 'audit_entries', admin)).map((e) => e.id)).toEqual(expect.arrayContaining([opened.id, request.id]));
    expect((await atHq('beneficiaries', Y))?._deleted).toBe(false);

    // ---- Every laptop: no record left, and nothing of the person in its storage ----
    for (const l of [delegate, staff, committee]) {
      for (const [collection, idsOf] of Object.entries(subject)) {
        for (const id of idsOf) {
          await waitFor(async () => (await l.call('get', { collection, id })) === null, 30_000, `${l.name}: ${collection}/${id} gone`);
        }
      }
      await waitFor(
        async () => {
          const rows = await scanOf(l);
          const dump = JSON.stringify(rows);
          const recordRows = rows.filter(({ row }) => subjectIds.has(String(row.id)) || [...subjectIds].some((s) => String(row.id ?? '').startsWith(`${s}||`)));
          const left = [...before.get(l)!].filter((s) => dump.includes(s));
          return recordRows.length === 0 && left.length === 0 && ![name, nationalId, phone, idHash, 'ميمونة'].some((v) => dump.includes(v));
        },
        30_000,
        `${l.name}: storage free of the person`,
      ).catch(async (err: unknown) => {
        const rows = await scanOf(l);
        const dump = JSON.stringify(rows);
        const left = [...before.get(l)!].filter((s) => dump.includes(s));
        console.log(l.name, 'left:', rows.filter(({ row }) => subjectIds.has(String(row.id)) || [...subjectIds].some((s) => String(row.id ?? '').startsWith(`${s}||`))).map((r) => `${r.store}:${String(r.row.id)}`));
        console.log('left secrets', left.map((x) => x.slice(0, 100)), 'clear', [name, nationalId, phone, idHash].filter((v) => dump.includes(v)));
        console.log(rows.filter(({ row }) => left.some((x) => JSON.stringify(row).includes(x)) || [name, nationalId, phone, idHash].some((v) => JSON.stringify(row).includes(v))).map((r) => `${r.db}/${r.store}: ${JSON.stringify(r.row).slice(0, 300)}`));
        throw err;
      });
      expect(await l.call('get', { collection: 'beneficiaries', id: Y })).not.toBeNull();
      const info = await l.call<{ problems: SyncProblem[] }>('info');
      expect(info.problems.filter((p) => p.code !== 'NETWORK')).toEqual([]);
    }

    // ---- A record typed later for the destroyed beneficiary never brings them back ----
    const late = await api(
      url,
      'POST',
      '/sync/interviews/push',
      [{ newDocumentState: { ...base('int-pdpl-late'), beneficiaryId: X, requestId: 'req-pdpl-x', conductedBy: 'user-staff', conductedAt: t, mode: 'office', answers: [{ questionId: 'q', question: 'سؤال', answer: 'ميمونة' }], result: 'passed', _deleted: false } }],
      await deviceToken(url, 'staffA'),
    );
    expect(late.status).toBe(200);
    expect(late.body).toEqual([expect.objectContaining({ id: 'int-pdpl-late', _deleted: true, updatedBy: PDPL_DESTROYED_BY })]);
    expect(JSON.stringify(await atHq('interviews', 'int-pdpl-late'))).not.toContain('ميمونة');
    // … nor does an old copy of the beneficiary pushed by a laptop that was offline.
    const oldCopy = { ...base(X), fullName: name, nationalId, idHash, phoneHash: '', _deleted: false };
    const resurrect = await api(url, 'POST', '/sync/beneficiaries/push', [{ newDocumentState: { ...oldCopy, city: 'جدة' }, assumedMasterState: oldCopy }], await deviceToken(url, 'staffA'));
    expect(resurrect.status).toBe(200);
    expect(resurrect.body).toEqual([expect.objectContaining({ id: X, _deleted: true })]);
    expect(await atHq('beneficiaries', X)).toEqual(expect.objectContaining({ _deleted: true, updatedBy: PDPL_DESTROYED_BY }));
    expect(JSON.stringify(await atHq('beneficiaries', X))).not.toContain(name);
  }, 240_000);
});
