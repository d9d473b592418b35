import { describe, expect, it } from 'vitest';
import { BeneficiarySearchIndex, searchableBeneficiary, searchQueryTokens, type SearchableBeneficiary } from '../../../shared/search';
import { generateBeneficiaries, generateQueries, timeQueries } from '../../../bench/search.bench';

const people: SearchableBeneficiary[] = [
  { id: 'b1', names: ['مُحمّد بن عبدالله الشمري', 'Mohammed bin Abdullah Alshammari'], nationalIds: ['1012345674'], phones: ['0551234567'] },
  { id: 'b2', names: ['محمد بن سعد العتيبي'], nationalIds: ['1098765436'], phones: ['+966 50 111 2222'] },
  { id: 'b3', names: ['فاطمه بنت أحمد الزهراني'], nationalIds: ['2034567891'], phones: ['٠٥٤٣٢١٠٩٨٧'] },
  { id: 'b4', names: ['إبراهيم مصطفي آل سعود'], nationalIds: ['1111111111'] },
  { id: 'b5', names: ['أحمد عبد الرحمن الشمري'] },
  { id: 'b6', names: ['عيسى بن موسى الحـــربي'] },
  { id: 'b7', names: ['محمد محمد القحطاني'] },
  { id: 'b8', names: ['سارة بنت محمد الشمري'] },
];

const ids = (hits: { id: string }[]) => hits.map((h) => h.id);
const index = () => BeneficiarySearchIndex.build(people);

describe('beneficiary search index', () => {
  it('finds a name from prefixes of any of its parts, in any order, across diacritics', () => {
    const ix = index();
    expect(ids(ix.search('محم الشمر'))[0]).toBe('b1');
    expect(ids(ix.search('محم الشمر', { partial: false }))).toEqual(['b1', 'b8']); // given name first
    expect(ix.search('الشمر محم')[0]?.id).toBe('b1');
    expect(ids(ix.search('عبدالل شمري'))).toContain('b1');
  });

  it('matches across hamza/alef forms, taa marbuta/haa, alef maqsura/yaa and tatweel', () => {
    const ix = index();
    expect(ids(ix.search('احمد الزهراني')).slice(0, 1)).toEqual(['b3']); // أحمد written احمد
    expect(ids(ix.search('فاطمة'))).toEqual(['b3']); // stored as فاطمه
    expect(ids(ix.search('ابراهيم مصطفى'))).toEqual(['b4']); // إبراهيم / مصطفي
    expect(ids(ix.search('عيسي موسي الحربي'))).toEqual(['b6']); // ى/ي and tatweel in the record
    expect(ids(ix.search('آحمد'))).toEqual(expect.arrayContaining(['b3', 'b5']));
    expect(ids(ix.search('مُحَمَّد الشَّمَّري'))[0]).toBe('b1'); // diacritics in the query
  });

  it('handles compounds, بن/بنت, the article and English names', () => {
    const ix = index();
    expect(ids(ix.search('عبد الرحمن'))).toEqual(['b5']);
    expect(ids(ix.search('عبدالرحمن'))).toEqual(['b5']);
    expect(ids(ix.search('الرحمن'))).toEqual(['b5']);
    expect(ids(ix.search('محمد بن سعد'))).toEqual(expect.arrayContaining(['b2']));
    expect(ids(ix.search('محمد بن سعد'))[0]).toBe('b2');
    expect(ids(ix.search('سارة بنت محمد'))[0]).toBe('b8');
    expect(ids(ix.search('شمري')).sort()).toEqual(['b1', 'b5', 'b8']);
    expect(ids(ix.search('آل سعود'))).toEqual(['b4']);
    expect(ids(ix.search('sau'))).toEqual([]);
    expect(ids(ix.search('moh shamm'))).toEqual(['b1']);
    expect(ids(ix.search('MOHAMMED'))).toEqual(['b1']);
  });

  it('needs a different name part per query token', () => {
    const ix = index();
    const full = ix.search('محمد محمد', { partial: false });
    expect(ids(full)).toEqual(['b7']);
  });

  it('ranks exact parts before prefixes, full matches before partial, first name first', () => {
    const ix = BeneficiarySearchIndex.build([
      { id: 'p1', names: ['محمود علي الحربي'] },
      { id: 'p2', names: ['محمد علي الحربي'] },
      { id: 'p3', names: ['علي محمد الحربي'] },
      { id: 'p4', names: ['محمد خالد المطيري'] },
    ]);
    expect(ids(ix.search('محمد'))).toEqual(['p2', 'p4', 'p3']); // exact first-name first, then as father's name; محمود is no match
    expect(ids(ix.search('محم'))).toEqual(['p1', 'p2', 'p4', 'p3']); // all prefix; first-name position first
    const r = ix.search('محمد الحربي');
    expect(ids(r)).toEqual(['p2', 'p3', 'p4', 'p1']); // p4 (given name) before p1 (family name)
    expect(r[0]).toMatchObject({ matchedTokens: 2, queryTokens: 2, exactTokens: 2, fields: ['name'] });
    expect(r[2]).toMatchObject({ matchedTokens: 1 }); // partial fills the list, after full matches
    expect(r[3]).toMatchObject({ matchedTokens: 1, exactTokens: 1 });
    expect(ids(ix.search('محمد الحربي', { partial: false }))).toEqual(['p2', 'p3']);
  });

  it('finds IDs and phones by exact digits or prefix, in Arabic-Indic digits too', () => {
    const ix = index();
    expect(ids(ix.search('1012345674'))).toEqual(['b1']);
    expect(ids(ix.search('١٠١٢٣٤٥٦٧٤'))).toEqual(['b1']);
    expect(ids(ix.search('1012'))).toEqual(['b1']);
    expect(ids(ix.search('10')).sort()).toEqual(['b1', 'b2']);
    expect(ix.search('1012345674')[0]).toMatchObject({ fields: ['nationalId'], exactTokens: 1 });
    expect(ids(ix.search('0551234567'))).toEqual(['b1']);
    expect(ids(ix.search('+966 55 123 4567'))).toEqual(['b1']);
    expect(ids(ix.search('00966551234567'))).toEqual(['b1']);
    expect(ids(ix.search('551234'))).toEqual(['b1']);
    expect(ids(ix.search('٠٥٥١٢'))).toEqual(['b1']);
    expect(ids(ix.search('0501112222'))).toEqual(['b2']);
    expect(ids(ix.search('0543210987'))).toEqual(['b3']); // stored in Arabic-Indic digits
    expect(ix.search('0543210987')[0]?.fields).toEqual(['phone']);
    expect(ids(ix.search('محمد 055', { partial: false }))).toEqual(['b1']); // name and phone together
    expect(ids(ix.search('9999'))).toEqual([]);
  });

  it('adds, updates and removes incrementally', () => {
    const ix = index();
    expect(ix.size).toBe(8);
    ix.upsert({ id: 'b9', names: ['نورة بنت خالد الدوسري'], phones: ['0509998877'] });
    expect(ids(ix.search('نور الدوس', { partial: false }))).toEqual(['b9']);
    // update: name corrected, phone changed — old tokens must no longer find it
    ix.upsert({ id: 'b9', names: ['نورة بنت خالد القحطاني'], phones: ['0561112233'] });
    expect(ix.size).toBe(9);
    expect(ids(ix.search('الدوسري'))).toEqual([]);
    expect(ids(ix.search('0509998877'))).toEqual([]);
    expect(ids(ix.search('نورة القحطاني', { partial: false }))).toEqual(['b9']);
    ix.remove('b9');
    ix.remove('does-not-exist');
    expect(ix.size).toBe(8);
    expect(ids(ix.search('نورة'))).toEqual([]);
    expect(ids(ix.search('القحطاني'))).toEqual(['b7']);
    ix.clear();
    expect(ix.size).toBe(0);
    expect(ix.search('محمد')).toEqual([]);
  });

  it('reuses removed slots without mixing documents up', () => {
    const ix = index();
    ix.remove('b1');
    ix.upsert({ id: 'n1', names: ['هيفاء العنزي'] });
    expect(ids(ix.search('محم الشمر', { partial: false }))).toEqual(['b8']);
    expect(ids(ix.search('هيفاء'))).toEqual(['n1']);
  });

  it('returns nothing for empty or punctuation-only queries and respects the limit', () => {
    const ix = index();
    expect(ix.search('')).toEqual([]);
    expect(ix.search('  ، - ')).toEqual([]);
    expect(ix.search('محمد', { limit: 2 })).toHaveLength(2);
    expect(ix.search('محمد', { limit: 0 })).toEqual([]);
  });

  it('maps beneficiary documents and tokenises queries', () => {
    expect(searchableBeneficiary({ id: 'x', fullName: 'علي', nationalId: '1012345674', phone: '0551234567' })).toEqual({
      id: 'x',
      names: ['علي'],
      nationalIds: ['1012345674'],
      phones: ['0551234567'],
    });
    expect(searchQueryTokens('+966 55 123 4567')).toEqual(['966551234567']);
    expect(searchQueryTokens('محمد بن')).toEqual(['محمد', 'بن']);
  });

  it('agrees with a brute-force scan on generated data (full matches)', () => {
    const data = generateBeneficiaries(800, 11);
    const ix = BeneficiarySearchIndex.build(data);
    const { names } = generateQueries(data, 150, 5);
    for (const q of names) {
      const got = new Set(ids(ix.search(q, { limit: 10_000, partial: false })));
      const expected = data.filter((d) => fullMatchBrute(d.names, q)).map((d) => d.id);
      expect([...got].sort(), q).toEqual(expected.sort());
    }
  });

  it('answers 10,000 beneficiaries with p95 under 30 ms', () => {
    const data = generateBeneficiaries(10_000);
    const ix = BeneficiarySearchIndex.build(data);
    const { names, ids: idQueries, phones } = generateQueries(data, 300);
    timeQueries(ix, names.slice(0, 50)); // warm-up
    for (const qs of [names, idQueries, phones]) {
      const s = timeQueries(ix, qs);
      expect(s.p95).toBeLessThan(30);
      expect(s.meanHits).toBeGreaterThan(0.9);
    }
  });
});

/**
 * Independent reference: every query token (folded by hand-written rules here, not the
 * index's) is a prefix of a different word of one of the names, with the article optional.
 */
function fold(s: string): string {
  return s
    .replace(/[\u064b-\u0652\u0670\u0640]/g, '')
    .replace(/[أإآ]/g, 'ا')
    .replace(/ة/g, 'ه')
    .replace(/ى/g, 'ي')
    .toLowerCase();
}
const PREFIXES = ['عبد', 'ابو', 'ال', 'abd', 'abdul', 'abdel', 'abu', 'al', 'el'];
function joinAfterPrefixes(words: string[]): string[] {
  // a word after a prefix word joins it (chained: آل الشيخ → الالشيخ)
  const out: string[] = [];
  let joinNext = false;
  for (const w of words) {
    if (joinNext) out[out.length - 1] += w;
    else out.push(w);
    joinNext = PREFIXES.includes(w);
  }
  return out;
}
function fullMatchBrute(names: readonly string[], query: string): boolean {
  const q = joinAfterPrefixes(fold(query).split(/\s+/).filter(Boolean));
  return names.some((name) => {
    const words = fold(name)
      .split(/\s+/)
      .filter((w) => w && !['بن', 'بنت', 'bin', 'bint'].includes(w));
    // join compounds the way people read them: عبد X, ال X (آل سعود), al X
    const parts: string[][] = [];
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      const prev = words[i - 1];
      if (prev !== undefined && PREFIXES.includes(prev)) parts[parts.length - 1]!.push(prev + w, w);
      else parts.push([w, ...(w.startsWith('ال') && w.length > 3 ? [w.slice(2)] : [])]);
    }
    const used = new Set<number>();
    return [...q].sort((a, b) => b.length - a.length).every((t) => {
      const i = parts.findIndex((alts, j) => !used.has(j) && alts.some((a) => a.startsWith(t)));
      if (i < 0) return false;
      used.add(i);
      return true;
    });
  });
}
