/**
 * Test databases: a fresh embedded PGlite in memory, or a fresh database on the real Postgres
 * server (TEST_DATABASE_URL, default postgres://root@127.0.0.1:5432/postgres as admin), each
 * migrated. Every test file gets its own database, so files can run in parallel.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { Database } from '../../db/client';
import { openDatabase } from '../../db/client';

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
    const database = await openDatabase({ dataDir: 'memory://' });
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
