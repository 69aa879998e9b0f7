/**
 * The `review_once` migration on a database that already holds duplicate open reviews (as
 * replayed review clicks left them): it keeps one per system and closes the others, then the
 * unique index holds. On both databases.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { migrationsFolder } from '../../db/client';
import { ADMIN_URL, DB_KINDS } from '../helpers/db';

type Journal = { entries: Array<{ tag: string }> };

/** A copy of the migrations that stops just before `review_once`. */
function migrationsBeforeReviewOnce(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aims-mig-'));
  cpSync(migrationsFolder, dir, { recursive: true });
  const path = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(path, 'utf8')) as Journal;
  const at = journal.entries.findIndex((e) => e.tag.endsWith('_review_once'));
  expect(at, 'the review_once migration is in the journal').toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(path, JSON.stringify(journal));
  return dir;
}

interface Handle {
  run(query: string): Promise<Array<Record<string, unknown>>>;
  migrate(folder: string): Promise<void>;
  close(): Promise<void>;
}

async function open(kind: (typeof DB_KINDS)[number]): Promise<Handle> {
  if (kind === 'pglite') {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    // Later migrations create pg_trgm, which PGlite loads as db/client.ts does.
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
    const client = new PGlite({ extensions: { pg_trgm } });
    const db = drizzle(client);
    return {
      run: async (q) => (await db.execute(sql.raw(q))).rows as Array<Record<string, unknown>>,
      migrate: (folder) => migrate(db, { migrationsFolder: folder }),
      close: () => client.close(),
    };
  }
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const name = `aims_mig_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const client = postgres(url.toString(), { max: 2, onnotice: () => {} });
  const db = drizzle(client);
  return {
    run: async (q) => [...(await db.execute(sql.raw(q)))] as Array<Record<string, unknown>>,
    migrate: (folder) => migrate(db, { migrationsFolder: folder }),
    close: async () => {
      await client.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

describe.each(DB_KINDS)('review_once migration on %s', (kind) => {
  let before = '';
  let h: Handle;
  // Opening (PGlite starts slowly on a busy machine) and the older migrations run in the hook.
  beforeAll(async () => {
    before = migrationsBeforeReviewOnce();
    h = await open(kind);
    await h.migrate(before);
  });
  afterAll(async () => {
    await h?.close();
    rmSync(before, { recursive: true, force: true });
  });

  it('closes duplicate open reviews, keeping the one the system points at, then allows one per system', async () => {
    const now = "'2026-11-02T09:00:00Z'";
    await h.run(`insert into workspaces (platform, external_id, created_at) values ('shell', 'local', ${now})`);
    await h.run(`insert into people (workspace_id, platform_id, created_at) values (1, 'shell:bob', ${now})`);
    for (const [ref, next] of [[1, "'2027-11-02T09:00:00Z'"], [2, 'null']] as const) {
      await h.run(
        `insert into ai_systems (workspace_id, ref_number, name, name_key, purpose, owner_id, usage_status, status, submitted_by_id, next_review_at, created_at, updated_at)
         values (1, ${ref}, 'Tool ${ref}', 'tool${ref}', 'x', 1, 'in_use', 'approved', 1, ${next}, ${now}, ${now})`,
      );
    }
    // System 1: three open reviews, the middle one is the date the system shows.
    // System 2: two open reviews and no date: the newest stays. A closed review is untouched.
    for (const [system, due, status] of [
      [1, '2027-11-02T09:00:10Z', 'open'],
      [1, '2027-11-02T09:00:00Z', 'open'],
      [1, '2027-11-02T09:00:20Z', 'open'],
      [1, '2026-11-02T09:00:00Z', 'confirmed'],
      [2, '2027-01-01T00:00:00Z', 'open'],
      [2, '2027-01-02T00:00:00Z', 'open'],
    ] as const) {
      await h.run(`insert into reviews (workspace_id, system_id, due_at, status, created_at) values (1, ${system}, '${due}', '${status}', ${now})`);
    }

    await h.migrate(migrationsFolder);

    const rows = await h.run('select id, system_id, status from reviews order by id');
    expect(rows.map((r) => [Number(r.id), Number(r.system_id), r.status])).toEqual([
      [1, 1, 'superseded'],
      [2, 1, 'open'],
      [3, 1, 'superseded'],
      [4, 1, 'confirmed'],
      [5, 2, 'superseded'],
      [6, 2, 'open'],
    ]);
    const second = await h
      .run(`insert into reviews (workspace_id, system_id, due_at, status, created_at) values (1, 2, ${now}, 'open', ${now})`)
      .then(() => null, (err: Error & { cause?: Error }) => err.cause?.message ?? err.message);
    expect(second).toMatch(/reviews_one_open_per_system_uq/);
  });
});
