/**
 * Quiet hours hold at delivery time too: a reminder that became due before quiet hours but is
 * claimed during them (a dispatcher catching up at night, a 429 retry that lands in them) waits
 * for the next allowed time; interactive notifications go out at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { notifications } from '../../db/schema';
import type { FlowDeps } from '../../flows';
import { enqueue, ensureWorkspace, parsePolicy } from '../../flows';
import { createDispatcher } from '../../src/dispatcher';
import { createLogger } from '../../src/logger';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';

describe('dispatcher and quiet hours', () => {
  let database: TestDatabase;
  // Friday 2026-11-06, 17:30 in Berlin (UTC+1).
  const clock = testClock('2026-11-06T16:30:00Z');
  let deps: FlowDeps;
  let ws: number;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    const policy = parsePolicy({
      organization: { timezone: 'Europe/Berlin' },
      quietHours: { start: '19:00', end: '08:00', weekends: true },
    });
    deps = { db: database.db, policy, clock };
    ws = (await ensureWorkspace(deps, { platform: 'shell', externalId: 'local' })).id;
  });
  afterAll(async () => database?.destroy());

  it('holds a reminder due at 17:30 but claimed at 20:00 on Friday until Monday 08:00 local', async () => {
    const base = { workspaceId: ws, recipient: { person: 1 }, notBefore: clock.now() };
    await enqueue(database.db, { ...base, dedupeKey: 'r1', kind: 'review.reminder', payload: { text: 'review' } });
    await enqueue(database.db, { ...base, dedupeKey: 'a1', kind: 'approval.requested', payload: { requestId: 1 } });
    const sent: string[] = [];
    const dispatcher = createDispatcher(deps, createLogger('silent'));
    dispatcher.register('shell', async (row) => (sent.push(row.dedupeKey), { ok: true }));

    clock.set('2026-11-06T19:00:00Z'); // Friday 20:00 in Berlin
    await dispatcher.drain();
    expect(sent).toEqual(['a1']);
    const [held] = await database.db.select().from(notifications).where(eq(notifications.dedupeKey, 'r1'));
    expect(held).toMatchObject({ status: 'pending', attempts: 0 });
    expect(held!.notBefore.toISOString()).toBe('2026-11-09T07:00:00.000Z'); // Monday 08:00 in Berlin

    clock.set('2026-11-08T12:00:00Z'); // Sunday noon
    await dispatcher.drain();
    expect(sent).toEqual(['a1']);

    clock.set('2026-11-09T07:00:00Z');
    await dispatcher.drain();
    expect(sent).toEqual(['a1', 'r1']);
  });
});
