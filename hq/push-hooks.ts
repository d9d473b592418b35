/**
 * The extra steps of a push (hq/store.ts `PushHooks`), by collection:
 *   - declarations: HQ checks the device signature of every new declaration (hq/declarations.ts);
 *   - audit entries: a PDPL destruction request is carried out in the same transaction
 *     (hq/destruction.ts);
 *   - records of a data subject: a record of a destroyed beneficiary is stored as a destruction
 *     tombstone instead (hq/destruction.ts `destroyedAmong`).
 */
import type { CollectionDef } from '../shared/schema';
import type { UserCaller } from './auth';
import { checkDeclarationSignatures } from './declarations';
import { carryOutDestructions, destroyedAmong, type DestructionOutcome } from './destruction';
import type { PushHooks } from './store';

export interface SyncPushHooks extends PushHooks {
  /** Destructions carried out by this push (filled in when it commits). */
  readonly destructions: DestructionOutcome[];
}

export function syncPushHooks(def: CollectionDef, caller: UserCaller): SyncPushHooks {
  const destructions: DestructionOutcome[] = [];
  return {
    destructions,
    destroyed: (tx, docs) => destroyedAmong(tx, def, docs),
    ...(def.name === 'declarations' ? { check: (tx, rows, stored) => checkDeclarationSignatures(tx, caller, rows, stored) } : {}),
    ...(def.name === 'audit_entries'
      ? {
          afterWrite: async (tx, written) => {
            destructions.push(...(await carryOutDestructions(tx, caller, written)));
          },
        }
      : {}),
  };
}
