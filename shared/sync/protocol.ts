/**
 * The wire protocol between a laptop (RxDB replication) and the HQ sync service.
 *
 * URL layout (relative to the HQ base URL, e.g. `http://127.0.0.1:8787`):
 *   GET  /health                          process alive            → { status: 'ok' }
 *   GET  /ready                           database reachable       → { status: 'ready' } | 503
 *   GET  /sync/:collection/pull?seq=&id=&batchSize=               → PullResponse
 *   POST /sync/:collection/pull   body PullRequest                → PullResponse
 *   POST /sync/:collection/push   body PushRow[]                  → PushResponse (the conflicts)
 *   GET  /sync/:collection/stream  text/event-stream; every `data:` line is JSON: either the
 *        string "RESYNC" (sent on every (re)connect and when the server may have missed
 *        changes) or a StreamEvent.
 *   GET  /sync/stream?collections=a,b,c  one text/event-stream for several collections (a
 *        browser has six HTTP/1.1 connections per origin; a laptop needs one, not one per
 *        collection). Each event names its collection in the SSE `event:` field and carries
 *        in `data:` exactly what that collection's own stream would: "RESYNC" (one per
 *        collection on every (re)connect) or a StreamEvent. Every listed collection is
 *        authorised like its own stream (unknown → 404, not readable by the caller → 403);
 *        one refusal refuses the whole request.
 *
 * Order and checkpoints come from a server-assigned, monotonic sequence (`seq`), never from
 * client clocks. The server never edits a document body: it stores and returns exactly what
 * was pushed (including `_deleted` tombstones); its own metadata lives outside the document.
 */

/** Where a client stands in a collection's change feed. `seq` is the server sequence of the
 *  last document received; `id` is that document's id (informational). */
export interface SyncCheckpoint {
  id: string;
  seq: number;
}

/** A document as replicated: the collection's fields plus RxDB's `_deleted` flag. */
export type SyncDocument = Record<string, unknown> & { id: string; _deleted: boolean };

export interface PullRequest {
  checkpoint?: SyncCheckpoint | null;
  batchSize?: number;
}

export interface PullResponse {
  /** Documents with `seq` greater than the request checkpoint, in `seq` order. */
  documents: SyncDocument[];
  /** The checkpoint after the last returned document; the request checkpoint (possibly
   *  null) when nothing is new. */
  checkpoint: SyncCheckpoint | null;
  /** On a first pull (no checkpoint), or a pull that asked with `count=1`, that returned a full
   *  batch: how many documents the caller may see after the request checkpoint, this batch
   *  included — all of them on a first pull, what is left on a first sync interrupted and resumed
   *  (for first-sync progress). */
  total?: number;
}

export interface PushRow {
  newDocumentState: SyncDocument;
  /** The server state the client last saw; absent means "insert, the document is new". */
  assumedMasterState?: SyncDocument | null;
}

/** The server's current master documents for the rows that were NOT written (conflicts). */
export type PushResponse = SyncDocument[];

export interface StreamEvent {
  documents: SyncDocument[];
  checkpoint: SyncCheckpoint;
}

export type StreamMessage = StreamEvent | 'RESYNC';

/** Every error response body. `message` is English (logs, developers); `messageAr` is shown
 *  to the user and says what to do next. */
export interface ErrorBody {
  error: {
    code: SyncErrorCode;
    message: string;
    messageAr: string;
    details?: unknown;
  };
}

export type SyncErrorCode =
  | 'NOT_FOUND'
  | 'UNKNOWN_COLLECTION'
  | 'MALFORMED_REQUEST'
  | 'INVALID_DOCUMENT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'FORBIDDEN_ORIGIN'
  | 'UNAUTHENTICATED'
  | 'TOKEN_EXPIRED'
  | 'INVALID_CREDENTIALS'
  | 'RATE_LIMITED'
  | 'FORBIDDEN'
  | 'DEVICE_REVOKED'
  | 'DEVICE_KEY_MISMATCH'
  | 'ATTACHMENT_MISSING'
  | 'ALREADY_EXISTS'
  | 'INVALID_SIGNATURE'
  | 'RESYNC_REQUIRED'
  | 'NOT_READY'
  | 'TIMEOUT'
  | 'INTERNAL';

/** Details of an INVALID_DOCUMENT error: the first offending row of the batch. */
export interface InvalidDocumentDetails {
  index: number;
  documentId: string | null;
  issues: { path: string; message: string }[];
}

export const DEFAULT_PULL_BATCH_SIZE = 100;
export const MAX_PULL_BATCH_SIZE = 1000;
export const MAX_PUSH_ROWS = 500;

export function syncPaths(collection: string) {
  const base = `/sync/${encodeURIComponent(collection)}`;
  return { pull: `${base}/pull`, push: `${base}/push`, stream: `${base}/stream` } as const;
}

/** The shared change stream of several collections (see the URL layout above). */
export const MULTIPLEX_STREAM_PATH = '/sync/stream';
/** At most this many collections in one multiplexed stream request. */
export const MAX_STREAM_COLLECTIONS = 64;

export function multiplexStreamPath(collections: readonly string[]): string {
  return `${MULTIPLEX_STREAM_PATH}?collections=${collections.map(encodeURIComponent).join(',')}`;
}

export function isSyncCheckpoint(value: unknown): value is SyncCheckpoint {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.seq === 'number' && Number.isSafeInteger(v.seq) && v.seq >= 0;
}

/** Structural equality of two JSON values, independent of object key order (JSONB does not
 *  keep key order). Used for the push rule "write only if assumedMasterState equals master". */
export function jsonDeepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    return a.every((x, i) => jsonDeepEqual(x, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && jsonDeepEqual(ao[k], bo[k]));
}

// ---- files of records (RxDB attachments) on the wire ----

/**
 * Collections whose records carry files as RxDB attachments (document scans; declaration
 * files). On the wire a record's `_attachments` holds stubs only — `{ digest, length, type }`,
 * never the bytes: the bytes travel once through `/attachments/:sha256` (hq/attachments.ts),
 * keyed by their SHA-256, which is also RxDB's attachment `digest` (RxDB's default hash).
 * HQ refuses a pushed record whose files it does not hold for the record's branch, so a
 * record never reaches another laptop without its files.
 */
export const ATTACHMENT_COLLECTIONS: ReadonlySet<string> = new Set(['documents', 'declarations']);
export const ATTACHMENT_MIME_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'];
/** Largest file HQ accepts (the laptop's own limit is lower: renderer/src/data/attachments.ts). */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
/** Upper bound of a stub's `length`: RxDB records the size as stored on the laptop, which
 *  encryption at rest makes larger than the file itself. */
const MAX_STUB_LENGTH = 4 * MAX_ATTACHMENT_BYTES;
export const MAX_ATTACHMENTS_PER_RECORD = 20;

export interface AttachmentStub {
  digest: string;
  length: number;
  type: string;
}

const ATTACHMENT_ID = /^[A-Za-z0-9._-]{1,128}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Problems with a pushed record's `_attachments` (empty when it is fine). Absent or `{}` is
 * always fine; other collections may not carry files; each entry must be an exact stub.
 */
export function attachmentStubIssues(collection: string, value: unknown): { path: string; message: string }[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) return [{ path: '_attachments', message: '_attachments must be an object' }];
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return [];
  if (!ATTACHMENT_COLLECTIONS.has(collection)) return [{ path: '_attachments', message: `records of ${collection} carry no files` }];
  if (entries.length > MAX_ATTACHMENTS_PER_RECORD) return [{ path: '_attachments', message: `at most ${MAX_ATTACHMENTS_PER_RECORD} files per record` }];
  const issues: { path: string; message: string }[] = [];
  for (const [id, stub] of entries) {
    const path = `_attachments.${id}`;
    if (!ATTACHMENT_ID.test(id)) {
      issues.push({ path: '_attachments', message: 'attachment ids are 1–128 letters, digits, dot, dash or underscore' });
      continue;
    }
    if (!stub || typeof stub !== 'object' || Array.isArray(stub)) {
      issues.push({ path, message: 'must be { digest, length, type }' });
      continue;
    }
    const s = stub as Record<string, unknown>;
    const extra = Object.keys(s).filter((k) => k !== 'digest' && k !== 'length' && k !== 'type');
    if (extra.length > 0) issues.push({ path, message: `unexpected ${extra.join(', ')}: file bytes go to /attachments, not inside the record` });
    if (typeof s.digest !== 'string' || !SHA256_HEX.test(s.digest)) issues.push({ path: `${path}.digest`, message: 'must be the SHA-256 of the file (64 lower-case hex digits)' });
    if (typeof s.length !== 'number' || !Number.isSafeInteger(s.length) || s.length <= 0 || s.length > MAX_STUB_LENGTH) {
      issues.push({ path: `${path}.length`, message: `must be the stored size in bytes (1 to ${MAX_STUB_LENGTH})` });
    }
    if (typeof s.type !== 'string' || !ATTACHMENT_MIME_TYPES.includes(s.type)) issues.push({ path: `${path}.type`, message: `must be one of ${ATTACHMENT_MIME_TYPES.join(', ')}` });
  }
  return issues;
}

/** The stubs of a record's files (after `attachmentStubIssues` found none). */
export function attachmentStubs(doc: Record<string, unknown>): [string, AttachmentStub][] {
  const atts = doc._attachments;
  if (!atts || typeof atts !== 'object') return [];
  return Object.entries(atts as Record<string, AttachmentStub>);
}
