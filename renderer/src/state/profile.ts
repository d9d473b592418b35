/**
 * The association's policy profile in force on this device. HQ publishes approved profiles in
 * `hq_config` (kind `policy_profile`); the newest approved version of the configured profile id
 * wins. Before the first sync, the device runs the shipped profile chosen in the settings.
 */
import { useEffect, useState } from 'react';
import { parsePolicyProfile, policyProfiles, policyProfilesById, type PolicyProfile } from '../../../shared/policy';
import type { HqConfigEntry } from '../../../shared/schema';
import { useServices } from '../services';
import { useSession } from './session';

export function shippedProfile(profileId: string): PolicyProfile {
  return policyProfilesById.get(profileId) ?? policyProfiles[0]!;
}

/** Picks the newest approved, valid profile for `profileId` among HQ configuration entries. */
export function profileFromConfig(entries: readonly HqConfigEntry[], profileId: string): PolicyProfile | null {
  const candidates = entries
    .filter((e) => e.kind === 'policy_profile' && e.policyProfile?.profileId === profileId && e.policyProfile.status === 'approved')
    .sort((a, b) => (b.policyProfile!.version - a.policyProfile!.version));
  for (const entry of candidates) {
    const parsed = parsePolicyProfile(entry.policyProfile!.document);
    if (parsed.ok) return parsed.profile;
  }
  return null;
}

/** The profile in force, updating live when HQ publishes a new approved version. */
export function useActiveProfile(): PolicyProfile {
  const { db } = useServices();
  const profileId = useSession((s) => s.profileId);
  const [fromHq, setFromHq] = useState<PolicyProfile | null>(null);
  useEffect(() => {
    const collection = db.collections.hq_config;
    if (!collection) return;
    const sub = collection
      .find({ selector: { kind: 'policy_profile' } })
      .$.subscribe((docs) => setFromHq(profileFromConfig(docs.map((d) => d.toJSON() as HqConfigEntry), profileId)));
    return () => sub.unsubscribe();
  }, [db, profileId]);
  return fromHq ?? shippedProfile(profileId);
}
