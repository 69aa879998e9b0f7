/**
 * `column = any($1::int[])`: membership in a list of ids as one bound array. `inArray` writes one
 * placeholder per id, so each list length is a different statement, which postgres.js prepares
 * (and Postgres plans and keeps) once per length and connection; this text is the same for every
 * list. For the lists that vary from call to call (a batch's ids, a group of sent marks).
 */
import { sql } from 'drizzle-orm';
import type { AnyColumn, SQL } from 'drizzle-orm';

export function idIn(column: AnyColumn, ids: readonly number[]): SQL {
  return sql`${column} = any(${sql.param([...ids])}::int[])`;
}
