import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import ar from './ar.json';
import en from './en.json';

/** The interface languages. Arabic is the default; English is switchable at run time. */
export const locales = ['ar', 'en'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'ar';

/**
 * Feature catalogues: `features/<name>/locales/{ar,en}.json`, merged under the key `<name>`
 * (a key "title" of features/requests is asked for as requests.title), so each feature owns its messages.
 */
type Catalogue = Record<string, unknown>;
const featureFiles = import.meta.glob<Catalogue>('../features/*/locales/*.json', { eager: true, import: 'default' });

function featureCatalogue(locale: 'ar' | 'en'): Catalogue {
  const out: Catalogue = {};
  for (const [path, messages] of Object.entries(featureFiles)) {
    const m = /\/features\/([^/]+)\/locales\/(ar|en)\.json$/.exec(path);
    if (m && m[2] === locale) out[m[1]!] = messages;
  }
  return out;
}

export const catalogues = {
  ar: { ...ar, ...featureCatalogue('ar') },
  en: { ...en, ...featureCatalogue('en') },
} as const;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

export function directionOf(locale: Locale): 'rtl' | 'ltr' {
  return locale === 'ar' ? 'rtl' : 'ltr';
}

/** Sets `<html lang dir>` so the browser, screen readers and CSS logical properties follow the locale. */
export function applyDocumentLocale(locale: Locale, root: HTMLElement = document.documentElement): void {
  root.lang = locale;
  root.dir = directionOf(locale);
}

/** Creates the app's i18next instance (one per window). */
export async function createI18n(locale: Locale): Promise<I18n> {
  const instance = i18next.createInstance();
  await instance.use(initReactI18next).init({
    lng: locale,
    fallbackLng: defaultLocale,
    supportedLngs: [...locales],
    resources: { ar: { translation: catalogues.ar }, en: { translation: catalogues.en } },
    interpolation: { escapeValue: false }, // React escapes.
    returnNull: false,
  });
  return instance;
}
