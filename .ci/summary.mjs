// Sums the Vitest JSON reports written by `npm test` into the plain line CI reads.
// A stage that failed before writing a report (lint, typecheck, build) counts as one failure.
import { existsSync, readFileSync } from 'node:fs';

const status = Number(process.argv[2] ?? 0);
let passed = 0;
let failed = 0;
let skipped = 0;
const stages = ['unit', 'integration', 'e2e'];
const missing = [];
for (const stage of stages) {
  const file = `test-results/${stage}.json`;
  if (!existsSync(file)) {
    missing.push(stage);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  if (!report.success && (report.numFailedTests ?? 0) === 0) failed += 1; // suite-level failure
}
if (status !== 0 && failed === 0) failed = 1;
if (missing.length > 0) console.log(`stages without a report: ${missing.join(', ')}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
