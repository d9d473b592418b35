/**
 * Schema upgrades of the local store. When a collection's `version` goes up in shared/schema,
 * add a strategy here for every step: `{ 1: (oldDoc) => newDoc, 2: … }` (RxDB's
 * migration-schema plugin). RxDB runs them when the database opens, document by document
 * (keeping `_meta`, so the replication still knows which changes HQ has not seen), then removes
 * the old version's storage. A strategy returns null only to drop a document on purpose.
 *
 * Every registry collection is at version 0 today; test/unit/renderer/store-migration.test.ts
 * exercises the mechanism with a v1 → v2 pair (RxDB versions 0 → 1).
 */
import type { MigrationStrategies } from 'rxdb';

export const migrationStrategies: Readonly<Record<string, MigrationStrategies>> = {};
