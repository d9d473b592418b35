/**
 * Where the scans of documents live. Scans are personal data: they are sealed with the data key
 * (AES-256-GCM, shared/security `sealBytes`, the document id as associated data) before they
 * touch the disk, never kept in localStorage and never logged.
 *
 * INTERIM: until the local store's attachments API (issue 5: encrypted RxDB attachments) is in
 * place, the sealed bytes sit in this laptop's IndexedDB store `sila-document-scans`. The rest
 * of the feature only calls `storeScan` / `readScan`, so switching is confined to this file.
 */
import { openSealedBytes, sealBytes, type DataKey } from '../../../../shared/security';
import { sha256Hex, type ScanMimeType } from './scanFile';
import type { StoredScan } from './documentRecord';

const DB_NAME = 'sila-document-scans';
const STORE = 'scans';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('indexedDB open failed'));
  });
}

async function run<T>(
  mode: IDBTransactionMode,
  action: (s: IDBObjectStore) => IDBRequest,
): Promise<T> {
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

function associatedData(documentId: string, attachmentId: string): string {
  return `sila.document-scan/${documentId}/${attachmentId}`;
}

/** Seals and stores a scan of document `documentId`; returns what the record keeps about it. */
export async function storeScan(
  dataKey: DataKey,
  documentId: string,
  bytes: Uint8Array<ArrayBuffer>,
  mimeType: ScanMimeType,
): Promise<StoredScan> {
  const sha256 = await sha256Hex(bytes);
  const attachmentId = `scan-${sha256.slice(0, 16)}-${Date.now().toString(36)}`;
  const sealed = await sealBytes(dataKey, bytes, associatedData(documentId, attachmentId));
  await run('readwrite', (s) => s.put(sealed, `${documentId}/${attachmentId}`));
  return { attachmentId, mimeType, sizeBytes: bytes.length, sha256 };
}

/** The scan's bytes, or null when it is not on this laptop (taken on another device) or was altered. */
export async function readScan(
  dataKey: DataKey,
  documentId: string,
  attachmentId: string,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const sealed = await run<unknown>('readonly', (s) => s.get(`${documentId}/${attachmentId}`));
  if (!(sealed instanceof Uint8Array)) return null;
  return openSealedBytes(dataKey, new Uint8Array(sealed), associatedData(documentId, attachmentId));
}
