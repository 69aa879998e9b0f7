/**
 * Start-up notices a database it cannot use: unreachable, missing, without the aimsbot schema,
 * behind or ahead of this version. Every command that needs the database stops with one line
 * naming the cause; read-only commands never create or migrate anything; `/readyz` asks the same.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { databaseReady, NO_SCHEMA, readSchemaState, SCHEMA_AHEAD, SCHEMA_BEHIND, shippedMigrations } from '../../db/schema-version';
import { runCli } from '../../src/cli';
import { ADMIN_URL, createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

/** Runs a command in this process, as `npm run aimsbot` would; returns exit code and output. */
async function cli(argv: string[], env: Record<string, string>, input = '') {
  let stdout = '';
  let stderr = '';
  const code = await runCli({
    argv,
    stdin: Readable.from([input]),
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { DATABASE_URL: '', AIMS_POLICY: '', LOG_LEVEL: 'silent', ...env },
  });
  return { code, stdout, stderr };
}

const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
const created: string[] = [];
const dirs: string[] = [];

/** A new, empty database on the test server (no schema at all). */
async function emptyDatabase(): Promise<string> {
  const name = `aims_test_empty_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  await admin.unsafe(`create database ${name}`);
  created.push(name);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function schemasOf(url: string): Promise<string[]> {
  const c = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await c<{ n: string }[]>`select nspname as n from pg_namespace where nspname in ('drizzle', 'public')
      and exists (select 1 from pg_class where relnamespace = pg_namespace.oid)`;
    return rows.map((r) => r.n).sort();
  } finally {
    await c.end();
  }
}

afterAll(async () => {
  for (const name of created) await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('a database that cannot be reached or does not exist', () => {
  const refused = { DATABASE_URL: 'postgres://root:s3cret@127.0.0.1:5999/aims' };

  it.each([
    [['audit', 'verify']],
    [['export', 'inventory', '--format', 'csv']],
    [['jobs', 'run', 'review-reminders']],
    [['migrate']],
    [['shell']],
  ])('%j says "connection refused at 127.0.0.1:5999" and exits 1', async (argv) => {
    const r = await cli(argv, refused);
    expect(r.stderr).toBe(`aimsbot ${argv[0]}: connection refused at 127.0.0.1:5999\n`);
    expect(r.stderr).not.toContain('s3cret');
    expect(r.code).toBe(1);
  });

  it('names a database that does not exist, exit 2', async () => {
    const url = new URL(ADMIN_URL);
    url.pathname = '/aims_no_such_database';
    for (const argv of [['audit', 'verify'], ['shell']]) {
      const r = await cli(argv, { DATABASE_URL: url.toString() });
      expect(r.stderr).toBe(`aimsbot ${argv[0]}: database "aims_no_such_database" does not exist\n`);
      expect(r.code).toBe(2);
    }
  });
});

describe('a Postgres database without the aimsbot schema', () => {
  let url: string;
  beforeAll(async () => {
    url = await emptyDatabase();
  });

  it.each([
    [['audit', 'verify']],
    [['export', 'audit', '--format', 'json']],
    [['jobs', 'run', 'weekly-digest']],
    [['shell']],
  ])('%j stops with "run `aimsbot migrate`", exit 2, and creates nothing', async (argv) => {
    const r = await cli(argv, { DATABASE_URL: url }, '/aims list\n');
    expect(r.stderr).toBe(`aimsbot ${argv[0]}: ${NO_SCHEMA}\n`);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
    expect(await schemasOf(url)).toEqual([]);
  });

  it('the real shell process exits 2 with one line, no stack trace', () => {
    const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'start'], {
      input: '/aims list\n',
      env: { ...process.env, DATABASE_URL: url, SLACK_BOT_TOKEN: '', MICROSOFT_APP_ID: '', AIMS_TEAMS: '', AIMS_POLICY: '', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe(`aimsbot start: ${NO_SCHEMA}\n`);
    expect(r.status).toBe(2);
  });
});

describe('a Postgres database whose schema is behind or ahead of this version', () => {
  let database: TestDatabase;
  const shipped = shippedMigrations();
  const newest = shipped.at(-1)!;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(async () => database?.destroy());

  it('current: commands run and /readyz says ready', async () => {
    expect(await readSchemaState(database.db)).toEqual({ status: 'current', pending: [] });
    expect(await databaseReady(database)).toBe(true);
    const r = await cli(['audit', 'verify'], { DATABASE_URL: database.url! });
    expect(r.code).toBe(0);
  });

  it('behind: "older than this version: run `aimsbot migrate`", and not ready', async () => {
    const c = postgres(database.url!, { max: 1, onnotice: () => {} });
    await c`delete from drizzle.__drizzle_migrations where created_at = ${newest.when}`;
    try {
      expect(await readSchemaState(database.db)).toEqual({ status: 'behind', pending: [newest.tag] });
      expect(await databaseReady(database)).toBe(false);
      for (const argv of [['export', 'soa', '--format', 'csv'], ['shell']]) {
        const r = await cli(argv, { DATABASE_URL: database.url! });
        expect(r.stderr).toBe(`aimsbot ${argv[0]}: ${SCHEMA_BEHIND}\n`);
        expect(r.code).toBe(2);
      }
    } finally {
      await c`insert into drizzle.__drizzle_migrations (hash, created_at) values ('restored', ${newest.when})`;
      await c.end();
    }
    expect(await databaseReady(database)).toBe(true);
  });

  it('ahead: a newer aimsbot migrated it; this one refuses rather than guess', async () => {
    const c = postgres(database.url!, { max: 1, onnotice: () => {} });
    await c`insert into drizzle.__drizzle_migrations (hash, created_at) values ('future', ${newest.when + 1000})`;
    try {
      expect((await readSchemaState(database.db)).status).toBe('ahead');
      expect(await databaseReady(database)).toBe(false);
      const r = await cli(['audit', 'verify'], { DATABASE_URL: database.url! });
      expect(r.stderr).toBe(`aimsbot audit: ${SCHEMA_AHEAD}\n`);
      expect(r.code).toBe(2);
    } finally {
      await c`delete from drizzle.__drizzle_migrations where hash = 'future'`;
      await c.end();
    }
  });

  it('/readyz check answers "not ready" promptly when the server cannot be reached', async () => {
    const unreachable = await openDatabase({ url: 'postgres://root@127.0.0.1:5999/aims' });
    try {
      const started = Date.now();
      expect(await databaseReady(unreachable, 2000)).toBe(false);
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      await unreachable.close();
    }
  });
});

describe('embedded data (PGlite): read-only commands check, never create or migrate', () => {
  it('an AIMS_DATA_DIR that holds nothing yet is reported and not created', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'aims-check-'));
    dirs.push(parent);
    const dataDir = join(parent, 'data');
    for (const argv of [['audit', 'verify'], ['export', 'inventory', '--format', 'json']]) {
      const r = await cli(argv, { AIMS_DATA_DIR: dataDir });
      expect(r.stderr).toBe(`aimsbot ${argv[0]}: ${NO_SCHEMA}\n`);
      expect(r.code).toBe(2);
    }
    expect(existsSync(dataDir)).toBe(false);
  });

  // One embedded directory for the whole story: creating a PGlite cluster is the slow part.
  it('an embedded database without the schema stays without it; the shell sets it up; then it reads', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aims-check-'));
    dirs.push(dataDir);
    const bare = await openDatabase({ dataDir });
    await bare.ping();
    await bare.close();
    const r = await cli(['audit', 'verify'], { AIMS_DATA_DIR: dataDir });
    expect(r.stderr).toBe(`aimsbot audit: ${NO_SCHEMA}\n`);
    expect(r.code).toBe(2);
    const after = await openDatabase({ dataDir });
    try {
      expect((await readSchemaState(after.db)).status).toBe('missing');
    } finally {
      await after.close();
    }
    // A command that writes migrates embedded data on first use, as `npm start` always has.
    const shell = await cli(['shell'], { AIMS_DATA_DIR: dataDir }, '/aims list\n');
    expect(shell.code).toBe(0);
    const verify = await cli(['audit', 'verify'], { AIMS_DATA_DIR: dataDir });
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
  }, 180_000);
});
