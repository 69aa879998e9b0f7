/**
 * On Postgres, drizzle's queries run as named prepared statements (patches/drizzle-orm+*.patch):
 * each connection parses and plans a statement once, and a query costs one round trip, not a
 * Describe and then an Execute. Statements with long parameter lists (IN lists of many values)
 * stay unnamed, so a connection keeps few of them.
 */
import { inArray, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client';
import { openDatabase } from '../../db/client';
import { workspaces } from '../../db/schema';
import { rowsOf } from '../../db/rows';
import type { TestDatabase } from '../helpers/db';
import { createTestDatabase } from '../helpers/db';

describe('postgres prepared statements', () => {
  let tdb: TestDatabase;
  let one: Database;
  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    // One connection, so pg_prepared_statements (per session) sees every statement of the pool.
    one = await openDatabase({ url: tdb.url, maxConnections: 1 });
  });
  afterAll(async () => {
    await one.close();
    await tdb.destroy();
  });

  const prepared = async (like: string) =>
    rowsOf<{ statement: string }>(await one.db.execute(sql`select statement from pg_prepared_statements where statement like ${like}`)).map((r) => r.statement);

  it('prepares a query of a few parameters once per connection, in and out of transactions', async () => {
    for (let i = 0; i < 3; i++) await one.db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.externalId, `T${i}`));
    await one.db.transaction(async (tx) => {
      await tx.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.platform, 'slack'));
    });
    expect(await prepared('select "id" from "workspaces" where "workspaces"."external_id" = $1%')).toHaveLength(1);
    expect(await prepared('select "name" from "workspaces" where "workspaces"."platform" = $1%')).toHaveLength(1);
  });

  it('leaves a statement of many parameters unnamed', async () => {
    const many = Array.from({ length: 100 }, (_, i) => `X${i}`);
    const few = Array.from({ length: 3 }, (_, i) => `Y${i}`);
    await one.db.select({ id: workspaces.id }).from(workspaces).where(inArray(workspaces.externalId, many));
    await one.db.select({ id: workspaces.id }).from(workspaces).where(inArray(workspaces.externalId, few));
    const lists = await prepared('select "id" from "workspaces" where "workspaces"."external_id" in (%');
    expect(lists).toHaveLength(1);
    expect(lists[0]).toContain('($1, $2, $3)');
  });
});
