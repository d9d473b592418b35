/**
 * Beneficiary search index benchmark (Node figure for the index itself).
 *
 *   npx tsx bench/search.bench.ts [count=10000]
 *
 * Generates realistic Saudi beneficiaries (3–4 part Arabic names with بن/بنت, spelling
 * variants, English names for some, valid ID/iqama check digits, mobiles), builds the index,
 * and prints build time and p50/p95/max query latency for name fragments, IDs and phones.
 * The target is p95 < 30 ms per query over 10,000 beneficiaries.
 */
import { generateNationalId, toArabicIndicDigits } from '../shared/identity';
import { BeneficiarySearchIndex, type SearchableBeneficiary } from '../shared/search';

/** Small deterministic PRNG (mulberry32) so runs are comparable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MALE: ReadonlyArray<[string, string]> = [
  ['محمد', 'Mohammed'], ['أحمد', 'Ahmed'], ['عبدالله', 'Abdullah'], ['عبد الرحمن', 'Abdulrahman'], ['خالد', 'Khalid'],
  ['فهد', 'Fahad'], ['سعد', 'Saad'], ['سلطان', 'Sultan'], ['فيصل', 'Faisal'], ['ناصر', 'Nasser'], ['إبراهيم', 'Ibrahim'],
  ['يوسف', 'Yousef'], ['عمر', 'Omar'], ['علي', 'Ali'], ['حمد', 'Hamad'], ['تركي', 'Turki'], ['بندر', 'Bandar'],
  ['مصطفى', 'Mustafa'], ['عيسى', 'Eisa'], ['موسى', 'Musa'], ['يحيى', 'Yahya'], ['إسماعيل', 'Ismail'], ['أنس', 'Anas'],
  ['عبد العزيز', 'Abdulaziz'], ['ماجد', 'Majed'], ['مشعل', 'Mishal'], ['نايف', 'Naif'], ['راشد', 'Rashed'],
  ['سليمان', 'Sulaiman'], ['صالح', 'Saleh'], ['حسن', 'Hassan'], ['حسين', 'Hussein'], ['زياد', 'Ziyad'], ['وليد', 'Waleed'],
  ['هاني', 'Hani'], ['طلال', 'Talal'], ['منصور', 'Mansour'], ['عادل', 'Adel'], ['مازن', 'Mazen'], ['أسامة', 'Osama'],
];
const FEMALE: ReadonlyArray<[string, string]> = [
  ['فاطمة', 'Fatimah'], ['نورة', 'Noura'], ['سارة', 'Sarah'], ['مريم', 'Maryam'], ['عائشة', 'Aisha'], ['هيفاء', 'Haifa'],
  ['ريم', 'Reem'], ['منيرة', 'Munira'], ['لطيفة', 'Latifa'], ['أمل', 'Amal'], ['هدى', 'Huda'], ['منى', 'Mona'],
  ['ليلى', 'Layla'], ['سلمى', 'Salma'], ['جواهر', 'Jawaher'], ['العنود', 'Alanoud'], ['أروى', 'Arwa'], ['خديجة', 'Khadija'],
  ['رقية', 'Ruqayya'], ['وفاء', 'Wafa'], ['أسماء', 'Asma'], ['نوال', 'Nawal'], ['شيخة', 'Shaikha'], ['بشرى', 'Bushra'],
];
const FAMILY: ReadonlyArray<[string, string]> = [
  ['الشمري', 'Alshammari'], ['العتيبي', 'Alotaibi'], ['القحطاني', 'Alqahtani'], ['الدوسري', 'Aldossari'], ['الحربي', 'Alharbi'],
  ['الغامدي', 'Alghamdi'], ['الزهراني', 'Alzahrani'], ['المطيري', 'Almutairi'], ['العنزي', 'Alanazi'], ['الشهري', 'Alshehri'],
  ['السبيعي', 'Alsubaie'], ['الرشيدي', 'Alrashidi'], ['البقمي', 'Albuqami'], ['الجهني', 'Aljohani'], ['السلمي', 'Alsulami'],
  ['آل سعود', 'Al Saud'], ['آل الشيخ', 'Al Alsheikh'], ['الأحمدي', 'Alahmadi'], ['العمري', 'Alomari'], ['الهاجري', 'Alhajri'],
  ['اليامي', 'Alyami'], ['المالكي', 'Almalki'], ['الثبيتي', 'Althubaiti'], ['الخالدي', 'Alkhalidi'], ['الفيفي', 'Alfaifi'],
  ['النعيمي', 'Alnuaimi'], ['باعشن', 'Baashen'], ['بن لادن', 'Binladin'], ['الصيعري', 'Alsaiari'], ['المري', 'Almarri'],
];

function pick<T>(list: readonly T[], r: () => number): T {
  return list[Math.floor(r() * list.length)]!;
}

/** Spell the way people do: sometimes without hamza, with ه for ة, ي for ى, diacritics or tatweel. */
function vary(name: string, r: () => number): string {
  let s = name;
  if (r() < 0.3) s = s.replace(/[أإآ]/g, 'ا');
  if (r() < 0.2) s = s.replace(/ة/g, 'ه');
  if (r() < 0.2) s = s.replace(/ى/g, 'ي');
  if (r() < 0.1) s = s.replace('م', 'مُ').replace('ح', 'حَ');
  if (r() < 0.05) s = s.replace('ح', 'حـــ');
  return s;
}

export interface GeneratedBeneficiary extends SearchableBeneficiary {
  readonly fullName: string;
  /** The name's parts as chosen (compounds such as عبد الرحمن or آل سعود kept whole). */
  readonly parts: readonly string[];
  readonly fullNameEn: string | null;
  readonly nationalId: string;
  readonly phone: string;
}

export function generateBeneficiaries(count: number, seed = 2026): GeneratedBeneficiary[] {
  const r = prng(seed);
  const out: GeneratedBeneficiary[] = [];
  const usedIds = new Set<string>();
  for (let i = 0; i < count; i++) {
    const female = r() < 0.55;
    const first = pick(female ? FEMALE : MALE, r);
    const father = pick(MALE, r);
    const grandfather = pick(MALE, r);
    const family = pick(FAMILY, r);
    const lineage = female ? 'بنت' : 'بن';
    const parts = r() < 0.6 ? [first[0], lineage, father[0], grandfather[0], family[0]] : [first[0], father[0], family[0]];
    const spelled = parts.map((p) => (p === lineage ? p : vary(p, r)));
    const fullName = spelled.join(' ');
    const fullNameEn = r() < 0.4 ? `${first[1]} ${female ? 'bint' : 'bin'} ${father[1]} ${family[1]}` : null;
    let nationalId: string;
    do nationalId = generateNationalId(r() < 0.8 ? 'citizen' : 'resident', undefined, r);
    while (usedIds.has(nationalId));
    usedIds.add(nationalId);
    const phone = `05${pick(['0', '3', '4', '5', '6', '7', '8', '9'], r)}${String(Math.floor(r() * 1e7)).padStart(7, '0')}`;
    out.push({
      id: `b-${i.toString(36).padStart(5, '0')}`,
      names: fullNameEn ? [fullName, fullNameEn] : [fullName],
      nationalIds: [nationalId],
      phones: [phone],
      fullName,
      parts: spelled.filter((p) => p !== lineage),
      fullNameEn,
      nationalId,
      phone,
    });
  }
  return out;
}

/** What users type: prefixes of 1–3 name parts (any order, variant spellings), ID and phone fragments. */
export function generateQueries(data: readonly GeneratedBeneficiary[], n: number, seed = 7) {
  const r = prng(seed);
  const names: string[] = [];
  const ids: string[] = [];
  const phones: string[] = [];
  for (let i = 0; i < n; i++) {
    const b = pick(data, r);
    const words = b.parts;
    const k = 1 + Math.floor(r() * Math.min(3, words.length));
    const chosen = [...words].sort(() => r() - 0.5).slice(0, k);
    names.push(chosen.map((w) => { const c = [...w.replace(/[\u064b-\u0652\u0640]/g, '')]; return c.slice(0, 2 + Math.floor(r() * (c.length - 1))).join(''); }).map((w) => vary(w, r)).join(' '));
    const idLen = r() < 0.5 ? 10 : 4 + Math.floor(r() * 6);
    const id = b.nationalId.slice(0, idLen);
    ids.push(r() < 0.3 ? toArabicIndicDigits(id) : id);
    const form = r();
    const local = b.phone;
    phones.push(form < 0.4 ? local.slice(0, 4 + Math.floor(r() * 7)) : form < 0.6 ? `+966 ${local.slice(1, 3)} ${local.slice(3, 6)} ${local.slice(6)}` : form < 0.8 ? toArabicIndicDigits(local) : local.slice(1));
  }
  return { names, ids, phones };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function timeQueries(index: BeneficiarySearchIndex, queries: readonly string[], limit = 20) {
  const times: number[] = [];
  let hits = 0;
  for (const q of queries) {
    const t0 = performance.now();
    hits += index.search(q, { limit }).length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1]!, meanHits: hits / queries.length };
}

function main(): void {
  const count = Number(process.argv[2] ?? 10_000);
  const t0 = performance.now();
  const data = generateBeneficiaries(count);
  const tGen = performance.now() - t0;
  const t1 = performance.now();
  const index = BeneficiarySearchIndex.build(data);
  const tBuild = performance.now() - t1;
  const { names, ids, phones } = generateQueries(data, 1000);
  // warm-up (JIT), then measure
  timeQueries(index, names.slice(0, 200));
  const fmt = (x: number) => x.toFixed(2).padStart(7);
  console.log(`beneficiaries: ${count} (generated in ${tGen.toFixed(0)} ms)`);
  console.log(`index build: ${tBuild.toFixed(0)} ms`);
  console.log('query kind      p50 ms   p95 ms   max ms   mean hits (limit 20)');
  for (const [label, qs] of [['name fragments', names], ['ID digits', ids], ['phone digits', phones]] as const) {
    const s = timeQueries(index, qs);
    console.log(`${label.padEnd(14)} ${fmt(s.p50)}  ${fmt(s.p95)}  ${fmt(s.max)}   ${s.meanHits.toFixed(1)}`);
  }
  const single = timeQueries(index, ['م', 'ا', 'ع', 'مح', 'ال', '1', '05', 'a', 'mo']);
  console.log(`${'1–2 char worst'.padEnd(14)} ${fmt(single.p50)}  ${fmt(single.p95)}  ${fmt(single.max)}`);
  const t2 = performance.now();
  for (let i = 0; i < 200; i++) index.upsert({ ...data[i]!, names: [`${data[i]!.fullName} الجديد${i}`] });
  for (let i = 0; i < 200; i++) index.remove(data[i]!.id);
  console.log(`incremental: ${((performance.now() - t2) / 400).toFixed(3)} ms per upsert/remove (mean of 400)`);
  const sample = names.slice(0, 3).map((q) => `${q} → ${index.search(q, { limit: 1 }).map((h) => data.find((d) => d.id === h.id)?.fullName).join('')}`);
  console.log(`examples:\n  ${sample.join('\n  ')}`);
}

const entry = process.argv[1] ?? '';
if (entry.endsWith('search.bench.ts')) main();
