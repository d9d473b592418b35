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
 * - the encrypted fields of one record are sealed together, as one JSON object
 *   `{ "<field path>": value, … }`, under a fresh random 96-bit IV at every write, and stored in
 *   one property (`silaSealed`) in place of those fields;
 * - the additional authenticated data binds that blob to its collection and record id, and each
 *   value is authenticated together with its field path (the object's keys): a blob copied into
 *   another record fails to open, and no value can be moved to another field or mixed with values
 *   of another revision;
 * - a versioned compact encoding: base64(version ‖ IV ‖ ciphertext+tag); attachments are the same
 *   bytes in a Blob, bound to record id and attachment id;
 * - any failure to open (an altered byte, a blob from another record, another key, an unknown
 *   format) throws a `StoreDecryptionError`, never returns garbage.
 *
 * - RxDB's replication keeps a copy of each record's last known HQ state in its meta instance
 *   (`docData`, encrypted because it holds the same secrets). That copy is stored like the record
 *   — clear fields as they are, encrypted ones sealed for the record's collection and id — and
 *   when its encrypted values are the record's (every pulled and every pushed record) it reuses
 *   the record's blob instead of sealing again: one AES-GCM operation per synced record, not two.
 *   The only thing this shows someone holding the disk is that the two copies are equal.
 *
 * One AES-GCM operation per record rather than per field: Web Crypto's cost is dominated by the
 * per-call overhead (argument checks, a hop to the crypto thread, a promise), not by the bytes.
 * Measured in Chromium on 10,000 complete beneficiary files (8 encrypted fields): ≈ 4 s with one
 * operation per field, ≈ 0.3–0.9 s with one per record (bench/README.md).
 *
 * Stores written by the previous version (crypto-js strings in each field, recognisable by their
 * OpenSSL "Salted__" prefix) stay readable: such values are decrypted with crypto-js (loaded only
 * then) using the database `password` RxDB hands to every storage instance, and when a storage
 * instance is opened its documents are re-encrypted in place (same revision, same content) — see
 * `upgradeLegacyValues`. Legacy attachments are read as they are (rewriting them would change
 * their digest) until the record is next saved.
 *
 * Built on RxDB's public `wrapRxStorageInstance` like RxDB's own encryption plugins; it does not
 * touch any RxDB licence or premium check.
 */
import {
  clone,
  deleteProperty,
  flatClone,
  getChangedDocumentsSince,
  getPrimaryFieldOfPrimaryKey,
  getProperty,
  hasEncryption,
  META_INSTANCE_SCHEMA_TITLE,
  setProperty,
  wrapRxStorageInstance,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorage,
  type RxStorageInstance,
  type RxStorageInstanceCreationParams,
} from 'rxdb';
import { deriveRxdbFieldKey, type DataKey } from './data-key';

/** First byte of every sealed value and attachment written by this module. */
export const RXDB_ENCRYPTION_VERSION = 2;
/** The stored property that holds a record's sealed fields (it replaces them at rest). */
export const SEALED_FIELD = 'silaSealed';
/**
 * On a replication meta document stored like its record (`docData` with its own `silaSealed`):
 * the record's collection, to which that blob is bound.
 */
export const SEALED_FOR_FIELD = 'silaSealedFor';
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
 * An encrypted value that could not be opened: altered, moved from another record, written under
 * another key, or in an unknown format. Nothing of it is returned.
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
    /** The field (for the sealed fields: `silaSealed`; for attachments: `_attachments.<id>`). */
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

/** The authenticated context of a record's sealed fields: format version, collection, record id. */
function recordAad(collection: string, documentId: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(JSON.stringify(['sila-rxdb-record', RXDB_ENCRYPTION_VERSION, collection, documentId])) as Uint8Array<ArrayBuffer>;
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

/** Rejects with `error` when the bytes are not ours, were altered, belong to another context or another key. */
function open(key: CryptoKey, sealed: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer>, error: () => StoreDecryptionError): Promise<Uint8Array<ArrayBuffer>> {
  if (sealed.length < HEADER_BYTES + TAG_BYTES || sealed[0] !== RXDB_ENCRYPTION_VERSION) {
    const e = error();
    return Promise.reject(new StoreDecryptionError(e.collection, e.documentId, e.path, 'unknown-format'));
  }
  return globalThis.crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.subarray(1, HEADER_BYTES), additionalData: aad }, key, sealed.subarray(HEADER_BYTES)).then(
    (pt) => new Uint8Array(pt),
    () => {
      throw error();
    },
  );
}

type Fields = Record<string, unknown>;

/** Seals a record's encrypted fields (`{ path: value }`, JSON values) for `collection`/`documentId`. */
export function encryptRecordFields(key: CryptoKey, fields: Fields, collection: string, documentId: string): Promise<string> {
  return sealFieldsJson(key, JSON.stringify(fields), collection, documentId);
}

/** `encryptRecordFields` for fields already serialised (`JSON.stringify` of the `{ path: value }` object). */
function sealFieldsJson(key: CryptoKey, json: string, collection: string, documentId: string): Promise<string> {
  return seal(key, encoder.encode(json) as Uint8Array<ArrayBuffer>, recordAad(collection, documentId)).then(bytesToBase64);
}

/**
 * Opens what `encryptRecordFields` sealed for the same collection and record; rejects with a
 * `StoreDecryptionError` otherwise. One promise, no nested async steps: it runs for every
 * document read.
 */
export function decryptRecordFields(key: CryptoKey, stored: unknown, collection: string, documentId: string): Promise<Fields> {
  const failed = (reason: StoreDecryptionReason) => new StoreDecryptionError(collection, documentId, SEALED_FIELD, reason);
  const bytes = typeof stored === 'string' ? base64ToBytes(stored) : null;
  if (!bytes) return Promise.reject(failed('unknown-format'));
  return open(key, bytes, recordAad(collection, documentId), () => failed('cannot-open')).then((pt) => {
    let fields: unknown;
    try {
      fields = JSON.parse(decoder.decode(pt));
    } catch {
      fields = null;
    }
    // Authenticated but not a field object: not ours, never guess.
    if (!fields || typeof fields !== 'object' || Array.isArray(fields)) throw failed('cannot-open');
    return fields as Fields;
  });
}

/** Encrypts attachment bytes for `collection`/`documentId`/`attachmentId` (stored as they are, no base64). */
export function encryptAttachmentBytes(key: CryptoKey, bytes: Uint8Array<ArrayBuffer>, collection: string, documentId: string, attachmentId: string): Promise<Uint8Array<ArrayBuffer>> {
  return seal(key, bytes, attachmentAad(collection, documentId, attachmentId));
}

/** Opens bytes written by `encryptAttachmentBytes` for the same context; rejects with a `StoreDecryptionError` otherwise. */
export function decryptAttachmentBytes(key: CryptoKey, sealed: Uint8Array<ArrayBuffer>, collection: string, documentId: string, attachmentId: string): Promise<Uint8Array<ArrayBuffer>> {
  return open(key, sealed, attachmentAad(collection, documentId, attachmentId), () => new StoreDecryptionError(collection, documentId, `_attachments.${attachmentId}`, 'cannot-open'));
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

type SchemaLevel = { properties: Record<string, unknown> };

/**
 * The storage schema, exactly as RxDB's crypto-js plugin made it (so a store it wrote opens
 * with the same schema): encrypted fields are strings — crypto-js stores hold them there until
 * upgraded; new records leave them out and carry `silaSealed` instead, which the storages below
 * (Dexie, memory) store without a declaration as they do not validate documents. Attachments are
 * opaque blobs to the storage.
 */
function storageSchemaOf<T>(schema: RxJsonSchema<RxDocumentData<T>>): RxJsonSchema<RxDocumentData<T>> {
  const out = clone(schema) as RxJsonSchema<RxDocumentData<T>> & { encrypted?: string[] };
  delete out.encrypted;
  if (out.attachments) out.attachments = { ...out.attachments, encrypted: false };
  for (const path of schema.encrypted ?? []) {
    const parts = path.split('.');
    let level = out as unknown as SchemaLevel;
    for (const part of parts.slice(0, -1)) level = level.properties[part] as SchemaLevel;
    level.properties[parts[parts.length - 1]!] = { type: 'string' };
  }
  return out;
}

type AnyDoc = RxDocumentData<Record<string, unknown>>;

/**
 * How many recently sealed records per collection are remembered (id → the serialised fields and
 * their sealed blob) so that the replication's copy of the same state can reuse the blob. A pull
 * batch is at most 1,000 documents and its copies are written right after it.
 */
const RECENT_SEALS = 4096;

/**
 * What a record collection's storage instance shares with the replication meta instance of the
 * same collection: how its fields are sealed, and the blobs it sealed last.
 */
interface RecordSealing {
  collection: string;
  paths: readonly string[];
  nested: boolean;
  primaryPath: string;
  recent: Map<string, { json: string; sealed: string }>;
}

const readPath = (doc: AnyDoc, path: string, nested: boolean): unknown => (nested ? getProperty(doc, path) : doc[path]);
const writePath = (doc: AnyDoc, path: string, value: unknown, nested: boolean) => void (nested ? setProperty(doc, path, value) : (doc[path] = value));
const removePath = (doc: AnyDoc, path: string, nested: boolean) => void (nested ? deleteProperty(doc, path) : delete doc[path]);

/** A copy whose (possibly nested) field paths can be changed without touching the caller's, possibly frozen, object. */
function copyForPaths(doc: AnyDoc, nested: boolean): AnyDoc {
  if (!nested) return flatClone(doc);
  const { _attachments, ...rest } = doc;
  return { ...(clone(rest) as AnyDoc), ...(_attachments !== undefined ? { _attachments } : {}) } as AnyDoc;
}

/** The record's encrypted fields in `paths` order, as the object that is sealed. */
function pickFields(doc: AnyDoc, paths: readonly string[], nested: boolean): Fields {
  const fields: Fields = {};
  for (const path of paths) {
    const value = readPath(doc, path, nested);
    if (value !== undefined) fields[path] = value;
  }
  return fields;
}

/** Documents of RxDB's replication meta instances (the "assumed master state" of each record, and checkpoints). */
function isReplicationMetaSchema(schema: RxJsonSchema<AnyDoc> & { encrypted?: string[] }): boolean {
  return schema.title === META_INSTANCE_SCHEMA_TITLE && schema.encrypted?.length === 1 && schema.encrypted[0] === 'docData';
}

export function wrappedAesGcmEncryptionStorage<Internals, InstanceCreationOptions>(
  args: AesGcmEncryptionStorageArgs<Internals, InstanceCreationOptions>,
): RxStorage<Internals, InstanceCreationOptions> {
  let fieldKey: Promise<CryptoKey> | null = null;
  const keyOnce = () => (fieldKey ??= deriveRxdbFieldKey(args.dataKey));
  /** Open record collections with encrypted fields, by database and schema properties (see `RecordSealing`). */
  const recordSealings = new Map<string, RecordSealing>();
  const sealingKey = (databaseName: string, version: unknown, properties: unknown) => `${databaseName}\u0000${String(version)}\u0000${JSON.stringify(properties)}`;
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
      if (SEALED_FIELD in (schema.properties as object)) throw new Error(`${collection}: the field name ${SEALED_FIELD} is reserved for encryption`);

      const instance = (await args.storage.createStorageInstance({
        ...params,
        schema: storageSchemaOf(params.schema),
      })) as unknown as RxStorageInstance<Record<string, unknown>, Internals, InstanceCreationOptions>;

      const read = (doc: AnyDoc, path: string): unknown => readPath(doc, path, nested);
      const write = (doc: AnyDoc, path: string, value: unknown) => writePath(doc, path, value, nested);

      /**
       * A record collection registers how it seals, so that its replication meta instance (the
       * replication's copy of each record's last known HQ state, encrypted because it holds the
       * same secrets) can store that copy sealed the same way — and reuse the record's blob when
       * the copy's encrypted fields are the same as the record's, which is the case for every
       * pulled record and every pushed one. That halves the encryption work of a sync.
       */
      const isMeta = isReplicationMetaSchema(schema as never);
      /** How this instance seals its own documents (for a meta instance: the earlier form, `docData` sealed whole). */
      const self: RecordSealing = { collection, paths, nested, primaryPath, recent: new Map() };
      const ownSealingKey = isMeta ? null : sealingKey(params.databaseName, schema.version, schema.properties);
      if (ownSealingKey) recordSealings.set(ownSealingKey, self);
      /** For a meta instance: the record collection whose HQ states it keeps (matched by database and schema). */
      const metaOf: RecordSealing | undefined = isMeta
        ? recordSealings.get(sealingKey(params.databaseName, schema.version, (schema.properties as { docData?: { properties?: unknown } }).docData?.properties))
        : undefined;
      const remember = (sealing: RecordSealing, id: string, json: string, sealed: string) => {
        sealing.recent.delete(id);
        if (sealing.recent.size >= RECENT_SEALS) sealing.recent.delete(sealing.recent.keys().next().value!);
        sealing.recent.set(id, { json, sealed });
      };
      const forgetSealing = () => {
        if (!ownSealingKey || recordSealings.get(ownSealingKey) !== self) return;
        recordSealings.delete(ownSealingKey);
        self.recent.clear();
      };

      /**
       * Stored documents this instance is writing → the clear documents they came from. The
       * storage reports a write back through its change stream (to every subscriber: the
       * collection, the replication) and conflicts through the write result, with the very
       * object it was given, before the write resolves; those reads need no decryption. The
       * entries are dropped when the write resolves, so later reads always decrypt — also on the
       * memory storage, which returns the objects it keeps.
       */
      const clearOf = new WeakMap<AnyDoc, AnyDoc>();
      const storedOf = new WeakMap<AnyDoc, AnyDoc>();
      const forget = (clear: AnyDoc | undefined) => {
        const stored = clear && storedOf.get(clear);
        if (stored) clearOf.delete(stored);
      };

      /**
       * The stored form of `data` sealed as `sealing` seals: encrypted fields out, `silaSealed` in
       * (absent when none has a value). A record collection remembers the blob it sealed; a
       * replication copy (`reuse`) takes that blob when it seals exactly the same values.
       */
      async function sealedForm(data: AnyDoc, sealing: RecordSealing, fields: Fields, reuse: boolean): Promise<AnyDoc> {
        const out = copyForPaths(data, sealing.nested);
        for (const path of sealing.paths) removePath(out, path, sealing.nested);
        delete out[SEALED_FIELD];
        if (Object.keys(fields).length === 0) return out;
        const id = String(data[sealing.primaryPath]);
        const json = JSON.stringify(fields);
        const recent = reuse ? sealing.recent.get(id) : undefined;
        const sealed = recent && recent.json === json ? recent.sealed : await sealFieldsJson(key, json, sealing.collection, id);
        if (!reuse && ownSealingKey) remember(sealing, id, json, sealed);
        out[SEALED_FIELD] = sealed;
        return out;
      }

      const sealDoc = (doc: AnyDoc, fields: Fields) => sealedForm(doc, self, fields, false);

      /**
       * A meta document's stored form when its record collection is known (`metaOf`): the HQ state
       * in `docData` is stored like the record itself — clear fields as they are, encrypted fields
       * sealed into `docData.silaSealed`, bound to the record's collection and id. The record's
       * own blob is reused when it sealed exactly these values (the usual case); otherwise they
       * are sealed afresh. `silaSealedFor` names the record's collection, so the document can be
       * read back without knowing which collection this meta instance serves. Checkpoint
       * documents carry no `docData`.
       */
      async function sealMetaDoc(doc: AnyDoc, sealing: RecordSealing): Promise<AnyDoc> {
        const out = flatClone(doc);
        delete out[SEALED_FIELD];
        delete out[SEALED_FOR_FIELD];
        const data = doc.docData as AnyDoc | undefined;
        if (data === undefined || data === null || typeof data !== 'object') return out;
        out.docData = await sealedForm(data, sealing, pickFields(data, sealing.paths, sealing.nested), true);
        out[SEALED_FOR_FIELD] = sealing.collection;
        return out;
      }

      /**
       * Opens a meta document stored by `sealMetaDoc`: the blob must open for the collection it
       * names and the record the meta document is about (its `itemId`); the sealed object's keys
       * are the field paths.
       */
      async function openMetaDoc(doc: AnyDoc): Promise<AnyDoc> {
        const metaId = String(doc[primaryPath]);
        const path = `docData.${SEALED_FIELD}`;
        const data = doc.docData;
        const recordCollection = doc[SEALED_FOR_FIELD];
        if (data === null || typeof data !== 'object' || typeof recordCollection !== 'string') throw new StoreDecryptionError(collection, metaId, path, 'unknown-format');
        const stored = data as AnyDoc;
        const id = String(doc.itemId);
        // When the record collection is known: the copy is of the record named in the meta document, and its encrypted fields are never stored in clear.
        if (metaOf && metaOf.collection === recordCollection) {
          if (String(stored[metaOf.primaryPath]) !== id) throw new StoreDecryptionError(collection, metaId, path, 'cannot-open');
          for (const p of metaOf.paths) {
            if (readPath(stored, p, metaOf.nested) !== undefined) throw new StoreDecryptionError(collection, metaId, `docData.${p}`, 'unknown-format');
          }
        }
        const out = flatClone(doc);
        delete out[SEALED_FIELD];
        delete out[SEALED_FOR_FIELD];
        let fields: Fields = {};
        if (stored[SEALED_FIELD] !== undefined) {
          try {
            fields = await decryptRecordFields(key, stored[SEALED_FIELD], recordCollection, id);
          } catch (err) {
            if (err instanceof StoreDecryptionError) throw new StoreDecryptionError(collection, metaId, path, err.reason);
            throw err;
          }
        }
        // The sealed object's keys are the field paths (a dotted one is nested).
        const nestedPaths = Object.keys(fields).some((p) => p.includes('.'));
        const clear = copyForPaths(stored, nestedPaths);
        delete clear[SEALED_FIELD];
        for (const [p, value] of Object.entries(fields)) writePath(clear, p, value, p.includes('.'));
        out.docData = clear;
        return out;
      }

      async function toStorage(doc: AnyDoc): Promise<AnyDoc> {
        if (metaOf) {
          const out = await sealMetaDoc(doc, metaOf);
          clearOf.set(out, doc);
          storedOf.set(doc, out);
          return out;
        }
        const work: Promise<unknown>[] = [sealDoc(doc, pickFields(doc, paths, nested))];
        let attachments: Record<string, unknown> | null = null;
        if (encryptAttachments && doc._attachments) {
          const id = String(doc[primaryPath]);
          const sealedAttachments: Record<string, unknown> = {};
          attachments = sealedAttachments;
          for (const [attachmentId, attachment] of Object.entries(doc._attachments)) {
            const a = attachment as { data?: Blob; type: string };
            if (!a.data) {
              sealedAttachments[attachmentId] = a;
              continue;
            }
            const data = a.data;
            work.push(
              data.arrayBuffer().then(async (buf) => {
                const sealed = await encryptAttachmentBytes(key, new Uint8Array(buf), collection, id, attachmentId);
                sealedAttachments[attachmentId] = { ...a, data: new Blob([sealed], { type: a.type }) };
              }),
            );
          }
        }
        const [out] = (await Promise.all(work)) as [AnyDoc];
        if (attachments) out._attachments = attachments as AnyDoc['_attachments'];
        clearOf.set(out, doc);
        storedOf.set(doc, out);
        return out;
      }

      async function fromStorage(doc: AnyDoc): Promise<AnyDoc> {
        const out = copyForPaths(doc, nested);
        delete out[SEALED_FIELD];
        delete out[SEALED_FOR_FIELD];
        const clear = clearOf.get(doc);
        if (clear) {
          for (const path of paths) {
            const value = read(clear, path);
            if (value !== undefined) write(out, path, value);
          }
          return out;
        }
        // A meta document written by `sealMetaDoc` (the earlier formats have no marker).
        if (isMeta && doc[SEALED_FOR_FIELD] !== undefined) return openMetaDoc(doc);
        const id = String(doc[primaryPath]);
        // Values still in the fields themselves can only be crypto-js ones (a store not yet upgraded).
        for (const path of paths) {
          const stored = read(doc, path);
          if (stored !== undefined && !isLegacyCryptoJsValue(stored)) throw new StoreDecryptionError(collection, id, path, 'unknown-format');
        }
        const work: Promise<void>[] = [];
        const sealed = doc[SEALED_FIELD];
        if (sealed !== undefined) {
          work.push(
            decryptRecordFields(key, sealed, collection, id).then((fields) => {
              for (const [path, value] of Object.entries(fields)) write(out, path, value);
            }),
          );
        }
        for (const path of paths) {
          const stored = read(doc, path);
          if (isLegacyCryptoJsValue(stored)) work.push(decryptLegacyField(stored, legacyPassword, collection, id, path).then((value) => write(out, path, value)));
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
            // Decrypt the crypto-js fields (and whatever is already sealed) and seal them together.
            const id = String(doc[primaryPath]);
            try {
              const fields: Fields = doc[SEALED_FIELD] === undefined ? {} : await decryptRecordFields(key, doc[SEALED_FIELD], collection, id);
              await Promise.all(
                paths.map(async (path) => {
                  const stored = read(doc, path);
                  if (isLegacyCryptoJsValue(stored)) fields[path] = await decryptLegacyField(stored, legacyPassword, collection, id, path);
                }),
              );
              return await sealDoc(doc, fields);
            } catch (err) {
              if (err instanceof StoreDecryptionError) return null; // damaged: left as it is, reported when read
              throw err;
            }
          });
        } catch (err) {
          // The store stays usable: crypto-js values are still read; the upgrade is retried at the next open.
          console.warn(`re-encrypting ${collection} from the previous format was interrupted`, err);
        }
      }

      const wrapped = wrapRxStorageInstance(params.schema as unknown as RxJsonSchema<AnyDoc>, instance, toStorage as never, fromStorage);
      const bulkWrite = wrapped.bulkWrite;
      wrapped.bulkWrite = async (rows, context) => {
        try {
          return await bulkWrite(rows, context);
        } finally {
          for (const row of rows) {
            forget(row.document as AnyDoc);
            forget(row.previous as AnyDoc | undefined);
          }
        }
      };
      // Closing or removing a record collection's instance drops what it shared for its meta instance.
      const close = wrapped.close.bind(wrapped);
      wrapped.close = () => {
        forgetSealing();
        return close();
      };
      const removeInstance = wrapped.remove.bind(wrapped);
      wrapped.remove = () => {
        forgetSealing();
        return removeInstance();
      };
      // The attachment's record and id are part of its authenticated context, which
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
  const hasValue = (doc: AnyDoc) => doc[SEALED_FIELD] !== undefined || paths.some((p) => getProperty(doc, p) !== undefined);
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
