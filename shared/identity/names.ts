/**
 * Arabic (and Latin) personal names, normalised for search and duplicate detection.
 *
 * The same person's name is written many ways: with or without hamza on the alef (أحمد / احمد),
 * with taa marbuta or haa (فاطمة / فاطمه), alef maqsura or yaa (مصطفى / مصطفي), with diacritics
 * (مُحَمَّد), with tatweel (محـــمد), with or without the lineage words ibn / bin / bint
 * (محمد بن عبدالله / محمد عبدالله), and with compound names split or joined (عبد الله / عبدالله).
 * `normalizeArabicName` folds all of these to one key. It is for matching only: always show and
 * store the name as the person wrote it.
 */
import { normalizeDigits } from './digits';

/** Harakat and other combining marks: tanween, fatha, damma, kasra, shadda, sukun, maddah,
 * hamza above/below, superscript (dagger) alef, Quranic annotation marks, Latin accents. */
const COMBINING_MARKS = /[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u08d3-\u08ff]/g;
/** Tatweel (kashida) and invisible format characters (bidi marks, zero-width joiners). */
const FORMAT_CHARS = /[\u0640\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]/g;

const LETTER_FOLDS: Record<string, string> = {
  '\u0623': '\u0627', // أ → ا
  '\u0625': '\u0627', // إ → ا
  '\u0622': '\u0627', // آ → ا
  '\u0671': '\u0627', // ٱ (alef wasla) → ا
  '\u0672': '\u0627', // ٲ → ا
  '\u0673': '\u0627', // ٳ → ا
  '\u0624': '\u0648', // ؤ → و
  '\u0626': '\u064a', // ئ → ي
  '\u0629': '\u0647', // ة → ه
  '\u0649': '\u064a', // ى → ي
  '\u06cc': '\u064a', // Persian yeh ی → ي
  '\u06d2': '\u064a', // yeh barree ے → ي
  '\u06a9': '\u0643', // Persian keheh ک → ك
  '\u06c0': '\u0647', // ۀ → ه
  '\u06c1': '\u0647', // ہ → ه
};
const LETTER_FOLD_RE = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'g');

/** Lineage words between name parts ("son of", "daughter of"), dropped for matching. */
const LINEAGE_WORDS = new Set(['بن', 'ابن', 'بنت', 'bin', 'ibn', 'bint', 'ben', 'bnt']);
/** Words that form one name with the word after them: عبد الله, أبو بكر, آل سعود, Abdul Rahman. */
const JOINING_PREFIXES = new Set(['عبد', 'ابو', 'ال', 'abd', 'abdul', 'abdel', 'abu', 'al', 'el']);

/**
 * Fold the spelling of a text (letters, marks, digits, case, spaces) without touching its words.
 * Useful for any Arabic text search; names additionally go through `nameTokens`.
 */
export function foldArabicText(input: string): string {
  return normalizeDigits(input)
    .normalize('NFKD') // presentation forms → letters; أ → ا + hamza mark; é → e + accent
    .replace(FORMAT_CHARS, '')
    .replace(COMBINING_MARKS, '')
    .normalize('NFC')
    .replace(LETTER_FOLD_RE, (ch) => LETTER_FOLDS[ch] ?? ch)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ') // punctuation, hyphens, Arabic comma → space
    .trim()
    .replace(/\s+/g, ' ');
}

function joinCompounds(words: string[]): string[] {
  const out: string[] = [];
  let pending = '';
  let pendingIsPrefix = false;
  for (const w of words) {
    if (pendingIsPrefix) {
      pending += w;
    } else {
      if (pending) out.push(pending);
      pending = w;
    }
    pendingIsPrefix = JOINING_PREFIXES.has(w);
  }
  if (pending) out.push(pending);
  return out;
}

/**
 * The normalised words of a name, in order: spelling folded, lineage words (بن/بنت/ابن, bin/ibn)
 * removed, compound names joined (عبد الله → عبدالله, آل سعود → السعود).
 */
export function nameTokens(name: string): string[] {
  const words = foldArabicText(name).split(' ').filter((w) => w.length > 0 && !LINEAGE_WORDS.has(w));
  return joinCompounds(words);
}

/** The normalised key of a whole name, for equality (duplicate detection). */
export function normalizeArabicName(name: string): string {
  return nameTokens(name).join(' ');
}

function queryWords(query: string): string[] {
  const words = foldArabicText(query).split(' ').filter((w) => w.length > 0);
  // A trailing lineage word is kept: the user may still be typing (بن… → بندر).
  return words.filter((w, i) => !LINEAGE_WORDS.has(w) || i === words.length - 1);
}

/**
 * The tokens of a search query. Same as `nameTokens`, except that a trailing lineage word is
 * kept as a prefix, because the user may still be typing (بن… → بندر).
 */
export function nameQueryTokens(query: string): string[] {
  return joinCompounds(queryWords(query));
}

/**
 * Prefix search: true when every query token is the beginning of a different token of the name,
 * in any order ("احمد الحر" finds "أحمد بن علي الحربي"). An empty query matches nothing.
 * `name` may be a name string or tokens from `nameTokens` (precompute them for an index).
 */
export function matchesNameQuery(name: string | readonly string[], query: string): boolean {
  const tokens = typeof name === 'string' ? nameTokens(name) : [...name];
  const joined = nameQueryTokens(query);
  if (joined.length === 0) return false;
  if (everyPrefixMatches(joined, tokens)) return true;
  // "عبد ال…" may be one compound being typed or two words ("Abdul Al-Qahtani" → abdul, al…).
  const words = queryWords(query);
  return words.length !== joined.length && everyPrefixMatches(words, tokens);
}

function everyPrefixMatches(query: readonly string[], tokens: readonly string[]): boolean {
  const used = new Array<boolean>(tokens.length).fill(false);
  // Longest query tokens first, so a short token cannot take the only match of a longer one.
  for (const part of [...query].sort((a, b) => b.length - a.length)) {
    let found = false;
    for (let i = 0; i < tokens.length; i++) {
      if (!used[i] && tokens[i]!.startsWith(part)) {
        used[i] = true;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

/**
 * Every prefix (of at least `minLength` characters) of every token of a name: keys for an
 * in-memory prefix index built after the user unlocks the encrypted names.
 */
export function namePrefixKeys(name: string, minLength = 1): string[] {
  const keys = new Set<string>();
  for (const token of nameTokens(name)) {
    const chars = [...token];
    for (let n = Math.max(1, minLength); n <= chars.length; n++) keys.add(chars.slice(0, n).join(''));
  }
  return [...keys];
}
