/**
 * Keyed hashes for exact lookup of a national ID / iqama or a phone number without storing
 * it in clear: HMAC-SHA-256 under a key derived from the DEK (deriveLookupKey), domain-separated
 * by kind, the full 256 bits (64 hex chars, as the beneficiary schema's idHash/phoneHash expect).
 *
 * Which key: `deriveLookupKey(dek)` gives a per-laptop key (the DEK is made on each laptop), so
 * such hashes are only comparable on the laptop that made them — fine for local-only fields,
 * wrong for fields that sync and are compared elsewhere (HQ duplicate checks, another laptop's
 * lookups). For those, use one association-wide lookup key handed out by HQ and kept wrapped
 * under the DEK (`sealBytes`), imported with `importLookupKey`.
 */
import { normalizeDigits } from '../identity/digits';
import { normalizeSaudiMobile } from '../identity/phone';
import { toHex, utf8Encode } from './bytes';

export type LookupKind = 'nationalId' | 'phone';

export const LOOKUP_HASH_HEX_LENGTH = 64;

/** Domain-separation prefix per kind (the NUL cannot occur in a normalised value). */
const KIND_PREFIX: Readonly<Record<LookupKind, string>> = {
  nationalId: 'sila.lookup.nationalId\u0000',
  phone: 'sila.lookup.phone\u0000',
};

export async function keyedLookupHash(lookupKey: CryptoKey, kind: LookupKind, normalisedValue: string): Promise<string> {
  const prefix = KIND_PREFIX[kind];
  if (prefix === undefined) throw new Error(`unknown lookup kind: ${String(kind)}`);
  if (normalisedValue.length === 0) throw new Error('cannot hash an empty lookup value');
  const mac = await globalThis.crypto.subtle.sign('HMAC', lookupKey, utf8Encode(prefix + normalisedValue));
  return toHex(new Uint8Array(mac)).slice(0, LOOKUP_HASH_HEX_LENGTH);
}

/** Import a shared 256-bit lookup key (e.g. the association's, from HQ) as a non-extractable HMAC key. */
export async function importLookupKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  if (raw.length !== 32) throw new Error('lookup key must be 32 bytes');
  return globalThis.crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

/**
 * The normal form a lookup value is hashed in, so that what the user types finds what was
 * stored: digits only (Arabic-Indic accepted, via shared/identity); Saudi mobiles in E.164
 * (+9665XXXXXXXX) whether typed as 05…, 5…, 009665… or 9665…; other phone numbers as their
 * digits. Returns null when nothing usable remains.
 */
export function normaliseLookupValue(kind: LookupKind, raw: string): string | null {
  if (kind === 'phone') {
    const mobile = normalizeSaudiMobile(raw);
    if (mobile.ok) return mobile.value.e164;
  }
  const digits = normalizeDigits(raw).replace(/\D/g, '');
  return digits.length === 0 ? null : digits;
}
