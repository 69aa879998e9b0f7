/**
 * The database handle: Postgres through postgres.js when a URL is given, otherwise embedded
 * Postgres (PGlite) in a directory. Both run the same drizzle schema and SQL migrations.
 */
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import * as baseSchema from './schema';
import * as aimsSchema from './schema-aims';
import * as discoverySchema from './schema-discovery';
import * as improveSchema from './schema-improve';
import { lockEmbeddedDataDir } from './embedded-lock';
import { DEFAULT_TEMPLATE_CACHE, ensureTemplate, isNewDataDir, seedDataDir } from './embedded-template';
import { pgliteOptions } from './pglite-settings';
import { postgresOptions } from './postgres-options';

/** Every table, for drizzle's relational queries and the `Db` type. */
const schema = { ...baseSchema, ...aimsSchema, ...improveSchema, ...discoverySchema };

/** The drizzle database type shared by both drivers; a transaction is assignable to it. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Where the data lives. */
export interface DatabaseOptions {
  /** Postgres connection string; when absent, embedded PGlite is used. */
  url?: string | undefined;
  /**
   * Directory for embedded data; `memory://` keeps it in memory (tests). Default `./.aimsbot`.
   * Created with mode 0700; only one process at a time may open it (see embedded-lock.ts).
   */
  dataDir?: string | undefined;
  /** Pool size for postgres.js. Default 10. */
  maxConnections?: number | undefined;
  /**
   * A new embedded directory starts as a copy of the migrated template (see embedded-template.ts,
   * made and cached on first use) instead of running initdb. Only for callers that migrate at
   * once: the copy already holds the schema. Default false.
   */
  fromTemplate?: boolean | undefined;
  /** Where templates are cached. Default `node_modules/.cache/aimsbot`. */
  templateCache?: string | undefined;
  /**
   * Embedded only: starts the database from this dump of a data directory (PGlite's
   * `dumpDataDir`), e.g. a migrated one, instead of an empty one. Meant for `memory://`
   * databases (tests); a directory on disk that already holds data ignores it.
   */
  loadDataDir?: Blob | undefined;
}

/** How a new embedded directory was started (only with `fromTemplate`). */
export type EmbeddedSeed = { template: string } | { error: string };

/** An open database. */
export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Applies pending migrations. */
  migrate(): Promise<void>;
  /** True when a trivial query succeeds. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /**
   * Set when a new embedded directory was opened with `fromTemplate`: the template it was copied
   * from, or why there was none (it then started with initdb, as without a template).
   */
  seed?: EmbeddedSeed;
}

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Opens the database described by the options (no migration). */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    const client = postgres(options.url, postgresOptions(options.maxConnections ?? 10));
    const db = drizzle(client, { schema });
    return {
      db: db as unknown as Db,
      kind: 'postgres',
      migrate: () => migrate(db, { migrationsFolder }),
      ping: () => ping(db as unknown as Db),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const dataDir = options.dataDir ?? './.aimsbot';
  const lock = dataDir.startsWith('memory://') ? null : await lockEmbeddedDataDir(dataDir);
  let client: InstanceType<typeof PGlite>;
  let seed: EmbeddedSeed | undefined;
  try {
    // Seeded under the lock, so no other process sees the directory half copied.
    if (lock && options.fromTemplate && isNewDataDir(dataDir)) seed = await seedFromTemplate(dataDir, options.templateCache ?? DEFAULT_TEMPLATE_CACHE);
    client = new PGlite(dataDir, { ...(await pgliteOptions()), ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}) });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const db = drizzle(client, { schema });
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    ...(seed ? { seed } : {}),
    migrate: () => migrate(db, { migrationsFolder }),
    ping: () => ping(db as unknown as Db),
    close: async () => {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/** Copies the template into a new directory; without one (cache not writable, build failed) the
 * directory is left as it was and PGlite runs initdb in it, as it always did. */
async function seedFromTemplate(dataDir: string, cache: string): Promise<EmbeddedSeed> {
  try {
    const template = await ensureTemplate(cache, migrationsFolder);
    seedDataDir(template, dataDir);
    return { template };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
