export * from './types';
export { canonicalJson, sha256Hex, utf8, base64UrlEncode, base64UrlDecode } from './canonicalJson';
export {
  generateDeviceSigningKey,
  deviceKeyIdOf,
  importDevicePublicKey,
  verifyDeviceSignature,
  type DeviceSigningKey,
  type KnownDeviceKeys,
} from './deviceKey';
export { buildSnapshot, sealDeclaration, parseQrPayload, hashDeclaredData, QR_PAYLOAD_PREFIX, type SealedDeclaration, type ParsedQrPayload } from './snapshot';
export { readPdfEvidence, INFO_KEY_QR, INFO_KEY_SHA256, type PdfEvidence } from './pdfEvidence';
export { verifyDeclaration, diffPaths, type VerificationResult, type VerificationStatus, type DeclarationEvidence } from './verify';
