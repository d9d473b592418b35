/**
 * Local first run (`npm start` on a fresh machine): an HQ with no accounts at all gets one
 * branch and two accounts so a person can sign in and work straight away — an HQ
 * administrator and a branch employee of that branch — each with a random password written
 * once to `<dataDir>/first-run-accounts.txt` (mode 0600) and printed to the console.
 *
 * Only when asked (SILA_LOCAL_SETUP=1, which `npm start` sets for its embedded HQ on
 * loopback) and only while the accounts table is empty: a production HQ creates its first
 * administrator with `npm run hq:admin -- create-admin` instead.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createBranch, createUser } from './accounts';
import { openDatabase } from './db';
import { runMigrations } from './migrations';

export interface FirstRunAccount {
  username: string;
  password: string;
  role: 'hq_admin' | 'branch_staff';
}

/** 16 characters from an unambiguous alphabet (~80 bits). */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(16);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Creates the first branch and accounts in an empty PGlite data directory; returns them, or null if accounts exist. */
export async function ensureLocalSetup(dataDir: string): Promise<FirstRunAccount[] | null> {
  const db = await openDatabase({ dataDir });
  try {
    await runMigrations(db);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM hq_users');
    if (Number(rows[0]?.n ?? 0) > 0) return null;
    await createBranch(db, { id: 'main', name: 'الفرع الرئيس', city: 'الرياض' });
    const accounts: FirstRunAccount[] = [
      { username: 'admin', password: generatePassword(), role: 'hq_admin' },
      { username: 'staff', password: generatePassword(), role: 'branch_staff' },
    ];
    await createUser(db, { username: 'admin', displayName: 'مدير النظام', role: 'hq_admin', branchIds: [], password: accounts[0]!.password });
    await createUser(db, { username: 'staff', displayName: 'موظف الفرع الرئيس', role: 'branch_staff', branchIds: ['main'], password: accounts[1]!.password });
    const text = [
      'Sila — first-run accounts on this machine (صلة — حسابات التشغيل الأول)',
      'Change them, or create the real users with `npm run hq:admin`, before real data is entered.',
      '',
      ...accounts.map((a) => `${a.role}\tusername: ${a.username}\tpassword: ${a.password}`),
      '',
    ].join('\n');
    await writeFile(join(dataDir, 'first-run-accounts.txt'), text, { mode: 0o600 });
    return accounts;
  } finally {
    await db.close();
  }
}
