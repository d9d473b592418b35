/**
 * HQ publishes its user directory (who someone is and what they may do — never a password, key
 * or username) to every laptop as `hq_config` entries of kind `user`, like the branches
 * (hq/branch-config.ts). Laptops use it to list the research-committee members who may be
 * recorded as present at a decision, and to name the person behind each version of a sync
 * conflict. Run at start-up and whenever an account is created or deactivated; an entry is
 * rewritten only when it changed.
 */
import type { HqConfigEntry, Role } from '../shared/schema';
import type { SyncDocument } from '../shared/sync/protocol';
import { writeConfigEntries } from './branch-config';
import type { Database } from './db';

interface UserRow {
  id: string;
  display_name: string;
  role: string;
  branch_ids: string[] | string;
  active: boolean;
}

/** The hq_config document id of a user's directory entry. */
export function userConfigId(userId: string): string {
  return `user-${userId}`.slice(0, 64);
}

function branchIdsOf(row: UserRow): string[] {
  const v = typeof row.branch_ids === 'string' ? (JSON.parse(row.branch_ids) as unknown) : row.branch_ids;
  return Array.isArray(v) ? v.filter((b): b is string => typeof b === 'string') : [];
}

function entryOf(row: UserRow, at: string): HqConfigEntry & { _deleted: false } {
  const branchIds = branchIdsOf(row);
  return {
    id: userConfigId(row.id),
    createdAt: at,
    updatedAt: at,
    updatedBy: 'hq',
    kind: 'user',
    ...(branchIds[0] ? { branchId: branchIds[0] } : {}),
    user: { userId: row.id, displayName: row.display_name, role: row.role as Role, branchIds, active: row.active },
    _deleted: false,
  };
}

function content(doc: SyncDocument | HqConfigEntry): unknown {
  const d = doc as Record<string, unknown>;
  return { kind: d.kind, branchId: d.branchId, user: d.user, deleted: d._deleted === true };
}

/**
 * Publishes every user (or those named) whose entry is missing or out of date; returns how many
 * entries were written. An entry that fails the shared schema is skipped and reported.
 */
export async function publishUsers(db: Database, only?: readonly string[], onSkip?: (userId: string, reason: string) => void): Promise<number> {
  const { rows } = await db.query<UserRow>(
    only
      ? 'SELECT id, display_name, role, branch_ids, active FROM hq_users WHERE id = ANY($1::text[]) ORDER BY id'
      : 'SELECT id, display_name, role, branch_ids, active FROM hq_users ORDER BY id',
    only ? [[...only]] : [],
  );
  if (rows.length === 0) return 0;
  const at = new Date().toISOString();
  return writeConfigEntries(db, rows.map((r) => ({ key: r.id, entry: entryOf(r, at) })), content, at, onSkip);
}
