/**
 * Load benchmark: 100 simulated laptops doing pull/push cycles for 60 s against one HQ on
 * PostgreSQL (loopback). Run: `npx tsx bench/sync-load.ts [--laptops 100] [--seconds 60] [--think-ms 1000]`.
 *
 * Each laptop is a signed-in device of a field delegate (10 branches × 10 laptops). One cycle:
 * pull beneficiaries from its checkpoint (batch 100, branch-scoped), push 3 new beneficiaries and
 * one update of a document it wrote before (compare-and-set with its assumed master state), then
 * wait think-ms ± 50 % (a laptop syncs at most about once a second in the app; --think-ms 0
 * hammers). Prints throughput, p50/p95/p99 latency per request kind, and every error.
 * Target: p99 < 500 ms with zero errors.
 */
import { randomBytes } from 'node:crypto';
import { BENCH_PASSWORD, beneficiaryDoc, percentile, seedAccounts, signInDevice, startHqProcess, tempPostgres } from './sync-support';
import type { SyncCheckpoint, SyncDocument } from '../shared/sync/protocol';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const LAPTOPS = arg('laptops', 100);
const SECONDS = arg('seconds', 60);
const THINK_MS = arg('think-ms', 1000);
const BRANCHES = Array.from({ length: 10 }, (_, i) => `branch-${i + 1}`);

async function main() {
  const pgdb = await tempPostgres();
  let hq: Awaited<ReturnType<typeof startHqProcess>> | null = null;
  try {
    const perBranch = Math.ceil(LAPTOPS / BRANCHES.length);
    const users = await seedAccounts(pgdb.url, BRANCHES, perBranch);
    void BENCH_PASSWORD;
    hq = await startHqProcess(pgdb.url);
    const url = hq.url;
    const laptops = await Promise.all(
      users.slice(0, LAPTOPS).map(async (u, i) => {
        const session = await signInDevice(url, u.username, `bench-dev-${i}`);
        return { ...u, token: session.accessToken, checkpoint: null as SyncCheckpoint | null, mine: [] as SyncDocument[], n: 0, index: i };
      }),
    );
    process.stdout.write(`HQ ${url} on PostgreSQL; ${laptops.length} laptops signed in; running ${SECONDS} s (think ${THINK_MS} ms)…\n`);

    const latency: Record<'pull' | 'push', number[]> = { pull: [], push: [] };
    const errors: string[] = [];
    let docsPulled = 0;
    let docsPushed = 0;
    let conflicts = 0;
    const deadline = Date.now() + SECONDS * 1000;
    const started = Date.now();

    const timed = async (kind: 'pull' | 'push', path: string, token: string, body?: unknown) => {
      const t0 = performance.now();
      try {
        const res = await fetch(`${url}${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const json = (await res.json()) as unknown;
        latency[kind].push(performance.now() - t0);
        if (!res.ok) {
          errors.push(`${kind} ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
          return null;
        }
        return json;
      } catch (err) {
        latency[kind].push(performance.now() - t0);
        errors.push(`${kind} ${String(err)}`);
        return null;
      }
    };

    await Promise.all(
      laptops.map(async (l) => {
        // Stagger the start so the laptops do not all fire in the same millisecond.
        await new Promise((r) => setTimeout(r, Math.random() * Math.max(THINK_MS, 200)));
        while (Date.now() < deadline) {
          const q = new URLSearchParams({ batchSize: '100' });
          if (l.checkpoint) {
            q.set('seq', String(l.checkpoint.seq));
            q.set('id', l.checkpoint.id);
          }
          const pulled = (await timed('pull', `/sync/beneficiaries/pull?${q.toString()}`, l.token)) as { documents: SyncDocument[]; checkpoint: SyncCheckpoint | null } | null;
          if (pulled) {
            docsPulled += pulled.documents.length;
            l.checkpoint = pulled.checkpoint;
          }
          const rows: { newDocumentState: SyncDocument; assumedMasterState?: SyncDocument }[] = [];
          for (let k = 0; k < 3; k++) {
            const d = { ...beneficiaryDoc(l.index * 1_000_000 + l.n++, l.branchId), id: `ben-${l.index}-${l.n}-${randomBytes(2).toString('hex')}` };
            rows.push({ newDocumentState: d });
          }
          const previous = l.mine[Math.floor(Math.random() * l.mine.length)];
          if (previous) rows.push({ newDocumentState: { ...previous, city: `حي ${l.n}`, updatedAt: new Date().toISOString() }, assumedMasterState: previous });
          const pushed = (await timed('push', '/sync/beneficiaries/push', l.token, rows)) as SyncDocument[] | null;
          if (pushed) {
            docsPushed += rows.length - pushed.length;
            conflicts += pushed.length;
            for (const r of rows) {
              if (pushed.some((c) => c.id === r.newDocumentState.id)) continue;
              const at = l.mine.findIndex((m) => m.id === r.newDocumentState.id);
              if (at >= 0) l.mine[at] = r.newDocumentState;
              else l.mine.push(r.newDocumentState);
            }
          }
          if (THINK_MS > 0) await new Promise((r) => setTimeout(r, THINK_MS * (0.5 + Math.random())));
        }
      }),
    );
    const elapsed = (Date.now() - started) / 1000;
    const requests = latency.pull.length + latency.push.length;
    const all = [...latency.pull, ...latency.push].sort((a, b) => a - b);
    const line = (name: string, xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return `  ${name.padEnd(5)} n=${String(s.length).padStart(6)}  p50 ${percentile(s, 50).toFixed(1)} ms  p95 ${percentile(s, 95).toFixed(1)} ms  p99 ${percentile(s, 99).toFixed(1)} ms  max ${(s[s.length - 1] ?? NaN).toFixed(1)} ms`;
    };
    process.stdout.write(
      [
        `Sila HQ load: ${laptops.length} laptops, ${elapsed.toFixed(1)} s, PostgreSQL, loopback`,
        `  throughput ${(requests / elapsed).toFixed(1)} requests/s, ${(docsPushed / elapsed).toFixed(1)} documents written/s, ${(docsPulled / elapsed).toFixed(1)} documents pulled/s`,
        line('all', all),
        line('pull', latency.pull),
        line('push', latency.push),
        `  conflicts returned ${conflicts} (expected 0: each laptop updates only its own documents)`,
        `  errors ${errors.length}${errors.length ? `: ${errors.slice(0, 5).join(' | ')}` : ''}`,
        `  target p99 < 500 ms with zero errors: ${percentile(all, 99) < 500 && errors.length === 0 ? 'MET' : 'NOT MET'}`,
      ].join('\n') + '\n',
    );
  } finally {
    await hq?.stop();
    await pgdb.drop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
