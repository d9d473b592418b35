/**
 * Files belonging to a declaration (the drawn signature PNG, the PDF), sealed with the data key
 * (AES-GCM, shared/security sealBytes) and kept in this laptop's IndexedDB until the local
 * store's attachments API takes them over. Nothing is kept in clear.
 */
import { openSealedBytes, sealBytes, type DataKey } from '../../../../shared/security';
import { newRecordId } from './records';

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

/** Seals and stores the bytes; returns the attachment id recorded on the declaration. */
export async function storeDeclarationFile(dataKey: DataKey, bytes: Uint8Array, purpose: 'signature' | 'pdf'): Promise<string> {
  const id = `${purpose}-${newRecordId()}`;
  const sealed = await sealBytes(dataKey, new Uint8Array(bytes), `sila.declaration-file/${id}`);
  await run('readwrite', (s) => s.put(sealed, id));
  return id;
}

/** The stored file, or null when it is not on this laptop (another device made it) or was altered. */
export async function readDeclarationFile(dataKey: DataKey, id: string): Promise<Uint8Array | null> {
  const sealed = await run<unknown>('readonly', (s) => s.get(id));
  if (!(sealed instanceof Uint8Array)) return null;
  return openSealedBytes(dataKey, new Uint8Array(sealed), `sila.declaration-file/${id}`);
}
