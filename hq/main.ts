/**
 * `npm run hq` — start the HQ sync service.
 *
 * Environment:
 *   PORT                  default 8787
 *   HOST                  default 127.0.0.1 (set 0.0.0.0 to serve the network, behind TLS)
 *   DATABASE_URL          postgres://… ; without it embedded PGlite is used
 *   SILA_HQ_DATA          PGlite data directory, default ./.hq-data
 *   SILA_ALLOWED_ORIGINS  extra browser origins, comma separated
 *   LOG_LEVEL             default info (JSON lines on stdout: one object per request/event)
 *   SILA_TOKEN_SIGNING_KEYS  kid:base64secret[,kid:base64secret…] (first signs); default: keys
 *                         kept in the database (shared by every instance, rotate with
 *                         `npm run hq:admin -- rotate-signing-key`)
 *   SILA_TOMBSTONE_RETENTION_DAYS  default 730 (min 30); 0 disables purging
 *   SILA_BODY_LIMIT_BYTES default 8388608
 *   SILA_TRUST_PROXY      TLS proxy address(es) whose X-Forwarded-For is trusted
 *   SILA_LOCAL_SETUP=1    on an empty PGlite HQ, create branch 'main', an administrator and a branch
 *                         employee with random passwords (hq/first-run.ts); `npm start` sets it
 * First administrator otherwise: `npm run hq:admin -- create-admin --username …` (see docs/hq-operations.md).
 */
import { resolve } from 'node:path';
import { startHq } from './server';
import { ensureLocalSetup } from './first-run';

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 8787;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`PORT must be an integer from 0 to 65535 (got '${raw}').`);
  }
  return n;
}

async function main() {
  const env = process.env;
  const databaseUrl = env.DATABASE_URL || undefined;
  const dataDir = databaseUrl ? undefined : resolve(env.SILA_HQ_DATA || './.hq-data');
  if (env.SILA_LOCAL_SETUP === '1' && dataDir) {
    const created = await ensureLocalSetup(dataDir);
    if (created) {
      process.stdout.write(
        `\nFirst run: branch 'main' and these accounts were created (also in ${dataDir}/first-run-accounts.txt):\n` +
          created.map((a) => `  ${a.role.padEnd(13)} username: ${a.username}   password: ${a.password}\n`).join('') +
          '\n',
      );
    }
  }
  const hq = await startHq({
    port: parsePort(env.PORT),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    dataDir,
    logLevel: env.LOG_LEVEL || 'info',
    allowedOrigins: (env.SILA_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
    signingKeys: env.SILA_TOKEN_SIGNING_KEYS || undefined,
    tombstoneRetentionDays: env.SILA_TOMBSTONE_RETENTION_DAYS ? Number(env.SILA_TOMBSTONE_RETENTION_DAYS) : undefined,
    bodyLimit: env.SILA_BODY_LIMIT_BYTES ? Number(env.SILA_BODY_LIMIT_BYTES) : undefined,
    trustProxy: env.SILA_TRUST_PROXY || undefined,
  });
  process.stdout.write(`Sila HQ listening on ${hq.url}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Sila HQ stopping (${signal})\n`);
    hq.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`Sila HQ failed to stop cleanly: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Sila HQ failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
