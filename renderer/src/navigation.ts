import { useSyncExternalStore } from 'react';

/** The places of the app. Later issues fill requests, committee and reports. */
export const sections = ['beneficiaries', 'requests', 'committee', 'reports', 'sync', 'settings'] as const;
export type Section = (typeof sections)[number];
export const defaultSection: Section = 'beneficiaries';

export function isSection(value: string): value is Section {
  return (sections as readonly string[]).includes(value);
}

/** `#/sync` → 'sync'. Hash routing works the same from a static server and from app://sila/. */
export function sectionFromHash(hash: string): Section {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return isSection(name) ? name : defaultSection;
}

export function hrefOf(section: Section): string {
  return `#/${section}`;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useSection(): Section {
  return useSyncExternalStore(subscribe, () => sectionFromHash(window.location.hash));
}

export function navigate(section: Section): void {
  window.location.hash = hrefOf(section);
}
