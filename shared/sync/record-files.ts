/**
 * Files of replicated records (RxDB attachments: document scans, declaration files) between a
 * laptop and HQ. RxDB's replication hands the push handler attachment `data` as a Blob for new
 * or changed files and expects pulled documents to carry `data` for files the laptop lacks.
 * JSON cannot carry a Blob (it becomes `{}`), so:
 *
 *   push: every new/changed file is uploaded once to `/attachments/:sha256` for the record's
 *         branch (HEAD first: an unchanged file is never re-sent), then the record goes out with
 *         stubs `{ digest, length, type }` only. A failed upload fails the push (RxDB retries),
 *         so a record never reaches HQ before its files.
 *   pull: for each stub the laptop does not already hold with the same digest, the bytes are
 *         fetched by hash, checked against it, and handed to RxDB as a Blob, which stores them
 *         encrypted like the rest. A network failure fails the pull (retried; nothing stored
 *         half). A file HQ does not have (404: e.g. a record written by an older version) is
 *         left out of that record and reported — the record itself is still stored.
 */
import type { RxCollection, WithDeleted } from 'rxdb';
import { AttachmentError, fetchAttachmentFromHq, ensureAttachmentAtHq, sha256Hex, type AttachmentHttp } from './attachments';
import type { SyncDocument } from './protocol';

interface WireAttachment {
  digest: string;
  length: number;
  type: string;
  data?: unknown;
}

export interface RecordFileProblem {
  documentId: string;
  attachmentId: string;
  digest: string;
  message: string;
  messageAr: string;
}

export interface RecordFiles {
  /** True when the collection's records carry files. */
  readonly enabled: boolean;
  /** The record as it goes to HQ: files uploaded, `_attachments` reduced to stubs. */
  outgoing(doc: SyncDocument): Promise<SyncDocument>;
  /** Strip file bytes (e.g. from an assumed master state). */
  stubsOnly(doc: SyncDocument): SyncDocument;
  /** Pulled records, with the bytes of every file this laptop lacks. */
  incoming<T>(docs: WithDeleted<T>[]): Promise<WithDeleted<T>[]>;
}

const DOWNLOADS_AT_ONCE = 4;

function stub(att: WireAttachment): { digest: string; length: number; type: string } {
  return { digest: att.digest, length: att.length, type: att.type };
}

function attachmentsOf(doc: Record<string, unknown>): Record<string, WireAttachment> | null {
  const atts = doc._attachments;
  if (!atts || typeof atts !== 'object' || Array.isArray(atts)) return null;
  return atts as Record<string, WireAttachment>;
}

async function bytesOf(data: unknown): Promise<Uint8Array | null> {
  if (typeof Blob !== 'undefined' && data instanceof Blob) return new Uint8Array(await data.arrayBuffer());
  if (data instanceof Uint8Array) return data;
  return null;
}

/** Runs `work` over `items` with at most `limit` at once. */
async function eachLimited<I>(items: I[], limit: number, work: (item: I) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

export function createRecordFiles(collection: RxCollection<unknown>, http: AttachmentHttp, onMissing: (problem: RecordFileProblem) => void): RecordFiles {
  const enabled = !!(collection.schema.jsonSchema as { attachments?: unknown }).attachments;

  const stubsOnly = (doc: SyncDocument): SyncDocument => {
    const atts = attachmentsOf(doc);
    if (!enabled || !atts) return doc;
    const stubs: Record<string, ReturnType<typeof stub>> = {};
    for (const [id, att] of Object.entries(atts)) stubs[id] = stub(att);
    return { ...doc, _attachments: stubs };
  };

  return {
    enabled,
    stubsOnly,

    async outgoing(doc) {
      const atts = attachmentsOf(doc);
      if (!enabled || !atts) return doc;
      if (doc._deleted) return { ...doc, _attachments: {} };
      const stubs: Record<string, ReturnType<typeof stub>> = {};
      for (const [id, att] of Object.entries(atts)) {
        const bytes = await bytesOf(att.data);
        if (bytes) {
          const sha256 = await sha256Hex(bytes);
          if (sha256 !== att.digest) {
            throw new AttachmentError(0, `File ${id} of ${doc.id} does not match its digest.`, 'ملف مرفق بهذا السجل لا يطابق بصمته فلم يُرسل. أرفق الملف من جديد.');
          }
          const branchId = doc.branchId;
          if (typeof branchId !== 'string' || branchId === '') {
            throw new AttachmentError(0, `Record ${doc.id} has files but no branch.`, 'سجل فيه ملفات بلا فرع فلم يُرسل. تواصل مع مدير النظام.');
          }
          await ensureAttachmentAtHq(http, bytes, sha256, branchId);
        }
        stubs[id] = stub(att);
      }
      return { ...doc, _attachments: stubs };
    },

    async incoming<T>(docs: WithDeleted<T>[]): Promise<WithDeleted<T>[]> {
      if (!enabled || docs.length === 0) return docs;
      const out = docs.map((d) => ({ ...(d as Record<string, unknown>) })) as (Record<string, unknown> & { id: string; _deleted: boolean })[];
      const live = out.filter((d) => {
        if (d._deleted) {
          // A deleted record keeps no files (and RxDB cannot insert a tombstone whose files it lacks).
          d._attachments = {};
          return false;
        }
        const atts = attachmentsOf(d);
        if (!atts) {
          d._attachments = {};
          return false;
        }
        const stubs: Record<string, WireAttachment> = {};
        for (const [id, att] of Object.entries(atts)) stubs[id] = stub(att);
        d._attachments = stubs;
        return Object.keys(stubs).length > 0;
      });
      if (live.length === 0) return out as unknown as WithDeleted<T>[];
      const local = await collection.storageInstance.findDocumentsById(live.map((d) => d.id), true);
      const localById = new Map(local.map((l) => [(l as unknown as { id: string }).id, l as unknown as Record<string, unknown>]));
      const wanted: { doc: Record<string, unknown> & { id: string }; attachmentId: string; att: WireAttachment; local: boolean }[] = [];
      for (const doc of live) {
        const have = attachmentsOf(localById.get(doc.id) ?? {}) ?? {};
        for (const [attachmentId, att] of Object.entries(attachmentsOf(doc) ?? {})) {
          wanted.push({ doc, attachmentId, att, local: have[attachmentId]?.digest === att.digest });
        }
      }
      await eachLimited(wanted, DOWNLOADS_AT_ONCE, async ({ doc, attachmentId, att, local }) => {
        if (local) {
          // Already on this laptop: hand RxDB the bytes anyway. Pulled states can arrive out of
          // order with the laptop's own writes (an echo of an older state may remove the file
          // for a moment), and RxDB cannot restore a file from a stub.
          try {
            const data = await collection.storageInstance.getAttachmentData(doc.id, attachmentId, att.digest);
            (attachmentsOf(doc) ?? {})[attachmentId] = { ...stub(att), data };
            return;
          } catch {
            // gone meanwhile: fetch it from HQ below
          }
        }
        try {
          const bytes = await fetchAttachmentFromHq(http, att.digest);
          (attachmentsOf(doc) ?? {})[attachmentId] = { ...stub(att), data: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: att.type }) };
        } catch (err) {
          if (err instanceof AttachmentError && err.status === 404) {
            delete (attachmentsOf(doc) ?? {})[attachmentId];
            onMissing({
              documentId: doc.id,
              attachmentId,
              digest: att.digest,
              message: `HQ does not have file ${att.digest} of record ${doc.id}; the record was stored without it.`,
              messageAr: 'وصل سجل من المركز بدون ملفه المرفق لأن الملف لم يُرفع إلى المركز. اطلب من الفرع الذي أنشأه أن يزامن، أو أرفق الملف من جديد.',
            });
            return;
          }
          throw err;
        }
      });
      return out as unknown as WithDeleted<T>[];
    },
  };
}
