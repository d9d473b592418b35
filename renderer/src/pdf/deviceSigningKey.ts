/**
 * This laptop's declaration-signing key (ECDSA P-256). The private key is a non-extractable
 * CryptoKey kept in IndexedDB (it can sign but can never be read out); the public key (SPKI) is
 * what HQ registers for the device so any office can verify the declarations it issued.
 */
import { generateDeviceSigningKey, type DeviceSigningKey } from '../../../shared/declaration';

const DB_NAME = 'sila-device-signing';
const STORE = 'keys';
const KEY = 'declaration';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('indexedDB open failed'));
  });
}

function inStore<T>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  return open().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
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
      }),
  );
}

function isKey(value: unknown): value is DeviceSigningKey {
  const v = value as Partial<DeviceSigningKey> | undefined;
  return !!v && typeof v.keyId === 'string' && typeof v.publicKeySpki === 'string' && v.privateKey instanceof CryptoKey;
}

let current: Promise<DeviceSigningKey> | null = null;

/** The device's signing key, created on first use. */
export function deviceSigningKey(): Promise<DeviceSigningKey> {
  if (!current) {
    current = (async () => {
      const stored = await inStore<unknown>('readonly', (s) => s.get(KEY));
      if (isKey(stored)) return stored;
      const created = await generateDeviceSigningKey();
      await inStore('readwrite', (s) => s.put(created, KEY));
      return created;
    })();
    current.catch(() => {
      current = null;
    });
  }
  return current;
}
