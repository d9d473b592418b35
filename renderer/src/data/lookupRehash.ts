/**
 * Re-keying the beneficiaries' lookup hashes (idHash/phoneHash) when the lookup key changes —
 * from the per-user key laptops used before HQ handed out the association's key, or to a new
 * association key. One pass over the local beneficiaries after unlock: every record whose
 * hashes differ from the ones the current key gives is patched (only those two fields; the
 * record's bookkeeping stays as it was, so it is not an edit by this user) and the patch syncs
 * like any write, so HQ and the other laptops get the association-wide hashes too.
 *
 * Records this user may not update (another branch's, or a read-only role) are left alone:
 * their own branch's laptops re-key them. The pass is audited once (no personal data, no
 * counts in the chain) and logged with counts only.
 *
 *   const r = await rehashLookupHashes(db, actor, session.lookupKey);
 */
import type { RxCollection, RxDocument } from 'rxdb';
import { canUpdate } from '../../../shared/access';
import { collectionIn, recordAudit, type RecordAuditOptions, type StoreDatabase } from './audit';
import { beneficiaryLookupHashes, type RecordActor } from './records';

export interface RehashResult {
  /** Beneficiaries looked at. */
  checked: number;
  /** Records whose hashes were rewritten. */
  rehashed: number;
  /** Records with stale hashes this user may not update (left to their branch). */
  skipped: number;
  /** Records whose patch failed (kept as they were; the next pass retries). */
  failed: number;
}

const BATCH = 50;

export async function rehashLookupHashes(db: StoreDatabase, actor: RecordActor, lookupKey: CryptoKey, options: RecordAuditOptions = {}): Promise<RehashResult> {
  const collection = collectionIn(db, 'beneficiaries') as RxCollection | undefined;
  const result: RehashResult = { checked: 0, rehashed: 0, skipped: 0, failed: 0 };
  if (!collection) return result;
  const docs = (await collection.find().exec()) as RxDocument<Record<string, unknown>>[];
  const stale: RxDocument<Record<string, unknown>>[] = [];
  for (const doc of docs) {
    result.checked++;
    const data = doc.toJSON() as Record<string, unknown>;
    const patch = await beneficiaryLookupHashes(lookupKey, data);
    if (patch.idHash === data.idHash && patch.phoneHash === data.phoneHash) continue;
    const branch = typeof data.branchId === 'string' ? { branchId: data.branchId } : {};
    if (!canUpdate(actor, 'beneficiaries', branch, branch).allowed) {
      result.skipped++;
      continue;
    }
    stale.push(doc);
  }
  for (let i = 0; i < stale.length; i += BATCH) {
    // Recomputed on the latest revision, so an edit that landed meanwhile keeps its own hashes.
    const outcomes = await Promise.allSettled(
      stale.slice(i, i + BATCH).map((doc) => doc.incrementalModify(async (data) => ({ ...data, ...(await beneficiaryLookupHashes(lookupKey, data as { nationalId?: unknown; phone?: unknown })) }))),
    );
    for (const o of outcomes) {
      if (o.status === 'fulfilled') result.rehashed++;
      else result.failed++;
    }
  }
  if (result.rehashed > 0) {
    await recordAudit(
      db,
      { userId: actor.userId, role: actor.role, branchId: actor.branchId },
      { action: 'update', collectionName: 'beneficiaries', docId: '', summary: 'lookup hashes of ID and phone re-keyed after a lookup key change' },
      options,
    ).catch((err: unknown) => console.error('audit of the lookup re-key failed', err));
  }
  // Counts only: no id, name, number or hash.
  console.info('lookup hashes re-keyed', { ...result });
  return result;
}
