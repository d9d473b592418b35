// Runs the benchmarks one after another and lets each print its figures.
// `npm run bench` runs all; `npm run bench -- search declaration` runs the named ones.
// Benchmarks print figures; they never pass or fail on a threshold.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const all = {
  declaration: 'bench/declaration.bench.ts', // PDF build vs Chromium page.pdf()
  search: 'bench/search.bench.ts', // in-memory Arabic name/ID/phone index, 10,000 beneficiaries
  'unlock-search': 'bench/unlock-search.bench.ts', // unlock-to-searchable in Chromium
  'sync-initial': 'bench/sync-initial.ts', // initial sync vs PouchDB from pouchdb-server
  'sync-load': 'bench/sync-load.ts', // 100 simulated laptops for 60 s against HQ on PostgreSQL
};

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(all);
let failures = 0;
for (const name of names) {
  const file = all[name];
  if (!file) {
    console.error(`unknown benchmark '${name}'; known: ${Object.keys(all).join(', ')}`);
    failures++;
    continue;
  }
  if (!existsSync(file)) {
    console.error(`${name}: ${file} is missing`);
    failures++;
    continue;
  }
  console.log(`\n=== ${name} (${file})`);
  const run = spawnSync('npx', ['tsx', file], { stdio: 'inherit' });
  if (run.status !== 0) failures++;
}
process.exit(failures > 0 ? 1 : 0);
