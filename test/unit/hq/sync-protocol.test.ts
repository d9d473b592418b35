import { describe, expect, test } from 'vitest';
import { parsePullBody, parsePullQuery } from '../../../hq/server';
import { readEventStream } from '../../../shared/sync/client';
import { jsonDeepEqual } from '../../../shared/sync/protocol';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(enc.encode(c));
      controller.close();
    },
  });
}

describe('Server-Sent Events parsing (fetch ReadableStream)', () => {
  test('events split across chunks, CRLF and CR line ends, comments, multi-line data', async () => {
    const got: string[] = [];
    let activity = 0;
    await readEventStream(
      streamOf(['retry: 2000\n\ndata: "RES', 'YNC"\n\n: ping\n\n', 'data: {"a":\r\ndata: 1}\r\n\r', '\ndata:x\r\rdata: ☃', '\n\n']),
      (d) => got.push(d),
      () => activity++,
    );
    expect(got).toEqual(['"RESYNC"', '{"a":\n1}', 'x', '☃']);
    expect(activity).toBe(5);
  });

  test('multi-byte characters split between chunks are decoded', async () => {
    const bytes = new TextEncoder().encode('data: "مستفيد"\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, 9));
        c.enqueue(bytes.slice(9));
        c.close();
      },
    });
    const got: string[] = [];
    await readEventStream(body, (d) => got.push(d));
    expect(got).toEqual(['"مستفيد"']);
  });
});

describe('protocol helpers', () => {
  test('jsonDeepEqual ignores key order, not values', () => {
    expect(jsonDeepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonDeepEqual({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(jsonDeepEqual({ a: 1, u: undefined }, { a: 1 })).toBe(true);
    expect(jsonDeepEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonDeepEqual({ a: '1' }, { a: 1 })).toBe(false);
  });

  test('pull parameters: defaults, checkpoint forms, and rejections', () => {
    expect(parsePullQuery({})).toEqual({ checkpoint: null, batchSize: 100 });
    expect(parsePullQuery({ seq: '42', id: 'x', batchSize: '5' })).toEqual({ checkpoint: { id: 'x', seq: 42 }, batchSize: 5 });
    expect(parsePullQuery({ checkpoint: '{"id":"y","seq":7}' })).toEqual({ checkpoint: { id: 'y', seq: 7 }, batchSize: 100 });
    expect(() => parsePullQuery({ seq: '-1' })).toThrow(/seq/);
    expect(() => parsePullQuery({ batchSize: '0' })).toThrow(/batchSize/);
    expect(() => parsePullQuery({ batchSize: '1001' })).toThrow(/batchSize/);
    expect(() => parsePullQuery({ checkpoint: '{bad' })).toThrow(/JSON/);
    // count=1: also say how much is left after the checkpoint (a resumed first sync)
    expect(parsePullQuery({ seq: '42', id: 'x', count: '1' })).toEqual({ checkpoint: { id: 'x', seq: 42 }, batchSize: 100, count: true });
    expect(parsePullQuery({ count: '1' })).toEqual({ checkpoint: null, batchSize: 100, count: true });
    expect(() => parsePullQuery({ seq: '42', count: 'yes' })).toThrow(/count/);
    expect(parsePullBody({ checkpoint: { id: 'z', seq: 3 }, batchSize: 10 })).toEqual({ checkpoint: { id: 'z', seq: 3 }, batchSize: 10 });
    expect(() => parsePullBody([])).toThrow(/object/);
    expect(() => parsePullBody({ checkpoint: { seq: 1.5, id: 'q' } })).toThrow(/checkpoint/);
  });
});
