// The snapshot of exactly what was declared, its canonical bytes and hashes, and the signed QR
// payload that ties them to the issuing device.

import { base64UrlDecode, base64UrlEncode, canonicalJson, sha256Hex, utf8 } from './canonicalJson';
import { signWithDeviceKey, type DeviceSigningKey } from './deviceKey';
import type { DeclarationInput, DeclarationSnapshot, DeclaredData } from './types';

export const QR_PAYLOAD_PREFIX = 'SILA1';

export interface SealedDeclaration {
  snapshot: DeclarationSnapshot;
  /** utf8(canonicalJson(snapshot)) — attached to the PDF byte for byte. */
  snapshotBytes: Uint8Array;
  /** SHA-256 (hex) of `snapshotBytes`. */
  snapshotSha256: string;
  /** SHA-256 (hex) of the canonical JSON of `snapshot.data` alone (what goes stale). */
  dataSha256: string;
  /** What the QR code carries: prefix, reference, device key id, both hashes, ECDSA signature. */
  qrPayload: string;
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function hashDeclaredData(data: DeclaredData): Promise<string> {
  return sha256Hex(utf8(canonicalJson(data)));
}

export function buildSnapshot(
  input: DeclarationInput & { statement: { text: string; policyVersion?: string } },
  signature: DeclarationSnapshot['signature'],
  deviceKeyId: string,
): DeclarationSnapshot {
  // Round-trip through canonical JSON so the snapshot holds plain data only (no undefined members).
  return JSON.parse(
    canonicalJson({
      format: 'sila.declaration/1',
      reference: input.reference,
      declaredAt: input.declaredAt,
      association: input.association,
      statement: input.statement,
      data: input.data,
      applicant: input.applicant,
      employee: input.employee,
      place: input.place,
      signature,
      deviceKeyId,
    }),
  ) as DeclarationSnapshot;
}

export function signedMessage(reference: string, keyId: string, snapshotHash: string, dataHash: string): Uint8Array {
  return utf8([QR_PAYLOAD_PREFIX, reference, keyId, snapshotHash, dataHash].join('.'));
}

export async function sealDeclaration(snapshot: DeclarationSnapshot, device: DeviceSigningKey): Promise<SealedDeclaration> {
  const snapshotBytes = utf8(canonicalJson(snapshot));
  const snapshotSha256 = await sha256Hex(snapshotBytes);
  const dataSha256 = await hashDeclaredData(snapshot.data);
  const s = base64UrlEncode(hexToBytes(snapshotSha256));
  const d = base64UrlEncode(hexToBytes(dataSha256));
  const signature = await signWithDeviceKey(device, signedMessage(snapshot.reference, device.keyId, s, d));
  const qrPayload = [QR_PAYLOAD_PREFIX, snapshot.reference, device.keyId, s, d, base64UrlEncode(signature)].join('.');
  return { snapshot, snapshotBytes, snapshotSha256, dataSha256, qrPayload };
}

export interface ParsedQrPayload {
  reference: string;
  deviceKeyId: string;
  snapshotSha256: string;
  dataSha256: string;
  signature: Uint8Array;
  /** The bytes the signature covers. */
  message: Uint8Array;
}

/** Parses a QR payload; returns undefined when it is not a well-formed Sila declaration payload. */
export function parseQrPayload(payload: string): ParsedQrPayload | undefined {
  const parts = payload.trim().split('.');
  if (parts.length !== 6 || parts[0] !== QR_PAYLOAD_PREFIX) return undefined;
  const [, reference = '', keyId = '', s = '', d = '', sig = ''] = parts;
  try {
    const snapshotHash = base64UrlDecode(s);
    const dataHash = base64UrlDecode(d);
    const signature = base64UrlDecode(sig);
    if (snapshotHash.length !== 32 || dataHash.length !== 32 || signature.length !== 64 || !reference || !keyId) return undefined;
    return {
      reference,
      deviceKeyId: keyId,
      snapshotSha256: bytesToHex(snapshotHash),
      dataSha256: bytesToHex(dataHash),
      signature,
      message: signedMessage(reference, keyId, s, d),
    };
  } catch {
    return undefined;
  }
}
