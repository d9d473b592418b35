import anatAlBayt from './profiles/anat-al-bayt.json';
import lamasat from './profiles/lamasat.json';
import yusr from './profiles/yusr.json';
import sidr from './profiles/sidr.json';
import openIslamicAcademy from './profiles/open-islamic-academy.json';
import { parsePolicyProfile } from './parse';
import type { PolicyProfile, PolicyService } from './schema';

export * from './schema';
export * from './parse';

function load(json: unknown, file: string): PolicyProfile {
  const result = parsePolicyProfile(json);
  if (!result.ok) {
    const detail = result.issues.map((i) => `${i.path}: ${i.messageEn}`).join('; ');
    throw new Error(`Shipped policy profile ${file} is invalid: ${detail}`);
  }
  return result.profile;
}

/** The five seed profiles, one per source document, in seed order (000…004). */
export const policyProfiles: readonly PolicyProfile[] = Object.freeze([
  load(anatAlBayt, 'anat-al-bayt.json'),
  load(lamasat, 'lamasat.json'),
  load(yusr, 'yusr.json'),
  load(sidr, 'sidr.json'),
  load(openIslamicAcademy, 'open-islamic-academy.json'),
]);

/** The same profiles keyed by profile id. */
export const policyProfilesById: ReadonlyMap<string, PolicyProfile> = new Map(policyProfiles.map((p) => [p.id, p]));

export type SeedPolicyProfileId = 'anat-al-bayt' | 'lamasat' | 'yusr' | 'sidr' | 'open-islamic-academy';

export function getPolicyProfile(id: string): PolicyProfile | undefined {
  return policyProfilesById.get(id);
}

export function findService(profile: PolicyProfile, serviceId: string): PolicyService | undefined {
  return profile.services.find((s) => s.id === serviceId);
}
