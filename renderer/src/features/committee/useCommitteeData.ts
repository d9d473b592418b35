/** Reactive reads for the committee screens (RxDB queries subscribed in effects). */
import { useEffect, useState } from 'react';
import type { RxCollection } from 'rxdb';
import { deviceKeyIdOf, type KnownDeviceKeys } from '../../../../shared/declaration';
import type { HqConfigEntry } from '../../../../shared/schema';
import { useServices } from '../../services';

/** Documents of `collectionName` matching `selector`, live; null while loading. */
export function useLiveQuery<T>(collectionName: string, selector: Record<string, unknown> | null): T[] | null {
  const { db } = useServices();
  const [state, setState] = useState<{ key: string; docs: T[] } | null>(null);
  const key = selector ? `${collectionName}:${JSON.stringify(selector)}` : '';
  const exists = db.collections[collectionName] !== undefined;
  useEffect(() => {
    if (!selector) return;
    const c = db.collections[collectionName] as RxCollection | undefined;
    if (!c) return;
    const sub = c.find({ selector }).$.subscribe((found) => setState({ key, docs: found.map((d) => d.toJSON() as T) }));
    return () => sub.unsubscribe();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for the selector's content
  }, [db, collectionName, key]);
  if (!key) return null;
  if (!exists) return [];
  return state?.key === key ? state.docs : null;
}

export interface CommitteeMember {
  userId: string;
  name: string;
}

/** Active research-committee members from HQ's user directory. */
export function useCommitteeMembers(): CommitteeMember[] {
  const users = useLiveQuery<HqConfigEntry>('hq_config', { kind: 'user' });
  return (users ?? [])
    .filter((u) => u.user?.role === 'committee_member' && u.user.active)
    .map((u) => ({ userId: u.user!.userId, name: u.user!.displayName }));
}

/** Device public keys HQ knows (hq_config device entries, not revoked), by key id. */
export function useKnownDeviceKeys(): KnownDeviceKeys | null {
  const devices = useLiveQuery<HqConfigEntry>('hq_config', { kind: 'device' });
  const [keys, setKeys] = useState<KnownDeviceKeys | null>(null);
  const key = devices ? JSON.stringify(devices.map((d) => [d.device?.publicKey, d.device?.revokedAt])) : '';
  useEffect(() => {
    let live = true;
    if (!devices) return;
    const usable = devices.filter((d) => d.device?.publicKey && !d.device.revokedAt).map((d) => d.device!.publicKey!);
    Promise.all(usable.map(async (spki) => [await deviceKeyIdOf(spki), spki] as const)).then(
      (pairs) => {
        if (live) setKeys(Object.fromEntries(pairs));
      },
      (e: unknown) => {
        console.error('device keys', e);
        if (live) setKeys({});
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for the device list's content
  }, [key]);
  return keys;
}
