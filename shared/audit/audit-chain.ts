/**
 * The audit log (سجل التدقيق): append-only and hash-chained per device.
 *
 * Every entry carries the hash of the entry before it (prevHash) and its own hash, the SHA-256
 * of the canonical JSON of the entry without `hash`. Editing an entry, deleting one, inserting
 * one or changing their order breaks the chain in a way `verifyAuditChain` names.
 *
 * What a plain hash chain cannot show on its own: someone who rewrites the *whole tail* of a
 * chain and recomputes every hash, or who cuts entries off the end. Pass the last head the HQ
 * already holds as `anchor` (seq + hash) to detect both.
 *
 * Appends must be serialised per device (one writer, e.g. the leader window): two appends
 * from the same `prev` would fork the chain, which verification then reports as 'inserted'.
 *
 * Entries never carry personal data in clear: `summary` names what happened and which fields
 * changed, never their values (see `describeChangedFields`); `docId` is an opaque id.
 */
import { canonicalJson } from '../security/canonical-json';
import { toHex, utf8Encode } from '../security/bytes';
import { normalizeDigits } from '../identity/digits';
import type { Role } from '../schema/collection';

export const auditActions = [
  'create',
  'update',
  'delete',
  'sign', // توقيع الإقرار
  'print',
  'export',
  'open_file',
  'view',
  'unlock',
  'unlock_failed',
  'lock',
  'password_change',
  'resolve_conflict',
  // The data subject asked for destruction (PDPL); HQ carries it out (shared/privacy/destruction.ts).
  'pdpl_destruction_request',
] as const;
export type AuditAction = (typeof auditActions)[number];

/**
 * One entry. The shape is the `audit_entries` collection's (shared/schema/auditEntry.ts):
 * `collectionName` because RxDB reserves a top-level `collection`.
 */
export interface AuditEntry {
  readonly id: string;
  /** The branch of the device (for branch-scoped replication). */
  readonly branchId: string;
  /** 1, 2, 3, … per device, no gaps. */
  readonly seq: number;
  readonly deviceId: string;
  readonly userId: string;
  /** The acting user's role, when known. */
  readonly role?: Role;
  /** ISO-8601 time on the device clock (display only; order comes from seq). */
  readonly at: string;
  readonly action: AuditAction;
  /** Collection name, or '' for session events (unlock, lock). */
  readonly collectionName: string;
  /** Opaque document id, or ''. */
  readonly docId: string;
  /** What happened, without personal data. */
  readonly summary: string;
  /** Hash of the previous entry of this device, GENESIS_HASH for seq 1. */
  readonly prevHash: string;
  /** SHA-256 (hex) of canonicalJson(entry without hash and signature). */
  readonly hash: string;
  /** Optional device signature over `hash` (outside the hashed body). */
  readonly signature?: string;
}

export type AuditEntryInput = Pick<AuditEntry, 'branchId' | 'deviceId' | 'userId' | 'role' | 'at' | 'action' | 'collectionName' | 'docId' | 'summary'> & {
  /** Defaults to `${deviceId}-${seq}`. */
  readonly id?: string;
};

export const GENESIS_HASH = '0'.repeat(64);
export const MAX_SUMMARY_LENGTH = 300;

/** Anything that looks like an ID, iqama, phone or account number (5+ digits), or an e-mail. */
const PERSONAL_DATA_PATTERN = /\d[\d\s\-.]{3,}\d|@/;

/**
 * Refuses summaries that look like they carry personal data. A guard against mistakes, not a
 * proof: names cannot be detected, so callers build summaries from field names and codes only.
 */
export function checkAuditSummary(summary: string): { ok: true } | { ok: false; reason: string } {
  if (summary.length > MAX_SUMMARY_LENGTH) return { ok: false, reason: `summary longer than ${MAX_SUMMARY_LENGTH} characters` };
  const digitsFolded = normalizeDigits(summary);
  if (PERSONAL_DATA_PATTERN.test(digitsFolded)) {
    return { ok: false, reason: 'summary looks like it contains an ID, phone number or e-mail' };
  }
  return { ok: true };
}

/** Fields that change on every write and say nothing about what the user did. */
const BOOKKEEPING_FIELDS = new Set(['updatedAt', 'updatedBy', 'createdAt']);

/**
 * A summary of an update that names the changed top-level fields, never their values:
 * `"updated: fullName, phone"`. Underscore (RxDB meta) and bookkeeping fields are ignored.
 */
export function describeChangedFields(before: Record<string, unknown>, after: Record<string, unknown>): string {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed = [...keys]
    .filter((k) => !k.startsWith('_') && !BOOKKEEPING_FIELDS.has(k))
    .filter((k) => canonicalOrUndefined(before[k]) !== canonicalOrUndefined(after[k]))
    .sort();
  return changed.length === 0 ? 'updated: no field changed' : `updated: ${changed.join(', ')}`;
}

function canonicalOrUndefined(v: unknown): string | undefined {
  return v === undefined ? undefined : canonicalJson(v);
}

async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', utf8Encode(text))));
}

/** The hash an entry should carry (over every field except `hash` and `signature`). */
export async function computeAuditEntryHash(entry: Omit<AuditEntry, 'hash'> & { hash?: string }): Promise<string> {
  const { hash: _hash, signature: _signature, ...body } = entry;
  return sha256Hex(canonicalJson(body));
}

/**
 * The next entry of a device's chain. `prev` is the device's latest entry (null for the first).
 * Throws on programming errors: another device's chain, an unknown action, a summary that
 * looks like personal data.
 */
export async function appendAuditEntry(prev: AuditEntry | null, input: AuditEntryInput): Promise<AuditEntry> {
  if (prev && prev.deviceId !== input.deviceId) {
    throw new Error(`audit: entry for device ${input.deviceId} cannot follow an entry of device ${prev.deviceId}`);
  }
  if (!(auditActions as readonly string[]).includes(input.action)) throw new Error(`audit: unknown action ${String(input.action)}`);
  const summaryCheck = checkAuditSummary(input.summary);
  if (!summaryCheck.ok) throw new Error(`audit: ${summaryCheck.reason}`);
  if (Number.isNaN(Date.parse(input.at))) throw new Error('audit: `at` must be an ISO date-time');
  const seq = prev ? prev.seq + 1 : 1;
  const body: Omit<AuditEntry, 'hash'> = {
    id: input.id ?? `${input.deviceId}-${seq}`,
    branchId: input.branchId,
    seq,
    deviceId: input.deviceId,
    userId: input.userId,
    ...(input.role !== undefined ? { role: input.role } : {}),
    at: input.at,
    action: input.action,
    collectionName: input.collectionName,
    docId: input.docId,
    summary: input.summary,
    prevHash: prev ? prev.hash : GENESIS_HASH,
  };
  return { ...body, hash: await computeAuditEntryHash(body) };
}

export type AuditBreakKind = 'edited' | 'deleted' | 'reordered' | 'inserted';

export type AuditVerification =
  | { readonly ok: true; readonly count: number; readonly head: { readonly seq: number; readonly hash: string } | null }
  | {
      readonly ok: false;
      /** Index (in the array given) of the first entry where the chain breaks. */
      readonly brokenAt: number;
      /** Id of that entry ('' when the break is after the last entry). */
      readonly entryId: string;
      readonly kind: AuditBreakKind;
      readonly messageAr: string;
      readonly messageEn: string;
    };

export interface VerifyOptions {
  /**
   * The head the HQ (or an earlier check) already holds for this device. Its entry must be
   * present with this hash, which detects a cut-off tail and a fully re-hashed rewrite.
   */
  readonly anchor?: { readonly seq: number; readonly hash: string };
  /**
   * The chain given starts after archived entries: the first entry may have seq > 1 and its
   * prevHash is taken on trust (or checked against `startAfter.hash` when given).
   */
  readonly startAfter?: { readonly seq: number; readonly hash: string };
}

const ADVICE_AR = 'لا تعدّل بيانات هذا الجهاز، وأبلغ مدير النظام في المركز الرئيس فورًا.';
const ADVICE_EN = "Do not change this laptop's data; report this to the HQ administrator at once.";

function broken(index: number, entryId: string, kind: AuditBreakKind, whatAr: string, whatEn: string): AuditVerification {
  return {
    ok: false,
    brokenAt: index,
    entryId,
    kind,
    messageAr: `سجل التدقيق غير سليم: ${whatAr}. ${ADVICE_AR}`,
    messageEn: `The audit log is not intact: ${whatEn}. ${ADVICE_EN}`,
  };
}

/**
 * Verify one device's chain, in stored order. Reports the first break (lowest index) as:
 *   edited    — an entry's content no longer matches its hash, or it does not link to the
 *               entry before it (that one or this one was rewritten);
 *   deleted   — a gap in seq (entries removed), or the anchored head is missing;
 *   reordered — all entries present, but not in seq order;
 *   inserted  — a duplicate seq or id, a non-integer seq, or an entry of another device.
 */
export async function verifyAuditChain(entries: readonly AuditEntry[], options: VerifyOptions = {}): Promise<AuditVerification> {
  if (entries.length === 0) {
    if (options.anchor) return broken(0, '', 'deleted', 'كل القيود حتى آخر قيد معروف لدى المركز محذوفة', 'every entry up to the head known to HQ is missing');
    return { ok: true, count: 0, head: null };
  }
  const deviceId = entries[0]!.deviceId;

  // 1. Content: every entry must match its own hash.
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if ((await computeAuditEntryHash(e)) !== e.hash) {
      return broken(i, e.id, 'edited', `القيد رقم ${e.seq} عُدّل بعد تسجيله`, `entry ${e.seq} was changed after it was written`);
    }
  }

  // 2. Foreign or duplicated entries.
  const seenSeq = new Set<number>();
  const seenId = new Set<string>();
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.deviceId !== deviceId || !Number.isInteger(e.seq) || e.seq < 1 || seenSeq.has(e.seq) || seenId.has(e.id)) {
      return broken(i, e.id, 'inserted', `القيد «${e.id}» أُدخل في السلسلة وليس منها`, `entry "${e.id}" was inserted into the chain`);
    }
    seenSeq.add(e.seq);
    seenId.add(e.id);
  }

  // 3. Order.
  for (let i = 1; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.seq < entries[i - 1]!.seq) {
      return broken(i, e.id, 'reordered', `ترتيب القيود تغيّر عند القيد رقم ${e.seq}`, `the entries were reordered at entry ${e.seq}`);
    }
  }

  // 4. Links and gaps.
  const first = entries[0]!;
  const start = options.startAfter;
  if (start) {
    if (first.seq !== start.seq + 1) {
      return broken(0, first.id, 'deleted', `قيود مفقودة قبل القيد رقم ${first.seq}`, `entries are missing before entry ${first.seq}`);
    }
    if (first.prevHash !== start.hash) {
      return broken(0, first.id, 'edited', `القيد رقم ${first.seq} لا يتصل بما قبله`, `entry ${first.seq} does not link to the one before it`);
    }
  } else if (first.seq !== 1) {
    return broken(0, first.id, 'deleted', `القيود من ١ إلى ${first.seq - 1} مفقودة`, `entries 1 to ${first.seq - 1} are missing`);
  } else if (first.prevHash !== GENESIS_HASH) {
    return broken(0, first.id, 'inserted', 'القيد الأول ليس بداية سلسلة هذا الجهاز', "the first entry is not the start of this device's chain");
  }
  for (let i = 1; i < entries.length; i++) {
    const e = entries[i]!;
    const prev = entries[i - 1]!;
    if (e.seq !== prev.seq + 1) {
      return broken(i, e.id, 'deleted', `القيود بين رقم ${prev.seq} ورقم ${e.seq} مفقودة`, `entries between ${prev.seq} and ${e.seq} are missing`);
    }
    if (e.prevHash !== prev.hash) {
      return broken(
        i,
        e.id,
        'edited',
        `القيد رقم ${e.seq} لا يتصل بالقيد رقم ${prev.seq}؛ أحدهما أُعيدت كتابته`,
        `entry ${e.seq} does not link to entry ${prev.seq}; one of them was rewritten`,
      );
    }
  }

  // 5. The known head.
  const last = entries[entries.length - 1]!;
  const anchor = options.anchor;
  if (anchor) {
    const index = entries.findIndex((e) => e.seq === anchor.seq);
    if (index < 0) {
      if (anchor.seq > last.seq) {
        return broken(entries.length, '', 'deleted', `القيود بعد رقم ${last.seq} حتى رقم ${anchor.seq} محذوفة`, `entries after ${last.seq} up to ${anchor.seq} were deleted`);
      }
    } else if (entries[index]!.hash !== anchor.hash) {
      return broken(index, entries[index]!.id, 'edited', `القيد رقم ${anchor.seq} يختلف عن النسخة المسجلة لدى المركز`, `entry ${anchor.seq} differs from the copy HQ holds`);
    }
  }
  return { ok: true, count: entries.length, head: { seq: last.seq, hash: last.hash } };
}

/**
 * Verify a mixed log (e.g. everything the HQ received): grouped by device, each device's
 * entries put in seq order, each chain verified. Returns the failures by device id.
 */
export async function verifyAuditLogByDevice(
  entries: readonly AuditEntry[],
  anchors: ReadonlyMap<string, { seq: number; hash: string }> = new Map(),
): Promise<Map<string, AuditVerification>> {
  const byDevice = new Map<string, AuditEntry[]>();
  for (const e of entries) {
    const list = byDevice.get(e.deviceId) ?? [];
    list.push(e);
    byDevice.set(e.deviceId, list);
  }
  const results = new Map<string, AuditVerification>();
  for (const [deviceId, list] of byDevice) {
    list.sort((a, b) => a.seq - b.seq);
    const anchor = anchors.get(deviceId);
    results.set(deviceId, await verifyAuditChain(list, anchor ? { anchor } : {}));
  }
  return results;
}
