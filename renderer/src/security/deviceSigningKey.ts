/**
 * This laptop's ECDSA P-256 signing key (declarations, HQ device registration). The private key
 * is a non-extractable CryptoKey kept in its own small IndexedDB database; only the public key
 * leaves the device (as a JWK at sign-in, HQ checks it on every later sign-in).
 */
import { base64UrlEncode } from '../../../shared/declaration/canonicalJson';
import { deviceKeyIdOf, type DeviceSigningKey } from '../../../shared/declaration/deviceKey';

const dbName = 'sila-device-key';
const storeName = 'keys';
const recordKey = 'signing';

export interface DevicePublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((ok, fail) => {
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error ?? new Error('IndexedDB request failed'));
  });
}

function openKeyDb(idb: IDBFactory): Promise<IDBDatabase> {
  const req = idb.open(dbName, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(storeName);
  return request(req);
}

let cached: Promise<CryptoKeyPair> | null = null;

async function loadOrCreate(idb: IDBFactory): Promise<CryptoKeyPair> {
  const db = await openKeyDb(idb);
  try {
    const existing = (await request(db.transaction(storeName, 'readonly').objectStore(storeName).get(recordKey))) as CryptoKeyPair | undefined;
    if (existing?.privateKey && existing.publicKey) return existing;
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair;
    const tx = db.transaction(storeName, 'readwrite');
    // add (not put): if another window created one meanwhile, keep theirs.
    tx.objectStore(storeName).add(pair, recordKey);
    try {
      await new Promise<void>((ok, fail) => {
        tx.oncomplete = () => ok();
        tx.onerror = () => fail(tx.error ?? new Error('IndexedDB write failed'));
        tx.onabort = () => fail(tx.error ?? new Error('IndexedDB write aborted'));
      });
      return pair;
    } catch {
      const theirs = (await request(db.transaction(storeName, 'readonly').objectStore(storeName).get(recordKey))) as CryptoKeyPair | undefined;
      if (!theirs) throw new Error('could not store the device signing key');
      return theirs;
    }
  } finally {
    db.close();
  }
}

function keyPair(idb: IDBFactory = indexedDB): Promise<CryptoKeyPair> {
  cached ??= loadOrCreate(idb).catch((err: unknown) => {
    cached = null;
    throw err;
  });
  return cached;
}

/** The public key as HQ registers it. */
export async function devicePublicJwk(idb?: IDBFactory): Promise<DevicePublicJwk> {
  const pair = await keyPair(idb);
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') throw new Error('device public key export failed');
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

/** The key in shared/declaration's shape (for signing declarations). */
export async function getDeviceSigningKey(idb?: IDBFactory): Promise<DeviceSigningKey> {
  const pair = await keyPair(idb);
  const spki = base64UrlEncode(new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey)));
  return { keyId: await deviceKeyIdOf(spki), privateKey: pair.privateKey, publicKeySpki: spki };
}

/** Forget the cached key (after a wipe). */
export function forgetDeviceSigningKey(): void {
  cached = null;
}

export const deviceSigningKeyDatabase = dbName;
