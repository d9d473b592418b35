/**
 * HQ checks every pushed declaration's device signature before storing it.
 *
 * A declaration (shared/schema/declaration.ts) carries the signed QR payload of its snapshot
 * (shared/declaration: ECDSA P-256 over reference, key id and both hashes). On push, for every
 * declaration HQ does not already hold exactly, HQ checks that:
 *   - the snapshot is intact: SHA-256 of `snapshotJson` = `snapshotSha256`, it is in its signed
 *     (canonical) form, and its reference, key id and declared-data hash are the record's;
 *   - the QR payload names the same reference, key id and hashes as the record;
 *   - the signing key is a registered device's: the pushing device's own key, or the key of
 *     another registered, non-revoked device of the declaration's branch (a declaration signed
 *     on one laptop and synced by a colleague's);
 *   - the signature verifies (shared/declaration `verifyDeclaration`, as at the committee).
 * A failure refuses the whole batch (422 INVALID_SIGNATURE naming the document and the reason,
 * in Arabic and English); nothing of it is stored.
 */
import { createPublicKey } from 'node:crypto';
import { QR_PAYLOAD_PREFIX, base64UrlEncode, canonicalJson, deviceKeyIdOf, hashDeclaredData, parseQrPayload, sha256Hex, utf8, verifyDeclaration, type DeclarationSnapshot } from '../shared/declaration';
import { jsonDeepEqual, type PushRow, type SyncDocument } from '../shared/sync/protocol';
import type { UserCaller } from './auth';
import type { Queryable } from './db';
import { HqError } from './errors';

export type SignatureProblem = 'malformed_payload' | 'fields_mismatch' | 'snapshot_altered' | 'unknown_device' | 'foreign_device' | 'bad_signature';

const REASONS: Record<SignatureProblem, { en: string; ar: string }> = {
  malformed_payload: { en: 'its signed verification code (qrPayload) is missing or malformed', ar: 'رمز التحقق الموقّع فيه مفقود أو تالف' },
  fields_mismatch: { en: 'its reference, device key or hashes differ from what was signed', ar: 'رقمه أو مفتاح الجهاز أو بصماته لا تطابق ما وُقّع' },
  snapshot_altered: { en: 'its declared data was changed after signing', ar: 'البيانات المقرّ بها فيه عُدّلت بعد التوقيع' },
  unknown_device: { en: 'it was signed with a key HQ does not know', ar: 'وُقّع بمفتاح جهاز غير مسجّل لدى المركز' },
  foreign_device: { en: 'it was signed by a device that is revoked or not of this branch', ar: 'وُقّع بجهاز موقوف أو لا يتبع هذا الفرع' },
  bad_signature: { en: 'its digital signature is invalid (forged or altered)', ar: 'توقيعه الرقمي غير صحيح (مزوّر أو معدّل)' },
};

export function signatureRefused(index: number, documentId: string, problem: SignatureProblem): HqError {
  const r = REASONS[problem];
  return new HqError(
    422,
    'INVALID_SIGNATURE',
    `Declaration ${documentId} was refused: ${r.en}. Nothing of this batch was stored. Create the declaration again on this laptop.`,
    `رُفض الإقرار ${documentId} لأن ${r.ar}، ولم يُحفظ شيء من هذه الدفعة. أنشئ الإقرار من جديد على هذا الجهاز واطلب من المستفيد توقيعه، وإن تكرر ذلك فتواصل مع مدير النظام.`,
    { index, documentId, reason: problem },
  );
}

/** The SPKI (base64url) of a device public JWK as HQ stores it. */
function spkiOf(jwk: unknown): string | null {
  try {
    const key = typeof jwk === 'string' ? (JSON.parse(jwk) as Record<string, string>) : (jwk as Record<string, string>);
    return createPublicKey({ key: { ...key }, format: 'jwk' }).export({ type: 'spki', format: 'der' }).toString('base64url');
  } catch {
    return null;
  }
}

/** Registered device keys by key id: the pushing device's, then (lazily) a branch's non-revoked devices. */
export class DeviceKeys {
  private own: Promise<Record<string, string>> | null = null;
  private byBranch = new Map<string, Promise<Record<string, string>>>();
  private registered: Promise<Set<string>> | null = null;

  constructor(
    private readonly db: Queryable,
    private readonly deviceId: string,
  ) {}

  private async keysOf(rows: { public_key: unknown }[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const r of rows) {
      const spki = spkiOf(r.public_key);
      if (spki) out[await deviceKeyIdOf(spki)] = spki;
    }
    return out;
  }

  pushing(): Promise<Record<string, string>> {
    this.own ??= this.db
      .query<{ public_key: unknown }>('SELECT public_key FROM hq_devices WHERE id = $1 AND revoked_at IS NULL', [this.deviceId])
      .then((r) => this.keysOf(r.rows));
    return this.own;
  }

  branch(branchId: string): Promise<Record<string, string>> {
    let p = this.byBranch.get(branchId);
    if (!p) {
      p = this.db
        .query<{ public_key: unknown }>(
          `SELECT d.public_key FROM hq_devices d JOIN hq_users u ON u.id = d.registered_by
            WHERE d.revoked_at IS NULL AND u.active AND u.branch_ids ? $1`,
          [branchId],
        )
        .then((r) => this.keysOf(r.rows));
      this.byBranch.set(branchId, p);
    }
    return p;
  }

  /** Key ids of every device HQ ever registered (revoked ones and other branches' included). */
  registeredIds(): Promise<Set<string>> {
    this.registered ??= this.db
      .query<{ public_key: unknown }>('SELECT public_key FROM hq_devices')
      .then(async (r) => new Set(Object.keys(await this.keysOf(r.rows))));
    return this.registered;
  }
}

/** Why a declaration's signature does not hold, or null when it does. */
export async function declarationSignatureProblem(doc: SyncDocument, keys: DeviceKeys): Promise<SignatureProblem | null> {
  const payload = typeof doc.qrPayload === 'string' ? parseQrPayload(doc.qrPayload) : undefined;
  if (!payload) return 'malformed_payload';
  // Only the canonical encoding of the signature (base64url has spare bits in its last
  // character): one signed declaration has exactly one payload text.
  if (doc.qrPayload !== [QR_PAYLOAD_PREFIX, payload.reference, payload.deviceKeyId, ...(doc.qrPayload as string).split('.').slice(3, 5), base64UrlEncode(payload.signature)].join('.')) {
    return 'malformed_payload';
  }
  if (
    payload.reference !== doc.reference ||
    payload.deviceKeyId !== doc.deviceKeyId ||
    payload.snapshotSha256 !== doc.snapshotSha256 ||
    payload.dataSha256 !== doc.dataSha256
  ) {
    return 'fields_mismatch';
  }
  const snapshotJson = typeof doc.snapshotJson === 'string' ? doc.snapshotJson : '';
  if ((await sha256Hex(utf8(snapshotJson))) !== payload.snapshotSha256) return 'snapshot_altered';
  let snapshot: DeclarationSnapshot;
  try {
    snapshot = JSON.parse(snapshotJson) as DeclarationSnapshot;
  } catch {
    return 'snapshot_altered';
  }
  if (
    !snapshot ||
    typeof snapshot !== 'object' ||
    canonicalJson(snapshot) !== snapshotJson ||
    snapshot.reference !== payload.reference ||
    snapshot.deviceKeyId !== payload.deviceKeyId ||
    !snapshot.data ||
    (await hashDeclaredData(snapshot.data)) !== payload.dataSha256
  ) {
    return 'snapshot_altered';
  }
  let known = await keys.pushing();
  if (!known[payload.deviceKeyId]) {
    const branchKeys = typeof doc.branchId === 'string' ? await keys.branch(doc.branchId) : {};
    if (!branchKeys[payload.deviceKeyId]) return (await keys.registeredIds()).has(payload.deviceKeyId) ? 'foreign_device' : 'unknown_device';
    known = branchKeys;
  }
  // The same check the committee runs on the QR code, against the registered key.
  const result = await verifyDeclaration({ qrPayload: doc.qrPayload as string }, snapshot.data, known);
  if (result.status === 'authentic_current') return null;
  if (result.status === 'unknown_device') return 'unknown_device';
  return 'bad_signature';
}

/**
 * The push `check` hook for declarations: every new declaration of the batch must carry a
 * valid signature of a registered device (see the module note). Throws 422 on the first bad one.
 */
export async function checkDeclarationSignatures(db: Queryable, caller: UserCaller, rows: readonly PushRow[], stored: ReadonlyMap<string, SyncDocument>): Promise<void> {
  const keys = new DeviceKeys(db, caller.deviceId ?? '');
  for (const [index, row] of rows.entries()) {
    const doc = row.newDocumentState;
    if (doc._deleted === true) continue; // refused by the append-only rule, never a new declaration
    const before = stored.get(doc.id);
    if (before && jsonDeepEqual(before, doc)) continue; // a retried row HQ already checked
    const problem = await declarationSignatureProblem(doc, keys);
    if (problem) throw signatureRefused(index, doc.id, problem);
  }
}
