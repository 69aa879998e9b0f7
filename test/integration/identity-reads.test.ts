/**
 * Every command builds its flow context; the common case must read, not write: the workspace id
 * comes from a cache after the first sight, the person is one SELECT (none while a briefly
 * cached row still matches what the platform says), and an UPDATE or INSERT happens only when
 * something is new.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '../../db/client';
import { people, workspaces } from '../../db/schema';
import { flowContext } from '../../flows';
import { parsePolicy } from '../../flows/policy';
import { testClock } from '../helpers/clock';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

type Op = 'select' | 'insert' | 'update' | 'delete' | 'execute';

/** Counts the statements the code starts on a handle. */
function counting(db: Db) {
  const calls: Record<Op, number> = { select: 0, insert: 0, update: 0, delete: 0, execute: 0 };
  const wrapped = new Proxy(db, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop === 'string' && prop in calls && typeof value === 'function') {
        return (...args: unknown[]) => {
          calls[prop as Op] += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return value;
    },
  });
  const reset = () => {
    for (const k of Object.keys(calls) as Op[]) calls[k] = 0;
  };
  return { db: wrapped, calls, reset };
}

describe.each(DB_KINDS)('flow context reads before it writes (%s)', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database.destroy();
  });

  it('writes on first sight only, then reads; a changed name is one UPDATE; an unknown name erases nothing', async () => {
    const c = counting(database.db);
    const deps = { db: c.db, policy: parsePolicy({ organization: { name: 'Acme' } }), clock: testClock('2026-03-02T10:00:00Z') };
    const ws = { platform: 'slack' as const, externalId: 'T0READS' };
    const first = await flowContext(deps, ws, { platformId: 'slack:U1', displayName: 'Ann', email: 'Ann@Acme.example' });
    expect(c.calls.insert).toBe(2);

    c.reset();
    const again = await flowContext(deps, ws, { platformId: 'slack:U1', displayName: 'Ann', email: 'ann@acme.example' });
    expect(c.calls).toEqual({ select: 0, insert: 0, update: 0, delete: 0, execute: 0 });
    expect(again.workspace.id).toBe(first.workspace.id);
    expect(again.actor).toEqual(first.actor);

    // Once the cached person is older than its time to live, it is read again: one SELECT.
    const realNow = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(realNow + 31_000);
    try {
      c.reset();
      const later = await flowContext(deps, ws, { platformId: 'slack:U1', displayName: 'Ann', email: 'ann@acme.example' });
      expect(c.calls).toEqual({ select: 1, insert: 0, update: 0, delete: 0, execute: 0 });
      expect(later.actor).toEqual(first.actor);
    } finally {
      clock.mockRestore();
    }

    c.reset();
    const renamed = await flowContext(deps, ws, { platformId: 'slack:U1', displayName: 'Ann B.' });
    expect(c.calls).toMatchObject({ insert: 0, update: 1 });
    expect(renamed.actor).toMatchObject({ id: first.actor.id, displayName: 'Ann B.', email: 'ann@acme.example' });

    c.reset();
    const unknown = await flowContext(deps, ws, { platformId: 'slack:U1' });
    expect(c.calls).toMatchObject({ select: 0, insert: 0, update: 0 });
    expect(unknown.actor).toMatchObject({ displayName: 'Ann B.', email: 'ann@acme.example' });

    const rows = await database.db.select().from(people);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ displayName: 'Ann B.', email: 'ann@acme.example' });
    expect(await database.db.select().from(workspaces)).toHaveLength(1);
  });

  it('racing first sights of one person and one workspace create each once', async () => {
    const deps = { db: database.db, policy: parsePolicy({ organization: { name: 'Acme' } }), clock: testClock('2026-03-02T10:00:00Z') };
    const ctxs = await Promise.all(
      Array.from({ length: 8 }, (_, i) => flowContext(deps, { platform: 'teams', externalId: 'tenant-race' }, { platformId: 'teams:race', displayName: `R${i % 2}` })),
    );
    expect(new Set(ctxs.map((c) => c.workspace.id)).size).toBe(1);
    expect(new Set(ctxs.map((c) => c.actor.id)).size).toBe(1);
  });
});
