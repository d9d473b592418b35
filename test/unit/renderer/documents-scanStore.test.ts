/**
 * The scan store (interim, renderer/src/features/documents/scanStore.ts): scans are sealed with
 * the data key before they reach IndexedDB, reopen only with the same key and document, and an
 * altered blob is refused.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { readScan, storeScan } from '../../../renderer/src/features/documents/scanStore';
import { importDataKey, randomBytes } from '../../../shared/security';

const png = new Uint8Array([
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
  ...Array.from({ length: 64 }, (_, i) => i),
]);

function rawStored(): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('sila-document-scans');
    open.onerror = () => reject(open.error ?? new Error('open failed'));
    open.onsuccess = () => {
      const all = open.result.transaction('scans').objectStore('scans').getAll();
      all.onsuccess = () => {
        open.result.close();
        resolve(all.result as Uint8Array[]);
      };
      all.onerror = () => reject(all.error ?? new Error('getAll failed'));
    };
  });
}

describe('sealed scan store', () => {
  it('stores sealed bytes and reads them back with the same key and document only', async () => {
    const key = await importDataKey(randomBytes(32));
    const other = await importDataKey(randomBytes(32));
    const stored = await storeScan(key, 'doc-1', png, 'image/png');
    expect(stored.mimeType).toBe('image/png');
    expect(stored.sizeBytes).toBe(png.length);
    expect(stored.sha256).toMatch(/^[0-9a-f]{64}$/);

    const raw = await rawStored();
    expect(raw).toHaveLength(1);
    const blob = raw[0]!;
    expect([...blob.subarray(0, 8)]).not.toEqual([...png.subarray(0, 8)]);
    expect(Buffer.from(blob).includes(Buffer.from(png.subarray(8)))).toBe(false);

    expect(await readScan(key, 'doc-1', stored.attachmentId)).toEqual(png);
    expect(await readScan(other, 'doc-1', stored.attachmentId)).toBeNull();
    expect(await readScan(key, 'doc-2', stored.attachmentId)).toBeNull();
    expect(await readScan(key, 'doc-1', 'scan-unknown')).toBeNull();
  });

  it('refuses a blob that was altered on disk', async () => {
    const key = await importDataKey(randomBytes(32));
    const stored = await storeScan(key, 'doc-3', png, 'image/png');
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open('sila-document-scans');
      open.onsuccess = () => {
        const store = open.result.transaction('scans', 'readwrite').objectStore('scans');
        const id = `doc-3/${stored.attachmentId}`;
        const get = store.get(id);
        get.onsuccess = () => {
          const bytes = new Uint8Array(get.result as Uint8Array);
          bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
          const put = store.put(bytes, id);
          put.onsuccess = () => resolve();
          put.onerror = () => reject(put.error ?? new Error('put failed'));
        };
      };
      open.onerror = () => reject(open.error ?? new Error('open failed'));
    });
    expect(await readScan(key, 'doc-3', stored.attachmentId)).toBeNull();
  });
});
