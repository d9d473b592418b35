/**
 * HQ publishes its user directory (who someone is and what they may do — never a password, key
 * or username) to every laptop as `hq_config` entries of kind `user`, like the branches
 * (hq/branch-config.ts). Laptops use it to list the research-committee members who may be
 * recorded as present at a decision, and to name the person behind each version of a sync
 * conflict. Run at start-up and whenever an account is created or deactivated; an entry is
 * rewritten only when it changed.
 */
import type { HqConfigEntry } from '../shared/schema';
import type { SyncDocument } from '../shared/sync/protocol';
import { listUsers, type UserRecord } from './accounts';
import { writeConfigEntries } from './branch-config';
import type { Database } from './db';

/** The hq_config document id of a user's directory entry. */
export function userConfigId(userId: string): string {
  return `user-${userId}`.slice(0, 64);
}

function entryOf(user: UserRecord, at: string): HqConfigEntry & { _deleted: false } {
  return {
    id: userConfigId(user.id),
    createdAt: at,
    updatedAt: at,
    updatedBy: 'hq',
    kind: 'user',
    ...(user.branchIds[0] ? { branchId: user.branchIds[0] } : {}),
    user: { userId: user.id, displayName: user.displayName, role: user.role, branchIds: user.branchIds, active: user.active },
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
  const users = await listUsers(db, only);
  if (users.length === 0) return 0;
  const at = new Date().toISOString();
  return writeConfigEntries(db, users.map((u) => ({ key: u.id, entry: entryOf(u, at) })), content, at, onSkip);
}
