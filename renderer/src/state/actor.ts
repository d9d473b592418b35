/**
 * Who is working in this window (the signed-in user). Screens read it with `useActor()` to
 * stamp records (`updatedBy`), to pass the role to the workflow's guards, and to scope lists
 * to the user's branches. Sign-in (HQ accounts) sets it with `setActor`; until a user has
 * signed in on this device the actor is the device's own user, as branch staff of the
 * configured branch.
 */
import { create } from 'zustand';
import type { Role } from '../../../shared/schema';
import { deviceUserId } from './device';
import { useSession } from './session';

export interface Actor {
  userId: string;
  displayName: string;
  role: Role;
  /** Branches this user may see and write. */
  branchIds: string[];
  /** The branch new records belong to. */
  branchId: string;
  /** Whether this identity comes from an HQ sign-in (false: the device's local user). */
  signedIn: boolean;
}

interface ActorState {
  actor: Actor | null;
  setActor(actor: Actor | null): void;
}

export const useActorStore = create<ActorState>()((set) => ({
  actor: null,
  setActor: (actor) => set({ actor }),
}));

export function deviceActor(branchId: string): Actor {
  const userId = deviceUserId();
  return { userId, displayName: userId, role: 'branch_staff', branchIds: [branchId], branchId, signedIn: false };
}

/** The current actor (the signed-in user, or this device's local user). */
export function useActor(): Actor {
  const actor = useActorStore((s) => s.actor);
  const branchId = useSession((s) => s.branchId);
  return actor ?? deviceActor(branchId);
}
