/**
 * `npm run hq:admin -- <command> [options]` — HQ administration from the server's shell.
 * Uses the same database settings as `npm run hq` (DATABASE_URL, or SILA_HQ_DATA for PGlite;
 * a PGlite data directory is single-user: stop the HQ first). The same operations exist as
 * HTTP endpoints under /admin/ for HQ administrators.
 *
 * Commands:
 *   create-admin  --username U --display-name "N"           first (or another) HQ administrator
 *   create-branch --id riyadh-1 --name "فرع الرياض" [--name-en "Riyadh branch"] [--city "الرياض"]
 *   create-user   --username U --display-name "N" --role field_delegate --branches riyadh-1[,…]
 *   list-users | list-branches | list-devices
 *   revoke-device <deviceId>                                refused from now on, told to wipe
 *   deactivate-user <userId>
 *   rotate-signing-key                                      new access-token key (old verifies 15 min)
 *   purge-tombstones [--days 730]
 *   backup <file>                                           JSON lines, mode 0600
 *   restore <file>                                          into an EMPTY database
 * Passwords are read from the environment variable SILA_PASSWORD or, if unset, from the first
 * line of standard input (never from the command line, which other users can see).
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createBranch, createUser, listBranches, listDevices, listUsers, revokeDevice, rotateSigningKey, setUserActive } from './accounts';
import { backupDatabase, restoreDatabase } from './backup';
import { openDatabase } from './db';
import { HqError } from './errors';
import { runMigrations } from './migrations';
import { purgeTombstones } from './store';
import { publishBranches } from './branch-config';
import { publishUsers } from './user-config';

export interface CliIo {
  env: Record<string, string | undefined>;
  readPassword(): Promise<string>;
  out(line: string): void;
}

function parseArgs(argv: string[]): { command: string; positional: string[]; flags: Record<string, string> } {
  const [command = 'help', ...rest] = argv;
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a.startsWith('--')) {
      const key = a.slice(2);
      const next = rest[i + 1];
      if (next === undefined || next.startsWith('--')) flags[key] = 'true';
      else {
        flags[key] = next;
        i++;
      }
    } else positional.push(a);
  }
  return { command, positional, flags };
}

const USAGE = `Usage: npm run hq:admin -- <command>
  create-admin --username U --display-name "N"
  create-branch --id ID --name "N" [--name-en "English name"] [--city "C"]
  create-user --username U --display-name "N" --role ROLE --branches B1[,B2]
  list-users | list-branches | list-devices
  revoke-device DEVICE_ID | deactivate-user USER_ID
  rotate-signing-key | purge-tombstones [--days N]
  backup FILE | restore FILE
Password: SILA_PASSWORD or the first line of standard input.`;

export async function runAdminCommand(argv: string[], io: CliIo): Promise<number> {
  const { command, positional, flags } = parseArgs(argv);
  if (command === 'help' || command === '--help') {
    io.out(USAGE);
    return 0;
  }
  const databaseUrl = io.env.DATABASE_URL || undefined;
  const db = await openDatabase({ databaseUrl, dataDir: databaseUrl ? undefined : resolve(io.env.SILA_HQ_DATA || './.hq-data') });
  try {
    await runMigrations(db);
    const need = (name: string) => {
      const v = flags[name] ?? positional.shift();
      if (!v || v === 'true') throw new Error(`Missing --${name}.\n${USAGE}`);
      return v;
    };
    const password = async () => io.env.SILA_PASSWORD ?? (await io.readPassword());
    switch (command) {
      case 'create-admin': {
        const u = await createUser(db, { username: need('username'), displayName: flags['display-name'] ?? flags.username, role: 'hq_admin', branchIds: [], password: await password() });
        await publishUsers(db, [u.id]);
        io.out(`Created HQ administrator ${u.username} (${u.id}).`);
        return 0;
      }
      case 'create-branch': {
        const b = await createBranch(db, { id: need('id'), name: need('name'), nameEn: flags['name-en'], city: flags.city });
        await publishBranches(db, [b.id]); // laptops learn its names at their next sync
        io.out(`Created branch ${b.id} (${b.name}).`);
        return 0;
      }
      case 'create-user': {
        const branches = (flags.branches ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        const u = await createUser(db, { username: need('username'), displayName: flags['display-name'] ?? flags.username, role: need('role'), branchIds: branches, password: await password() });
        await publishUsers(db, [u.id]); // laptops see the new colleague at their next sync
        io.out(`Created ${u.role} ${u.username} (${u.id}) for ${u.branchIds.join(', ') || 'all branches'}.`);
        return 0;
      }
      case 'list-users':
        for (const u of await listUsers(db)) io.out(`${u.id}\t${u.username}\t${u.role}\t${u.branchIds.join(',')}\t${u.active ? 'active' : 'inactive'}`);
        return 0;
      case 'list-branches':
        for (const b of await listBranches(db)) io.out(`${b.id}\t${b.name}\t${b.city}`);
        return 0;
      case 'list-devices':
        for (const d of await listDevices(db)) io.out(`${d.id}\t${d.label}\t${d.registeredBy}\t${d.lastSeenAt ?? '-'}\t${d.revokedAt ? `revoked ${d.revokedAt}` : 'active'}`);
        return 0;
      case 'revoke-device': {
        const d = await revokeDevice(db, need('device'), 'cli');
        // Tell running HQ instances (PostgreSQL) to close the device's streams now.
        await db.query('SELECT pg_notify($1, $2)', ['sila_sync_changes', JSON.stringify({ revokedDevice: d.id })]);
        io.out(`Device ${d.id} revoked at ${d.revokedAt}. It will be told to wipe its data at its next contact.`);
        return 0;
      }
      case 'deactivate-user':
        await setUserActive(db, need('user'), false);
        await publishUsers(db, [need('user')]);
        io.out('User deactivated; their refresh tokens are revoked.');
        return 0;
      case 'rotate-signing-key':
        io.out(`New signing key ${await rotateSigningKey(db)}; the previous one verifies tokens for 15 more minutes.`);
        return 0;
      case 'purge-tombstones': {
        const days = Number(flags.days ?? io.env.SILA_TOMBSTONE_RETENTION_DAYS ?? 730);
        io.out(`Purged ${await purgeTombstones(db, days)} tombstones older than ${days} days.`);
        return 0;
      }
      case 'backup': {
        const file = resolve(need('file'));
        const s = await backupDatabase(db, file);
        io.out(`Backup written to ${file}: ${JSON.stringify(s.rows)} (sequence ${s.seq}).`);
        return 0;
      }
      case 'restore': {
        const file = resolve(need('file'));
        const s = await restoreDatabase(db, file);
        io.out(`Restored from ${file}: ${JSON.stringify(s.rows)} (sequence ${s.seq}).`);
        return 0;
      }
      default:
        io.out(`Unknown command '${command}'.\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof HqError) {
      io.out(`${err.message}\n${err.messageAr}`);
      return 1;
    }
    io.out(err instanceof Error ? err.message : String(err));
    return 1;
  } finally {
    await db.close();
  }
}

async function readFirstLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

const isMain = process.argv[1] !== undefined && /admin-cli\.[tj]s$/.test(process.argv[1]);
if (isMain) {
  runAdminCommand(process.argv.slice(2), {
    env: process.env,
    readPassword: readFirstLine,
    out: (line) => process.stdout.write(line + '\n'),
  }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
