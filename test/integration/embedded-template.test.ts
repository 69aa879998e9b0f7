/**
 * A new embedded directory started from the template is the database the migrations make: the
 * same migrations recorded, the same tables, columns, indexes, constraints, triggers and
 * extensions as a directory set up by initdb and the migrations. The template is made on first
 * use, cached outside the data directory, renamed when the migrations change, and its absence
 * never stops a start.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { migrationsFolder, openDatabase } from '../../db/client';
import { templateKey, templatePath } from '../../db/embedded-template';

const root = mkdtempSync(join(tmpdir(), 'aims-template-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cache = join(root, 'cache');

/** Rows of `db.execute` on PGlite. */
async function rows(database: Database, query: ReturnType<typeof sql>): Promise<unknown[]> {
  return ((await database.db.execute(query)) as unknown as { rows: unknown[] }).rows;
}

/** What makes two databases the same for aimsbot: recorded migrations and the whole public schema. */
async function shape(database: Database): Promise<Record<string, unknown[]>> {
  return {
    migrations: await rows(database, sql`select hash, created_at from drizzle.__drizzle_migrations order by id`),
    columns: await rows(
      database,
      sql`select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns
          where table_schema = 'public' order by table_name, ordinal_position`,
    ),
    indexes: await rows(database, sql`select indexname, indexdef from pg_indexes where schemaname = 'public' order by indexname`),
    constraints: await rows(
      database,
      sql`select conrelid::regclass::text as rel, conname, pg_get_constraintdef(oid) as def from pg_constraint
          where connamespace = 'public'::regnamespace order by rel, conname`,
    ),
    triggers: await rows(database, sql`select tgrelid::regclass::text as rel, tgname from pg_trigger where not tgisinternal order by rel, tgname`),
    functions: await rows(database, sql`select proname from pg_proc where pronamespace = 'public'::regnamespace order by proname`),
    extensions: await rows(database, sql`select extname, extversion from pg_extension order by extname`),
  };
}

describe('a new embedded directory from the template', () => {
  let reference: Record<string, unknown[]>;
  beforeAll(async () => {
    // Set up the way it always was: initdb, then every migration.
    const migrated = await openDatabase({ dataDir: join(root, 'migrated') });
    try {
      expect(migrated.seed).toBeUndefined();
      await migrated.migrate();
      reference = await shape(migrated);
    } finally {
      await migrated.close();
    }
  }, 180_000);

  it('is made on first use outside the data directory and equals a migrated database', async () => {
    const dir = join(root, 'first');
    const database = await openDatabase({ dataDir: dir, fromTemplate: true, templateCache: cache });
    try {
      expect(database.seed).toEqual({ template: templatePath(cache, migrationsFolder) });
      // The copy holds the schema before any migration runs, and migrating finds nothing to do.
      expect(await shape(database)).toEqual(reference);
      await database.migrate();
      expect(await shape(database)).toEqual(reference);
      // One database: initdb's template0 and template1 are not copied into every directory.
      expect(await rows(database, sql`select datname from pg_database order by datname`)).toEqual([{ datname: 'postgres' }]);
    } finally {
      await database.close();
    }
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(cache).filter((e) => e.startsWith('pglite-'))).toEqual([`pglite-${templateKey(migrationsFolder)}`]);
    // The template holds no lock and no trace of a running server.
    const template = templatePath(cache, migrationsFolder);
    for (const f of ['aimsbot.lock', 'postmaster.pid']) expect(existsSync(join(template, f))).toBe(false);
  }, 180_000);

  it('a second directory is copied from the cached template and is as writable as any', async () => {
    const dir = join(root, 'second');
    const database = await openDatabase({ dataDir: dir, fromTemplate: true, templateCache: cache });
    try {
      expect(database.seed).toEqual({ template: templatePath(cache, migrationsFolder) });
      await database.migrate();
      expect(await shape(database)).toEqual(reference);
      // Held by this process like any data directory.
      expect(existsSync(join(dir, 'aimsbot.lock'))).toBe(true);
      await database.db.execute(sql`create table probe (id int primary key)`);
      await database.db.execute(sql`insert into probe values (1)`);
      // The comparison sees a difference of one table.
      expect(await shape(database)).not.toEqual(reference);
    } finally {
      await database.close();
    }
    // Reopened: what was written stays; an existing directory is never seeded again.
    const again = await openDatabase({ dataDir: dir, fromTemplate: true, templateCache: cache });
    try {
      expect(again.seed).toBeUndefined();
      expect(await rows(again, sql`select id from probe`)).toEqual([{ id: 1 }]);
    } finally {
      await again.close();
    }
  }, 180_000);

  it('without a writable cache the directory starts with initdb, and says why', async () => {
    const blocked = join(root, 'not-a-dir');
    writeFileSync(blocked, 'a file where the cache would go');
    const database = await openDatabase({ dataDir: join(root, 'no-cache'), fromTemplate: true, templateCache: join(blocked, 'cache') });
    try {
      expect(database.seed).toEqual({ error: expect.stringMatching(/ENOTDIR|EEXIST/) });
      await database.migrate();
      expect(await shape(database)).toEqual(reference);
    } finally {
      await database.close();
    }
  }, 180_000);
});

describe('the template name', () => {
  it('changes with the migrations, so a template never outlives the schema it was made for', () => {
    const copy = join(root, 'migrations-copy');
    cpSync(migrationsFolder, copy, { recursive: true });
    expect(templateKey(copy)).toBe(templateKey(migrationsFolder));
    writeFileSync(join(copy, '9999_next.sql'), 'create table later (id int);\n');
    expect(templateKey(copy)).not.toBe(templateKey(migrationsFolder));
  });
});
