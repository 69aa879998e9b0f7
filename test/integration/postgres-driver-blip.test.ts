/**
 * postgres.js 3.4.9 dereferences a closed connection's socket in `nextWrite` and throws from a
 * setImmediate callback: an uncaught TypeError that kills the process when Postgres terminates
 * a backend under a transaction or a reserved connection; and a connection closed mid-query (or
 * sent a transaction's ROLLBACK after it closed) keeps that query as its current one, so while
 * the database refuses connections every later query handed to it hangs. patches/postgres+3.4.9.patch (applied by `postinstall`) guards both and
 * settles what was pending; these tests hold that in both builds
 * Node loads (ESM and CommonJS), in a child process so a crash is seen as a crash.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_URL, createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** How postgres.js reports a connection that Postgres terminated. */
const CLOSED = /^error:(CONNECTION_CLOSED|ECONNRESET|EPIPE|57P01)$/;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('postgres');
});
afterAll(async () => {
  await database?.destroy();
});

describe.each(['esm', 'cjs'])('postgres.js (%s build) when backends are terminated', (build) => {
  it('rejects the affected queries, recovers, and the process stays alive', () => {
    const child = spawnSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'test/helpers/postgres-blip-child.ts')], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: database.url, ADMIN_URL, BUILD: build },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stderr).not.toMatch(/reading 'write'|evaluating 'socket\.write'/);
    // On failure, say what the child printed: a crash shows its stack there.
    expect(child.status, `exit ${child.status} (${child.signal ?? 'no signal'})\nstderr:\n${child.stderr.slice(-4000)}\nstdout:\n${child.stdout.slice(-2000)}`).toBe(0);
    const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(result.build).toBe(build);
    expect(result.transaction).toMatch(CLOSED);
    expect(result.afterTransaction).toBe('ok:1');
    expect(result.reserved).toEqual([expect.stringMatching(CLOSED), expect.stringMatching(CLOSED)]);
    expect(result.burst).toEqual({ total: 120, hung: 0 });
    expect(result.afterBurst).toBe('ok:3');
    // Queries while the database refuses connections fail at once instead of hanging until it is back.
    expect(result.refusing).toEqual({ total: 24, hung: 0, ok: 0 });
    expect(result.afterRefusing).toBe('ok:4');
  });
});

it('every copy of connection.js that postgres.js ships carries the guard', () => {
  const pkg = join(root, 'node_modules', 'postgres');
  for (const copy of ['src', 'cjs/src', 'cf/src']) {
    const source = readFileSync(join(pkg, copy, 'connection.js'), 'utf8');
    const nextWrite = source.slice(source.indexOf('function nextWrite('), source.indexOf('function connectTimedOut('));
    expect(nextWrite, copy).toMatch(/if \(!socket\) \{[\s\S]*error\(Errors\.connection\('CONNECTION_CLOSED'/);
    const closed = source.slice(source.indexOf('async function closed('), source.indexOf('/* Handlers */'));
    expect(closed, copy).toMatch(/query = results = errorResponse = null/);
    const connect = source.slice(source.indexOf('async function connect('), source.indexOf('function reconnect('));
    expect(connect, copy).toMatch(/query = results = errorResponse = null/);
  }
});
