/**
 * HQ publishes its user directory (who someone is and what they may do — never a password, key
 * or username) to every laptop as `hq_config` entries of kind `user`, like the branches
 * (hq/branch-config.ts). Laptops use it to list the research-committee members who may be
 * recorded as present at a decision, and to name the person behind each version of a sync
 * conflict. Run at start-up and whenever an account is created or deactivated; an entry is
 * rewritten only when it changed.
 */
import { hqConfig, validateDocument, type HqConfigEntry, type Role } from '../shared/schema';
import { jsonDeepEqual, type SyncDocument } from '../shared/sync/protocol';
import type { Database } from './db';
import { pushChanges } from './store';

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
  const { rows: stored } = await db.query<{ id: string; doc: SyncDocument | string }>(
    "SELECT id, doc FROM sync_documents WHERE collection = 'hq_config' AND id = ANY($1::text[])",
    [rows.map((r) => userConfigId(r.id))],
  );
  const storedById = new Map(stored.map((r) => [r.id, typeof r.doc === 'string' ? (JSON.parse(r.doc) as SyncDocument) : r.doc]));
  const at = new Date().toISOString();
  const pushes: { newDocumentState: SyncDocument; assumedMasterState?: SyncDocument }[] = [];
  for (const row of rows) {
    const entry = entryOf(row, at);
    const current = storedById.get(entry.id);
    if (current && jsonDeepEqual(content(current), content(entry))) continue;
    const checked = validateDocument(hqConfig, entry);
    if (!checked.ok) {
      onSkip?.(row.id, checked.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
      continue;
    }
    const next = current ? { ...entry, createdAt: String((current as Record<string, unknown>).createdAt ?? at) } : entry;
    pushes.push(current ? { newDocumentState: next as SyncDocument, assumedMasterState: current } : { newDocumentState: next as SyncDocument });
  }
  if (pushes.length === 0) return 0;
  return (await pushChanges(db, hqConfig, pushes)).written;
}
