/**
 * RxDB storage wrapper that encrypts the fields each schema lists in `encrypted` (and the
 * attachments of schemas with `attachments: { encrypted: true }`) with Web Crypto AES-256-GCM
 * before they reach the underlying storage (Dexie/IndexedDB on the laptop, memory in tests).
 *
 * Why not RxDB's free `encryption-crypto-js` plugin: it runs crypto-js's EVP/MD5 password-based
 * key derivation for every field of every document it reads or writes (≈ 0.2–0.8 ms each), in
 * JavaScript on the main thread. That made unlocking 10,000 beneficiaries take 7–9 s and a first
 * sync slower than PouchDB (bench/README.md). Here:
 * - one non-extractable AES-256-GCM key, derived once per database with HKDF from the data key
 *   (`deriveRxdbFieldKey`, its own HKDF info string), no per-value key derivation;
 * - a random 96-bit IV per value;
 * - additional authenticated data binding each value to its collection, document id and field
 *   path (attachments: collection, document id, attachment id), so a ciphertext copied into
 *   another record or field fails to open;
 * - a versioned compact encoding: fields are stored as base64(version ‖ IV ‖ ciphertext+tag) of the
 *   value's JSON, attachments as the same bytes in a Blob;
 * - any failure to open a value (altered byte, value moved elsewhere, another key) throws a
 *   `StoreDecryptionError`, never returns garbage.
 *
 * Stores written by the previous version (crypto-js strings, recognisable by their OpenSSL
 * "Salted__" prefix) stay readable: such values are decrypted with crypto-js (loaded only then)
 * using the database `password` RxDB hands to every storage instance, and when a storage instance
 * is opened its documents are re-encrypted in place (same revision, same content) — see
 * `upgradeLegacyValues`. Legacy attachments are read as they are (rewriting them would change
 * their digest) until the record is next saved.
 *
 * Built on RxDB's public `wrapRxStorageInstance` like RxDB's own encryption plugins; it does not
 * touch any RxDB licence or premium check.
 */
import {
  clone,
  flatClone,
  getChangedDocumentsSince,
  getPrimaryFieldOfPrimaryKey,
  getProperty,
  hasEncryption,
  setProperty,
  wrapRxStorageInstance,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorage,
  type RxStorageInstance,
  type RxStorageInstanceCreationParams,
} from 'rxdb';
import { deriveRxdbFieldKey, type DataKey } from './data-key';

/** First byte of every value written by this module. */
export const RXDB_ENCRYPTION_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES;
/** base64("Salted__"): every crypto-js (OpenSSL format) ciphertext starts with it. */
export const LEGACY_CRYPTO_JS_PREFIX = 'U2FsdGVkX1';
/** How many of the oldest documents are looked at to find out whether a store still holds crypto-js values. */
const LEGACY_SCAN_LIMIT = 200;
const UPGRADE_BATCH = 200;
export const LEGACY_UPGRADE_CONTEXT = 'sila-encryption-upgrade';

export type StoreDecryptionReason = 'cannot-open' | 'unknown-format' | 'no-legacy-key';

/**
 * An encrypted value that could not be opened: altered, moved from another record or field,
 * written under another key, or in an unknown format. Nothing of it is returned.
 */
export class StoreDecryptionError extends Error {
  readonly code = 'STORE_DECRYPT';
  readonly messageAr =
    'تعذّر فتح بيانات مشفّرة على هذا الجهاز: مفتاحها لا يطابق مفتاح هذا المستخدم أو أنها تالفة أو عُدّلت خارج البرنامج، فلم يُعرض منها شيء. أغلق البرنامج وافتحه ثم ادخل بحسابك من جديد؛ وإن تكرّر ذلك فتواصل مع مدير النظام قبل إدخال بيانات جديدة.';
  readonly messageEn =
    'Encrypted data on this laptop could not be opened: its key does not match this user’s key, or it is damaged or was changed outside the app, so nothing of it is shown. Close and reopen the app and sign in again; if it happens again, contact the system administrator before entering new data.';
  constructor(
    readonly collection: string,
    readonly documentId: string,
    readonly path: string,
    readonly reason: StoreDecryptionReason,
  ) {
    super(`encrypted value ${collection}/${documentId}#${path} could not be opened (${reason})`);
    this.name = 'StoreDecryptionError';
  }
}

// ---- encoding ----

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // apply, not spread: several times faster for these small arrays (no iterator)
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  return btoa(binary);
}

function base64ToBytes(text: string): Uint8Array<ArrayBuffer> | null {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The authenticated context of a field value: format version, collection, document id, path. */
function fieldAad(collection: string, documentId: string, path: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(JSON.stringify(['sila-rxdb-field', RXDB_ENCRYPTION_VERSION, collection, documentId, path])) as Uint8Array<ArrayBuffer>;
}

function attachmentAad(collection: string, documentId: string, attachmentId: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(JSON.stringify(['sila-rxdb-attachment', RXDB_ENCRYPTION_VERSION, collection, documentId, attachmentId])) as Uint8Array<ArrayBuffer>;
}

// Random IVs are drawn from the CSPRNG in blocks (one call per 512 values, not one per value)
// and copied out, so a refill can never change an IV already handed out.
const IV_POOL_VALUES = 512;
let ivPool = new Uint8Array(0);
let ivOffset = 0;
function randomIv(): Uint8Array<ArrayBuffer> {
  if (ivOffset + IV_BYTES > ivPool.length) {
    ivPool = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES * IV_POOL_VALUES));
    ivOffset = 0;
  }
  const iv = ivPool.slice(ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
}

function seal(key: CryptoKey, plaintext: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const iv = randomIv();
  return globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, key, plaintext).then((ct) => {
    const out = new Uint8Array(HEADER_BYTES + ct.byteLength);
    out[0] = RXDB_ENCRYPTION_VERSION;
    out.set(iv, 1);
    out.set(new Uint8Array(ct), HEADER_BYTES);
    return out;
  });
}

/** Null when the bytes are not ours, were altered, belong to another context or another key. */
async function open(key: CryptoKey, sealed: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer> | null> {
  if (sealed.length < HEADER_BYTES + TAG_BYTES || sealed[0] !== RXDB_ENCRYPTION_VERSION) return null;
  try {
    const pt = await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: sealed.subarray(1, HEADER_BYTES), additionalData: aad },
      key,
      sealed.subarray(HEADER_BYTES),
    );
    return new Uint8Array(pt);
  } catch {
    return null;
  }
}

/** Encrypts one field value (any JSON value) for `collection`/`documentId`/`path`. */
export function encryptFieldValue(key: CryptoKey, value: unknown, collection: string, documentId: string, path: string): Promise<string> {
  const plaintext = encoder.encode(JSON.stringify(value)) as Uint8Array<ArrayBuffer>;
  return seal(key, plaintext, fieldAad(collection, documentId, path)).then(bytesToBase64);
}

/**
 * Opens a value written by `encryptFieldValue` for the same context; rejects with a
 * `StoreDecryptionError` otherwise. (One promise, no nested async steps: it runs for every
 * encrypted field of every document read.)
 */
export function decryptFieldValue(key: CryptoKey, stored: unknown, collection: string, documentId: string, path: string): Promise<unknown> {
  const bytes = typeof stored === 'string' ? base64ToBytes(stored) : null;
  if (!bytes || bytes.length < HEADER_BYTES + TAG_BYTES || bytes[0] !== RXDB_ENCRYPTION_VERSION) {
    return Promise.reject(new StoreDecryptionError(collection, documentId, path, 'unknown-format'));
  }
  return globalThis.crypto.subtle
    .decrypt({ name: 'AES-GCM', iv: bytes.subarray(1, HEADER_BYTES), additionalData: fieldAad(collection, documentId, path) }, key, bytes.subarray(HEADER_BYTES))
    .then(
      (pt) => {
        try {
          return JSON.parse(decoder.decode(pt)) as unknown;
        } catch {
          throw new StoreDecryptionError(collection, documentId, path, 'cannot-open'); // authenticated but not ours: never guess
        }
      },
      () => {
        throw new StoreDecryptionError(collection, documentId, path, 'cannot-open');
      },
    );
}

/** Encrypts attachment bytes for `collection`/`documentId`/`attachmentId` (stored as they are, no base64). */
export function encryptAttachmentBytes(key: CryptoKey, bytes: Uint8Array<ArrayBuffer>, collection: string, documentId: string, attachmentId: string): Promise<Uint8Array<ArrayBuffer>> {
  return seal(key, bytes, attachmentAad(collection, documentId, attachmentId));
}

/** Opens bytes written by `encryptAttachmentBytes` for the same context; throws `StoreDecryptionError` otherwise. */
export async function decryptAttachmentBytes(key: CryptoKey, sealed: Uint8Array<ArrayBuffer>, collection: string, documentId: string, attachmentId: string): Promise<Uint8Array<ArrayBuffer>> {
  const path = `_attachments.${attachmentId}`;
  if (sealed[0] !== RXDB_ENCRYPTION_VERSION) throw new StoreDecryptionError(collection, documentId, path, 'unknown-format');
  const pt = await open(key, sealed, attachmentAad(collection, documentId, attachmentId));
  if (!pt) throw new StoreDecryptionError(collection, documentId, path, 'cannot-open');
  return pt;
}

export function isLegacyCryptoJsValue(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(LEGACY_CRYPTO_JS_PREFIX);
}

// crypto-js is only loaded for stores written by the previous version.
let legacyModule: Promise<{ decryptString(cipherText: string, password: string): string }> | null = null;
function loadLegacy() {
  legacyModule ??= import('rxdb/plugins/encryption-crypto-js');
  return legacyModule;
}

async function decryptLegacyString(stored: string, password: string | undefined, collection: string, documentId: string, path: string): Promise<string> {
  if (!password) throw new StoreDecryptionError(collection, documentId, path, 'no-legacy-key');
  const { decryptString } = await loadLegacy();
  let text: string;
  try {
    text = decryptString(stored, password);
  } catch {
    throw new StoreDecryptionError(collection, documentId, path, 'cannot-open');
  }
  if (text === '') throw new StoreDecryptionError(collection, documentId, path, 'cannot-open');
  return text;
}

async function decryptLegacyField(stored: string, password: string | undefined, collection: string, documentId: string, path: string): Promise<unknown> {
  const text = await decryptLegacyString(stored, password, collection, documentId, path);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new StoreDecryptionError(collection, documentId, path, 'cannot-open');
  }
}

// ---- the storage wrapper ----

export interface AesGcmEncryptionStorageArgs<Internals, InstanceCreationOptions> {
  storage: RxStorage<Internals, InstanceCreationOptions>;
  /** The unlocked data key; the AES-GCM key is derived from it once (HKDF, `deriveRxdbFieldKey`). */
  dataKey: DataKey;
  /** Re-encrypt crypto-js values when a storage instance opens (default true). */
  upgradeLegacy?: boolean;
}

/** The storage schema: encrypted values are stored as strings, attachments as opaque blobs. */
function storageSchemaOf<T>(schema: RxJsonSchema<RxDocumentData<T>>): RxJsonSchema<RxDocumentData<T>> {
  const out = clone(schema) as RxJsonSchema<RxDocumentData<T>> & { encrypted?: string[] };
  delete out.encrypted;
  if (out.attachments) out.attachments = { ...out.attachments, encrypted: false };
  for (const path of schema.encrypted ?? []) {
    const parts = path.split('.');
    type Level = { properties: Record<string, unknown> };
    let level = out as unknown as Level;
    for (const part of parts.slice(0, -1)) level = level.properties[part] as Level;
    level.properties[parts[parts.length - 1]!] = { type: 'string' };
  }
  return out;
}

type AnyDoc = RxDocumentData<Record<string, unknown>>;

export function wrappedAesGcmEncryptionStorage<Internals, InstanceCreationOptions>(
  args: AesGcmEncryptionStorageArgs<Internals, InstanceCreationOptions>,
): RxStorage<Internals, InstanceCreationOptions> {
  let fieldKey: Promise<CryptoKey> | null = null;
  const keyOnce = () => (fieldKey ??= deriveRxdbFieldKey(args.dataKey));
  return {
    ...args.storage,
    name: `sila-aes-gcm-${args.storage.name}`,
    rxdbVersion: args.storage.rxdbVersion,
    async createStorageInstance<RxDocType>(params: RxStorageInstanceCreationParams<RxDocType, InstanceCreationOptions>) {
      if (!hasEncryption(params.schema)) return args.storage.createStorageInstance(params);
      const key = await keyOnce();
      const collection = params.collectionName;
      const legacyPassword = params.password as string | undefined;
      const schema = params.schema as unknown as RxJsonSchema<AnyDoc>;
      const paths: readonly string[] = schema.encrypted ?? [];
      const nested = paths.some((p) => p.includes('.'));
      const encryptAttachments = !!schema.attachments?.encrypted;
      const primaryPath = getPrimaryFieldOfPrimaryKey(schema.primaryKey) as string;

      const instance = (await args.storage.createStorageInstance({
        ...params,
        schema: storageSchemaOf(params.schema),
      })) as unknown as RxStorageInstance<Record<string, unknown>, Internals, InstanceCreationOptions>;

      /** A copy whose encrypted paths can be replaced without touching the caller's (possibly frozen) object. */
      const copyForPaths = (doc: AnyDoc): AnyDoc => {
        if (!nested) return flatClone(doc);
        const { _attachments, ...rest } = doc;
        return { ...(clone(rest) as AnyDoc), _attachments };
      };

      /**
       * Stored documents this instance just encrypted → the clear documents they came from. The
       * storage reports every write back through its change stream (and conflicts through the
       * write result) with the very object it was given; those need no decryption. Weak: an
       * entry lives only as long as the storage keeps that object.
       */
      const clearOf = new WeakMap<AnyDoc, AnyDoc>();

      async function toStorage(doc: AnyDoc): Promise<AnyDoc> {
        const out = copyForPaths(doc);
        const id = String(doc[primaryPath]);
        const work: Promise<void>[] = [];
        for (const path of paths) {
          const value = getProperty(doc, path) as unknown;
          if (value === undefined) continue;
          work.push(encryptFieldValue(key, value, collection, id, path).then((enc) => void setProperty(out, path, enc)));
        }
        if (encryptAttachments && doc._attachments) {
          const attachments: Record<string, unknown> = {};
          for (const [attachmentId, attachment] of Object.entries(doc._attachments)) {
            const a = attachment as { data?: Blob; type: string };
            if (!a.data) {
              attachments[attachmentId] = a;
              continue;
            }
            const data = a.data;
            work.push(
              data.arrayBuffer().then(async (buf) => {
                const sealed = await encryptAttachmentBytes(key, new Uint8Array(buf), collection, id, attachmentId);
                attachments[attachmentId] = { ...a, data: new Blob([sealed], { type: a.type }) };
              }),
            );
          }
          out._attachments = attachments as AnyDoc['_attachments'];
        }
        await Promise.all(work);
        clearOf.set(out, doc);
        return out;
      }

      async function fromStorage(doc: AnyDoc): Promise<AnyDoc> {
        const out = copyForPaths(doc);
        const clear = clearOf.get(doc);
        if (clear) {
          for (const path of paths) {
            const value = getProperty(clear, path) as unknown;
            if (value !== undefined) setProperty(out, path, value);
          }
          return out;
        }
        const id = String(doc[primaryPath]);
        const work: Promise<void>[] = [];
        for (const path of paths) {
          const stored = nested ? (getProperty(doc, path) as unknown) : doc[path];
          if (stored === undefined) continue;
          const value = isLegacyCryptoJsValue(stored) ? decryptLegacyField(stored, legacyPassword, collection, id, path) : decryptFieldValue(key, stored, collection, id, path);
          work.push(value.then((v) => void (nested ? setProperty(out, path, v) : (out[path] = v))));
        }
        await Promise.all(work);
        return out;
      }

      async function attachmentFromStorage(blob: Blob, documentId: string, attachmentId: string): Promise<Blob> {
        if (!encryptAttachments) return blob;
        const bytes = new Uint8Array(await blob.arrayBuffer());
        const type = blob.type ? { type: blob.type } : undefined;
        const path = `_attachments.${attachmentId}`;
        const head = new TextDecoder().decode(bytes.subarray(0, LEGACY_CRYPTO_JS_PREFIX.length));
        if (head !== LEGACY_CRYPTO_JS_PREFIX) return new Blob([await decryptAttachmentBytes(key, bytes, collection, documentId, attachmentId)], type);
        // Written by the crypto-js version: base64 of the bytes, encrypted as text.
        const base64 = await decryptLegacyString(new TextDecoder().decode(bytes), legacyPassword, collection, documentId, path);
        const raw = base64ToBytes(base64);
        if (!raw) throw new StoreDecryptionError(collection, documentId, path, 'cannot-open');
        return new Blob([raw], type);
      }

      if (args.upgradeLegacy !== false) {
        try {
          await upgradeLegacyValues(instance, paths, primaryPath, async (doc) => {
            // Re-encrypt only what is still crypto-js; values already in the new format stay as they are.
            const out = copyForPaths(doc);
            const id = String(doc[primaryPath]);
            try {
              await Promise.all(
                paths.map(async (path) => {
                  const stored = getProperty(doc, path) as unknown;
                  if (!isLegacyCryptoJsValue(stored)) return;
                  const value = await decryptLegacyField(stored, legacyPassword, collection, id, path);
                  setProperty(out, path, await encryptFieldValue(key, value, collection, id, path));
                }),
              );
            } catch (err) {
              if (err instanceof StoreDecryptionError) return null; // damaged: left as it is, reported when read
              throw err;
            }
            return out;
          });
        } catch (err) {
          // The store stays usable: crypto-js values are still read; the upgrade is retried at the next open.
          console.warn(`re-encrypting ${collection} from the previous format was interrupted`, err);
        }
      }

      const wrapped = wrapRxStorageInstance(
        params.schema as unknown as RxJsonSchema<AnyDoc>,
        instance,
        toStorage as never,
        fromStorage,
      );
      // The attachment's document and id are part of its authenticated context, which
      // wrapRxStorageInstance's attachment hook does not pass on.
      wrapped.getAttachmentData = async (documentId: string, attachmentId: string, digest: string) =>
        attachmentFromStorage(await instance.getAttachmentData(documentId, attachmentId, digest), documentId, attachmentId);
      return wrapped as unknown as RxStorageInstance<RxDocType, Internals, InstanceCreationOptions>;
    },
  };
}

/**
 * Re-encrypts a store written with crypto-js, in place: same revision, same `_meta`, same
 * content, so nothing looks changed to RxDB or to the replication.
 *
 * Cheap when there is nothing to do: it reads documents in local-write order only until the
 * first one holding an encrypted value (the "sentinel"), normally the very first. If that one is
 * still crypto-js, every document is upgraded and the sentinel is rewritten last, so an upgrade
 * interrupted half-way (crash, window closed) is picked up again at the next open. A write that
 * meets a newer revision (another window) is left alone. If no encrypted value is found among
 * the first LEGACY_SCAN_LIMIT documents the store is left as it is; crypto-js values stay
 * readable either way.
 *
 * Returns how many documents were rewritten.
 */
export async function upgradeLegacyValues(
  instance: RxStorageInstance<Record<string, unknown>, unknown, unknown>,
  paths: readonly string[],
  primaryPath: string,
  /** The document with its crypto-js values re-encrypted, or null to leave it (a damaged value). */
  reencrypt: (doc: AnyDoc) => Promise<AnyDoc | null>,
  options: { batchSize?: number } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? UPGRADE_BATCH;
  const hasValue = (doc: AnyDoc) => paths.some((p) => getProperty(doc, p) !== undefined);
  const isLegacy = (doc: AnyDoc) => paths.some((p) => isLegacyCryptoJsValue(getProperty(doc, p)));

  let sentinel: AnyDoc | null = null;
  let checkpoint: unknown = undefined;
  for (let seen = 0; seen < LEGACY_SCAN_LIMIT && !sentinel; ) {
    const batch = await getChangedDocumentsSince(instance, 50, checkpoint as never);
    for (const doc of batch.documents as AnyDoc[]) {
      if (hasValue(doc)) {
        sentinel = doc;
        break;
      }
    }
    seen += batch.documents.length;
    if (batch.documents.length < 50) break;
    checkpoint = batch.checkpoint;
  }
  if (!sentinel || !isLegacy(sentinel)) return 0;
  const sentinelId = String(sentinel[primaryPath]);

  let rewritten = 0;
  const rewrite = async (docs: AnyDoc[]) => {
    const upgraded = await Promise.all(docs.map(reencrypt));
    const rows = docs.flatMap((previous, i) => (upgraded[i] ? [{ previous, document: upgraded[i] }] : []));
    if (rows.length === 0) return;
    const result = await instance.bulkWrite(rows as never, LEGACY_UPGRADE_CONTEXT);
    rewritten += rows.length - result.error.length;
  };
  checkpoint = undefined;
  for (;;) {
    const batch = await getChangedDocumentsSince(instance, batchSize, checkpoint as never);
    await rewrite((batch.documents as AnyDoc[]).filter((d) => String(d[primaryPath]) !== sentinelId && isLegacy(d)));
    if (batch.documents.length < batchSize) break;
    checkpoint = batch.checkpoint;
  }
  const [current] = (await instance.findDocumentsById([sentinelId], true)) as AnyDoc[];
  if (current && isLegacy(current)) await rewrite([current]);
  return rewritten;
}
