/**
 * Authentication and authorisation of every request.
 *
 * `resolveCaller` (an onRequest hook in server.ts) sets `request.caller` from the bearer
 * token (hq/accounts.ts: signature, expiry, user active, device not revoked — read from the
 * database on every request). Sync routes then ask the ONE policy table in shared/access
 * (`can`, `canUpdate`) — for the collection (pull/stream) and for every pushed row against
 * both the stored and the new document (insert/update/delete, branch, append-only).
 */
import type { FastifyRequest } from 'fastify';
import { can, canUpdate, type AccessDecision } from '../shared/access';
import type { CollectionDef, Role } from '../shared/schema';
import { jsonDeepEqual, type SyncDocument } from '../shared/sync/protocol';
import { errors } from './errors';

export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'user'; userId: string; role: Role; branchIds: string[]; deviceId: string | null };

export type UserCaller = Extract<Caller, { kind: 'user' }>;

export type ResolveCaller = (request: FastifyRequest) => Promise<Caller>;

export type SyncAction = 'pull' | 'push' | 'stream';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
}

export const resolveAnonymousCaller: ResolveCaller = async () => ({ kind: 'anonymous' });

/** A signed-in user on a registered device (every sync request needs both). */
export function requireDeviceUser(caller: Caller): UserCaller {
  if (caller.kind !== 'user') throw errors.unauthenticated('no access token');
  if (!caller.deviceId) {
    throw errors.forbidden(
      'Sync requests need a token issued to a registered device.',
      'يجب تسجيل هذا الجهاز في المركز قبل المزامنة. سجّل الخروج ثم سجّل الدخول من التطبيق.',
    );
  }
  return caller;
}

export function requireAdmin(caller: Caller): UserCaller {
  if (caller.kind !== 'user') throw errors.unauthenticated('no access token');
  if (caller.role !== 'hq_admin') {
    throw errors.forbidden('Only HQ administrators may do this.', 'هذا الإجراء لمدير النظام فقط. اطلب منه تنفيذه.');
  }
  return caller;
}

function denied(decision: Extract<AccessDecision, { allowed: false }>, details: Record<string, unknown>) {
  return errors.forbidden(decision.messageEn, decision.messageAr, { reason: decision.reason, ...details });
}

/** The branches a caller may pull from `def` ('all' or a list); throws 403 when none. */
export function pullScope(caller: UserCaller, def: CollectionDef): 'all' | string[] {
  const d = can(caller, 'pull', def.name);
  if (!d.allowed) throw denied(d, { collection: def.name });
  return d.branchScope === 'all' ? 'all' : [...d.branchScope];
}

/** Whether a stored row is visible within a pull scope. */
export function inScope(scope: 'all' | string[], row: { branchId: string | null }): boolean {
  return scope === 'all' || (row.branchId !== null && scope.includes(row.branchId));
}

/**
 * Check one pushed row against the policy. `stored` is the server's current document (or
 * undefined). A stored document the caller may not even read is refused (never returned as a
 * conflict: that would leak it).
 */
export function authorizeRow(caller: UserCaller, def: CollectionDef, index: number, doc: SyncDocument, stored: SyncDocument | undefined): void {
  const details = { collection: def.name, index, documentId: doc.id };
  const branch = (d: SyncDocument) => (typeof d.branchId === 'string' ? { branchId: d.branchId } : {});
  if (!stored) {
    const d = can(caller, 'insert', def.name, branch(doc));
    if (!d.allowed) throw denied(d, details);
    return;
  }
  // A retried row HQ already has exactly is a no-op, allowed to whoever could have written
  // it (append-only collections and write-only ones like audit entries included).
  if (jsonDeepEqual(stored, doc)) {
    if (can(caller, 'insert', def.name, branch(doc)).allowed) return;
  }
  const read = can(caller, 'pull', def.name, branch(stored));
  if (!read.allowed) throw denied(read, details);
  if (jsonDeepEqual(stored, doc)) return;
  if (doc._deleted === true && stored._deleted !== true) {
    const d = can(caller, 'delete', def.name, branch(stored));
    if (!d.allowed) throw denied(d, details);
    return;
  }
  const d = canUpdate(caller, def.name, branch(stored), branch(doc));
  if (!d.allowed) throw denied(d, details);
}
