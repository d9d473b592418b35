/** The registry of every synced collection (at most 12: RxDB's free tier opens 13 per realm). */
import { beneficiaries } from './beneficiary';
import type { CollectionDef } from './collection';

export * from './collection';
export * from './base';
export * from './beneficiary';

export const collections = [beneficiaries] as const satisfies readonly CollectionDef[];
export const collectionsByName: ReadonlyMap<string, CollectionDef> = new Map(
  collections.map((c) => [c.name, c as CollectionDef]),
);
