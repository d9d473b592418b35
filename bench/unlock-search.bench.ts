/**
 * Local store benchmark (issue 5): 10,000 generated Arabic beneficiaries stored encrypted in
 * Chromium's IndexedDB by the renderer's own store code (bench/store-harness), then, in a fresh
 * page: unlock (Argon2id unwrap of the data key) → open the database → decrypt every beneficiary
 * → build the in-memory search index = "unlock-to-searchable". Then p50/p95 search latency for
 * name fragments, ID numbers (full and prefix) and phones (as typed: 05…).
 *
 * Run: npx tsx bench/unlock-search.bench.ts [count] [--full]   Targets: unlock < 3 s, search p95 < 30 ms.
 * --full: complete registered files (all 8 encrypted fields: name parts, birth date, marital
 * status, address, household) instead of name, ID and phone only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildStoreHarness } from './store-harness/build';
import { serveStatic } from '../test/e2e/helpers/static-server';
import { chromiumArgs, chromiumPath } from '../test/e2e/helpers/browser';

const full = process.argv.includes('--full');
const count = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 10_000);
const password = 'bench password 2026';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const out = await mkdtemp(join(tmpdir(), 'sila-store-harness-'));
const profile = await mkdtemp(join(tmpdir(), 'sila-store-bench-profile-'));
await buildStoreHarness(out);
const web = await serveStatic(out);
const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, args: chromiumArgs, headless: true });
try {
  let page = context.pages()[0] ?? (await context.newPage());
  await page.goto(web.url);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  await page.evaluate((pw) => window.silaStore.unlock(pw), password);
  const fillStart = Date.now();
  const people = await page.evaluate(([n, f]) => window.silaStore.fill(n as number, 7, f as boolean), [count, full] as const);
  console.log(`stored ${people.length} encrypted beneficiaries${full ? ' (complete files, 8 encrypted fields each)' : ' (name, ID, phone)'} in ${((Date.now() - fillStart) / 1000).toFixed(1)} s`);
  await page.evaluate(() => window.silaStore.close());
  await page.close();

  // Fresh pages: nothing in memory, everything from the encrypted store. Once without the sealed
  // search snapshot (every record's sealed fields decrypted, one AES-GCM operation per record:
  // the cost after a snapshot is lost or on a new key), then twice the normal way (snapshot + changes since its checkpoint).
  const labels = ['without snapshot', 'with sealed snapshot', 'with sealed snapshot'];
  for (const [i, label] of labels.entries()) {
    page = await context.newPage();
    await page.goto(web.url);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const unlock = await page.evaluate(([pw, snap]) => window.silaStore.unlock(pw as string, 'sila-bench', snap as boolean), [password, i > 0]);
    console.log(
      `${label.padEnd(27)} unlock-to-searchable ${unlock.totalMs.toFixed(0)} ms (key unwrap ${unlock.keyMs.toFixed(0)} ms, open ${unlock.openMs.toFixed(0)} ms, decrypt + index ${unlock.indexMs.toFixed(0)} ms) for ${unlock.size} records${unlock.fromSnapshot ? ', from the sealed snapshot' : ''}`,
    );
    await page.evaluate(() => window.silaStore.settle());
    if (i === labels.length - 1) break; // the last page stays open for the search measurements
    await page.evaluate(() => window.silaStore.close());
    await page.close();
  }

  const r = (() => {
    let s = 99;
    return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  })();
  const sample = () => people[Math.floor(r() * people.length)]!;
  const nameQueries: string[] = [];
  const idQueries: string[] = [];
  const phoneQueries: string[] = [];
  for (let i = 0; i < 300; i++) {
    const parts = sample().fullName.split(' ');
    const a = parts[Math.floor(r() * parts.length)]!;
    const b = parts[parts.length - 1]!;
    // fragments as typed: a prefix of one part, or prefixes of two parts
    nameQueries.push(i % 2 === 0 ? a.slice(0, Math.max(2, Math.ceil(a.length * 0.6))) : `${a.slice(0, 3)} ${b.slice(0, 4)}`);
    const id = sample().nationalId;
    idQueries.push(i % 2 === 0 ? id : id.slice(0, 6));
    const phone = sample().phone.replace('+966', '0');
    phoneQueries.push(i % 2 === 0 ? phone : phone.slice(0, 7));
  }
  // warm-up
  await page.evaluate((q) => window.silaStore.measure(q), nameQueries.slice(0, 20));
  for (const [label, queries] of [
    ['name fragments', nameQueries],
    ['national IDs', idQueries],
    ['phones', phoneQueries],
  ] as const) {
    const { times, hits } = await page.evaluate((q) => window.silaStore.measure(q), queries);
    const empty = hits.filter((h) => h === 0).length;
    console.log(`${label.padEnd(15)} p50 ${percentile(times, 50).toFixed(2)} ms  p95 ${percentile(times, 95).toFixed(2)} ms  max ${Math.max(...times).toFixed(2)} ms  (${queries.length} queries, ${empty} without hits)`);
  }
  await page.evaluate(() => window.silaStore.close());
} finally {
  await context.close();
  await web.close();
  await rm(out, { recursive: true, force: true });
  await rm(profile, { recursive: true, force: true });
}
