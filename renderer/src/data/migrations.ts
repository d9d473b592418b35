/**
 * Schema upgrades of the local store. When a collection's `version` goes up in shared/schema,
 * add a strategy here for every step: `{ 1: (oldDoc) => newDoc, 2: … }` (RxDB's
 * migration-schema plugin). RxDB runs them when the database opens, document by document
 * (keeping `_meta`, so the replication still knows which changes HQ has not seen), then removes
 * the old version's storage. A strategy returns null only to drop a document on purpose.
 *
 * test/unit/renderer/store-migration.test.ts exercises the mechanism with a v1 → v2 pair (RxDB
 * versions 0 → 1) and the registry's own steps below.
 */
import type { MigrationStrategies } from 'rxdb';

export const migrationStrategies: Readonly<Record<string, MigrationStrategies>> = {
  // 1: deliveries may carry `evaluationLinks` (printed evaluation QR codes); older ones have none.
  service_deliveries: { 1: (doc: Record<string, unknown>) => doc },
  // 1: conflicts record who made each version and when (optional fields; older ones have none).
  sync_conflicts: { 1: (doc: Record<string, unknown>) => doc },
};
