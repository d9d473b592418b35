// Verifying a declaration later (at HQ, at another office, or when the beneficiary brings the paper):
// from the PDF file or from the QR code scanned off the printed page, against the current synced
// record data and the device public keys HQ knows.

import { canonicalJson, sha256Hex, utf8 } from './canonicalJson';
import { verifyDeviceSignature, type KnownDeviceKeys } from './deviceKey';
import { readPdfEvidence } from './pdfEvidence';
import { hashDeclaredData, parseQrPayload, type ParsedQrPayload } from './snapshot';
import type { DeclarationSnapshot, DeclaredData } from './types';

export type VerificationStatus = 'authentic_current' | 'authentic_stale' | 'unknown_device' | 'altered';

export interface VerificationResult {
  status: VerificationStatus;
  reason: { ar: string; en: string };
  reference?: string;
  deviceKeyId?: string;
  /** Paths of declared fields that differ from the current record (PDF evidence only). */
  changedFields?: string[];
}

/** Declarations are tens of kilobytes; refuse to parse anything far larger. */
const MAX_PDF_BYTES = 20 * 1024 * 1024;

export type DeclarationEvidence = { pdf: Uint8Array } | { qrPayload: string };

const altered = (ar: string, en: string, p?: ParsedQrPayload): VerificationResult => ({
  status: 'altered',
  reason: { ar, en },
  reference: p?.reference,
  deviceKeyId: p?.deviceKeyId,
});

/** Field paths where two values differ (objects by key, arrays by index). */
export function diffPaths(a: unknown, b: unknown, path = ''): string[] {
  if (canonicalJson(a ?? null) === canonicalJson(b ?? null)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(...diffPaths(a[i], b[i], `${path}[${i}]`));
    return out;
  }
  if (isObj(a) && isObj(b) && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffPaths(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return [path || '(root)'];
}

export async function verifyDeclaration(
  evidence: DeclarationEvidence,
  current: DeclaredData,
  knownDevices: KnownDeviceKeys,
): Promise<VerificationResult> {
  let payloadText: string | undefined;
  let snapshot: DeclarationSnapshot | undefined;

  if ('pdf' in evidence) {
    if (evidence.pdf.length > MAX_PDF_BYTES) {
      return altered('الملف أكبر من أن يكون إقرارًا من صلة.', 'The file is too large to be a Sila declaration.');
    }
    let ev;
    try {
      ev = await readPdfEvidence(evidence.pdf);
    } catch {
      return altered('تعذر قراءة ملف PDF؛ اطلب نسخة أصلية من الإقرار.', 'The PDF cannot be read; ask for an original copy of the declaration.');
    }
    payloadText = ev.qrPayload;
    const p = payloadText ? parseQrPayload(payloadText) : undefined;
    if (!p) return altered('بيانات التحقق مفقودة من الملف؛ الملف ليس إقرارًا أصليًا من صلة.', 'The file has no verification data; it is not an original Sila declaration.');
    if (!ev.attachment) return altered('نسخة البيانات المرفقة مفقودة من الملف؛ لا يمكن الوثوق به.', 'The attached data copy is missing; the file cannot be trusted.', p);
    const attachedHash = await sha256Hex(ev.attachment.bytes);
    if (attachedHash !== p.snapshotSha256 || ev.metadataSha256 !== p.snapshotSha256) {
      return altered('البيانات المرفقة لا تطابق البصمة الموقّعة؛ عُدّل الملف بعد إصداره.', 'The attached data does not match the signed hash; the file was edited after it was issued.', p);
    }
    try {
      snapshot = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(ev.attachment.bytes)) as DeclarationSnapshot;
    } catch {
      return altered('البيانات المرفقة تالفة.', 'The attached data is corrupt.', p);
    }
    const canonical = utf8(canonicalJson(snapshot));
    if (canonical.length !== ev.attachment.bytes.length || canonical.some((b, i) => b !== ev.attachment?.bytes[i])) {
      return altered('البيانات المرفقة ليست بالصيغة الموقّعة.', 'The attached data is not in its signed form.', p);
    }
    if (snapshot.reference !== p.reference || snapshot.deviceKeyId !== p.deviceKeyId || (await hashDeclaredData(snapshot.data)) !== p.dataSha256) {
      return altered('البيانات المرفقة لا تطابق رمز التحقق.', 'The attached data does not match the verification code.', p);
    }
  } else {
    payloadText = evidence.qrPayload;
  }

  const payload = parseQrPayload(payloadText ?? '');
  if (!payload) return altered('رمز التحقق غير صالح؛ ليس رمز إقرار من صلة.', 'The verification code is not a valid Sila declaration code.');

  const publicKey = knownDevices[payload.deviceKeyId];
  if (!publicKey) {
    return {
      status: 'unknown_device',
      reason: {
        ar: 'صدر الإقرار من جهاز غير مسجل لدى المركز الرئيسي؛ تواصل مع المركز للتحقق من الجهاز.',
        en: 'The declaration was issued by a device HQ does not know; contact HQ to check the device.',
      },
      reference: payload.reference,
      deviceKeyId: payload.deviceKeyId,
    };
  }
  if (!(await verifyDeviceSignature(publicKey, payload.signature, payload.message))) {
    return altered('التوقيع الرقمي غير صحيح؛ الرمز أو الملف مزوّر أو معدّل.', 'The digital signature is invalid; the code or file is forged or altered.', payload);
  }

  const currentHash = await hashDeclaredData(current);
  if (currentHash === payload.dataSha256) {
    return {
      status: 'authentic_current',
      reason: { ar: 'الإقرار أصلي ويطابق البيانات الحالية.', en: 'The declaration is authentic and matches the current data.' },
      reference: payload.reference,
      deviceKeyId: payload.deviceKeyId,
      changedFields: [],
    };
  }
  const changedFields = snapshot ? diffPaths(snapshot.data, current) : undefined;
  return {
    status: 'authentic_stale',
    reason: {
      ar: 'الإقرار أصلي لكن البيانات تغيرت بعد توقيعه؛ اطلب من المستفيد إقرارًا جديدًا.',
      en: 'The declaration is authentic but the data has changed since it was signed; ask the beneficiary for a new declaration.',
    },
    reference: payload.reference,
    deviceKeyId: payload.deviceKeyId,
    changedFields,
  };
}
