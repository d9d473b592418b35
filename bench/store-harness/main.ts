/**
 * A small page for the local-store benchmark and the at-rest encryption test: the renderer's own
 * store code (renderer/src/data, renderer/src/security, shared/security) in real Chromium
 * IndexedDB, driven from Playwright through `window.silaStore`. Built by bench/store-harness/build.ts.
 */
import { createDatabase, type SilaDatabase } from '../../renderer/src/data/database';
import { saveRecord, setRecordKeys } from '../../renderer/src/data/records';
import { createSealedSearchCache, searchBeneficiaries, startBeneficiarySearch, stopBeneficiarySearch, useSearchState } from '../../renderer/src/data/search';
import { beneficiaryLookupHashes } from '../../renderer/src/data/records';
import { createKeyring, deriveLookupKey, unlockKeyring, type DataKey } from '../../shared/security';
import { generateNationalId } from '../../shared/identity/nationalId';

const keyringKey = 'sila.bench.keyring';
let db: SilaDatabase | null = null;
let lookupKey: CryptoKey | null = null;
let dataKey: DataKey | null = null;

const firstNames = ['محمد', 'أحمد', 'عبدالله', 'فهد', 'سلطان', 'خالد', 'سعد', 'فيصل', 'نورة', 'فاطمة', 'عائشة', 'مريم', 'هيفاء', 'سارة', 'منيرة', 'لطيفة', 'ريم', 'عبدالرحمن', 'تركي', 'بندر', 'ناصر', 'إبراهيم', 'يوسف', 'هند', 'جواهر', 'أمل', 'غادة', 'مشاعل', 'عبير', 'وفاء'];
const familyNames = ['الشمري', 'العتيبي', 'القحطاني', 'الغامدي', 'الزهراني', 'الحربي', 'المطيري', 'الدوسري', 'السبيعي', 'العنزي', 'الشهري', 'المالكي', 'الرشيدي', 'البقمي', 'الجهني', 'السهلي', 'العمري', 'الأحمدي', 'الخالدي', 'الثبيتي'];

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function pick<T>(list: readonly T[], r: () => number): T {
  return list[Math.floor(r() * list.length)]!;
}

export interface GeneratedBeneficiary {
  id: string;
  fullName: string;
  nationalId: string;
  phone: string;
  [field: string]: unknown;
}

const districts = ['النسيم', 'الملز', 'العليا', 'السويدي', 'الروضة', 'النظيم', 'الشفا', 'العزيزية'];
const relations = ['spouse', 'son', 'daughter', 'mother', 'brother'] as const;

/**
 * Generated beneficiaries. `full`: also every other encrypted field a registered file has (name
 * parts, Hijri birth date, marital status, address, 0–4 household members) — 8 encrypted fields
 * instead of 3.
 */
function generate(count: number, seed: number, full = false): GeneratedBeneficiary[] {
  const r = seeded(seed);
  const out: GeneratedBeneficiary[] = [];
  for (let i = 0; i < count; i++) {
    const parts = [pick(firstNames, r), pick(firstNames, r), pick(firstNames, r), pick(familyNames, r)] as const;
    const name = parts.join(' ');
    const phone = `+9665${String(Math.floor(r() * 1e8)).padStart(8, '0')}`;
    const person: GeneratedBeneficiary = { id: `b${seed}x${i}`, fullName: name, nationalId: generateNationalId(r() < 0.8 ? 'citizen' : 'resident', undefined, r), phone };
    if (full) {
      person.nameParts = { first: parts[0], father: parts[1], grandfather: parts[2], family: parts[3] };
      person.birthDate = { calendar: 'hijri', y: 1370 + Math.floor(r() * 60), m: 1 + Math.floor(r() * 12), d: 1 + Math.floor(r() * 29) };
      person.maritalStatus = pick(['single', 'married', 'divorced', 'widowed'] as const, r);
      person.address = { district: pick(districts, r), street: `شارع ${pick(familyNames, r).slice(2)}`, postalCode: String(11000 + Math.floor(r() * 8000)) };
      person.household = Array.from({ length: Math.floor(r() * 5) }, () => ({
        fullName: `${pick(firstNames, r)} ${parts[0]} ${parts[3]}`,
        relation: pick(relations, r),
        birthDate: { calendar: 'gregorian', y: 1960 + Math.floor(r() * 60), m: 1 + Math.floor(r() * 12), d: 1 + Math.floor(r() * 28) },
      }));
    }
    out.push(person);
  }
  return out;
}

async function open(password: string, name: string): Promise<{ keyMs: number; openMs: number }> {
  const t0 = performance.now();
  const raw = localStorage.getItem(keyringKey);
  let dekResult;
  if (raw === null) {
    const created = await createKeyring(password);
    localStorage.setItem(keyringKey, JSON.stringify(created.wrapped));
    dekResult = created.dek;
  } else {
    const unlocked = await unlockKeyring(JSON.parse(raw), password);
    if (!unlocked.ok) throw new Error(unlocked.messageEn);
    dekResult = unlocked.dek;
  }
  lookupKey = await deriveLookupKey(dekResult);
  dataKey = dekResult;
  setRecordKeys({ lookupKey });
  const t1 = performance.now();
  db = await createDatabase({ name, dataKey: dekResult });
  return { keyMs: t1 - t0, openMs: performance.now() - t1 };
}

const api = {
  generate,
  /** Unlock (or create) the key, open the database, build the search index. Times each step. */
  async unlock(password: string, name = 'sila-bench', useSnapshot = true) {
    const t0 = performance.now();
    const { keyMs, openMs } = await open(password, name);
    const t1 = performance.now();
    await startBeneficiarySearch(db!, useSnapshot ? { cache: createSealedSearchCache(dataKey!, name), saveDelayMs: 300 } : {});
    const indexMs = performance.now() - t1;
    return { totalMs: performance.now() - t0, keyMs, openMs, indexMs, size: useSearchState.getState().ready ? (await db!.beneficiaries.count().exec()) : 0, fromSnapshot: useSearchState.getState().fromSnapshot };
  },
  /** Store generated beneficiaries (bulk, with lookup hashes), for the benchmark. */
  async fill(count: number, seed: number, full = false) {
    const people = generate(count, seed, full);
    const now = new Date().toISOString();
    const docs = [];
    for (const p of people) {
      docs.push({ ...p, branchId: 'main', createdAt: now, updatedAt: now, updatedBy: 'bench', ...(await beneficiaryLookupHashes(lookupKey!, p)) });
    }
    for (let i = 0; i < docs.length; i += 500) await db!.beneficiaries.bulkInsert(docs.slice(i, i + 500));
    return people;
  },
  /** One beneficiary through the app's write path (validation, hashes, audit). */
  async save(doc: Record<string, unknown>) {
    const r = await saveRecord(db!, { userId: 'u_bench', role: 'branch_staff', branchIds: ['main'], branchId: 'main' }, 'beneficiaries', doc, { deviceId: 'device-0123456789abcdef0123456789abcdef' });
    return r.ok ? { ok: true } : { ok: false, message: r.messageEn, issues: r.issues };
  },
  /** Search latency per query (ms) and hit counts. */
  measure(queries: string[]) {
    const times: number[] = [];
    const hits: number[] = [];
    for (const q of queries) {
      const t = performance.now();
      hits.push(searchBeneficiaries(q, { limit: 20 }).length);
      times.push(performance.now() - t);
    }
    return { times, hits };
  },
  /** Wait until the sealed search snapshot was written (it is saved shortly after changes). */
  async settle(ms = 1500) {
    await new Promise((r) => setTimeout(r, ms));
  },
  async close() {
    stopBeneficiarySearch();
    await db?.close();
    db = null;
  },
};

declare global {
  interface Window {
    silaStore: typeof api;
  }
}
window.silaStore = api;
document.getElementById('status')!.textContent = 'ready';
