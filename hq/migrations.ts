/**
 * Ordered, recorded schema migrations. Each migration runs once, in its own transaction,
 * and is recorded in `schema_migrations`; re-running on start-up is a no-op. Several HQ
 * instances starting at once on one PostgreSQL serialise on an advisory lock.
 *
 * Never edit a migration that has shipped: add a new one.
 */
import type { Database } from './db';

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    id: 1,
    name: 'sync_documents',
    sql: `
      -- Global, monotonic change sequence: every write of any document takes the next value.
      CREATE SEQUENCE sync_change_seq AS bigint;

      -- Every replicated document of every collection, stored exactly as the client sent it.
      -- Server metadata (sequence, tombstone flag, branch, receive time) lives in columns,
      -- never inside the document body.
      CREATE TABLE sync_documents (
        collection  text        NOT NULL,
        id          text        NOT NULL,
        seq         bigint      NOT NULL DEFAULT nextval('sync_change_seq'),
        doc         jsonb       NOT NULL,
        deleted     boolean     NOT NULL DEFAULT false,
        branch_id   text,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (collection, id)
      );
      ALTER SEQUENCE sync_change_seq OWNED BY sync_documents.seq;
      CREATE UNIQUE INDEX sync_documents_feed ON sync_documents (collection, seq);
      CREATE INDEX sync_documents_branch_feed ON sync_documents (collection, branch_id, seq);
    `,
  },
  {
    id: 2,
    name: 'accounts_devices_tokens',
    sql: `
      -- Branches (فروع), users, registered laptops, refresh tokens, sign-in throttling and the
      -- access-token signing keys. Passwords are stored only as Argon2id PHC strings; refresh
      -- tokens only as SHA-256 hashes.
      CREATE TABLE hq_branches (
        id          text        PRIMARY KEY,
        name        text        NOT NULL,
        city        text        NOT NULL DEFAULT '',
        active      boolean     NOT NULL DEFAULT true,
        created_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE hq_users (
        id            text        PRIMARY KEY,
        username      text        NOT NULL UNIQUE,
        display_name  text        NOT NULL,
        role          text        NOT NULL,
        branch_ids    jsonb       NOT NULL DEFAULT '[]'::jsonb,
        password_hash text        NOT NULL,
        active        boolean     NOT NULL DEFAULT true,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE hq_devices (
        id             text        PRIMARY KEY,
        label          text        NOT NULL,
        public_key     jsonb       NOT NULL,
        registered_by  text        NOT NULL REFERENCES hq_users (id),
        registered_at  timestamptz NOT NULL DEFAULT now(),
        last_seen_at   timestamptz,
        revoked_at     timestamptz,
        revoked_by     text
      );
      CREATE TABLE hq_refresh_tokens (
        token_hash  text        PRIMARY KEY,
        user_id     text        NOT NULL REFERENCES hq_users (id),
        device_id   text        REFERENCES hq_devices (id),
        family      text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        expires_at  timestamptz NOT NULL,
        revoked_at  timestamptz
      );
      CREATE INDEX hq_refresh_tokens_user ON hq_refresh_tokens (user_id);
      CREATE INDEX hq_refresh_tokens_family ON hq_refresh_tokens (family);
      CREATE TABLE hq_signin_throttle (
        key          text        PRIMARY KEY,
        failures     integer     NOT NULL DEFAULT 0,
        locked_until timestamptz,
        updated_at   timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE hq_signing_keys (
        kid         text        PRIMARY KEY,
        secret      text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        retired_at  timestamptz
      );
      CREATE INDEX sync_documents_tombstones ON sync_documents (received_at) WHERE deleted
    `,
  },
  {
    id: 3,
    name: 'attachments',
    sql: `
      -- Files (declaration PDFs, signature images, scans) stored once by the SHA-256 of their
      -- bytes (as uploaded: the laptop seals them first). A branch sees a file only when it is
      -- linked to it, and a link is only made by uploading the bytes (proof of possession).
      CREATE TABLE hq_attachments (
        sha256       text        PRIMARY KEY,
        size         integer     NOT NULL,
        content_type text        NOT NULL,
        data         bytea       NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE hq_attachment_branches (
        sha256      text        NOT NULL REFERENCES hq_attachments (sha256),
        branch_id   text        NOT NULL,
        uploaded_by text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (sha256, branch_id)
      )
    `,
  },
  {
    id: 4,
    name: 'association_lookup_key',
    sql: `
      -- The association-wide key for the keyed lookup hashes of ID numbers and phones
      -- (beneficiaries.idHash/phoneHash), so every laptop computes the same hash for the same
      -- value. Created on first start (hq/accounts.ts ensureLookupKey), handed to registered
      -- devices at sign-in, backed up with the rest. At most one key is current.
      CREATE TABLE hq_lookup_keys (
        kid         text        PRIMARY KEY,
        secret      text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        retired_at  timestamptz
      );
      CREATE UNIQUE INDEX hq_lookup_keys_one_current ON hq_lookup_keys ((true)) WHERE retired_at IS NULL
    `,
  },
  {
    id: 5,
    name: 'pdpl_destruction_purge_horizons',
    sql: `
      -- PDPL destructions HQ carried out (hq/destruction.ts): who asked, when, and which records
      -- were destroyed, as ids and counts only (never a personal value).
      CREATE TABLE hq_destructions (
        beneficiary_id      text        PRIMARY KEY,
        branch_id           text        NOT NULL,
        audit_entry_id      text        NOT NULL,
        requested_by        text        NOT NULL,
        requested_on_device text        NOT NULL,
        requested_at        text        NOT NULL,
        carried_out_at      timestamptz NOT NULL DEFAULT now(),
        records             jsonb       NOT NULL,
        record_count        integer     NOT NULL,
        files_deleted       integer     NOT NULL
      );
      -- Every destroyed record id (and records that arrived later for a destroyed beneficiary):
      -- a push that would bring one back is stored as a destruction tombstone instead.
      CREATE TABLE hq_destroyed_ids (
        id             text PRIMARY KEY,
        beneficiary_id text NOT NULL REFERENCES hq_destructions (beneficiary_id)
      );
      -- Tombstone purge horizons (hq/store.ts purgeTombstones): the newest sequence number of a
      -- purged tombstone per collection and branch ('' for global collections). A pull from an
      -- older checkpoint may have missed deletions and is told to start again (RESYNC_REQUIRED).
      CREATE TABLE hq_purge_horizons (
        collection  text        NOT NULL,
        branch_id   text        NOT NULL,
        horizon_seq bigint      NOT NULL,
        purged_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (collection, branch_id)
      );
      CREATE INDEX sync_documents_beneficiary ON sync_documents (collection, (doc->>'beneficiaryId')) WHERE doc ? 'beneficiaryId';
      CREATE INDEX sync_documents_request ON sync_documents (collection, (doc->>'requestId')) WHERE doc ? 'requestId'
    `,
  },
  {
    id: 6,
    name: 'branch_names_and_evaluation_links',
    sql: `
      -- Branch names in English beside the Arabic ones (both published to laptops as hq_config
      -- branch entries, hq/branch-config.ts).
      ALTER TABLE hq_branches ADD COLUMN name_en text NOT NULL DEFAULT '';
      -- One-time evaluation links (printed QR codes, hq/evaluation-links.ts): a used link is kept
      -- by the SHA-256 of its token with the day only, and nothing that names the evaluation it
      -- gave (an anonymous evaluation must stay anonymous).
      CREATE TABLE hq_evaluation_links_used (
        token_hash  text PRIMARY KEY,
        used_on     date NOT NULL
      );
      -- Finding the delivery that printed a link: service_deliveries.evaluationLinks[].tokenHash.
      CREATE INDEX sync_documents_evaluation_links ON sync_documents
        USING gin ((doc -> 'evaluationLinks') jsonb_path_ops) WHERE collection = 'service_deliveries'
    `,
  },
];

/** Advisory lock key used while migrating (any constant; "sila" in ASCII). */
const MIGRATION_LOCK = 0x73696c61;

export interface MigrationResult {
  applied: number[];
  alreadyApplied: number[];
}

export async function runMigrations(
  db: Database,
  list: readonly Migration[] = migrations,
): Promise<MigrationResult> {
  const ids = list.map((m) => m.id);
  for (let i = 1; i < ids.length; i++) {
    if (ids[i]! <= ids[i - 1]!) throw new Error('Migrations must have strictly increasing ids');
  }

  // Take the lock in its own transaction so concurrent starters wait, then create the
  // bookkeeping table (CREATE TABLE IF NOT EXISTS is not safe under concurrency without it).
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id         integer     PRIMARY KEY,
      name       text        NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });

  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  for (const m of list) {
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const { rows } = await tx.query<{ id: number; name: string }>(
        'SELECT id, name FROM schema_migrations ORDER BY id',
      );
      const known = new Set(list.map((x) => x.id));
      const newer = rows.filter((r) => !known.has(Number(r.id)));
      if (newer.length > 0) {
        throw new Error(
          `The database has migrations this HQ version does not know (${newer.map((r) => r.id).join(', ')}); ` +
            'run a newer HQ version.',
        );
      }
      const recorded = rows.find((r) => Number(r.id) === m.id);
      if (recorded) {
        if (recorded.name !== m.name) {
          throw new Error(`Migration ${m.id} is recorded as '${recorded.name}' but this HQ calls it '${m.name}'.`);
        }
        result.alreadyApplied.push(m.id);
        return;
      }
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      result.applied.push(m.id);
    });
  }
  return result;
}

/** Split a migration into statements (parameterised `query` runs one statement at a time).
 *  Migrations must not contain semicolons inside literals or function bodies. */
export function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
