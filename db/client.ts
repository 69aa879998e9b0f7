/**
 * The database handle: Postgres through postgres.js when a URL is given, otherwise embedded
 * Postgres (PGlite) in a directory. Both run the same drizzle schema and SQL migrations.
 */
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import * as baseSchema from './schema';
import * as aimsSchema from './schema-aims';
import { lockEmbeddedDataDir } from './embedded-lock';
import { postgresOptions } from './postgres-options';

/** Every table, for drizzle's relational queries and the `Db` type. */
const schema = { ...baseSchema, ...aimsSchema };

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
}

/** An open database. */
export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Applies pending migrations. */
  migrate(): Promise<void>;
  /** True when a trivial query succeeds. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
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
  // pg_trgm backs the trigram indexes of `check` (migration scale_indexes creates the extension).
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const dataDir = options.dataDir ?? './.aimsbot';
  const lock = dataDir.startsWith('memory://') ? null : await lockEmbeddedDataDir(dataDir);
  let client: InstanceType<typeof PGlite>;
  try {
    client = new PGlite(dataDir, { extensions: { pg_trgm } });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const db = drizzle(client, { schema });
  return {
    db: db as unknown as Db,
    kind: 'pglite',
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

async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
