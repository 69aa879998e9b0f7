/**
 * Copying a template into a data directory, without Postgres: everything but the lock and server
 * files arrives, PG_VERSION (what makes the directory count as a database) last, and the
 * directory keeps its mode and its lock. Stale builds and templates are cleared from the cache.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isNewDataDir, seedDataDir } from '../../db/embedded-template';

const root = mkdtempSync(join(tmpdir(), 'aims-seed-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fakeTemplate(name: string): string {
  const t = join(root, name);
  mkdirSync(join(t, 'base', '5'), { recursive: true });
  writeFileSync(join(t, 'PG_VERSION'), '17\n');
  writeFileSync(join(t, 'postgresql.conf'), 'shared_buffers = 128MB\n');
  writeFileSync(join(t, 'base', '5', '1259'), 'relation pages');
  writeFileSync(join(t, 'postmaster.pid'), '42\n');
  writeFileSync(join(t, 'aimsbot.lock'), '{"pid":42}\n');
  return t;
}

describe('seeding a data directory from a template', () => {
  it('copies the database files, not the lock or server files, and leaves the directory 0700 with its own lock', () => {
    const template = fakeTemplate('t1');
    const dir = join(root, 'd1');
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(dir, 0o700);
    writeFileSync(join(dir, 'aimsbot.lock'), '{"pid":7}\n');
    expect(isNewDataDir(dir)).toBe(true);
    seedDataDir(template, dir);
    expect(isNewDataDir(dir)).toBe(false);
    expect(readFileSync(join(dir, 'base', '5', '1259'), 'utf8')).toBe('relation pages');
    expect(readFileSync(join(dir, 'PG_VERSION'), 'utf8')).toBe('17\n');
    expect(readFileSync(join(dir, 'aimsbot.lock'), 'utf8')).toBe('{"pid":7}\n');
    expect(existsSync(join(dir, 'postmaster.pid'))).toBe(false);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('a copy cut short before PG_VERSION still counts as new and is completed by the next one', () => {
    const template = fakeTemplate('t2');
    const dir = join(root, 'd2');
    mkdirSync(dir, { mode: 0o700 });
    // What an interrupted copy leaves: some files, no PG_VERSION.
    mkdirSync(join(dir, 'base', '5'), { recursive: true });
    writeFileSync(join(dir, 'base', '5', '1259'), 'rela');
    expect(isNewDataDir(dir)).toBe(true);
    seedDataDir(template, dir);
    expect(readFileSync(join(dir, 'base', '5', '1259'), 'utf8')).toBe('relation pages');
    expect(isNewDataDir(dir)).toBe(false);
  });

  it('a template without PG_VERSION is refused before the directory would count as a database', () => {
    const template = fakeTemplate('t3');
    rmSync(join(template, 'PG_VERSION'));
    const dir = join(root, 'd3');
    mkdirSync(dir, { mode: 0o700 });
    expect(() => seedDataDir(template, dir)).toThrow(/PG_VERSION/);
    expect(isNewDataDir(dir)).toBe(true);
  });
});
