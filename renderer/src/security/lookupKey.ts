/**
 * The lookup key of an unlocked session (keyed hashes of ID numbers and phones): the
 * association's key from HQ when this user has one, and the re-keying of the local records
 * when the key changes — at unlock, or when HQ hands out a key during the session (the
 * background sign-in after an offline unlock, a password change).
 */
import type { RecordActor } from '../data/records';
import { setRecordKeys } from '../data/records';
import type { StoreDatabase } from '../data/audit';
import { rehashLookupHashes } from '../data/lookupRehash';
import { lookupHashesKeyIdOf, rememberLookupHashesKeyId, storeLookupKey, type HqLookupKey, type UnlockedSession } from './account';

export interface LookupKeeper {
  /** The key in use and its id. */
  current(): { key: CryptoKey; kid: string };
  /** A key HQ handed out: kept sealed, used from now on, local hashes redone if it is new. */
  adopt(lookupKey: HqLookupKey | undefined): Promise<void>;
  /** The user's database is open: redo its hashes if they were made with another key. */
  attach(db: StoreDatabase): Promise<void>;
}

export function createLookupKeeper(
  session: Pick<UnlockedSession, 'user' | 'dek' | 'lookupKey' | 'lookupKeyId' | 'deviceId'>,
  actor: () => RecordActor,
  storage: Storage = localStorage,
): LookupKeeper {
  const userId = session.user.userId;
  let current = { key: session.lookupKey, kid: session.lookupKeyId };
  let db: StoreDatabase | null = null;
  let queue: Promise<void> = Promise.resolve();
  setRecordKeys({ lookupKey: current.key });

  const rekey = (): Promise<void> => {
    queue = queue
      .then(async () => {
        if (!db) return;
        const { key, kid } = current;
        if (lookupHashesKeyIdOf(userId, storage) === kid) return;
        const result = await rehashLookupHashes(db, actor(), key, { deviceId: session.deviceId });
        if (result.failed === 0) rememberLookupHashesKeyId(userId, kid, storage);
      })
      .catch((err: unknown) => console.error('re-keying the lookup hashes failed; retried at the next unlock', err));
    return queue;
  };

  return {
    current: () => current,
    async adopt(lookupKey) {
      if (!lookupKey || lookupKey.kid === current.kid) return;
      const stored = await storeLookupKey(userId, session.dek, lookupKey, storage);
      if (!stored) return;
      current = stored;
      setRecordKeys({ lookupKey: stored.key });
      await rekey();
    },
    attach(database) {
      db = database;
      return rekey();
    },
  };
}
