/**
 * Test databases: a fresh embedded PGlite in memory, or a fresh database on the real Postgres
 * server (TEST_DATABASE_URL, default postgres://root@127.0.0.1:5432/postgres as admin), each
 * migrated. Every test file gets its own database, so files can run in parallel.
 *
 * Migrating a new PGlite database runs initdb and every migration inside WebAssembly (about 3 s of
 * CPU). A PGlite test database therefore starts from a dump of one migrated database instead,
 * made once per set of migrations and PGlite version and cached on disk for all test files
 * (about 0.6 s to load); `migrate()` then finds nothing to apply.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import type { PGlite } from '@electric-sql/pglite';
import type { Database } from '../../db/client';
import { migrationsFolder, openDatabase } from '../../db/client';
import { finishTemplate, templateKey } from '../../db/embedded-template';

const CACHE = join(process.cwd(), 'node_modules', '.cache', 'aimsbot-test');

let migratedDump: Promise<Blob> | null = null;

/** A dump of a freshly migrated PGlite database: read from the cache, or made and cached. */
function pgliteMigratedDump(): Promise<Blob> {
  migratedDump ??= (async () => {
    // Named as the embedded template is: by the PGlite version, its settings and every migration.
    const file = join(CACHE, `pglite-migrated-${templateKey(migrationsFolder)}.tar`);
    try {
      return new Blob([readFileSync(file)]);
    } catch {
      // Not made yet: make it (two files doing so at once each write a whole file, then rename).
    }
    const database = await openDatabase({ dataDir: 'memory://' });
    try {
      await database.migrate();
      const client = (database.db as unknown as { $client: PGlite }).$client;
      // Readied as the embedded template is (without initdb's template databases: a third less to load).
      await finishTemplate(client);
      const dump = await client.dumpDataDir('none');
      mkdirSync(CACHE, { recursive: true });
      const tmp = `${file}.${process.pid}.${randomBytes(3).toString('hex')}`;
      writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
      renameSync(tmp, file);
      // Dumps of other migrations are no longer of use (each is tens of megabytes).
      for (const e of readdirSync(CACHE)) {
        if (e.startsWith('pglite-migrated-') && join(CACHE, e) !== file && !e.includes('.tar.')) rmSync(join(CACHE, e), { force: true });
      }
      return dump;
    } finally {
      await database.close();
    }
  })();
  return migratedDump;
}

/** The admin URL used to create and drop test databases. */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

/** A migrated test database and how to get rid of it. */
export interface TestDatabase extends Database {
  url: string | undefined;
  destroy(): Promise<void>;
}

/** A fresh migrated database of the given kind. */
export async function createTestDatabase(kind: 'pglite' | 'postgres'): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const database = await openDatabase({ dataDir: 'memory://', loadDataDir: await pgliteMigratedDump() });
    await database.migrate();
    return { ...database, url: undefined, destroy: () => database.close() };
  }
  const name = `aims_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  await database.migrate();
  return {
    ...database,
    url: url.toString(),
    destroy: async () => {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Both kinds, for `describe.each`. */
export const DB_KINDS = ['pglite', 'postgres'] as const;
