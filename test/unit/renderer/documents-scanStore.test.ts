/**
 * The documents step's scan store (renderer/src/features/documents/scanStore.ts) on the real
 * local store (RxDB + Dexie on fake-indexeddb, encrypted attachments): a scan is attached to its
 * record, read back checked against its fingerprint, kept out of the stored bytes in clear, and
 * a replaced scan is removed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RxCollection } from 'rxdb';
import type { SilaDatabase } from '../../../renderer/src/data/database';
import {
  readScan,
  removeScan,
  storeScan,
} from '../../../renderer/src/features/documents/scanStore';
import { samples } from './store-fixtures';
import { dumpIndexedDb, openTestDatabase } from './store-helpers';

let db: SilaDatabase | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

/** A JPEG-shaped scan carrying a marker text that must never appear in storage in clear. */
function jpeg(marker: string): Uint8Array<ArrayBuffer> {
  const text = new TextEncoder().encode(marker);
  const b = new Uint8Array(64 + text.length).fill(0x41);
  b.set([0xff, 0xd8, 0xff, 0xe0]);
  b.set(text, 8);
  b.set([0xff, 0xd9], b.length - 2);
  return b;
}

describe('documents scan store', () => {
  it('attaches a scan to its record, reads it back, and removes a replaced one', async () => {
    let idb;
    ({ db, idb } = await openTestDatabase(undefined, 'docs-scan'));
    await (db.collections.documents as RxCollection).insert({
      ...samples.documents!.valid,
      id: 'doc1',
    });
    const marker = 'SCAN-MARKER-هوية-1122';
    const first = await storeScan(db, 'doc1', jpeg(marker));
    if (!first.ok) throw new Error(first.messageEn);
    expect(first.mimeType).toBe('image/jpeg');
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await readScan(db, 'doc1', first.attachmentId, first.sha256)).toEqual(jpeg(marker));
    // A wrong fingerprint (a swapped file) is not shown.
    expect(await readScan(db, 'doc1', first.attachmentId, '0'.repeat(64))).toBeNull();
    expect(await dumpIndexedDb(idb)).not.toContain(marker);

    const second = await storeScan(db, 'doc1', jpeg('SECOND'));
    if (!second.ok) throw new Error(second.messageEn);
    expect(second.attachmentId).not.toBe(first.attachmentId);
    await removeScan(db, 'doc1', first.attachmentId);
    expect(await readScan(db, 'doc1', first.attachmentId, first.sha256)).toBeNull();
    expect(await readScan(db, 'doc1', second.attachmentId, second.sha256)).toEqual(jpeg('SECOND'));
  });

  it('refuses to attach to a record that is not stored, and a file that is not a scan', async () => {
    ({ db } = await openTestDatabase(undefined, 'docs-scan-bad'));
    const missing = await storeScan(db, 'nope', jpeg('x'));
    expect(missing.ok === false && missing.messageAr).toMatch(/احفظ بيانات المستند/);
    await (db.collections.documents as RxCollection).insert({
      ...samples.documents!.valid,
      id: 'doc2',
    });
    const program = await storeScan(db, 'doc2', new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]));
    expect(program.ok).toBe(false);
  });
});
