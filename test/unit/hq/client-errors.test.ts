/**
 * Requests Node refuses before any route sees them get HQ's own error format (code, English and
 * Arabic message, no stack), with the connection closed. Real HQ (in-memory PGlite), raw sockets.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startHq, type RunningHq } from '../../../hq/server';

let hq: RunningHq;
beforeAll(async () => {
  hq = await startHq({ port: 0, logLevel: 'silent', passwordHash: { memoryKiB: 1024, iterations: 1, parallelism: 1 } });
});
afterAll(async () => {
  await hq?.close();
});

/** Sends raw bytes, returns everything the server wrote before closing. */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(hq.port, '127.0.0.1');
    let out = '';
    socket.on('data', (d) => (out += d.toString('utf8')));
    socket.on('close', () => resolve(out));
    socket.on('error', (e) => (out ? resolve(out) : reject(e)));
    socket.write(request);
  });
}

function parse(answer: string) {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]);
  return { status, head: head.toLowerCase(), body: JSON.parse(body) as { error: { code: string; message: string; messageAr: string } } };
}

test('headers too large: 431 in HQ format, Arabic message, connection closed', async () => {
  const answer = parse(await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`));
  expect(answer.status).toBe(431);
  expect(answer.head).toContain('connection: close');
  expect(answer.body.error.code).toBe('MALFORMED_REQUEST');
  expect(answer.body.error.messageAr).toMatch(/الخادم المركزي/);
  expect(JSON.stringify(answer.body)).not.toMatch(/at .*\.(js|ts):\d+/);
});

test('broken framing: 400 in HQ format; the server keeps answering', async () => {
  const answer = parse(await raw('POST /sync/beneficiaries/push HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'));
  expect(answer.status).toBe(400);
  expect(answer.body.error.code).toBe('MALFORMED_REQUEST');
  expect(answer.body.error.messageAr.length).toBeGreaterThan(10);
  expect((await fetch(`${hq.url}/health`)).status).toBe(200);
});
