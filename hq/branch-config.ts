/**
 * HQ publishes its branches (hq_branches) to every laptop as `hq_config` entries of kind
 * `branch` — like the devices' public keys (hq/accounts.ts publishDeviceKey) — so reports, the
 * reception's "other branch" badges and filters show «فرع الرياض» / "Riyadh branch" instead of
 * a branch code. Run at start-up and after a branch is created (admin API or CLI); an entry is
 * rewritten only when the branch changed, through the replication store (sequence, NOTIFY).
 */
import { hqConfig, validateDocument, type HqConfigEntry } from '../shared/schema';
import { jsonDeepEqual, type SyncDocument } from '../shared/sync/protocol';
import type { Database } from './db';
import { pushChanges } from './store';

/** Written when a branch was created without a city (the entry requires one). */
export const UNKNOWN_CITY = 'غير محددة';

interface BranchRow {
  id: string;
  name: string;
  name_en: string;
  city: string;
  active: boolean;
}

/** The hq_config document id of a branch's entry. */
export function branchConfigId(branchId: string): string {
  return `branch-${branchId}`.slice(0, 64);
}

function entryOf(row: BranchRow, at: string): HqConfigEntry & { _deleted: false } {
  return {
    id: branchConfigId(row.id),
    createdAt: at,
    updatedAt: at,
    updatedBy: 'hq',
    kind: 'branch',
    branchId: row.id,
    branch: {
      name: row.name,
      ...(row.name_en.trim() ? { nameEn: row.name_en.trim() } : {}),
      city: row.city.trim() || UNKNOWN_CITY,
      active: row.active,
    },
    _deleted: false,
  };
}

/** What an entry says about its branch (timestamps aside). */
function content(doc: SyncDocument | HqConfigEntry): unknown {
  const d = doc as Record<string, unknown>;
  return { kind: d.kind, branchId: d.branchId, branch: d.branch, deleted: d._deleted === true };
}

/**
 * Publishes every branch (or those named) whose entry is missing or out of date. Returns how
 * many entries were written. A branch entry that fails validation (a name too long for the
 * shared schema) is skipped and reported, never half-written.
 */
export async function publishBranches(db: Database, only?: readonly string[], onSkip?: (branchId: string, reason: string) => void): Promise<number> {
  const { rows } = await db.query<BranchRow>(
    only ? 'SELECT id, name, name_en, city, active FROM hq_branches WHERE id = ANY($1::text[]) ORDER BY id' : 'SELECT id, name, name_en, city, active FROM hq_branches ORDER BY id',
    only ? [[...only]] : [],
  );
  if (rows.length === 0) return 0;
  const at = new Date().toISOString();
  return writeConfigEntries(db, rows.map((r) => ({ key: r.id, entry: entryOf(r, at) })), content, at, onSkip);
}

/**
 * Writes HQ-published hq_config entries through the replication store (sequence, NOTIFY): each
 * only when missing or when its `content` changed, keeping its creation time; an entry that fails
 * the shared schema is skipped and reported (`key` names it), never half-written. Returns how
 * many were written. Used for branches and for the user directory (hq/user-config.ts).
 */
export async function writeConfigEntries(
  db: Database,
  entries: readonly { key: string; entry: HqConfigEntry & { _deleted: false } }[],
  content: (doc: SyncDocument | HqConfigEntry) => unknown,
  at: string,
  onSkip?: (key: string, reason: string) => void,
): Promise<number> {
  if (entries.length === 0) return 0;
  const { rows: stored } = await db.query<{ id: string; doc: SyncDocument | string }>(
    "SELECT id, doc FROM sync_documents WHERE collection = 'hq_config' AND id = ANY($1::text[])",
    [entries.map((e) => e.entry.id)],
  );
  const storedById = new Map(stored.map((r) => [r.id, typeof r.doc === 'string' ? (JSON.parse(r.doc) as SyncDocument) : r.doc]));
  const pushes: { newDocumentState: SyncDocument; assumedMasterState?: SyncDocument }[] = [];
  for (const { key, entry } of entries) {
    const current = storedById.get(entry.id);
    if (current && jsonDeepEqual(content(current), content(entry))) continue;
    const checked = validateDocument(hqConfig, entry);
    if (!checked.ok) {
      onSkip?.(key, checked.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
      continue;
    }
    const next = current ? { ...entry, createdAt: String((current as Record<string, unknown>).createdAt ?? at) } : entry;
    pushes.push(current ? { newDocumentState: next as SyncDocument, assumedMasterState: current } : { newDocumentState: next as SyncDocument });
  }
  if (pushes.length === 0) return 0;
  return (await pushChanges(db, hqConfig, pushes)).written;
}
