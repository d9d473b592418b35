/**
 * The keys derived from the data key in a real RxDB database (memory storage + the app's
 * AES-GCM field encryption, shared/security/rxdb-encryption.ts, with the derived RxDB password):
 * the same after a password change (so the data stays readable without re-encryption), and
 * refused for another laptop's data key.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRxDatabase, type RxDatabase } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { KDF_BOUNDS, changePassword, createKeyring, deriveRxdbEncryptionPassword, unlockKeyring, type Argon2idParams, type DataKey } from '../../../shared/security';
import { wrappedAesGcmEncryptionStorage } from '../../../shared/security/rxdb-encryption';

const FAST: Argon2idParams = { algorithm: 'argon2id', paramsVersion: 1, memoryKiB: KDF_BOUNDS.minMemoryKiB, iterations: 1, parallelism: 1 };

const schema = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: { id: { type: 'string', maxLength: 64 }, secret: { type: 'string' } },
  required: ['id'],
  encrypted: ['secret'],
} as const;

const memory = getRxStorageMemory();
const open: RxDatabase[] = [];

async function openDb(name: string, dataKey: DataKey): Promise<RxDatabase> {
  const db = await createRxDatabase({
    name,
    storage: wrappedAesGcmEncryptionStorage({ storage: memory, dataKey }),
    password: await deriveRxdbEncryptionPassword(dataKey),
    multiInstance: false,
  });
  open.push(db);
  await db.addCollections({ cases: { schema } });
  return db;
}

afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

describe('RxDB encryption password derived from the data key', () => {
  it('keeps the data readable across a password change and refuses another data key', async () => {
    const name = `sec-${Date.now()}`;
    const { wrapped, dek } = await createKeyring('first password', FAST);
    const db = await openDb(name, dek);
    await db.collections.cases!.insert({ id: 'c1', secret: 'حالة حماية طفل' });
    await db.close();
    open.pop();

    const changed = await changePassword(wrapped, 'first password', 'second password');
    if (!changed.ok) throw new Error(changed.messageEn);
    const unlocked = await unlockKeyring(changed.record, 'second password');
    if (!unlocked.ok) throw new Error(unlocked.messageEn);
    const again = await openDb(name, unlocked.dek);
    const doc = await again.collections.cases!.findOne('c1').exec();
    expect(doc?.get('secret')).toBe('حالة حماية طفل');
    await again.close();
    open.pop();

    const stranger = await createKeyring('someone else', FAST);
    // RxDB's DB1: the stored password hash does not match
    await expect(openDb(name, stranger.dek)).rejects.toMatchObject({ code: 'DB1' });
  });
});
