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
  /** On a first pull (no checkpoint) that returned a full batch: how many documents the
   *  caller may see in this collection (for first-sync progress). */
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
  | 'ALREADY_EXISTS'
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
