import { useSyncExternalStore } from 'react';

/** The places of the app, in navigation order. */
export const sections = ['beneficiaries', 'requests', 'committee', 'reports', 'library', 'sync', 'settings'] as const;
export type Section = (typeof sections)[number];
export const defaultSection: Section = 'beneficiaries';

export function isSection(value: string): value is Section {
  return (sections as readonly string[]).includes(value);
}

/** A place plus its path inside it: `#/requests/abc/documents` → { section: 'requests', params: ['abc', 'documents'] }. */
export interface Route {
  section: Section;
  params: string[];
}

/** `#/sync` → 'sync'. Hash routing works the same from a static server and from app://sila/. */
export function routeFromHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
  const [first = '', ...params] = parts;
  return isSection(first) ? { section: first, params } : { section: defaultSection, params: [] };
}

export function sectionFromHash(hash: string): Section {
  return routeFromHash(hash).section;
}

export function hrefOf(section: Section, ...params: string[]): string {
  return `#/${[section, ...params.map(encodeURIComponent)].join('/')}`;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useSection(): Section {
  return useSyncExternalStore(subscribe, () => sectionFromHash(window.location.hash));
}

/** The current route (section + params), re-rendering on navigation. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return routeFromHash(hash);
}

export function navigate(section: Section, ...params: string[]): void {
  window.location.hash = hrefOf(section, ...params);
}
