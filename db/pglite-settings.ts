/**
 * How embedded Postgres (PGlite) is started: the extensions it loads and the server settings it
 * starts with. Shared by the database client and the template builder, so a template is made by
 * the same server that later opens it.
 */
import { setFlagsFromString } from 'node:v8';
import type { PGliteOptions } from '@electric-sql/pglite';

/**
 * Settings passed at every start (`-c name=value`), after PGlite's own defaults, so they apply to
 * existing data directories as well as new ones (postgresql.conf in the directory is left alone).
 *
 * PGlite runs one backend inside this process and `initdb` writes the server defaults, which are
 * sized for a shared server: 128 MB of shared buffers and 100 connection slots, all of it in the
 * process's WebAssembly memory. One embedded bot has one connection and a small database, so
 * 16 MB of buffers (2,048 pages) cost about 110 MB less resident memory; rows beyond them are read
 * through the operating system's page cache, as files are.
 */
export const PGLITE_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '16MB',
  max_connections: '5',
};

/** The start parameters: PGlite's defaults, then {@link PGLITE_SETTINGS}. */
export function pgliteStartParams(defaults: readonly string[]): string[] {
  return [...defaults, ...Object.entries(PGLITE_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
}

/**
 * Postgres in PGlite is a 9 MB WebAssembly module. V8 compiles it with its baseline compiler
 * (Liftoff) and then recompiles the functions that run often with its optimising one, in the
 * background: about 50 MB more resident memory at start and up to 70 MB more once queries run,
 * and CPU taken from request handling on a small machine. The baseline code is enough for an
 * embedded bot's queries, which are small (CPU-heavy queries, such as scanning a million rows,
 * take up to twice as long); installations that outgrow that belong on Postgres.
 * The flag is read when a module is compiled, so it is set before PGlite compiles its module.
 */
function useBaselineWasmCompiler(): void {
  setFlagsFromString('--liftoff-only');
}

/** The PGlite options every embedded database opens with (extensions included). */
export async function pgliteOptions(): Promise<PGliteOptions> {
  useBaselineWasmCompiler();
  const { PGlite } = await import('@electric-sql/pglite');
  // pg_trgm backs the trigram indexes of `check` (migration scale_indexes creates the extension).
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  return { extensions: { pg_trgm }, startParams: pgliteStartParams(PGlite.defaultStartParams) };
}
