/**
 * The authentication/authorisation seam (issue 6 fills it in).
 *
 * Every request passes through `resolveCaller` (an onRequest hook in server.ts) which sets
 * `request.caller`; every sync route then calls `authorize(caller, collection, action)`.
 * Today the caller is always anonymous and everything is allowed. Issue 6 replaces
 * `resolveCaller` (verify a session token → user, role, branch) and `authorize` (role in
 * `def.writers` for push; branch scope for pull/stream via `visibleTo`).
 */
import type { FastifyRequest } from 'fastify';
import type { CollectionDef, Role } from '../shared/schema';

export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'user'; userId: string; role: Role; branchId: string | null };

export type ResolveCaller = (request: FastifyRequest) => Promise<Caller>;

export type SyncAction = 'pull' | 'push' | 'stream';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
}

export const resolveAnonymousCaller: ResolveCaller = async () => ({ kind: 'anonymous' });

/** Throw an HqError (401/403) when `caller` may not do `action` on `def`. Allows all for now. */
export function authorize(_caller: Caller, _def: CollectionDef, _action: SyncAction): void {
  // Issue 6: require kind 'user'; for push require def.writers.includes(caller.role).
}

/** Whether a stored row is visible to the caller (branch scoping, issue 6). */
export function visibleTo(_caller: Caller, _def: CollectionDef, _row: { branchId: string | null }): boolean {
  return true;
}
