/**
 * One live change stream for many collections (`GET /sync/stream?collections=…`, see
 * protocol.ts), shared by every collection's replication:
 *
 *   const hub = createStreamHub({ hqUrl, collections: ['beneficiaries', 'support_requests'], headers });
 *   startCollectionReplication({ collection, hqUrl, streamSource: hub.source(collection.name), … });
 *   hub.start();
 *
 * A browser allows six HTTP/1.1 connections per origin; with one stream per collection a
 * laptop replicating a dozen collections could stream only a few of them live. The hub holds
 * ONE connection (read as Server-Sent Events from a fetch body, so it can send the session
 * token), routes each event to its collection by the SSE `event:` name, reconnects with
 * jittered exponential backoff, and drops the connection when nothing (not even HQ's 15 s
 * ping) arrives for `heartbeatTimeoutMs`. HQ starts every connection with one "RESYNC" per
 * collection, so after any drop each collection pulls from its own checkpoint and nothing
 * written meanwhile is missed.
 */
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { SyncRequestError, errorFromResponse, readEventStream, type ExternalStreamSource, type SyncProblem } from './client';
import { multiplexStreamPath } from './protocol';

export interface StreamHubOptions {
  /** HQ base URL (a path prefix is kept). */
  hqUrl: string;
  /** The collections to stream (each must be readable by the signed-in user). */
  collections: readonly string[];
  fetch?: typeof fetch;
  /** Request headers (the session token), asked for on every (re)connect. */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
  /** Reconnect backoff. Defaults 500 ms doubling up to 30 s, with jitter. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Reconnect when nothing (not even a ping) arrives for this long. Default 45 s. */
  heartbeatTimeoutMs?: number;
}

export interface StreamHubStatus {
  connected: boolean;
  /** Connections opened so far (1 after the first success; more after drops). */
  connections: number;
  lastProblem: SyncProblem | null;
}

export interface StreamHub {
  /** The stream of one collection, for `startCollectionReplication({ streamSource })`. */
  source(collection: string): ExternalStreamSource;
  readonly status$: Observable<StreamHubStatus>;
  readonly status: StreamHubStatus;
  /** Failed connections and drops (source 'stream'); DEVICE_REVOKED among them. */
  readonly error$: Observable<SyncProblem>;
  /** Open the connection (idempotent). */
  start(): void;
  /** While waiting to retry, retry now (e.g. the network came back). */
  reconnectNow(): void;
  /** Drop the current connection now (e.g. the network went away); it is reopened with backoff. */
  dropConnection(): void;
  /** Close for good. */
  stop(): void;
}

const NETWORK_AR = 'انقطع الاتصال المباشر بالخادم المركزي. بياناتك محفوظة على جهازك، وسيُعاد الاتصال تلقائيًا.';

export function createStreamHub(opts: StreamHubOptions): StreamHub {
  const fetchFn: typeof fetch = opts.fetch ?? ((input, init) => fetch(input, init));
  const base = opts.hqUrl.replace(/\/+$/, '');
  const names = [...new Set(opts.collections)];
  const initialDelay = opts.reconnect?.initialDelayMs ?? 500;
  const maxDelay = opts.reconnect?.maxDelayMs ?? 30_000;
  const heartbeatTimeout = opts.heartbeatTimeoutMs ?? 45_000;

  const data = new Map<string, Subject<string>>(names.map((n) => [n, new Subject<string>()]));
  const connected = new BehaviorSubject(false);
  const errors = new Subject<SyncProblem>();
  const status = new BehaviorSubject<StreamHubStatus>({ connected: false, connections: 0, lastProblem: null });
  const setStatus = (patch: Partial<StreamHubStatus>) => {
    if (!status.closed) status.next({ ...status.value, ...patch });
  };

  let started = false;
  let stopped = false;
  let abort: AbortController | null = null;
  let wake: (() => void) | null = null;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(t);
        wake = null;
        resolve();
      };
    });

  const report = (err: unknown) => {
    const e =
      err instanceof SyncRequestError
        ? err
        : new SyncRequestError('stream', 'NETWORK', err instanceof Error ? err.message : String(err), NETWORK_AR, null);
    const problem: SyncProblem = {
      source: 'stream',
      code: e.code,
      message: e.message,
      messageAr: e.messageAr,
      status: e.status,
      details: e.details,
      at: new Date().toISOString(),
      cause: err,
    };
    setStatus({ lastProblem: problem });
    errors.next(problem);
  };

  const setConnected = (value: boolean) => {
    if (connected.value !== value) connected.next(value);
    if (status.value.connected !== value) setStatus({ connected: value });
  };

  const onEvent = (text: string, event: string) => {
    // Events of collections this hub did not ask for are ignored.
    data.get(event)?.next(text);
  };

  const run = async () => {
    let delay = initialDelay;
    while (!stopped) {
      const controller = new AbortController();
      abort = controller;
      let watchdog: ReturnType<typeof setTimeout> | null = null;
      const feedWatchdog = () => {
        if (watchdog) clearTimeout(watchdog);
        watchdog = setTimeout(() => controller.abort(), heartbeatTimeout);
      };
      try {
        feedWatchdog();
        const res = await fetchFn(`${base}${multiplexStreamPath(names)}`, {
          method: 'GET',
          headers: { ...(opts.headers ? await opts.headers() : {}), accept: 'text/event-stream' },
          signal: controller.signal,
        });
        if (!res.ok || !res.body) throw await errorFromResponse(res, 'stream');
        setStatus({ connections: status.value.connections + 1 });
        setConnected(true);
        delay = initialDelay;
        // HQ's first events are one "RESYNC" per collection: each replication then pulls from
        // its checkpoint, which covers everything written while the stream was down.
        await readEventStream(res.body, onEvent, feedWatchdog);
        // The server ended the stream (e.g. HQ shutting down): reconnect like after a drop.
        if (!stopped) report(new SyncRequestError('stream', 'NETWORK', 'HQ closed the change stream', NETWORK_AR, null));
      } catch (err) {
        if (!stopped) report(err);
      } finally {
        if (watchdog) clearTimeout(watchdog);
        abort = null;
        setConnected(false);
      }
      if (stopped) break;
      await sleep(delay / 2 + Math.random() * (delay / 2));
      delay = Math.min(delay * 2, maxDelay);
    }
  };

  return {
    source(collection) {
      const subject = data.get(collection);
      if (!subject) throw new Error(`The stream hub does not carry ${collection}; list it in \`collections\`.`);
      return { data$: subject.asObservable(), connected$: connected.asObservable() };
    },
    status$: status.asObservable(),
    get status() {
      return status.value;
    },
    error$: errors.asObservable(),
    start() {
      if (started || stopped || names.length === 0) return;
      started = true;
      void run().catch((err: unknown) => report(err));
    },
    reconnectNow() {
      // Only while waiting to retry: a connection that is up (or being opened) is kept; one
      // that silently died is dropped by the heartbeat watchdog.
      wake?.();
    },
    dropConnection() {
      abort?.abort();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      abort?.abort();
      wake?.();
      setConnected(false);
      for (const s of data.values()) s.complete();
      connected.complete();
      errors.complete();
      status.complete();
    },
  };
}
