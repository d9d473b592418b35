/**
 * Keyed hashes for exact lookup of a national ID / iqama or a phone number without storing
 * it in clear: HMAC-SHA-256 under a key derived from the DEK (deriveLookupKey), domain-separated
 * by kind, truncated to 128 bits (32 hex chars).
 *
 * Because the key comes from the laptop's DEK, the hashes are only comparable on the laptop
 * that made them: keep them in local-only fields/collections, not in documents that sync.
 */
import { normalizeDigits } from '../identity/digits';
import { normalizeSaudiMobile } from '../identity/phone';
import { toHex, utf8Encode } from './bytes';

export type LookupKind = 'nationalId' | 'phone';

export const LOOKUP_HASH_HEX_LENGTH = 32;

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
