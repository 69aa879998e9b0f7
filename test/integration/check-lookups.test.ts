/**
 * `check` looks a tool up by reference or folded name. Under load the look-ups share statements
 * (flows/views.ts): each one still gets the system it names (the lowest reference first, only in
 * its own workspace), an unknown name gets nothing, and a failed statement fails only the
 * look-ups that were in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as flows from '../../flows';
import { openDatabase } from '../../db/client';
import { parsePolicy } from '../../flows/policy';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import { testClock } from '../helpers/clock';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

const policy = parsePolicy({ organization: { name: 'Acme' } });

describe.each(DB_KINDS)('check look-ups under load (%s)', (kind) => {
  let database: TestDatabase;
  let acme: flows.FlowContext;
  let other: flows.FlowContext;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const deps = { db: database.db, policy, clock: testClock('2026-03-02T10:00:00Z') };
    acme = await flows.flowContext(deps, { platform: 'slack', externalId: 'T0ACME' }, { platformId: 'slack:U1' });
    other = await flows.flowContext(deps, { platform: 'slack', externalId: 'T0OTHER' }, { platformId: 'slack:U2' });
    for (const name of ['Alpha', 'Beta', 'Gamma', 'Delta', '3']) {
      const r = await flows.register(acme, { fields: fieldsFor(name, 'slack:U1'), answers: minimalAnswers });
      if (r.kind !== 'registered') throw new Error(r.kind);
    }
    const r = await flows.register(other, { fields: fieldsFor('Omega', 'slack:U2'), answers: minimalAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
  });
  afterAll(async () => {
    await database?.destroy();
  });

  const found = (r: Awaited<ReturnType<typeof flows.check>>) => (r.kind === 'found' ? `${r.check.system.ref} ${r.check.system.name}` : r.kind);

  it('gives each of many look-ups arriving together the system it names, in its own workspace only', async () => {
    const asked: Array<[flows.FlowContext, string]> = [];
    for (let i = 0; i < 12; i++) {
      asked.push([acme, 'alpha'], [acme, ' BETA '], [acme, 'AI-2'], [acme, '3'], [acme, 'Omega'], [other, 'omega'], [other, 'Alpha'], [acme, 'gam-ma']);
    }
    const answers = (await Promise.all(asked.map(([ctx, q]) => flows.check(ctx, q)))).map(found);
    const expected = ['AI-1 Alpha', 'AI-2 Beta', 'AI-2 Beta', 'AI-3 Gamma', 'not_found', 'AI-1 Omega', 'not_found', 'AI-3 Gamma'];
    expect(answers).toEqual(asked.map((_, i) => expected[i % expected.length]));
  });

  it('answers a lone look-up as before; a reference wins over a name', async () => {
    expect(found(await flows.check(acme, 'delta'))).toBe('AI-4 Delta');
    // `5` is the reference of the tool named "3": the lookup by reference finds it.
    expect(found(await flows.check(acme, '5'))).toBe('AI-5 3');
  });

  it('sends look-ups arriving together in a few statements', async () => {
    if (kind !== 'postgres') return;
    const client = (database.db as unknown as { $client: { unsafe: (...a: unknown[]) => unknown } }).$client;
    const unsafe = client.unsafe;
    let statements = 0;
    client.unsafe = (...args: unknown[]) => {
      statements += 1;
      return unsafe.apply(client, args);
    };
    try {
      const views = await Promise.all(Array.from({ length: 40 }, (_, i) => flows.findSystemViewByRefOrName(database.db, acme.workspace.id, ['alpha', 'beta', 'nothing'][i % 3]!, null)));
      expect(views.map((v) => v?.name ?? null)).toEqual(Array.from({ length: 40 }, (_, i) => ['Alpha', 'Beta', null][i % 3]));
      expect(statements).toBeLessThanOrEqual(4);
    } finally {
      client.unsafe = unsafe;
    }
  });
});

describe('check look-ups when the database cannot answer', () => {
  it('fail, each of them, and leave nothing waiting', async () => {
    const unreachable = await openDatabase({ url: 'postgres://root@127.0.0.1:1/aims_nowhere', maxConnections: 1 });
    try {
      const asked = Array.from({ length: 6 }, (_, i) => flows.findSystemViewByRefOrName(unreachable.db, 1, `tool${i}`, i % 2 ? i : null));
      const settled = await Promise.allSettled(asked);
      expect(settled.map((r) => r.status)).toEqual(Array(6).fill('rejected'));
      // The next look-up is not stuck behind the failed ones.
      await expect(flows.findSystemViewByRefOrName(unreachable.db, 1, 'later', null)).rejects.toThrow();
    } finally {
      await unreachable.close();
    }
  });
});
