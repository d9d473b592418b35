/**
 * Attachments (issue 5 §6 and "bad input"): scans stored encrypted as RxDB attachments; a
 * truncated file, a file of another type and an over-size file are refused with a clear
 * message; a stored attachment that no longer matches its fingerprint is reported as damaged;
 * every other record stays intact.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RxCollection } from 'rxdb';
import type { SilaDatabase } from '../../../renderer/src/data/database';
import { ATTACHMENT_MAX_BYTES, attachFile, checkAttachmentBytes, readAttachment } from '../../../renderer/src/data/attachments';
import { samples } from './store-fixtures';
import { dumpIndexedDb, openTestDatabase } from './store-helpers';

let db: SilaDatabase | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

/** A small but real PNG (1×1) with a marker text chunk, and a JPEG-shaped file. */
function png(marker: string): Uint8Array {
  const head = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const text = new TextEncoder().encode(`Comment\u0000${marker}`);
  const chunk = (type: string, data: Uint8Array) => {
    const len = data.length;
    return [(len >>> 24) & 255, (len >>> 16) & 255, (len >>> 8) & 255, len & 255, ...new TextEncoder().encode(type), ...data, 0, 0, 0, 0];
  };
  return new Uint8Array([...head, ...chunk('IHDR', new Uint8Array([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0])), ...chunk('tEXt', text), ...chunk('IEND', new Uint8Array())]);
}
function jpeg(size: number): Uint8Array {
  const b = new Uint8Array(size).fill(0x41);
  b.set([0xff, 0xd8, 0xff, 0xe0]);
  b.set([0xff, 0xd9], size - 2);
  return b;
}

async function documentRecord(db: SilaDatabase, id: string) {
  const documents = db.collections.documents as RxCollection;
  return documents.insert({ ...samples.documents!.valid, id });
}

describe('attachments', () => {
  it('stores a scan encrypted, reads it back checked against its fingerprint', async () => {
    let idb;
    ({ db, idb } = await openTestDatabase(undefined, 'att-ok'));
    const doc = await documentRecord(db, 'doc1');
    const marker = 'CLEAR-MARKER-هوية-وطنية-4471';
    const stored = await attachFile(doc, png(marker));
    if (!stored.ok) throw new Error(stored.messageEn);
    expect(stored.mimeType).toBe('image/png');
    const back = await readAttachment(doc, stored.attachmentId, stored.sha256);
    expect(back.ok && new TextDecoder().decode(back.bytes)).toContain(marker);
    // Encrypted at rest: the marker is nowhere in the raw IndexedDB records (base64 or not).
    const raw = await dumpIndexedDb(idb);
    expect(raw).not.toContain(marker);
    expect(raw).not.toContain(Buffer.from(png(marker)).toString('base64').slice(20, 60));
  });

  it('refuses truncated, unsupported, empty and over-size files with clear messages; nothing is attached', async () => {
    ({ db } = await openTestDatabase(undefined, 'att-bad'));
    const doc = await documentRecord(db, 'doc2');
    const truncated = jpeg(5000).slice(0, 3000);
    const cases: [Uint8Array, string][] = [
      [truncated, 'truncated'],
      [png('x').slice(0, 30), 'truncated'],
      [new TextEncoder().encode('%PDF-1.7\n1 0 obj\n'), 'truncated'],
      [new TextEncoder().encode('MZ this is an executable'), 'unsupported'],
      [new Uint8Array(), 'empty'],
      [jpeg(ATTACHMENT_MAX_BYTES + 1), 'too_large'],
    ];
    for (const [bytes, code] of cases) {
      const r = await attachFile(doc, bytes);
      expect(r.ok || r.code).toBe(code);
      expect(r.ok || r.messageAr).toMatch(/[\u0600-\u06ff]/);
    }
    expect(Object.keys(doc.getLatest().toJSON(true)._attachments ?? {})).toEqual([]);
    expect(checkAttachmentBytes(new TextEncoder().encode('%PDF-1.4\n...\n%%EOF\n'))).toEqual({ ok: true, mimeType: 'application/pdf' });
  });

  it('a damaged stored attachment is reported as damaged and other records stay intact', async () => {
    ({ db } = await openTestDatabase(undefined, 'att-corrupt'));
    const good = await documentRecord(db, 'good');
    const bad = await documentRecord(db, 'bad');
    const okFile = await attachFile(good, jpeg(4000));
    const badFile = await attachFile(bad, jpeg(4000));
    if (!okFile.ok || !badFile.ok) throw new Error('attach failed');
    // The stored bytes of "bad" are replaced behind the app's back (disk damage, tampering).
    const damaged = jpeg(4000);
    damaged[100] = 0x00;
    await bad.getLatest().putAttachment({ id: badFile.attachmentId, data: new Blob([damaged.slice(0, 2000)], { type: 'image/jpeg' }), type: 'image/jpeg' });
    const r = await readAttachment(bad, badFile.attachmentId, badFile.sha256);
    expect(r.ok || r.code).toBe('corrupted');
    expect(r.ok || r.messageAr).toContain('تالف');
    const missing = await readAttachment(bad, 'no-such-file');
    expect(missing.ok || missing.code).toBe('missing');
    const stillGood = await readAttachment(good, okFile.attachmentId, okFile.sha256);
    expect(stillGood.ok).toBe(true);
    expect(await (db.collections.documents as RxCollection).count().exec()).toBe(2);
  });
});
