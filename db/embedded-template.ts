/**
 * A ready-made embedded database to start new data directories from.
 *
 * A new PGlite directory costs a run of `initdb` inside WebAssembly (a second Postgres instance
 * next to the one that will serve) and then every migration: seconds, and twice the memory of
 * a running bot. Every new directory ends up with the same files, so they are made once — by the
 * same server settings and migrations, in a directory of their own — and kept in a cache outside
 * any data directory, named after what makes them: the PGlite version, its settings and the
 * migrations. A new data directory is then a file copy, and its first start costs what opening
 * an existing directory costs. When the migrations change, the name changes and a new template
 * is made; older ones are removed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGliteInterface } from '@electric-sql/pglite';
import { PGLITE_SETTINGS, pgliteOptions } from './pglite-settings';

/** Default cache: beside the installed packages, so it goes with them (`rm -rf node_modules`). */
export const DEFAULT_TEMPLATE_CACHE = fileURLToPath(new URL('../node_modules/.cache/aimsbot', import.meta.url));

/** The file whose presence makes a directory a Postgres data directory; copied last. */
const PG_VERSION = 'PG_VERSION';

/** Files of a running or stopped server that never belong in a template or a copy of one. */
const NOT_COPIED = new Set(['aimsbot.lock', 'postmaster.pid', 'postmaster.opts']);

/**
 * How the template is made, beyond the settings every start uses:
 * - WAL segments of 1 MB instead of 16 MB. A segment is preallocated, so most of a new
 *   directory's WAL would be zeros that every copy writes again (the copy shrinks from 40 MB to
 *   about 30 MB). Directories made by initdb keep 16 MB segments; Postgres reads the size from
 *   each directory's control file.
 * - Without the databases `template0` and `template1`. initdb makes them for CREATE DATABASE;
 *   the embedded bot keeps everything in the one database PGlite opens (`postgres`) and never
 *   creates another, yet every copy wrote their 600 files (14 MB). Without them a copy is about
 *   600 files and 18 MB, which halves the file-system time of a first start.
 */
const TEMPLATE_BUILD = { initdb: ['--wal-segsize=1'], dropDatabases: ['template0', 'template1'] };

/**
 * The template's name: a hash of everything that decides its contents (the PGlite package
 * version, the server settings and every file of the migrations folder).
 */
export function templateKey(migrationsFolder: string): string {
  const hash = createHash('sha256');
  hash.update(`pglite ${pgliteVersion()}\n${JSON.stringify(PGLITE_SETTINGS)}\n${JSON.stringify(TEMPLATE_BUILD)}\n`);
  const files = (dir: string, prefix = ''): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
  for (const f of files(migrationsFolder)) {
    hash.update(`${f}\n`);
    hash.update(readFileSync(join(migrationsFolder, f)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** The installed PGlite's version (its package.json is not exported, so found beside its entry). */
function pgliteVersion(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the version of @electric-sql/pglite');
    dir = up;
  }
}

/** Where the template for these migrations lives (it may not exist yet). */
export function templatePath(cacheDir: string, migrationsFolder: string): string {
  return join(cacheDir, `pglite-${templateKey(migrationsFolder)}`);
}

/**
 * The template for these migrations, made first when the cache has none. Two processes that make
 * it at once each build in a directory of their own and the first rename wins, so a reader never
 * sees half a template. Throws when the cache cannot be written; callers then start without one.
 */
export async function ensureTemplate(cacheDir: string, migrationsFolder: string): Promise<string> {
  const target = templatePath(cacheDir, migrationsFolder);
  if (existsSync(join(target, PG_VERSION))) return target;
  mkdirSync(cacheDir, { recursive: true });
  const building = join(cacheDir, `.building-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await buildTemplate(building, migrationsFolder);
    try {
      renameSync(building, target);
    } catch (err) {
      // Another process finished first: its template is the same, keep it.
      if (!existsSync(join(target, PG_VERSION))) throw err;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  removeStaleTemplates(cacheDir, target);
  return target;
}

/** Makes a migrated database in `dir` (new) with the settings every embedded database uses. */
async function buildTemplate(dir: string, migrationsFolder: string): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const client = new PGlite(dir, { ...(await pgliteOptions()), initDbStartParams: TEMPLATE_BUILD.initdb });
  try {
    await migrate(drizzle(client), { migrationsFolder });
    await finishTemplate(client);
  } finally {
    await client.close();
  }
  for (const name of NOT_COPIED) rmSync(join(dir, name), { force: true });
}

/**
 * Readies a migrated database to be copied: drops initdb's template databases (see
 * {@link TEMPLATE_BUILD}) and checkpoints, so the copies start without replaying the WAL.
 */
export async function finishTemplate(client: Pick<PGliteInterface, 'exec'>): Promise<void> {
  for (const name of TEMPLATE_BUILD.dropDatabases) {
    await client.exec(`alter database ${name} is_template false`);
    await client.exec(`drop database ${name}`);
  }
  await client.exec('checkpoint');
}

/** Removes templates of other migrations and builds left by processes that stopped midway. */
function removeStaleTemplates(cacheDir: string, keep: string): void {
  for (const e of readdirSync(cacheDir)) {
    const path = join(cacheDir, e);
    if (path === keep || !(e.startsWith('pglite-') || e.startsWith('.building-'))) continue;
    if (e.startsWith('.building-') && isBuilderAlive(e)) continue;
    rmSync(path, { recursive: true, force: true });
  }
}

function isBuilderAlive(name: string): boolean {
  const pid = Number(name.split('-')[1]);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Copies the template into `dataDir` (existing, locked by the caller, without a database).
 * PG_VERSION goes last: a copy cut short leaves a directory that still counts as new and is
 * copied again on the next start, never a database with files missing. The directory itself
 * keeps its mode (0700) and its lock file.
 */
export function seedDataDir(template: string, dataDir: string): void {
  if (!existsSync(join(template, PG_VERSION))) throw new Error(`${template} is not a database template: it has no ${PG_VERSION}`);
  copyTree(template, dataDir, (name) => !NOT_COPIED.has(name) && name !== PG_VERSION);
  copyFileSync(join(template, PG_VERSION), join(dataDir, PG_VERSION));
}

/**
 * Copies a directory tree file by file (a template is about 600 files, 18 MB). A plain loop costs a tenth of
 * the CPU time of `fs.cpSync`, which checks every path before copying it; a copy-on-write clone
 * is used where the file system offers one.
 */
function copyTree(from: string, to: string, include: (name: string) => boolean = () => true): void {
  for (const e of readdirSync(from, { withFileTypes: true })) {
    if (!include(e.name)) continue;
    const source = join(from, e.name);
    const target = join(to, e.name);
    if (e.isDirectory()) {
      mkdirSync(target, { recursive: true });
      copyTree(source, target);
    } else if (e.isFile()) {
      copyFileSync(source, target, constants.COPYFILE_FICLONE);
    }
  }
}

/** True when `dataDir` holds no database yet (a new or empty directory). */
export function isNewDataDir(dataDir: string): boolean {
  return !existsSync(join(dataDir, PG_VERSION));
}
