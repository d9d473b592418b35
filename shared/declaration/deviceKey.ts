// The issuing device's signing key (ECDSA P-256, Web Crypto). One key pair per device: the private
// key stays on the device (non-extractable CryptoKey, storable in IndexedDB); the public key (SPKI,
// base64url) is registered with HQ so any office can verify declarations the device issued.

import { base64UrlDecode, base64UrlEncode } from './canonicalJson';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface DeviceSigningKey {
  /** Short, stable id of the public key: base64url of the first 12 bytes of SHA-256(SPKI). */
  keyId: string;
  privateKey: CryptoKey;
  /** SubjectPublicKeyInfo, base64url — what HQ stores for this device. */
  publicKeySpki: string;
}

/** Public keys HQ knows, by key id: SPKI base64url strings or imported CryptoKeys. */
export type KnownDeviceKeys = Readonly<Record<string, string | CryptoKey>>;

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('Web Crypto (crypto.subtle) is not available in this environment');
  return s;
}

export async function deviceKeyIdOf(publicKeySpki: string): Promise<string> {
  const digest = new Uint8Array(await subtle().digest('SHA-256', base64UrlDecode(publicKeySpki) as Uint8Array<ArrayBuffer>));
  return base64UrlEncode(digest.subarray(0, 12));
}

export async function generateDeviceSigningKey(): Promise<DeviceSigningKey> {
  const pair = (await subtle().generateKey(ALGORITHM, false, ['sign', 'verify'])) as CryptoKeyPair;
  const spki = base64UrlEncode(new Uint8Array(await subtle().exportKey('spki', pair.publicKey)));
  return { keyId: await deviceKeyIdOf(spki), privateKey: pair.privateKey, publicKeySpki: spki };
}

export async function signWithDeviceKey(key: DeviceSigningKey, message: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign(SIGN, key.privateKey, message as Uint8Array<ArrayBuffer>));
}

export async function importDevicePublicKey(publicKey: string | CryptoKey): Promise<CryptoKey> {
  if (typeof publicKey !== 'string') return publicKey;
  return subtle().importKey('spki', base64UrlDecode(publicKey) as Uint8Array<ArrayBuffer>, ALGORITHM, false, ['verify']);
}

export async function verifyDeviceSignature(publicKey: string | CryptoKey, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  try {
    const key = await importDevicePublicKey(publicKey);
    return await subtle().verify(SIGN, key, signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}
