/**
 * Is this database one aimsbot can use? Compares the migrations drizzle recorded as applied
 * (`drizzle.__drizzle_migrations`) with the ones this version ships (migrations/meta/_journal.json),
 * and turns a database that cannot be reached into one sentence naming the cause. Only reads:
 * read-only commands and `/readyz` use it, so it never runs DDL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database, Db } from './client';
import { migrationsFolder } from './client';
import { rowsOf } from './rows';

/** `current`: every shipped migration applied; `missing`: no aimsbot schema at all; `behind`:
 * migrations to apply; `ahead`: applied by a newer aimsbot than this one. */
export type SchemaStatus = 'current' | 'missing' | 'behind' | 'ahead';

/** The schema of a database compared with this version. */
export interface SchemaState {
  status: SchemaStatus;
  /** Tags of shipped migrations not yet applied (empty unless `behind`). */
  pending: string[];
}

/** A database aimsbot cannot use, with the sentence for the operator and the exit code of the CLI
 * (1: cannot be reached now, 2: wrong database or schema, fixed by the operator). */
export class DatabaseUnusableError extends Error {
  readonly code = 'database_unusable';
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DatabaseUnusableError';
  }
}

export const NO_SCHEMA = 'database has no aimsbot schema: run `aimsbot migrate`';
export const SCHEMA_BEHIND = 'database schema is older than this version: run `aimsbot migrate`';
export const SCHEMA_AHEAD = 'database schema is newer than this version of aimsbot: upgrade aimsbot';

interface JournalEntry {
  tag: string;
  when: number;
}

/** The migrations this version ships, oldest first. */
export function shippedMigrations(folder = migrationsFolder): JournalEntry[] {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  return [...journal.entries].sort((a, b) => a.when - b.when);
}

/**
 * Reads the schema state. drizzle applies every shipped migration newer than the newest one
 * recorded, so that timestamp is what is compared. Throws what the driver throws when the
 * database cannot be reached.
 */
export async function readSchemaState(db: Db, shipped = shippedMigrations()): Promise<SchemaState> {
  const [table] = rowsOf(await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`));
  if (!table?.present) return { status: 'missing', pending: shipped.map((m) => m.tag) };
  const [newest] = rowsOf(await db.execute(sql`select max(created_at) as newest from drizzle.__drizzle_migrations`));
  if (newest?.newest === null || newest?.newest === undefined) return { status: 'missing', pending: shipped.map((m) => m.tag) };
  const applied = Number(newest.newest);
  const latest = shipped.at(-1)?.when ?? 0;
  if (applied > latest) return { status: 'ahead', pending: [] };
  const pending = shipped.filter((m) => m.when > applied).map((m) => m.tag);
  return { status: pending.length ? 'behind' : 'current', pending };
}

/** The sentence for a schema that is not current, or null. */
export function schemaProblem(state: SchemaState): string | null {
  if (state.status === 'missing') return NO_SCHEMA;
  if (state.status === 'behind') return SCHEMA_BEHIND;
  if (state.status === 'ahead') return SCHEMA_AHEAD;
  return null;
}

/** Where a connection string points, for messages (never the password). */
export function describeTarget(url: string | undefined): string {
  if (!url) return 'the embedded database';
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    return 'the database';
  }
}

interface DriverError {
  code?: string;
  message?: string;
  address?: string;
  port?: number;
}

/** drizzle wraps the driver's error ("Failed query: …"); the cause carries the code. */
function driverError(err: unknown): DriverError {
  let e = err as (DriverError & { cause?: unknown }) | undefined;
  for (let depth = 0; e && !e.code && e.cause && depth < 5; depth++) e = e.cause as DriverError & { cause?: unknown };
  return e ?? {};
}

/** Turns a driver error met while connecting into the operator's sentence. */
export function describeDatabaseError(err: unknown, target: string): DatabaseUnusableError {
  if (err instanceof DatabaseUnusableError) return err;
  const e = driverError(err);
  const at = e.address ? `${e.address}${e.port ? `:${e.port}` : ''}` : target;
  const plain = (m: string, exitCode: 1 | 2) => new DatabaseUnusableError(m, exitCode, { cause: err });
  switch (e.code) {
    case 'ECONNREFUSED':
      return plain(`connection refused at ${at}`, 1);
    case 'CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return plain(`connection to ${at} timed out`, 1);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return plain(`database host not found: ${target.replace(/:\d+$/, '')}`, 1);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ECONNRESET':
    case 'CONNECTION_CLOSED':
    case 'CONNECTION_ENDED':
    case 'CONNECTION_DESTROYED':
      return plain(`cannot reach the database at ${at} (${e.code})`, 1);
    case '3D000': // invalid_catalog_name: `database "x" does not exist`
    case '28P01': // invalid_password
    case '28000': // invalid_authorization_specification
    case '42501': // insufficient_privilege
      return plain(e.message ?? `database refused the connection (${e.code})`, 2);
    case '57P03': // cannot_connect_now
      return plain(`the database at ${target} is starting up or shutting down; try again shortly`, 1);
    default:
      return plain(`cannot use the database at ${target}: ${e.message ?? String(err)}`, 1);
  }
}

/**
 * Throws `DatabaseUnusableError` unless the database can be reached and its schema is current.
 * Only reads.
 */
export async function assertDatabaseUsable(database: Database, target: string): Promise<void> {
  let state: SchemaState;
  try {
    state = await readSchemaState(database.db);
  } catch (err) {
    throw describeDatabaseError(err, target);
  }
  const problem = schemaProblem(state);
  if (problem) throw new DatabaseUnusableError(problem, 2);
}

/**
 * The `/readyz` check: reachable and schema current, within `timeoutMs` (default 3 000), so an
 * unreachable database answers "not ready" instead of holding the probe until the driver's
 * connect timeout.
 */
export async function databaseReady(database: Database, timeoutMs = 3000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const check = readSchemaState(database.db).then(
    (s) => s.status === 'current',
    () => false,
  );
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
