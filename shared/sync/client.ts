/**
 * Client side of the HQ replication, platform-free: used by the renderer (browser/Electron)
 * and by Node tests. Wraps RxDB's `replicateRxCollection` with a pull handler and a push
 * handler over `fetch`, and a live stream read as Server-Sent Events from a fetch
 * ReadableStream (no EventSource: Node 20 lacks it, and fetch lets us send auth headers).
 */
import { BehaviorSubject, Subject, type Observable, type Subscription } from 'rxjs';
import type {
  RxCollection,
  RxReplicationPullStreamItem,
  RxReplicationWriteToMasterRow,
  WithDeleted,
} from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import type { RxReplicationConflict } from 'rxdb';
import { collectionsByName } from '../schema';
import { validatePulledDocument } from '../privacy/destruction';
import { watchDestructionPurge } from './purge';
import { restartFromZeroOnResync } from './resync';
import {
  DEFAULT_PULL_BATCH_SIZE,
  isSyncCheckpoint,
  jsonDeepEqual,
  syncPaths,
  type ErrorBody,
  type PullResponse,
  type PushRow,
  type StreamMessage,
  type SyncCheckpoint,
  type SyncDocument,
} from './protocol';
import { createRecordFiles } from './record-files';
import { fileDigests } from './merge';

export type SyncSource = 'pull' | 'push' | 'stream' | 'replication';

/** Something that went wrong while syncing; `messageAr` is for the user. */
export interface SyncProblem {
  source: SyncSource;
  /** HQ error code (e.g. INVALID_DOCUMENT), NETWORK, HTTP_<status>, INVALID_PULLED_DOCUMENT, or an RxDB code. */
  code: string;
  message: string;
  messageAr: string;
  /** HTTP status when the HQ answered. */
  status: number | null;
  details?: unknown;
  /** ISO time. */
  at: string;
  cause?: unknown;
}

export interface ReplicationStatus {
  /** The last request to HQ got an answer (false after a network failure or a 5xx). */
  online: boolean;
  /** The live change stream is connected. */
  streamConnected: boolean;
  /** ISO time of the last successful pull or push. */
  lastSyncAt: string | null;
  lastProblem: SyncProblem | null;
}

export class SyncRequestError extends Error {
  constructor(
    readonly source: SyncSource,
    readonly code: string,
    message: string,
    readonly messageAr: string,
    readonly status: number | null,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'SyncRequestError';
  }
}

export interface StartCollectionReplicationOptions<T> {
  collection: RxCollection<T>;
  /** HQ base URL, e.g. http://127.0.0.1:8787 (a path prefix is kept). */
  hqUrl: string;
  fetch?: typeof fetch;
  /** Keep replicating (stream + retries). Default true. false = one catch-up, then stop. */
  live?: boolean;
  /**
   * Open the Server-Sent Events stream (live only). Default true. A browser allows only six
   * HTTP/1.1 connections per HQ origin, so a page replicating many collections streams a few
   * and, for the rest, pushes live and pulls on `reSync()` (added for the renderer, issue 2).
   */
  stream?: boolean;
  /**
   * Take the live stream from outside instead of opening this collection's own connection:
   * one multiplexed connection for every collection (shared/sync/stream-hub.ts). `data$`
   * carries each event's `data` exactly as the collection's own stream would ("RESYNC" or a
   * StreamEvent, as JSON text); `connected$` says whether that connection is up. Live pulls only.
   */
  streamSource?: ExternalStreamSource;
  pullBatchSize?: number;
  pushBatchSize?: number;
  /** Wait before retrying a failed pull/push (RxDB's retryTime). Default 5000 ms. */
  retryTime?: number;
  /** Stream reconnect backoff. Defaults 500 ms doubling up to 30 s, with jitter. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Reconnect the stream when nothing (not even a ping) arrives for this long. Default 45 s. */
  heartbeatTimeoutMs?: number;
  /** Default `sila-hq:<hqUrl>:<collection>`; change it to restart replication from zero. */
  replicationIdentifier?: string;
  /** Extra request headers, e.g. the session token (issue 6). Called for every request. */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
  /** Only the leader tab replicates. Default true (RxDB's default). */
  waitForLeadership?: boolean;
  autoStart?: boolean;
  /** Validate pulled documents with the shared schema; invalid ones are skipped and reported
   *  on error$. Default true (when the collection is in the registry). */
  validatePulled?: boolean;
  /** Pull from HQ (default true). False for write-only collections (e.g. audit entries). */
  pull?: boolean;
  /** Push to HQ (default true). False for read-only collections (e.g. configuration). */
  push?: boolean;
  /** Called after each successful pull with the number of documents received (and, on the
   *  first pull of a long feed, HQ's total). */
  onPulled?: (count: number, total: number | undefined) => void;
  /** Called after a successful push with the ids HQ accepted (conflicts excluded). */
  onPushed?: (ids: string[]) => void;
}

/** A collection's share of a stream opened elsewhere (see `streamSource`). */
export interface ExternalStreamSource {
  readonly data$: Observable<string>;
  readonly connected$: Observable<boolean>;
}

export interface CollectionReplication<T> {
  readonly replicationState: RxReplicationState<T, SyncCheckpoint>;
  /** Failed requests, stream drops, rejected pulled documents and RxDB replication errors. */
  readonly error$: Observable<SyncProblem>;
  /** Conflicts reported by HQ on push, with the conflict handler's resolution. */
  readonly conflict$: Observable<RxReplicationConflict<T>>;
  readonly status$: Observable<ReplicationStatus>;
  readonly status: ReplicationStatus;
  awaitInSync(): Promise<true>;
  /** Force a pull from the current checkpoint. */
  reSync(): void;
  cancel(): Promise<void>;
}

const NETWORK_AR = 'تعذّر الاتصال بالخادم المركزي. بياناتك محفوظة على جهازك وستُزامن تلقائيًا عند عودة الاتصال.';
const BAD_RESPONSE_AR = 'ردّ الخادم المركزي بصيغة غير متوقعة. حدّث التطبيق، وإن تكرر الخطأ فتواصل مع مدير النظام.';
const INVALID_PULLED_AR =
  'وصل من الخادم المركزي سجل لا يطابق هذا الإصدار من التطبيق فلم يُحفظ على جهازك. حدّث التطبيق ثم أعد المزامنة.';
const REPLICATION_AR = 'تعثّرت المزامنة مع الخادم المركزي وستُعاد المحاولة تلقائيًا. إن تكرر ذلك فتواصل مع مدير النظام.';

function nowIso() {
  return new Date().toISOString();
}

function isErrorBody(v: unknown): v is ErrorBody {
  if (!v || typeof v !== 'object') return false;
  const e = (v as { error?: unknown }).error;
  return !!e && typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string';
}

/** The SyncRequestError for an HQ answer that is not OK (its Arabic message when it sent one). */
export async function errorFromResponse(res: Response, source: SyncSource): Promise<SyncRequestError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON (a proxy's HTML page, …)
  }
  if (isErrorBody(body)) {
    const e = body.error;
    return new SyncRequestError(source, e.code, e.message, e.messageAr, res.status, e.details);
  }
  return new SyncRequestError(source, `HTTP_${res.status}`, `HQ answered HTTP ${res.status}`, BAD_RESPONSE_AR, res.status);
}

/**
 * Whether a record arriving on the stream must not be applied over this laptop's copy: it is
 * older by `updatedAt`, or it has the same `updatedAt` but other files. Attaching a file (RxDB
 * `putAttachment`) does not change `updatedAt`, so the echo of the record saved just before its
 * scan carries the same time as the copy holding the scan; applying it would drop the scan
 * (and a save right after would then go to HQ without its file). Either way HQ already holds
 * the laptop's newer state, and the caller pulls that instead.
 */
export function isStaleEcho(local: Record<string, unknown>, streamed: Record<string, unknown>): boolean {
  const at = local.updatedAt;
  const theirs = streamed.updatedAt;
  if (typeof at !== 'string' || typeof theirs !== 'string') return false;
  if (at > theirs) return true;
  return at === theirs && !jsonDeepEqual(fileDigests(local), fileDigests(streamed));
}

export function startCollectionReplication<T>(
  opts: StartCollectionReplicationOptions<T>,
): CollectionReplication<T> {
  const collection = opts.collection;
  const fetchFn: typeof fetch = opts.fetch ?? ((input, init) => fetch(input, init));
  const base = opts.hqUrl.replace(/\/+$/, '');
  const paths = syncPaths(collection.name);
  const live = opts.live ?? true;
  const pulling = opts.pull ?? true;
  const pushing = opts.push ?? true;
  const streaming = pulling && live && (opts.stream ?? true);
  const def = opts.validatePulled === false ? undefined : collectionsByName.get(collection.name);
  const initialDelay = opts.reconnect?.initialDelayMs ?? 500;
  const maxDelay = opts.reconnect?.maxDelayMs ?? 30_000;
  const heartbeatTimeout = opts.heartbeatTimeoutMs ?? 45_000;

  const errorSubject = new Subject<SyncProblem>();
  const status = new BehaviorSubject<ReplicationStatus>({
    online: false,
    streamConnected: false,
    lastSyncAt: null,
    lastProblem: null,
  });
  const setStatus = (patch: Partial<ReplicationStatus>) => status.next({ ...status.value, ...patch });
  const report = (problem: SyncProblem) => {
    setStatus({ lastProblem: problem });
    errorSubject.next(problem);
  };
  /** Report a failed request and return it as a SyncRequestError (what the handlers throw,
   *  so RxDB's wrapped re-emission on its error$ can be recognised and not reported twice). */
  const reportError = (err: unknown, source: SyncSource): SyncRequestError => {
    const e =
      err instanceof SyncRequestError
        ? err
        : new SyncRequestError(source, 'NETWORK', err instanceof Error ? err.message : String(err), NETWORK_AR, null);
    report({
      source,
      code: e.code,
      message: e.message,
      messageAr: e.messageAr,
      status: e.status,
      details: e.details,
      at: nowIso(),
      cause: err,
    });
    // An answer (even 4xx) proves HQ is reachable; no answer or a 5xx means it is not usable.
    setStatus({ online: e.status !== null && e.status < 500 });
    return e;
  };

  const requestHeaders = async (extra: Record<string, string>) => ({
    ...(opts.headers ? await opts.headers() : {}),
    ...extra,
  });

  /** Files of records (RxDB attachments) travel through HQ's /attachments, not the JSON. */
  const files = createRecordFiles(
    collection as RxCollection<unknown>,
    { base, fetch: fetchFn, headers: (extra = {}) => requestHeaders(extra) },
    (missing) =>
      report({
        source: 'pull',
        code: 'ATTACHMENT_MISSING',
        message: missing.message,
        messageAr: missing.messageAr,
        status: 404,
        details: { documentId: missing.documentId, attachmentId: missing.attachmentId, digest: missing.digest },
        at: nowIso(),
      }),
  );

  /** Keep only documents that pass the shared schema; report the others. */
  const acceptPulled = (docs: unknown[], source: SyncSource): WithDeleted<T>[] => {
    const ok: WithDeleted<T>[] = [];
    for (const doc of docs) {
      if (!doc || typeof doc !== 'object' || typeof (doc as { id?: unknown }).id !== 'string') {
        report(invalidPulled(source, null, [{ path: '', message: 'not a document' }]));
        continue;
      }
      const d = doc as SyncDocument;
      if (typeof d._deleted !== 'boolean') {
        report(invalidPulled(source, d.id, [{ path: '_deleted', message: '_deleted must be true or false' }]));
        continue;
      }
      if (def) {
        // A bare tombstone (e.g. HQ's PDPL destruction) passes without the personal fields.
        const result = validatePulledDocument(def, d);
        if (!result.ok) {
          report(invalidPulled(source, d.id, result.issues));
          continue;
        }
      }
      ok.push(d as unknown as WithDeleted<T>);
    }
    return ok;
  };

  // The first pull of each start asks HQ how much is left: a first sync interrupted (app closed,
  // laptop asleep) shows its progress again when it resumes. HQ counts only when the batch is full.
  let countAsked = false;
  const pullHandler = async (checkpoint: SyncCheckpoint | undefined, batchSize: number) => {
    const params = new URLSearchParams({ batchSize: String(batchSize) });
    if (checkpoint) {
      params.set('seq', String(checkpoint.seq));
      params.set('id', checkpoint.id);
      if (!countAsked) params.set('count', '1');
    }
    try {
      const res = await fetchFn(`${base}${paths.pull}?${params.toString()}`, {
        method: 'GET',
        headers: await requestHeaders({ accept: 'application/json' }),
      });
      if (!res.ok) throw await errorFromResponse(res, 'pull');
      const body = (await res.json()) as Partial<PullResponse>;
      if (!Array.isArray(body.documents) || (body.checkpoint !== null && !isSyncCheckpoint(body.checkpoint))) {
        throw new SyncRequestError('pull', 'BAD_RESPONSE', 'HQ pull response has an unexpected shape', BAD_RESPONSE_AR, res.status);
      }
      countAsked = true;
      const documents = await files.incoming(acceptPulled(body.documents, 'pull'));
      setStatus({ online: true, lastSyncAt: nowIso() });
      opts.onPulled?.(body.documents.length, typeof body.total === 'number' ? body.total : undefined);
      return {
        documents,
        checkpoint: body.checkpoint ?? checkpoint,
      };
    } catch (err) {
      throw reportError(err, 'pull');
    }
  };

  const pushHandler = async (rows: RxReplicationWriteToMasterRow<T>[]): Promise<WithDeleted<T>[]> => {
    try {
      const body: PushRow[] = await Promise.all(
        rows.map(async (r) => {
          const row: PushRow = { newDocumentState: await files.outgoing(r.newDocumentState as unknown as SyncDocument) };
          if (r.assumedMasterState) row.assumedMasterState = files.stubsOnly(r.assumedMasterState as unknown as SyncDocument);
          return row;
        }),
      );
      const res = await fetchFn(`${base}${paths.push}`, {
        method: 'POST',
        headers: await requestHeaders({ 'content-type': 'application/json', accept: 'application/json' }),
        body: JSON.stringify(body),
      });
      if (!res.ok) throw await errorFromResponse(res, 'push');
      const conflicts = (await res.json()) as unknown;
      if (!Array.isArray(conflicts)) {
        throw new SyncRequestError('push', 'BAD_RESPONSE', 'HQ push response is not an array', BAD_RESPONSE_AR, res.status);
      }
      setStatus({ online: true, lastSyncAt: nowIso() });
      if (opts.onPushed) {
        const refused = new Set((conflicts as { id?: unknown }[]).map((c) => c?.id));
        opts.onPushed(body.map((r) => r.newDocumentState.id).filter((id) => !refused.has(id)));
      }
      return conflicts as WithDeleted<T>[];
    } catch (err) {
      throw reportError(err, 'push');
    }
  };

  // ---- live stream (SSE over fetch) ----
  const stream$ = new Subject<RxReplicationPullStreamItem<T, SyncCheckpoint>>();
  let stopped = false;
  let streamAbort: AbortController | null = null;
  let sleepWake: (() => void) | null = null;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        sleepWake = null;
        resolve();
      }, ms);
      sleepWake = () => {
        clearTimeout(t);
        sleepWake = null;
        resolve();
      };
    });

  let streamOrder: Promise<void> = Promise.resolve();
  const onStreamMessage = (data: string) => {
    let message: StreamMessage;
    try {
      message = JSON.parse(data) as StreamMessage;
    } catch {
      return;
    }
    if (message === 'RESYNC') {
      streamOrder = streamOrder.then(() => stream$.next('RESYNC'));
      return;
    }
    if (!message || typeof message !== 'object' || !Array.isArray(message.documents) || !isSyncCheckpoint(message.checkpoint)) {
      return;
    }
    const checkpoint = message.checkpoint;
    const documents = acceptPulled(message.documents, 'stream');
    // Asynchronous steps keep the stream's order. Any doubt falls back to a pull from the
    // checkpoint (RESYNC), which returns HQ's CURRENT state of each record and which RxDB retries.
    streamOrder = streamOrder
      .then(async () => {
        if (await olderThanLocal(documents)) {
          // An echo of this laptop's own earlier write that arrives after a newer one (e.g. a
          // record saved, then its scan attached): applying it would put the older state back
          // on screen until the next event. HQ already holds the newer state; pull it instead.
          stream$.next('RESYNC');
          return;
        }
        stream$.next({ documents: files.enabled ? await files.incoming(documents) : documents, checkpoint });
      })
      .catch(() => stream$.next('RESYNC'));
  };

  /** True when a streamed record may be older than this laptop's copy (see `isStaleEcho`). */
  const olderThanLocal = async (documents: WithDeleted<T>[]): Promise<boolean> => {
    const stamped = documents.filter((d) => typeof (d as { updatedAt?: unknown }).updatedAt === 'string') as unknown as Array<Record<string, unknown> & { id: string; updatedAt: string }>;
    if (stamped.length === 0) return false;
    const local = await collection.storageInstance.findDocumentsById(
      stamped.map((d) => d.id),
      true,
    );
    const localById = new Map(local.map((l) => [(l as unknown as { id: string }).id, l as unknown as Record<string, unknown>]));
    return stamped.some((d) => {
      const mine = localById.get(d.id);
      return mine !== undefined && isStaleEcho(mine, d);
    });
  };

  const runStream = async () => {
    let delay = initialDelay;
    while (!stopped) {
      const abort = new AbortController();
      streamAbort = abort;
      let watchdog: ReturnType<typeof setTimeout> | null = null;
      const feedWatchdog = () => {
        if (watchdog) clearTimeout(watchdog);
        watchdog = setTimeout(() => abort.abort(), heartbeatTimeout);
      };
      try {
        feedWatchdog();
        const res = await fetchFn(`${base}${paths.stream}`, {
          method: 'GET',
          headers: await requestHeaders({ accept: 'text/event-stream' }),
          signal: abort.signal,
        });
        if (!res.ok || !res.body) throw await errorFromResponse(res, 'stream');
        setStatus({ online: true, streamConnected: true });
        delay = initialDelay;
        // The server's first message is "RESYNC": RxDB then pulls from its checkpoint, which
        // covers everything written while the stream was down.
        await readEventStream(res.body, onStreamMessage, feedWatchdog);
      } catch (err) {
        if (!stopped) reportError(err, 'stream');
      } finally {
        if (watchdog) clearTimeout(watchdog);
        streamAbort = null;
        if (status.value.streamConnected) setStatus({ streamConnected: false });
      }
      if (stopped) break;
      await sleep(delay / 2 + Math.random() * (delay / 2));
      delay = Math.min(delay * 2, maxDelay);
    }
  };

  // Pulls from before HQ's tombstone purge horizon restart from zero (shared/sync/resync.ts).
  const started: { current?: RxReplicationState<T, SyncCheckpoint> } = {};
  const resync = restartFromZeroOnResync<T>(pullHandler, { collection, replicationState: () => started.current });
  const replicationState = replicateRxCollection<T, SyncCheckpoint>({
    replicationIdentifier: opts.replicationIdentifier ?? `sila-hq:${base}:${collection.name}`,
    collection,
    live,
    retryTime: opts.retryTime ?? 5_000,
    waitForLeadership: opts.waitForLeadership ?? true,
    autoStart: opts.autoStart ?? true,
    ...(pulling
      ? {
          pull: {
            handler: resync.pull,
            batchSize: opts.pullBatchSize ?? DEFAULT_PULL_BATCH_SIZE,
            ...(streaming ? { stream$: stream$.asObservable() } : {}),
          },
        }
      : {}),
    ...(pushing ? { push: { handler: pushHandler, batchSize: opts.pushBatchSize ?? 50 } } : {}),
  });

  started.current = replicationState;

  const subs: Subscription[] = [];
  // Destruction tombstones (PDPL) are purged from storage once in sync (shared/sync/purge.ts).
  if (pulling) subs.push(watchDestructionPurge(collection, replicationState, { onError: (err: unknown) => reportError(err, 'replication') }).subscription);
  subs.push(
    replicationState.error$.subscribe((err) => {
      // RC_PULL / RC_PUSH wrapping our own handler errors were reported already.
      const inner = (err as { parameters?: { errors?: unknown[] } }).parameters?.errors ?? [];
      if (inner.length > 0 && inner.every((e) => (e as { name?: unknown } | null)?.name === 'SyncRequestError')) return;
      report({
        source: 'replication',
        code: (err as { code?: string }).code ?? 'REPLICATION',
        message: err.message,
        messageAr: REPLICATION_AR,
        status: null,
        at: nowIso(),
        cause: err,
      });
    }),
  );

  const stop = () => {
    if (stopped) return;
    stopped = true;
    streamAbort?.abort();
    sleepWake?.();
  };
  subs.push(
    replicationState.canceled$.subscribe((canceled: boolean) => {
      if (canceled) stop();
    }),
  );

  if (streaming && opts.streamSource) {
    const source = opts.streamSource;
    subs.push(
      source.data$.subscribe((data) => onStreamMessage(data)),
      source.connected$.subscribe((connected) => {
        if (connected) setStatus({ online: true, streamConnected: true });
        else if (status.value.streamConnected) setStatus({ streamConnected: false });
      }),
    );
  } else if (streaming) {
    void runStream().catch((err: unknown) => reportError(err, 'stream'));
  }

  return {
    replicationState,
    error$: errorSubject.asObservable(),
    conflict$: replicationState.conflict$,
    status$: status.asObservable(),
    get status() {
      return status.value;
    },
    awaitInSync: () => replicationState.awaitInSync(),
    reSync: () => replicationState.reSync(),
    async cancel() {
      stop();
      await replicationState.cancel();
      for (const s of subs) s.unsubscribe();
      stream$.complete();
      errorSubject.complete();
      status.complete();
    },
  };
}

function invalidPulled(source: SyncSource, id: string | null, issues: { path: string; message: string }[]): SyncProblem {
  return {
    source,
    code: 'INVALID_PULLED_DOCUMENT',
    message: `Pulled document ${id ?? '(no id)'} does not match the schema; it was not stored.`,
    messageAr: INVALID_PULLED_AR,
    status: null,
    details: { documentId: id, issues },
    at: nowIso(),
  };
}

/**
 * Read a text/event-stream body, calling `onData` with each event's data (multi-line data
 * joined by "\n") and its `event:` name ('message' when it has none), and `onActivity` for
 * every chunk received (comments/pings included).
 * Resolves when the server ends the stream; rejects when it is aborted or fails.
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  onData: (data: string, event: string) => void,
  onActivity: () => void = () => {},
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let dataLines: string[] = [];
  let eventName = '';
  const dispatchLine = (line: string) => {
    if (line === '') {
      if (dataLines.length > 0) onData(dataLines.join('\n'), eventName || 'message');
      dataLines = [];
      eventName = '';
      return;
    }
    if (line.startsWith(':')) return; // comment / ping
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') dataLines.push(value);
    else if (field === 'event') eventName = value;
    // 'id' and 'retry' are not used by this protocol.
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onActivity();
      buffer += decoder.decode(value, { stream: true });
      let match: RegExpExecArray | null;
      const lineBreak = /\r\n|\r|\n/g;
      let consumed = 0;
      while ((match = lineBreak.exec(buffer)) !== null) {
        // A lone '\r' at the very end may be the first half of '\r\n': wait for more input.
        if (match[0] === '\r' && match.index === buffer.length - 1) break;
        dispatchLine(buffer.slice(consumed, match.index));
        consumed = match.index + match[0].length;
      }
      buffer = buffer.slice(consumed);
    }
  } finally {
    reader.releaseLock();
  }
}
