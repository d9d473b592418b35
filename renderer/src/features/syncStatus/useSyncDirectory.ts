/** Names for the people and laptops a sync screen mentions (HQ's directory in hq_config). */
import type { HqConfigEntry, SyncConflict } from '../../../../shared/schema';
import { useActor } from '../../state/actor';
import { deviceId as localDeviceId } from '../../state/device';
import { useLiveQuery } from '../committee/useCommitteeData';

export interface SyncDirectory {
  /** A user's display name, or null when HQ has not published it. */
  person(userId: string | undefined): string | null;
  /** A laptop's label; 'this' for this laptop; null when unknown. */
  device(deviceId: string | undefined): string | 'this' | null;
}

export function useSyncDirectory(): SyncDirectory {
  const actor = useActor();
  const users = useLiveQuery<HqConfigEntry>('hq_config', { kind: 'user' });
  const devices = useLiveQuery<HqConfigEntry>('hq_config', { kind: 'device' });
  const names = new Map((users ?? []).flatMap((u) => (u.user ? [[u.user.userId, u.user.displayName] as const] : [])));
  if (actor.signedIn) names.set(actor.userId, actor.displayName);
  const labels = new Map((devices ?? []).flatMap((d) => (d.device ? [[d.device.deviceId, d.device.label] as const] : [])));
  let here: string | null = null;
  try {
    here = localDeviceId();
  } catch {
    here = null;
  }
  return {
    person: (userId) => (userId ? (names.get(userId) ?? null) : null),
    device: (deviceId) => (!deviceId ? null : deviceId === here ? 'this' : (labels.get(deviceId) ?? null)),
  };
}

/** Open conflicts, oldest first; null while loading. */
export function useOpenConflicts(): SyncConflict[] | null {
  const open = useLiveQuery<SyncConflict>('sync_conflicts', { status: 'open' });
  return open ? [...open].sort((a, b) => (a.detectedAt < b.detectedAt ? -1 : a.detectedAt > b.detectedAt ? 1 : 0)) : null;
}
