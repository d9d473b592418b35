import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogues, createI18n, directionOf } from '../../../renderer/src/i18n';
import { sections } from '../../../renderer/src/navigation';

const srcDir = fileURLToPath(new URL('../../../renderer/src', import.meta.url));
const pluralSuffix = /_(zero|one|two|few|many|other)$/;

function flatten(obj: Record<string, unknown>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else if (v && typeof v === 'object') for (const [kk, vv] of flatten(v as Record<string, unknown>, key)) out.set(kk, vv);
  }
  return out;
}

const ar = flatten(catalogues.ar);
const en = flatten(catalogues.en);
const baseKeys = (m: Map<string, string>) => new Set([...m.keys()].map((k) => k.replace(pluralSuffix, '')));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('message catalogues', () => {
  it('have the same keys in Arabic and English (plural forms aside)', () => {
    expect([...baseKeys(ar)].sort()).toEqual([...baseKeys(en)].sort());
  });

  it('have no empty messages, and the Arabic ones are in Arabic script', () => {
    for (const [key, value] of [...ar, ...en]) expect(value.trim(), key).not.toBe('');
    const arabicScript = /[\u0600-\u06ff]/;
    const exempt = new Set(['locale.switchTo', 'locale.names.en', 'beneficiaries.phonePlaceholder', 'beneficiaries.noPhone']);
    for (const [key, value] of ar) if (!exempt.has(key)) expect(value, key).toMatch(arabicScript);
  });

  it('gives Arabic all six plural forms where English has plurals', () => {
    const pluralBases = new Set([...en.keys()].filter((k) => pluralSuffix.test(k)).map((k) => k.replace(pluralSuffix, '')));
    for (const base of pluralBases) {
      for (const form of ['zero', 'one', 'two', 'few', 'many', 'other']) expect(ar.has(`${base}_${form}`), `${base}_${form}`).toBe(true);
    }
  });

  it('contains every key the components ask for', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(srcDir)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) used.add(m[1]!);
      for (const m of text.matchAll(/\?\s*'([a-z]+\.[a-zA-Z0-9_.]+)'\s*:\s*'([a-z]+\.[a-zA-Z0-9_.]+)'/g)) used.add(m[1]!).add(m[2]!);
    }
    for (const s of sections) used.add(`nav.${s}`);
    for (const s of ['requests', 'committee', 'reports', 'library']) used.add(`placeholder.${s}.title`).add(`placeholder.${s}.body`);
    expect(used.size).toBeGreaterThan(40);
    const arBase = baseKeys(ar);
    const missing = [...used].filter((k) => !arBase.has(k));
    expect(missing).toEqual([]);
  });

  it('has no literal UI text between JSX tags in components', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(srcDir).filter((f) => f.endsWith('.tsx'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/>\s*([^<>{}\s][^<>{}]*[A-Za-z\u0600-\u06ff][^<>{}]*)\s*</g)) {
        const literal = m[1]!.trim();
        if (/^(\(|\)|;|&&|\|\||=>)/.test(literal) || /[=;]|=>|\)\s*$/.test(literal)) continue; // code, not text
        offenders.push(`${file}: ${literal}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe('i18n instance', () => {
  it('starts in the requested language and switches at run time', async () => {
    const i18n = await createI18n('ar');
    expect(i18n.t('nav.beneficiaries')).toBe('المستفيدون');
    expect(i18n.t('beneficiaries.count', { count: 2 })).toBe('مستفيدان');
    expect(i18n.t('beneficiaries.count', { count: 11 })).toBe('11 مستفيدًا');
    await i18n.changeLanguage('en');
    expect(i18n.t('nav.beneficiaries')).toBe('Beneficiaries');
    expect(i18n.t('beneficiaries.count', { count: 1 })).toBe('1 beneficiary');
    expect(directionOf('ar')).toBe('rtl');
    expect(directionOf('en')).toBe('ltr');
  });
});
