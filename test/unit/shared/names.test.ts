/**
 * Arabic name normalisation for search and duplicate detection, and prefix search.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { foldArabicText, matchesNameQuery, nameQueryTokens, namePrefixKeys, nameTokens, normalizeArabicName } from '../../../shared/identity';

const same = (a: string, b: string) => expect(normalizeArabicName(a), `${a} ~ ${b}`).toBe(normalizeArabicName(b));

describe('normalizeArabicName', () => {
  test('hamza and alef forms fold to a bare alef', () => {
    same('أحمد', 'احمد');
    same('إبراهيم', 'ابراهيم');
    same('آمنة', 'امنه');
    same('ٱلحسن', 'الحسن');
    expect(normalizeArabicName('أإآٱا')).toBe('ااااا');
  });

  test('waw and yaa with hamza, taa marbuta, alef maqsura', () => {
    same('مؤمن', 'مومن');
    same('عائشة', 'عايشه');
    same('فاطمة', 'فاطمه');
    same('مصطفى', 'مصطفي');
    same('يحيى', 'يحيي');
    expect(normalizeArabicName('ؤئةى')).toBe('ويهي');
  });

  test('diacritics (harakat, tanween, shadda, sukun, superscript alef) and tatweel are removed', () => {
    same('مُحَمَّد', 'محمد');
    same('عبدُالرَّحْمٰن', 'عبدالرحمن');
    same('محـــمد', 'محمد');
    same('سعيدٌ', 'سعيد');
    expect(normalizeArabicName('هٰذا')).toBe('هذا');
  });

  test('spaces collapse; punctuation and bidi marks vanish; presentation forms become letters', () => {
    same('  محمد    علي  ', 'محمد علي');
    same('محمد،علي', 'محمد علي');
    same('\u200fمحمد\u200e علي', 'محمد علي');
    same('ﻣﺤﻤﺪ', 'محمد');
  });

  test('lineage words bin / ibn / bint are dropped, in Arabic and Latin', () => {
    same('محمد بن عبدالله الحربي', 'محمد عبدالله الحربي');
    same('نورة بنت سعد', 'نورة سعد');
    same('علي ابن أحمد', 'علي احمد');
    same('Mohammed BIN Abdullah', 'mohammed abdullah');
    same('Nora bint Saad', 'nora saad');
  });

  test('compound names are joined however they are spaced', () => {
    same('عبد الله', 'عبدالله');
    same('عبد الرحمن بن عبد العزيز', 'عبدالرحمن عبدالعزيز');
    same('أبو بكر', 'ابوبكر');
    same('آل سعود', 'السعود');
    same('Abdul Rahman Al-Harbi', 'abdulrahman alharbi');
    same('Al Harbi', 'ALHARBI');
  });

  test('different names stay different', () => {
    expect(normalizeArabicName('محمد')).not.toBe(normalizeArabicName('محمود'));
    expect(normalizeArabicName('سعد')).not.toBe(normalizeArabicName('سعيد'));
    expect(normalizeArabicName('محمد علي')).not.toBe(normalizeArabicName('علي محمد'));
  });

  test('folding is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'أإآابتةثجحخدذرزسشصضطظعغفقكلمنهويىئؤ ًٌٍَُِّْٰـ'.split('')), maxLength: 40 }), (s) => {
        const once = normalizeArabicName(s);
        expect(normalizeArabicName(once)).toBe(once);
        expect(foldArabicText(foldArabicText(s))).toBe(foldArabicText(s));
      }),
    );
  });

  test('sprinkling harakat and tatweel into a name never changes its key', () => {
    const marks = ['\u064b', '\u064c', '\u064d', '\u064e', '\u064f', '\u0650', '\u0651', '\u0652', '\u0670', '\u0640'];
    fc.assert(
      fc.property(fc.constantFrom('محمد بن عبدالله', 'فاطمة الزهراء', 'عبدالرحمن الشهري', 'نورة بنت سعد القحطاني'), fc.array(fc.constantFrom(...marks), { minLength: 1, maxLength: 8 }), fc.nat(), (name, add, seed) => {
        const chars = [...name];
        let i = seed;
        for (const m of add) {
          const at = 1 + (i++ % (chars.length - 1));
          if (chars[at - 1] !== ' ') chars.splice(at, 0, m);
        }
        expect(normalizeArabicName(chars.join(''))).toBe(normalizeArabicName(name));
      }),
    );
  });
});

describe('tokens and prefix search', () => {
  test('tokens drop lineage words and join compounds', () => {
    expect(nameTokens('محمد بن عبد الله آل سعود')).toEqual(['محمد', 'عبدالله', 'السعود']);
  });

  test('a query matches names whose tokens start with every query token, in any order', () => {
    const name = 'أحمد بن علي الحربي';
    expect(matchesNameQuery(name, 'احمد')).toBe(true);
    expect(matchesNameQuery(name, 'احم الحر')).toBe(true);
    expect(matchesNameQuery(name, 'الحربي أحمد')).toBe(true);
    expect(matchesNameQuery(name, 'إحمد عل')).toBe(true);
    expect(matchesNameQuery(name, 'احمد خالد')).toBe(false);
    expect(matchesNameQuery(name, 'حمد')).toBe(false); // prefixes only, not infixes
    expect(matchesNameQuery(name, '')).toBe(false);
    expect(matchesNameQuery(name, '   ')).toBe(false);
  });

  test('each query token needs its own name token', () => {
    expect(matchesNameQuery('محمد علي', 'محمد محمد')).toBe(false);
    expect(matchesNameQuery('محمد محمد علي', 'محمد محمد')).toBe(true);
    // Longest first: "عبدالله" must not be consumed by the shorter "عب".
    expect(matchesNameQuery('عبدالله عبير', 'عب عبدالله')).toBe(true);
  });

  test('a trailing lineage word in a query is a prefix being typed (بن… → بندر)', () => {
    expect(nameQueryTokens('محمد بن')).toEqual(['محمد', 'بن']);
    expect(matchesNameQuery('بندر سعد', 'بن')).toBe(true);
    expect(matchesNameQuery('محمد بن عبدالله', 'محمد بن عبد')).toBe(true);
  });

  test('precomputed tokens work as the name argument; Latin is case-insensitive', () => {
    expect(matchesNameQuery(nameTokens('Abdullah Al-Qahtani'), 'abdul alqah')).toBe(true);
    expect(matchesNameQuery('Sara Ahmed', 'SAR')).toBe(true);
  });

  test('prefix keys cover every prefix of every token', () => {
    const keys = namePrefixKeys('علي بن سعد', 2);
    expect(keys.sort()).toEqual(['سع', 'سعد', 'عل', 'علي'].sort());
  });
});
