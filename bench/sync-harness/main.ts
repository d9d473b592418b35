/**
 * The initial-sync benchmark's browser client (bench/sync-initial.ts, Chromium part): the laptop's
 * own store — the renderer's `createDatabase` (RxDB on Dexie/IndexedDB, every collection, the
 * AES-256-GCM at-rest encryption wrapper, production build) — filled by the same `startSync` the
 * Node part uses, from a real HQ over loopback. Driven from Playwright through `window.silaSync`.
 * The PouchDB peer runs in the same browser from PouchDB's own browser build (IndexedDB adapter),
 * loaded by the benchmark into a page of its own.
 */
import type { RxDatabase } from 'rxdb';
import { createDatabase } from '../../renderer/src/data/database';
import { importDataKey } from '../../shared/security';
import { startSync } from '../../shared/sync/manager';
import type { Role } from '../../shared/schema';

export interface HarnessRun {
  hqUrl: string;
  accessToken: string;
  user: { userId: string; role: Role; branchIds: string[] };
  pullBatchSize: number;
  /** Collections whose documents are counted after the sync. */
  count: string[];
}

declare global {
  interface Window {
    silaSync: { run(opts: HarnessRun): Promise<{ ms: number; docs: number; problems: string[] }> };
  }
}

window.silaSync = {
  async run(opts) {
    // The laptop's data key (the app unwraps it with the user's password; a random one here).
    const dataKey = await importDataKey(crypto.getRandomValues(new Uint8Array(32)));
    const name = `bench_sync_${Date.now()}`;
    const db = await createDatabase({ name, dataKey });
    try {
      const t0 = performance.now();
      const sync = startSync({
        db: db as unknown as RxDatabase,
        hqUrl: opts.hqUrl,
        user: { ...opts.user, deviceId: 'bench-browser' },
        getAccessToken: () => opts.accessToken,
        waitForLeadership: false,
        pullBatchSize: opts.pullBatchSize,
      });
      await sync.awaitInitialSync();
      const ms = performance.now() - t0;
      const problems = sync.status.errors.filter((p) => p.code !== 'NETWORK').map((p) => JSON.stringify(p));
      await sync.stop();
      let docs = 0;
      for (const c of opts.count) docs += await db.collections[c]!.count().exec();
      return { ms, docs, problems };
    } finally {
      await db.remove();
    }
  },
};
document.getElementById('status')!.textContent = 'ready';
