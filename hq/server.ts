/**
 * The HQ sync service: RxDB's replication protocol over HTTP + Server-Sent Events, for every
 * collection of the shared registry, on PostgreSQL (pg pool) or embedded PGlite.
 * See shared/sync/protocol.ts for the URL layout and wire types.
 */
import { STATUS_CODES, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { collectionsByName, type CollectionDef } from '../shared/schema';
import {
  DEFAULT_PULL_BATCH_SIZE,
  MAX_PULL_BATCH_SIZE,
  MAX_STREAM_COLLECTIONS,
  MULTIPLEX_STREAM_PATH,
  ATTACHMENT_COLLECTIONS,
  attachmentStubs,
  isSyncCheckpoint,
  type PushRow,
  type PullResponse,
  type PushResponse,
  type StreamMessage,
  type SyncCheckpoint,
} from '../shared/sync/protocol';
import {
  TokenSigner,
  callerFromToken,
  changeUserPassword,
  countAdmins,
  createBranch,
  createUser,
  ensureLookupKey,
  listBranches,
  listDevices,
  listUsers,
  refreshTokens,
  revokeDevice,
  setUserActive,
  signIn,
  signOut,
  type AuthContext,
} from './accounts';
import { MAX_ATTACHMENT_BYTES, checkSha256, getAttachment, hasAttachment, putAttachment, uploadBranch } from './attachments';
import { authorizeRow, inScope, pullScope, requireAdmin, requireDeviceUser, type Caller, type ResolveCaller, type UserCaller } from './auth';
import { ChangeFeed } from './changes';
import { openDatabase, type Database } from './db';
import { HqError, errors } from './errors';
import { runMigrations } from './migrations';
import type { PasswordHashParams } from './passwords';
import { CHANGES_CHANNEL, checkPurgeHorizon, pullChanges, purgeTombstones, pushChanges, validatePushBody } from './store';
import { syncPushHooks } from './push-hooks';
import { listDestructions } from './destruction';
import { publishBranches } from './branch-config';
import { publishUsers } from './user-config';
import { isPublicEvaluationPath, maskEvaluationToken, registerPublicEvaluation, type PublicEvaluationOptions } from './evaluation-links';

export interface StartHqOptions {
  /** 0 picks a free port. Default 8787. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** postgres://… — use a PostgreSQL server. Without it, embedded PGlite is used. */
  databaseUrl?: string;
  /** PGlite data directory. Without it (and without databaseUrl) PGlite runs in memory. */
  dataDir?: string;
  /** pino level: fatal, error, warn, info, debug, trace, silent. Default info. */
  logLevel?: string;
  /** Extra browser origins allowed to call the HQ (added to the renderer's defaults). */
  allowedOrigins?: string[];
  /** Maximum request body in bytes. Default 8 MiB. */
  bodyLimit?: number;
  /** Access-token signing keys `kid:base64secret,…` (first signs). Default: keys kept in the database. */
  signingKeys?: string;
  /** Argon2id parameters for new password hashes (tests lower them). Default hq/passwords.ts. */
  passwordHash?: PasswordHashParams;
  /** Create this HQ administrator at start-up when the database has none (first run). */
  bootstrapAdmin?: { username: string; password: string; displayName?: string };
  /** Tombstones older than this are purged (hourly). Default 730 days; 0 disables purging. */
  tombstoneRetentionDays?: number;
  /** Addresses of a reverse proxy whose X-Forwarded-For is trusted (Fastify trustProxy). */
  trustProxy?: string;
  /** Replace token authentication (tests of the sync store only). */
  resolveCaller?: ResolveCaller;
  /** The public evaluation page behind printed QR codes (`/e/<token>`): rate limit per address. */
  publicEvaluation?: PublicEvaluationOptions;
}

export interface RunningHq {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Origins of the renderer: packaged app, Vite dev server, Vite preview. */
export const DEFAULT_ALLOWED_ORIGINS: readonly string[] = [
  'app://sila',
  'http://localhost:5173',
  'http://127.0.0.1:5173',
  'http://localhost:4173',
  'http://127.0.0.1:4173',
];

const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;
const SSE_PING_MS = 15_000;
const SSE_MAX_BUFFER = 8 * 1024 * 1024;

export async function startHq(opts: StartHqOptions = {}): Promise<RunningHq> {
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const allowedOrigins = new Set([...DEFAULT_ALLOWED_ORIGINS, ...(opts.allowedOrigins ?? [])]);

  const app = Fastify({
    logger: {
      level: opts.logLevel ?? 'info',
      // A one-time evaluation token (/e/<token>) never reaches the logs.
      serializers: {
        req: (req: { method: string; url: string; hostname?: string; ip?: string }) => ({ method: req.method, url: maskEvaluationToken(req.url), hostname: req.hostname, remoteAddress: req.ip }),
      },
    },
    bodyLimit,
    requestTimeout: 30_000, // the whole request must arrive within 30 s
    connectionTimeout: 0, // SSE connections stay open; idle ones are pinged
    // Longer than clients' and proxies' idle timeouts, so a client never reuses a connection
    // the server is just closing (seen as "fetch failed" when a laptop is busy).
    keepAliveTimeout: 65_000,
    return503OnClosing: true,
    forceCloseConnections: true,
    ...(opts.trustProxy ? { trustProxy: opts.trustProxy.split(',').map((x) => x.trim()) } : {}),
    // Requests Node refuses before any route sees them (headers too large, broken framing, too
    // slow): answered in the HQ's own error format, with the connection closed (so a keep-alive
    // client does not reuse a socket the server is closing).
    clientErrorHandler: (err, socket) => {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ECONNRESET' || socket.destroyed) return;
      const e =
        code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? new HqError(408, 'TIMEOUT', 'The request did not arrive in time.', 'لم يكتمل وصول الطلب إلى الخادم المركزي في الوقت المحدد. تحقّق من الاتصال، وستُعاد المحاولة تلقائيًا.')
          : code === 'HPE_HEADER_OVERFLOW'
            ? new HqError(431, 'MALFORMED_REQUEST', 'Request headers are too large.', 'وصل إلى الخادم المركزي طلب برؤوس أكبر من المسموح فلم يُقرأ، ولم يُحفظ منه شيء. حدّث التطبيق ثم أعد المحاولة.')
            : errors.malformed('The request could not be read.');
      const body = JSON.stringify(e.toBody());
      if (socket.writable) {
        socket.write(
          `HTTP/1.1 ${e.statusCode} ${STATUS_CODES[e.statusCode] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy(err);
    },
    // Router-level refusals (bad URL encoding, over-long path parameters) in the HQ's own
    // error format, like every other error.
    frameworkErrors: (error, _request, reply) => {
      const e =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? errors.notFound('', 'path too long')
          : errors.malformed('The URL is not valid.');
      const raw = reply as unknown as FastifyReply;
      void raw.code(e.statusCode).type('application/json').send(e.toBody());
    },
  });

  const db = await openDatabase({
    databaseUrl: opts.databaseUrl,
    dataDir: opts.dataDir,
    onError: (err, where) => app.log.error({ err, where }, 'database connection error'),
  });
  let feed: ChangeFeed | null = null;
  let purgeTimer: ReturnType<typeof setInterval> | null = null;
  try {
    const migrated = await runMigrations(db);
    app.log.info({ applied: migrated.applied, database: db.kind }, 'database ready');
    const signer = new TokenSigner(db, opts.signingKeys);
    await signer.load();
    await ensureLookupKey(db); // the association's lookup-hash key, created on first start
    // Branch names for every laptop (hq_config branch entries), including branches the CLI added.
    await publishBranches(db, undefined, (branchId, reason) => app.log.warn({ branchId, reason }, 'branch not published'));
    const auth: AuthContext = { db, signer };
    if (opts.bootstrapAdmin && (await countAdmins(db)) === 0) {
      await createUser(
        db,
        { username: opts.bootstrapAdmin.username, password: opts.bootstrapAdmin.password, displayName: opts.bootstrapAdmin.displayName ?? opts.bootstrapAdmin.username, role: 'hq_admin', branchIds: [] },
        opts.passwordHash,
      ).catch((err: unknown) => {
        if (!(err instanceof HqError && err.code === 'ALREADY_EXISTS')) throw err;
      });
      app.log.info({ username: opts.bootstrapAdmin.username }, 'first HQ administrator created');
    }
    // The user directory for every laptop (hq_config user entries), including accounts the CLI
    // or the first-run setup created.
    await publishUsers(db, undefined, (userId, reason) => app.log.warn({ userId, reason }, 'user not published'));
    const resolveCaller: ResolveCaller =
      opts.resolveCaller ??
      (async (request) => (await callerFromToken(auth, request.headers.authorization)) ?? { kind: 'anonymous' });
    const streamsByDevice = new Map<string, Set<ServerResponse>>();
    feed = new ChangeFeed(
      db,
      (err) => app.log.error({ err }, 'change feed error'),
      (deviceId) => {
        // The client reconnects, is refused with DEVICE_REVOKED and wipes its data.
        for (const res of streamsByDevice.get(deviceId) ?? []) res.destroy();
      },
    );
    await feed.start();
    registerRoutes(app, db, feed, { allowedOrigins, resolveCaller, bodyLimit, auth, passwordHash: opts.passwordHash, streamsByDevice });
    registerPublicEvaluation(app, db, { ...opts.publicEvaluation, logLevel: opts.logLevel });
    const retention = opts.tombstoneRetentionDays ?? 730;
    if (!Number.isFinite(retention) || (retention !== 0 && retention < 30)) {
      throw new Error('Tombstone retention must be 0 (keep forever) or at least 30 days.');
    }
    if (retention > 0) {
      const purge = () => {
        purgeTombstones(db, retention).then(
          (n) => n > 0 && app.log.info({ purged: n, retentionDays: retention }, 'tombstones purged'),
          (err: unknown) => app.log.error({ err }, 'tombstone purge failed'),
        );
      };
      purgeTimer = setInterval(purge, 3600_000);
      purgeTimer.unref();
    }
    await app.listen({ port: opts.port ?? 8787, host: opts.host ?? '127.0.0.1' });
  } catch (err) {
    await app.close().catch(() => {});
    await feed?.stop().catch(() => {});
    await db.close().catch(() => {});
    throw err;
  }

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 8787);
  const host = opts.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closing: Promise<void> | null = null;
  const runningFeed = feed;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        if (purgeTimer) clearInterval(purgeTimer);
        await app.close();
        await runningFeed.stop();
        await db.close();
      })();
      return closing;
    },
  };
}

interface RouteOptions {
  allowedOrigins: Set<string>;
  resolveCaller: ResolveCaller;
  bodyLimit: number;
  auth: AuthContext;
  passwordHash?: PasswordHashParams;
  streamsByDevice: Map<string, Set<ServerResponse>>;
}

function registerRoutes(app: FastifyInstance, db: Database, feed: ChangeFeed, o: RouteOptions) {
  const streams = new Set<ServerResponse>();

  app.decorateRequest('caller', null as never);
  const anonymous: Caller = { kind: 'anonymous' };

  // CORS for the renderer's origins only (no wildcard). Requests from other browser origins
  // are refused outright; non-browser clients (no Origin header) pass.
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    // The public evaluation page posts its form from HQ's own page on a phone (no CORS headers there).
    if (origin !== undefined && !isPublicEvaluationPath(request.url)) {
      if (!o.allowedOrigins.has(origin)) throw errors.forbiddenOrigin(origin);
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'Origin');
      if (request.method === 'OPTIONS') {
        reply.header('access-control-allow-methods', 'GET, HEAD, POST, PUT, OPTIONS');
        reply.header('access-control-allow-headers', 'content-type, authorization');
        reply.header('access-control-max-age', '600');
        return reply.code(204).send();
      }
    }
    // Every request gets a resolved caller before its handler runs; a bad/expired token or a
    // revoked device is refused here. Sign-in/refresh/health need no token.
    request.caller = anonymous;
    const path = request.url.split('?')[0] ?? '';
    if (path.startsWith('/sync/') || path.startsWith('/admin/') || path.startsWith('/attachments/') || path === '/auth/me' || path === '/auth/change-password') {
      request.caller = await o.resolveCaller(request);
    }
  });

  app.setErrorHandler((error: FastifyError | HqError, request, reply) => {
    const hq = toHqError(error, o.bodyLimit);
    if (hq.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: hq.code, message: hq.message }, 'request rejected');
    if (hq.code === 'RATE_LIMITED') reply.header('retry-after', String((hq.details as { retryAfterSeconds: number }).retryAfterSeconds));
    return reply.code(hq.statusCode).type('application/json').send(hq.toBody());
  });

  app.setNotFoundHandler((request, reply) => {
    if (request.method === 'OPTIONS') return reply.code(204).send();
    const e = errors.notFound(request.method, request.url.split('?')[0] ?? '');
    return reply.code(e.statusCode).send(e.toBody());
  });

  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
    streams.clear();
  });

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/ready', async (_request, reply) => {
    try {
      await withTimeout(db.query('SELECT 1'), 3_000);
      return { status: 'ready', database: db.kind };
    } catch (err) {
      app.log.warn({ err }, 'database not reachable');
      const e = errors.notReady();
      return reply.code(e.statusCode).send(e.toBody());
    }
  });

  const collectionOf = (request: FastifyRequest): CollectionDef => {
    const name = (request.params as { collection?: string }).collection ?? '';
    const def = collectionsByName.get(name);
    if (!def) throw errors.unknownCollection(name);
    return def;
  };

  const pull = async (def: CollectionDef, request: FastifyRequest, input: { checkpoint: SyncCheckpoint | null; batchSize: number; count?: boolean }) => {
    const caller = requireDeviceUser(request.caller);
    const scope = pullScope(caller, def);
    await checkPurgeHorizon(db, def, input.checkpoint, scope);
    const result: PullResponse = await pullChanges(db, def, input.checkpoint, input.batchSize, scope, { count: input.count === true });
    return result;
  };

  app.get('/sync/:collection/pull', async (request) => {
    const def = collectionOf(request);
    return pull(def, request, parsePullQuery(request.query as Record<string, unknown>));
  });

  /** A record with files is accepted only once HQ holds each file for the record's branch
   *  (the laptop uploads them first), so no laptop ever pulls a record whose files it cannot get. */
  const requireFilesAtHq = async (def: CollectionDef, rows: PushRow[]): Promise<void> => {
    if (!ATTACHMENT_COLLECTIONS.has(def.name)) return;
    for (const [index, row] of rows.entries()) {
      const doc = row.newDocumentState;
      if (doc._deleted) continue;
      for (const [attachmentId, stub] of attachmentStubs(doc)) {
        const branchId = typeof doc.branchId === 'string' ? doc.branchId : '';
        if (!(await hasAttachment(db, stub.digest, [branchId]))) {
          throw new HqError(
            409,
            'ATTACHMENT_MISSING',
            `Document ${doc.id}: file ${attachmentId} (${stub.digest}) has not been uploaded for branch ${branchId}; upload it to /attachments first. Nothing of this batch was stored.`,
            'لم يصل ملف مرفق بأحد السجلات إلى المركز بعد، فلم يُحفظ شيء من هذه الدفعة. ستُعاد المزامنة تلقائيًا بعد رفع الملف.',
            { index, documentId: doc.id, attachmentId, digest: stub.digest },
          );
        }
      }
    }
  };

  app.post('/sync/:collection/pull', async (request) => {
    const def = collectionOf(request);
    return pull(def, request, parsePullBody(request.body));
  });

  app.post('/sync/:collection/push', async (request) => {
    const def = collectionOf(request);
    const caller = requireDeviceUser(request.caller);
    const rows = validatePushBody(def, request.body);
    await requireFilesAtHq(def, rows);
    const hooks = syncPushHooks(def, caller);
    const outcome = await pushChanges(db, def, rows, (index, doc, stored) => authorizeRow(caller, def, index, doc, stored), hooks);
    for (const d of hooks.destructions) {
      // ids and counts only: never a personal value in the logs
      request.log.warn({ beneficiaryId: d.beneficiaryId, auditEntryId: d.auditEntryId, userId: caller.userId, deviceId: caller.deviceId, records: d.recordCount, filesDeleted: d.filesDeleted }, 'pdpl destruction carried out');
    }
    request.log.info(
      {
        collection: def.name,
        userId: caller.userId,
        deviceId: caller.deviceId,
        rows: rows.length,
        written: outcome.written,
        unchanged: outcome.unchanged,
        conflicts: outcome.conflicts.length,
      },
      'push',
    );
    const response: PushResponse = outcome.conflicts;
    return response;
  });

  // ---- files, stored once by content hash ----
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: MAX_ATTACHMENT_BYTES }, (_request, body, done) => {
    done(null, body);
  });
  const attachmentScope = (request: FastifyRequest): 'all' | string[] => {
    const caller = requireDeviceUser(request.caller);
    return caller.role === 'hq_admin' ? 'all' : caller.branchIds;
  };
  app.head('/attachments/:sha256', async (request, reply) => {
    const sha = checkSha256((request.params as { sha256?: string }).sha256);
    const branchId = (request.query as { branchId?: unknown }).branchId;
    const caller = requireDeviceUser(request.caller);
    const scope = typeof branchId === 'string' ? [uploadBranch(caller, branchId)] : attachmentScope(request);
    return reply.code((await hasAttachment(db, sha, scope)) ? 200 : 404).send();
  });
  app.put('/attachments/:sha256', async (request, reply) => {
    const sha = checkSha256((request.params as { sha256?: string }).sha256);
    const caller = requireDeviceUser(request.caller);
    const branchId = uploadBranch(caller, (request.query as { branchId?: unknown }).branchId);
    if (!Buffer.isBuffer(request.body)) throw errors.unsupportedMediaType();
    const result = await putAttachment(db, sha, request.body, 'application/octet-stream', branchId, caller.userId);
    request.log.info({ sha256: sha, bytes: request.body.length, branchId, ...result }, 'attachment');
    return reply.code(result.stored ? 201 : 200).send({ sha256: sha, ...result });
  });
  app.get('/attachments/:sha256', async (request, reply) => {
    const sha = checkSha256((request.params as { sha256?: string }).sha256);
    const found = await getAttachment(db, sha, attachmentScope(request));
    if (!found) {
      const e = new HqError(404, 'NOT_FOUND', `No attachment ${sha} for your branches.`, 'الملف غير موجود في المركز لفروعك. قد لا يكون رُفع بعد؛ أعد المحاولة بعد المزامنة.');
      return reply.code(404).send(e.toBody());
    }
    return reply.type('application/octet-stream').header('cache-control', 'private, max-age=31536000, immutable').send(found.bytes);
  });

  // ---- accounts ----
  app.post('/auth/sign-in', async (request) => signIn(o.auth, request.body, request.ip));
  app.post('/auth/refresh', async (request) => refreshTokens(o.auth, request.body));
  app.post('/auth/sign-out', async (request, reply) => {
    await signOut(db, request.body);
    return reply.code(204).send();
  });
  app.post('/auth/change-password', async (request) => {
    const c = request.caller;
    if (c.kind !== 'user') throw errors.unauthenticated('no access token');
    const { revokedRefreshTokens, ...tokens } = await changeUserPassword(o.auth, c, request.body, request.ip, o.passwordHash);
    request.log.info({ userId: c.userId, deviceId: c.deviceId, revokedRefreshTokens }, 'password changed');
    return tokens;
  });
  app.get('/auth/me', async (request) => {
    const c = request.caller;
    if (c.kind !== 'user') throw errors.unauthenticated('no access token');
    return { userId: c.userId, role: c.role, branchIds: c.branchIds, deviceId: c.deviceId };
  });

  // ---- administration (hq_admin tokens) ----
  app.get('/admin/branches', async (request) => {
    requireAdmin(request.caller);
    return listBranches(db);
  });
  app.post('/admin/branches', async (request, reply) => {
    requireAdmin(request.caller);
    const created = await createBranch(db, request.body);
    await publishBranches(db, [created.id], (branchId, reason) => request.log.warn({ branchId, reason }, 'branch not published'));
    return reply.code(201).send(created);
  });
  app.get('/admin/users', async (request) => {
    requireAdmin(request.caller);
    return listUsers(db);
  });
  app.post('/admin/users', async (request, reply) => {
    requireAdmin(request.caller);
    const user = await createUser(db, request.body, o.passwordHash);
    await publishUsers(db, [user.id], (userId, reason) => request.log.warn({ userId, reason }, 'user not published'));
    return reply.code(201).send(user);
  });
  app.post('/admin/users/:id/deactivate', async (request, reply) => {
    requireAdmin(request.caller);
    const userId = String((request.params as { id: string }).id);
    await setUserActive(db, userId, false);
    await publishUsers(db, [userId]);
    return reply.code(204).send();
  });
  app.get('/admin/destructions', async (request) => {
    requireAdmin(request.caller);
    return listDestructions(db);
  });
  app.get('/admin/devices', async (request) => {
    requireAdmin(request.caller);
    return listDevices(db);
  });
  app.post('/admin/devices/:id/revoke', async (request) => {
    const admin = requireAdmin(request.caller);
    const device = await revokeDevice(db, String((request.params as { id: string }).id), admin.userId);
    await db.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, JSON.stringify({ revokedDevice: device.id })]);
    request.log.warn({ deviceId: device.id, by: admin.userId }, 'device revoked');
    return device;
  });

  /**
   * Open a Server-Sent-Events response fed by the change feed of `feeds` (each with the
   * caller's pull scope). Every refusal must have been thrown before: after `hijack` the
   * response is ours. `tagged`: name each event's collection in the SSE `event:` field (the
   * multiplexed stream); otherwise plain `data:` events (a collection's own stream).
   */
  const openEventStream = (
    request: FastifyRequest,
    reply: FastifyReply,
    caller: UserCaller,
    feeds: { def: CollectionDef; scope: 'all' | string[] }[],
    tagged: boolean,
  ) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...(reply.getHeaders() as OutgoingHttpHeaders),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    streams.add(res);
    const deviceId = caller.deviceId ?? '';
    let byDevice = o.streamsByDevice.get(deviceId);
    if (!byDevice) o.streamsByDevice.set(deviceId, (byDevice = new Set()));
    byDevice.add(res);
    const write = (chunk: string) => {
      if (res.writableEnded || res.destroyed) return;
      // A client that stops reading is dropped; it reconnects and resyncs from its checkpoint.
      if (res.writableLength > SSE_MAX_BUFFER) {
        res.destroy();
        return;
      }
      res.write(chunk);
    };
    const unsubscribes = feeds.map(({ def, scope }) =>
      feed.subscribe(def, {
        send: (message: StreamMessage) => write(`${tagged ? `event: ${def.name}\n` : ''}data: ${JSON.stringify(message)}\n\n`),
        visible: (row) => inScope(scope, row),
      }),
    );
    const ping = setInterval(() => write(': ping\n\n'), SSE_PING_MS);
    const cleanup = () => {
      clearInterval(ping);
      for (const unsubscribe of unsubscribes) unsubscribe();
      streams.delete(res);
      byDevice.delete(res);
      if (byDevice.size === 0 && o.streamsByDevice.get(deviceId) === byDevice) o.streamsByDevice.delete(deviceId);
    };
    res.on('close', cleanup);
    request.log.info({ collections: feeds.map((f) => f.def.name) }, 'stream opened');
  };

  // No HEAD twin for the event streams (Fastify adds one to every GET route): a HEAD response
  // has no body to end, so it would hold the connection and a feed subscription open for good.
  const streamRoute = { exposeHeadRoute: false };
  app.get('/sync/:collection/stream', streamRoute, (request, reply: FastifyReply) => {
    const def = collectionOf(request);
    const caller = requireDeviceUser(request.caller);
    openEventStream(request, reply, caller, [{ def, scope: pullScope(caller, def) }], false);
  });

  // One connection for many collections (shared/sync/protocol.ts): each collection is checked
  // exactly like its own stream, and any refusal refuses the whole request.
  app.get(MULTIPLEX_STREAM_PATH, streamRoute, (request, reply: FastifyReply) => {
    const names = parseStreamCollections((request.query as Record<string, unknown>).collections);
    const caller = requireDeviceUser(request.caller);
    const feeds = names.map((name) => {
      const def = collectionsByName.get(name);
      if (!def) throw errors.unknownCollection(name);
      return { def, scope: pullScope(caller, def) };
    });
    openEventStream(request, reply, caller, feeds, true);
  });
}

/** `?collections=a,b,c`: 1 to MAX_STREAM_COLLECTIONS names, duplicates ignored. */
export function parseStreamCollections(raw: unknown): string[] {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw errors.malformed('List the collections to stream: ?collections=name1,name2');
  }
  const names = [...new Set(raw.split(',').map((n) => n.trim()))];
  if (names.some((n) => n === '')) throw errors.malformed('A collection name in ?collections= is empty.');
  if (names.length > MAX_STREAM_COLLECTIONS) throw errors.malformed(`At most ${MAX_STREAM_COLLECTIONS} collections per stream.`);
  return names;
}

function toHqError(error: unknown, bodyLimit: number): HqError {
  if (error instanceof HqError) return error;
  const e = error as Partial<FastifyError> & { code?: string };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.statusCode === 413) return errors.payloadTooLarge(bodyLimit);
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e.statusCode === 415) return errors.unsupportedMediaType();
  if (e.code === '57014') return errors.timeout(); // PostgreSQL statement_timeout
  if (e.code === '22P05' || e.code === '22021') {
    return errors.malformed('The request contains text PostgreSQL cannot store (e.g. a NUL character).');
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    // Fastify's own client errors (invalid JSON, empty body, bad content length…).
    return errors.malformed(`Malformed request: ${e.message ?? 'bad request'}`);
  }
  return errors.internal();
}

function badPull(message: string): HqError {
  return errors.malformed(message);
}

function parseBatchSize(raw: unknown): number {
  if (raw === undefined || raw === null || raw === '') return DEFAULT_PULL_BATCH_SIZE;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_PULL_BATCH_SIZE) {
    throw badPull(`batchSize must be an integer from 1 to ${MAX_PULL_BATCH_SIZE}.`);
  }
  return n;
}

function parseCheckpoint(raw: unknown): SyncCheckpoint | null {
  if (raw === undefined || raw === null) return null;
  if (!isSyncCheckpoint(raw)) throw badPull('checkpoint must be null or { id: string, seq: non-negative integer }.');
  return { id: raw.id, seq: raw.seq };
}

/** GET ?seq=&id=&batchSize= (or ?checkpoint=<JSON>&batchSize=). No seq means "from the start". */
export function parsePullQuery(query: Record<string, unknown>): { checkpoint: SyncCheckpoint | null; batchSize: number; count?: true } {
  const batchSize = parseBatchSize(query.batchSize);
  // count=1: also say how many documents are left after the checkpoint (resumed first sync).
  if (query.count !== undefined && query.count !== '1') throw badPull('count must be 1 when given.');
  return { checkpoint: pullQueryCheckpoint(query), batchSize, ...(query.count === '1' ? { count: true as const } : {}) };
}

function pullQueryCheckpoint(query: Record<string, unknown>): SyncCheckpoint | null {
  if (typeof query.checkpoint === 'string' && query.checkpoint !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(query.checkpoint);
    } catch {
      throw badPull('checkpoint must be JSON.');
    }
    return parseCheckpoint(parsed);
  }
  if (query.seq === undefined || query.seq === '') return null;
  if (typeof query.seq !== 'string' || !/^\d{1,15}$/.test(query.seq)) {
    throw badPull('seq must be a non-negative integer.');
  }
  return { id: typeof query.id === 'string' ? query.id : '', seq: Number(query.seq) };
}

export function parsePullBody(body: unknown): { checkpoint: SyncCheckpoint | null; batchSize: number } {
  if (body === undefined || body === null) return { checkpoint: null, batchSize: DEFAULT_PULL_BATCH_SIZE };
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw badPull('The pull body must be an object { checkpoint, batchSize }.');
  }
  const b = body as Record<string, unknown>;
  return { checkpoint: parseCheckpoint(b.checkpoint), batchSize: parseBatchSize(b.batchSize) };
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
