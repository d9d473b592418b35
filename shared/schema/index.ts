/** The registry of every synced collection (at most 12: RxDB's free tier opens 13 per realm). */
import { beneficiaries } from './beneficiary';
import { supportRequests } from './supportRequest';
import { interviews } from './interview';
import { documents } from './document';
import { declarations } from './declaration';
import { committeeDecisions } from './committeeDecision';
import { serviceDeliveries } from './serviceDelivery';
import { satisfactionEvaluations } from './satisfactionEvaluation';
import { contactLogs } from './contactLog';
import { auditEntries } from './auditEntry';
import { hqConfig } from './hqConfig';
import { syncConflicts } from './syncConflict';
import type { CollectionDef } from './collection';

export * from './collection';
export * from './base';
// Field builders stay internal (generic names like text/ref); import './fields' directly to build a schema.
export { ISO_INSTANT_PATTERN } from './fields';
export * from './beneficiary';
export * from './supportRequest';
export * from './interview';
export * from './document';
export * from './declaration';
export * from './committeeDecision';
export * from './serviceDelivery';
export * from './satisfactionEvaluation';
export * from './contactLog';
export * from './auditEntry';
export * from './hqConfig';
export * from './syncConflict';

/** The RxDB free tier opens at most 13 collections per realm; Sila keeps one spare. */
export const MAX_COLLECTIONS = 12;

export const collections = [
  beneficiaries,
  supportRequests,
  interviews,
  documents,
  declarations,
  committeeDecisions,
  serviceDeliveries,
  satisfactionEvaluations,
  contactLogs,
  auditEntries,
  hqConfig,
  syncConflicts,
] as const satisfies readonly CollectionDef[];

export const collectionsByName: ReadonlyMap<string, CollectionDef> = new Map(
  collections.map((c) => [c.name, c as CollectionDef]),
);
