/**
 * Files of records on the wire (shared/sync/record-files.ts), against a recording fetch and a
 * stand-in for the collection's storage. (The real thing, three RxDB laptops and HQ on both
 * databases, is test/integration/record-files.test.ts.)
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RxCollection, WithDeleted } from 'rxdb';
import { createRecordFiles, type RecordFileProblem } from '../../../shared/sync/record-files';
import type { SyncDocument } from '../../../shared/sync/protocol';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Call {
  method: string;
  url: string;
}

function fakeHq(files: Map<string, Uint8Array>) {
  const calls: Call[] = [];
  const f: typeof fetch = async (input, init) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    calls.push({ method, url });
    const digest = /\/attachments\/([0-9a-f]{64})/.exec(url)?.[1] ?? '';
    if (method === 'HEAD') return new Response(null, { status: files.has(digest) ? 200 : 404 });
    if (method === 'PUT') {
      files.set(digest, new Uint8Array(init?.body as Uint8Array));
      return new Response('{}', { status: 201 });
    }
    const bytes = files.get(digest);
    if (!bytes) return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no', messageAr: 'لا' } }), { status: 404 });
    return new Response(bytes as Uint8Array<ArrayBuffer>, { status: 200 });
  };
  return { calls, fetch: f };
}

function fakeCollection(local: Record<string, unknown>[] = [], withFiles = true, localBytes = new Map<string, Blob>()) {
  return {
    schema: { jsonSchema: withFiles ? { attachments: { encrypted: true } } : {} },
    storageInstance: {
      findDocumentsById: async (ids: string[]) => local.filter((d) => ids.includes(d.id as string)),
      getAttachmentData: async (docId: string, attId: string) => {
        const b = localBytes.get(`${docId}/${attId}`);
        if (!b) throw new Error('not stored');
        return b;
      },
    },
  } as unknown as RxCollection<unknown>;
}

const scan = new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3, 4, 0xff, 0xd9]);
const digest = sha(scan);
const record = (extra: Record<string, unknown> = {}): SyncDocument => ({ id: 'doc-1', branchId: 'branch-a', _deleted: false, ...extra });

describe('record files: push', () => {
  it('uploads a new file once (HEAD, then PUT only when HQ lacks it) and sends stubs only', async () => {
    const hq = fakeHq(new Map());
    const files = createRecordFiles(fakeCollection(), { base: 'http://hq', fetch: hq.fetch, headers: async () => ({}) }, () => {});
    const withData = record({ _attachments: { f: { digest, length: 99, type: 'image/jpeg', data: new Blob([scan]) } } });
    const out = await files.outgoing(withData);
    expect(out._attachments).toEqual({ f: { digest, length: 99, type: 'image/jpeg' } });
    expect(JSON.stringify(out)).not.toContain('data');
    expect(hq.calls.map((c) => c.method)).toEqual(['HEAD', 'PUT']);
    expect(hq.calls[1]!.url).toBe(`http://hq/attachments/${digest}?branchId=branch-a`);

    // The same bytes again (e.g. RxDB retries the push): HQ has them, nothing is re-sent.
    await files.outgoing(withData);
    expect(hq.calls.map((c) => c.method)).toEqual(['HEAD', 'PUT', 'HEAD']);
    // An edit that does not touch the file carries no data: no request at all.
    await files.outgoing(record({ _attachments: { f: { digest, length: 99, type: 'image/jpeg' } } }));
    expect(hq.calls).toHaveLength(3);
  });

  it('refuses bytes that do not match their digest, and a record with files but no branch', async () => {
    const hq = fakeHq(new Map());
    const files = createRecordFiles(fakeCollection(), { base: 'http://hq', fetch: hq.fetch, headers: async () => ({}) }, () => {});
    await expect(files.outgoing(record({ _attachments: { f: { digest: 'a'.repeat(64), length: 9, type: 'image/jpeg', data: new Blob([scan]) } } }))).rejects.toThrow(/digest/);
    await expect(files.outgoing(record({ branchId: undefined, _attachments: { f: { digest, length: 9, type: 'image/jpeg', data: new Blob([scan]) } } }))).rejects.toThrow(/branch/);
    expect(hq.calls).toEqual([]);
  });

  it('a deleted record goes out without files; collections without files are untouched', async () => {
    const hq = fakeHq(new Map());
    const files = createRecordFiles(fakeCollection(), { base: 'http://hq', fetch: hq.fetch, headers: async () => ({}) }, () => {});
    expect((await files.outgoing(record({ _deleted: true, _attachments: { f: { digest, length: 9, type: 'image/jpeg', data: new Blob([scan]) } } })))._attachments).toEqual({});
    const plain = createRecordFiles(fakeCollection([], false), { base: 'http://hq', fetch: hq.fetch, headers: async () => ({}) }, () => {});
    const doc = record({ name: 'x' });
    expect(await plain.outgoing(doc)).toBe(doc);
    expect(hq.calls).toEqual([]);
  });
});

describe('record files: pull', () => {
  it('fetches the bytes of a file the laptop lacks and checks them against the digest', async () => {
    const hq = fakeHq(new Map([[digest, scan]]));
    const files = createRecordFiles(fakeCollection(), { base: 'http://hq', fetch: hq.fetch, headers: async () => ({ authorization: 'Bearer t' }) }, () => {});
    const [doc] = await files.incoming([record({ _attachments: { f: { digest, length: 9, type: 'image/jpeg', data: {} } } }) as WithDeleted<unknown>]);
    const att = (doc as unknown as { _attachments: Record<string, { data: Blob; digest: string }> })._attachments.f!;
    expect(att.digest).toBe(digest);
    expect(new Uint8Array(await att.data.arrayBuffer())).toEqual(scan);
    expect(hq.calls).toEqual([{ method: 'GET', url: `http://hq/attachments/${digest}` }]);
  });

  it('a file already on the laptop is handed over from local storage, not downloaded', async () => {
    const hq = fakeHq(new Map([[digest, scan]]));
    const local = [record({ _attachments: { f: { digest, length: 9, type: 'image/jpeg' } } })];
    const files = createRecordFiles(fakeCollection(local, true, new Map([['doc-1/f', new Blob([scan])]])), { base: 'http://hq', fetch: hq.fetch, headers: async () => ({}) }, () => {});
    const [doc] = await files.incoming([record({ _attachments: { f: { digest, length: 9, type: 'image/jpeg' } } }) as WithDeleted<unknown>]);
    expect((doc as unknown as { _attachments: Record<string, { data?: Blob }> })._attachments.f!.data).toBeInstanceOf(Blob);
    expect(hq.calls).toEqual([]);
  });

  it('a file HQ does not have is left out and reported; a damaged download or a network failure fails the pull', async () => {
    const problems: RecordFileProblem[] = [];
    const hq = fakeHq(new Map());
    const files = createRecordFiles(fakeCollection(), { base: 'http://hq', fetch: hq.fetch, headers: async () => ({}) }, (p) => problems.push(p));
    const [doc] = await files.incoming([record({ type: 'national_id', _attachments: { f: { digest, length: 9, type: 'image/jpeg' } } }) as WithDeleted<unknown>]);
    expect(doc).toMatchObject({ id: 'doc-1', type: 'national_id', _attachments: {} });
    expect(problems).toEqual([expect.objectContaining({ documentId: 'doc-1', attachmentId: 'f', digest })]);
    expect(problems[0]!.messageAr).toMatch(/بدون ملفه المرفق/);

    const damaged = fakeHq(new Map([[digest, new Uint8Array([1, 2, 3])]]));
    const files2 = createRecordFiles(fakeCollection(), { base: 'http://hq', fetch: damaged.fetch, headers: async () => ({}) }, () => {});
    await expect(files2.incoming([record({ _attachments: { f: { digest, length: 9, type: 'image/jpeg' } } }) as WithDeleted<unknown>])).rejects.toThrow(/hash/);

    const offline: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    const files3 = createRecordFiles(fakeCollection(), { base: 'http://hq', fetch: offline, headers: async () => ({}) }, () => {});
    await expect(files3.incoming([record({ _attachments: { f: { digest, length: 9, type: 'image/jpeg' } } }) as WithDeleted<unknown>])).rejects.toThrow(/fetch failed/);
  });

  it('a pulled tombstone keeps no files', async () => {
    const hq = fakeHq(new Map([[digest, scan]]));
    const files = createRecordFiles(fakeCollection(), { base: 'http://hq', fetch: hq.fetch, headers: async () => ({}) }, () => {});
    const [doc] = await files.incoming([record({ _deleted: true, _attachments: { f: { digest, length: 9, type: 'image/jpeg' } } }) as WithDeleted<unknown>]);
    expect((doc as unknown as { _attachments: unknown })._attachments).toEqual({});
    expect(hq.calls).toEqual([]);
  });
});
