/**
 * The client's multiplexed change stream (shared/sync/stream-hub.ts) against a scripted HQ:
 * routing by SSE event name, reconnect after drops and refusals, the heartbeat watchdog.
 * (The real HQ endpoint is exercised in test/integration/stream-hub.test.ts.)
 */
import { afterEach, describe, expect, test } from 'vitest';
import { readEventStream } from '../../../shared/sync/client';
import { createStreamHub, type StreamHub } from '../../../shared/sync/stream-hub';
import type { SyncProblem } from '../../../shared/sync/client';

interface Connection {
  url: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  send(chunk: string): void;
  end(): void;
}

/** A fetch whose every call is answered by `answer` (a stream the test writes into, or an error response). */
function scriptedHq(answer: (n: number) => 'stream' | { status: number; body: unknown } | 'fail') {
  const connections: Connection[] = [];
  let calls = 0;
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const n = calls++;
    const a = answer(n);
    if (a === 'fail') throw new TypeError('fetch failed');
    if (a !== 'stream') return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json' } });
    const enc = new TextEncoder();
    let ctrl!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        ctrl = c;
      },
    });
    const signal = init!.signal!;
    signal.addEventListener('abort', () => {
      try {
        ctrl.error(new DOMException('aborted', 'AbortError'));
      } catch {
        // already closed
      }
    });
    connections.push({
      url: String(input),
      headers: init!.headers as Record<string, string>,
      signal,
      send: (chunk) => ctrl.enqueue(enc.encode(chunk)),
      end: () => ctrl.close(),
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  }) as typeof fetch;
  return { fetchFn, connections, calls: () => calls };
}

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let hub: StreamHub | null = null;
afterEach(() => {
  hub?.stop();
  hub = null;
});

describe('SSE event names', () => {
  test('readEventStream passes each event its name (message when unnamed)', async () => {
    const got: [string, string][] = [];
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('event: beneficiaries\ndata: "RESYNC"\n\ndata: 1\n\nevent:documents\r\ndata: {"a":1}\r\n\r\n'));
        c.close();
      },
    });
    await readEventStream(body, (data, event) => got.push([event, data]));
    expect(got).toEqual([
      ['beneficiaries', '"RESYNC"'],
      ['message', '1'],
      ['documents', '{"a":1}'],
    ]);
  });
});

describe('stream hub', () => {
  test('one connection for every collection; events reach only their own collection', async () => {
    const hq = scriptedHq(() => 'stream');
    let tokens = 0;
    hub = createStreamHub({
      hqUrl: 'http://hq.test/base/',
      collections: ['beneficiaries', 'documents', 'beneficiaries'],
      fetch: hq.fetchFn,
      headers: () => ({ authorization: `Bearer t${++tokens}` }),
    });
    const got: Record<string, string[]> = { beneficiaries: [], documents: [] };
    const connected: boolean[] = [];
    hub.source('beneficiaries').data$.subscribe((d) => got.beneficiaries!.push(d));
    hub.source('documents').data$.subscribe((d) => got.documents!.push(d));
    hub.source('documents').connected$.subscribe((c) => connected.push(c));
    expect(() => hub!.source('audit_entries')).toThrow(/does not carry/);
    hub.start();
    hub.start(); // idempotent
    await until(() => hq.connections.length === 1, 'the connection');
    const c = hq.connections[0]!;
    expect(c.url).toBe('http://hq.test/base/sync/stream?collections=beneficiaries,documents');
    expect(c.headers).toMatchObject({ authorization: 'Bearer t1', accept: 'text/event-stream' });
    c.send('retry: 2000\n\nevent: beneficiaries\ndata: "RESYNC"\n\nevent: documents\ndata: "RESYNC"\n\n');
    c.send('event: documents\ndata: {"documents":[{"id":"d1","_deleted":false}],"checkpoint":{"id":"d1","seq":7}}\n\n');
    c.send('event: interviews\ndata: "RESYNC"\n\n: ping\n\n'); // not asked for: ignored
    await until(() => got.documents!.length === 2, 'the documents events');
    expect(got.beneficiaries).toEqual(['"RESYNC"']);
    expect(got.documents).toEqual(['"RESYNC"', '{"documents":[{"id":"d1","_deleted":false}],"checkpoint":{"id":"d1","seq":7}}']);
    expect(connected).toEqual([false, true]);
    expect(hub.status).toMatchObject({ connected: true, connections: 1 });
    expect(hq.calls()).toBe(1);
  });

  test('a dropped connection is reported and reopened (with a fresh token); each reconnect starts with RESYNC again', async () => {
    const hq = scriptedHq((n) => (n === 1 ? 'fail' : 'stream'));
    let tokens = 0;
    hub = createStreamHub({
      hqUrl: 'http://hq.test',
      collections: ['beneficiaries'],
      fetch: hq.fetchFn,
      headers: async () => ({ authorization: `Bearer t${++tokens}` }),
      reconnect: { initialDelayMs: 2, maxDelayMs: 4 },
    });
    const problems: SyncProblem[] = [];
    const got: string[] = [];
    const connected: boolean[] = [];
    hub.error$.subscribe((p) => problems.push(p));
    hub.source('beneficiaries').data$.subscribe((d) => got.push(d));
    hub.source('beneficiaries').connected$.subscribe((c) => connected.push(c));
    hub.start();
    await until(() => hq.connections.length === 1, 'the first connection');
    hq.connections[0]!.send('event: beneficiaries\ndata: "RESYNC"\n\n');
    await until(() => got.length === 1, 'the first RESYNC');
    hq.connections[0]!.end(); // HQ restarts
    await until(() => hq.connections.length === 2, 'the reconnection after a failed attempt');
    hq.connections[1]!.send('event: beneficiaries\ndata: "RESYNC"\n\n');
    await until(() => got.length === 2, 'the RESYNC after reconnecting');
    expect(got).toEqual(['"RESYNC"', '"RESYNC"']);
    expect(problems.map((p) => [p.source, p.code])).toEqual([
      ['stream', 'NETWORK'], // HQ closed the stream
      ['stream', 'NETWORK'], // the next attempt failed
    ]);
    expect(problems[0]!.messageAr).toMatch(/محفوظة على جهازك/);
    expect(hq.connections[1]!.headers.authorization).toBe('Bearer t3'); // asked again for each attempt
    expect(connected).toEqual([false, true, false, true]);
    expect(hub.status.connections).toBe(2);
  });

  test('HQ refusals carry its code and Arabic message; the hub keeps trying', async () => {
    const revoked = {
      error: { code: 'DEVICE_REVOKED', message: 'Device revoked', messageAr: 'أوقف مدير النظام هذا الجهاز.' },
    };
    const forbidden = { error: { code: 'FORBIDDEN', message: 'no', messageAr: 'لا تسمح صفتك.' } };
    const hq = scriptedHq((n) => (n === 0 ? { status: 403, body: forbidden } : n === 1 ? { status: 403, body: revoked } : { status: 502, body: 'bad gateway' }));
    hub = createStreamHub({ hqUrl: 'http://hq.test', collections: ['beneficiaries'], fetch: hq.fetchFn, reconnect: { initialDelayMs: 1, maxDelayMs: 2 } });
    const problems: SyncProblem[] = [];
    hub.error$.subscribe((p) => problems.push(p));
    hub.start();
    await until(() => problems.length >= 3, 'three refusals');
    expect(problems.slice(0, 3).map((p) => [p.code, p.status])).toEqual([
      ['FORBIDDEN', 403],
      ['DEVICE_REVOKED', 403],
      ['HTTP_502', 502],
    ]);
    expect(problems[1]!.messageAr).toBe('أوقف مدير النظام هذا الجهاز.');
    expect(hub.status.connected).toBe(false);
  });

  test('the heartbeat watchdog drops a connection that went silent, then reconnects', async () => {
    const hq = scriptedHq(() => 'stream');
    hub = createStreamHub({ hqUrl: 'http://hq.test', collections: ['beneficiaries'], fetch: hq.fetchFn, heartbeatTimeoutMs: 250, reconnect: { initialDelayMs: 1, maxDelayMs: 2 } });
    hub.start();
    await until(() => hq.connections.length === 1, 'the first connection');
    // Pings keep it alive…
    for (let i = 0; i < 8; i++) {
      hq.connections[0]!.send(': ping\n\n');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(hq.connections[0]!.signal.aborted).toBe(false);
    // …silence does not.
    await until(() => hq.connections.length === 2, 'the reconnection after silence');
    expect(hq.connections[0]!.signal.aborted).toBe(true);
  });

  test('dropConnection and stop close the connection; stop completes every source; reconnectNow skips the wait', async () => {
    const hq = scriptedHq((n) => (n === 0 ? 'fail' : 'stream'));
    hub = createStreamHub({ hqUrl: 'http://hq.test', collections: ['beneficiaries'], fetch: hq.fetchFn, reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    let completed = false;
    hub.source('beneficiaries').data$.subscribe({ complete: () => (completed = true) });
    hub.start();
    await until(() => hub!.status.lastProblem !== null, 'the failed first attempt');
    hub.reconnectNow(); // the network came back: no minute-long wait
    await until(() => hq.connections.length === 1, 'the second attempt');
    hub.dropConnection(); // the network went away: dropped now, reopened after the backoff
    expect(hq.connections[0]!.signal.aborted).toBe(true);
    await until(() => hub!.status.connected === false, 'the drop');
    hub.reconnectNow();
    await until(() => hq.connections.length === 2, 'the third attempt');
    hub.stop();
    expect(hq.connections[1]!.signal.aborted).toBe(true);
    expect(completed).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(hq.calls()).toBe(3);
  });
});
