/**
 * The laptop's local store: one RxDB database per window, Dexie storage on IndexedDB,
 * with every collection from the shared registry. Opened once (see `openDatabase`).
 */
import { addRxPlugin, createRxDatabase, wrappedValidateStorageFactory, type MigrationStrategies, type RxCollection, type RxDatabase, type RxJsonSchema, type RxStorage } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { RxDBAttachmentsPlugin } from 'rxdb/plugins/attachments';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { RxDBLeaderElectionPlugin } from 'rxdb/plugins/leader-election';
import { deriveRxdbEncryptionPassword, type DataKey } from '../../../shared/security';
import { wrappedAesGcmEncryptionStorage } from '../../../shared/security/rxdb-encryption';
import { collections, toRxJsonSchema, type Beneficiary, type CollectionDef } from '../../../shared/schema';
import { migrationStrategies as registeredMigrations } from './migrations';
import { syncConflictHandler } from '../../../shared/sync/manager';

export const databaseName = 'sila';

export type SilaCollections = {
  beneficiaries: RxCollection<Beneficiary>;
} & Record<string, RxCollection>;

export type SilaDatabase = RxDatabase<SilaCollections>;

addRxPlugin(RxDBLeaderElectionPlugin);
addRxPlugin(RxDBMigrationSchemaPlugin);
addRxPlugin(RxDBAttachmentsPlugin);

/**
 * Collections that hold files as RxDB attachments (document scans; drawn signatures and signed
 * declaration scans), encrypted by the same AES-GCM storage wrapper as the secret fields.
 * Kept here rather than in shared/schema: attachments are a laptop storage concern (HQ receives
 * files through its /attachments endpoint, not through the document replication).
 */
export const attachmentCollections: ReadonlySet<string> = new Set(['documents', 'declarations']);

export interface OpenDatabaseOptions {
  /**
   * The unlocked data key. The fields each collection lists as `encrypted` and the attachments
   * are encrypted with an AES-256-GCM key derived from it (shared/security/rxdb-encryption.ts);
   * RxDB's `password` (its wrong-key check, and the key of stores written with crypto-js by the
   * previous version) is `deriveRxdbEncryptionPassword(dataKey)`. Never the user's password.
   */
  dataKey: DataKey;
  /** Storage override for tests (e.g. Dexie with fake-indexeddb in Node). */
  storage?: RxStorage<unknown, unknown>;
  name?: string;
  /** Collection definitions (default: the shared registry). Tests pass a v1/v2 pair. */
  definitions?: readonly CollectionDef[];
  /** Migration strategies per collection (default ./migrations.ts). */
  migrationStrategies?: Readonly<Record<string, MigrationStrategies>>;
}

async function createStorage(dataKey: DataKey, override?: RxStorage<unknown, unknown>): Promise<RxStorage<unknown, unknown>> {
  // Sensitive fields and attachments are encrypted before they reach IndexedDB.
  const storage = wrappedAesGcmEncryptionStorage({ storage: override ?? getRxStorageDexie(), dataKey });
  if (import.meta.env.DEV) {
    // Development only: schema checks and document validation. Vite drops this branch (and
    // the dev-mode plugin, which loads a page from rxdb.info) from production builds.
    const [{ RxDBDevModePlugin }, { getValidator }] = await Promise.all([
      import('rxdb/plugins/dev-mode'),
      import('rxdb/plugins/validate-ajv'),
    ]);
    addRxPlugin(RxDBDevModePlugin);
    // Validation wraps encryption so it checks the clear document. Deletions are not checked:
    // a PDPL destruction tombstone from HQ has no personal (required) field by design
    // (shared/privacy/destruction.ts); the replication validates pulled ones its own way.
    const validateLive = wrappedValidateStorageFactory((schema) => {
      const validate = getValidator(schema);
      return (doc) => ((doc as { _deleted?: unknown })._deleted === true ? [] : validate(doc));
    }, 'ajv-live');
    return validateLive({ storage });
  }
  return storage;
}

/** Opens the database and adds every registered collection (at most 12; see shared/schema). */
export async function createDatabase(options: OpenDatabaseOptions): Promise<SilaDatabase> {
  const db = await createRxDatabase<SilaCollections>({
    name: options.name ?? databaseName,
    storage: await createStorage(options.dataKey, options.storage),
    password: await deriveRxdbEncryptionPassword(options.dataKey),
    multiInstance: true, // several windows of one profile share the data; one leader replicates
    eventReduce: true,
    closeDuplicates: true,
  });
  const toAdd: Record<
    string,
    { schema: RxJsonSchema<Record<string, unknown>>; conflictHandler: ReturnType<typeof syncConflictHandler<Record<string, unknown>>>; migrationStrategies?: MigrationStrategies }
  > = {};
  const strategies = options.migrationStrategies ?? registeredMigrations;
  for (const def of options.definitions ?? collections) {
    const migrate = strategies[def.name];
    const schema = toRxJsonSchema(def) as unknown as RxJsonSchema<Record<string, unknown>>;
    if (attachmentCollections.has(def.name)) schema.attachments = { encrypted: true };
    toAdd[def.name] = {
      ...(migrate ? { migrationStrategies: migrate } : {}),
      schema,
      // Three-way merge on replication conflicts; same-field conflicts go to sync_conflicts (shared/sync).
      conflictHandler: syncConflictHandler<Record<string, unknown>>(def.name),
    };
  }
  // Older schema versions are migrated here (RxDB migrates on open and then removes the old
  // version's storage); a migration that fails leaves the old data in place and reports.
  await db.addCollections(toAdd);
  return db;
}

let opening: Promise<SilaDatabase> | null = null;

/** The window's database, opened once (after unlock); `name` is the signed-in user's database. */
export function openDatabase(dataKey: DataKey, name: string = databaseName): Promise<SilaDatabase> {
  opening ??= createDatabase({ dataKey, name }).catch((err: unknown) => {
    opening = null; // allow a retry after e.g. a blocked upgrade
    throw err;
  });
  return opening;
}
