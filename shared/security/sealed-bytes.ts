/**
 * Authenticated encryption of whole byte blobs (scanned documents, exported files) under a
 * subkey of the DEK: AES-256-GCM with a random 96-bit IV. Layout: version byte (1) ‖ IV (12)
 * ‖ ciphertext+tag. `associatedData` (e.g. the document id) is authenticated, not encrypted:
 * a blob moved to another record fails to open.
 */
import { randomBytes, utf8Encode } from './bytes';
import { deriveSealingKey, type DataKey } from './data-key';

const SEALED_VERSION = 1;
const IV_BYTES = 12;

export async function sealBytes(dek: DataKey, plaintext: Uint8Array<ArrayBuffer>, associatedData: string): Promise<Uint8Array<ArrayBuffer>> {
  const key = await deriveSealingKey(dek);
  const iv = randomBytes(IV_BYTES);
  const ct = new Uint8Array(
    await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8Encode(associatedData) }, key, plaintext),
  );
  const out = new Uint8Array(1 + IV_BYTES + ct.length);
  out[0] = SEALED_VERSION;
  out.set(iv, 1);
  out.set(ct, 1 + IV_BYTES);
  return out;
}

/** Returns null if the blob was altered, belongs to other associated data, or another key. */
export async function openSealedBytes(dek: DataKey, sealed: Uint8Array<ArrayBuffer>, associatedData: string): Promise<Uint8Array<ArrayBuffer> | null> {
  if (sealed.length < 1 + IV_BYTES + 16 || sealed[0] !== SEALED_VERSION) return null;
  const key = await deriveSealingKey(dek);
  try {
    const pt = await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: sealed.slice(1, 1 + IV_BYTES), additionalData: utf8Encode(associatedData) },
      key,
      sealed.slice(1 + IV_BYTES),
    );
    return new Uint8Array(pt);
  } catch {
    return null;
  }
}
