/**
 * Files belonging to a declaration (the drawn signature PNG, the PDF): RxDB attachments of the
 * declaration record, stored in the same write as the record (declarations are append-only),
 * encrypted at rest like the rest and replicated with it (shared/sync/record-files.ts), so the
 * committee's laptop can open the signed PDF too.
 *
 * Declarations made by the first version kept their files in a separate sealed IndexedDB store
 * (AES-GCM under the data key) on the laptop that made them; those are still read from there.
 */
import type { RxDocument } from 'rxdb';
import { openSealedBytes, sealBytes, type DataKey } from '../../../../shared/security';
import type { SilaDatabase } from '../../data/database';
import { newRecordId } from './records';

export type DeclarationFilePurpose = 'signature' | 'pdf';

/** The attachment id for a new declaration file, and its type. */
export function newDeclarationFile(purpose: DeclarationFilePurpose, bytes: Uint8Array): { id: string; type: string; bytes: Uint8Array } {
  return { id: `${purpose}-${newRecordId()}`, type: purpose === 'pdf' ? 'application/pdf' : 'image/png', bytes };
}

/**
 * A declaration's file: the record's attachment, or (declarations of the first version) the
 * sealed copy on the laptop that made it. Null when neither is on this laptop.
 */
export async function readDeclarationFile(db: SilaDatabase, dataKey: DataKey, declarationId: string, id: string): Promise<Uint8Array | null> {
  const record = (await db.collections.declarations?.findOne(declarationId).exec()) as RxDocument | null | undefined;
  const attachment = record?.getLatest().getAttachment(id);
  if (attachment) return new Uint8Array(await (await attachment.getData()).arrayBuffer());
  return readSealedDeclarationFile(dataKey, id);
}

const DB_NAME = 'sila-declaration-files';
const STORE = 'files';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('indexedDB open failed'));
  });
}

async function run<T>(mode: IDBTransactionMode, action: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await open();
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = action(tx.objectStore(STORE));
    tx.oncomplete = () => {
      db.close();
      resolve(request.result as T);
    };
    tx.onerror = () => {
      db.close();
      reject(tx.error ?? new Error('indexedDB transaction failed'));
    };
  });
}

/** First version: seals and stores the bytes apart from the record (kept for tests of old data). */
export async function storeDeclarationFile(dataKey: DataKey, bytes: Uint8Array, purpose: 'signature' | 'pdf'): Promise<string> {
  const id = `${purpose}-${newRecordId()}`;
  const sealed = await sealBytes(dataKey, new Uint8Array(bytes), `sila.declaration-file/${id}`);
  await run('readwrite', (s) => s.put(sealed, id));
  return id;
}

/** First version's sealed file, or null when it is not on this laptop or was altered. */
async function readSealedDeclarationFile(dataKey: DataKey, id: string): Promise<Uint8Array | null> {
  const sealed = await run<unknown>('readonly', (s) => s.get(id));
  if (!(sealed instanceof Uint8Array)) return null;
  return openSealedBytes(dataKey, new Uint8Array(sealed), `sila.declaration-file/${id}`);
}
