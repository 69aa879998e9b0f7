/** The outbox: dedupe, platform filtering, retries with Retry-After, and lease take-over. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { notifications } from '../../db/schema';
import type { DeliveryResult, OutboxRow } from '../../flows';
import { dispatchDue, enqueue, ensureWorkspace, parsePolicy } from '../../flows';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';

describe('outbox on postgres', () => {
  let database: TestDatabase;
  const clock = testClock('2026-11-02T09:00:00Z');
  let shellWs: number;
  let slackWs: number;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const deps = { db: database.db, policy: parsePolicy({}), clock };
    shellWs = (await ensureWorkspace(deps, { platform: 'shell', externalId: 'local' })).id;
    slackWs = (await ensureWorkspace(deps, { platform: 'slack', externalId: 'T1' })).id;
  });
  afterAll(async () => database?.destroy());

  const note = (workspaceId: number, key: string) => ({
    workspaceId,
    dedupeKey: key,
    kind: 'test.note',
    recipient: { channel: 'digest' as const },
    payload: { key },
    notBefore: clock.now(),
  });

  it('writes a notification once per dedupe key', async () => {
    expect(await enqueue(database.db, note(shellWs, 'k1'))).toBe(true);
    expect(await enqueue(database.db, note(shellWs, 'k1'))).toBe(false);
    expect(await database.db.select().from(notifications).where(eq(notifications.dedupeKey, 'k1'))).toHaveLength(1);
  });

  it('claims only rows of the platforms it can deliver', async () => {
    await enqueue(database.db, note(slackWs, 'k2'));
    const seen: string[] = [];
    const sent = await dispatchDue(database.db, clock, async (row) => (seen.push(row.dedupeKey), { ok: true }), { platforms: ['shell'] });
    expect(sent).toBe(1);
    expect(seen).toEqual(['k1']);
    const [slackRow] = await database.db.select().from(notifications).where(eq(notifications.dedupeKey, 'k2'));
    expect(slackRow).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('waits for Retry-After, then delivers exactly once', async () => {
    const calls: Date[] = [];
    let first = true;
    const deliver = async (): Promise<DeliveryResult> => {
      calls.push(clock.now());
      if (first) {
        first = false;
        return { ok: false, retryAfterMs: 30_000, error: 'HTTP 429' };
      }
      return { ok: true };
    };
    expect(await dispatchDue(database.db, clock, deliver, { platforms: ['slack'] })).toBe(0);
    clock.advance(10_000);
    expect(await dispatchDue(database.db, clock, deliver, { platforms: ['slack'] })).toBe(0);
    expect(calls).toHaveLength(1);
    clock.advance(25_000);
    expect(await dispatchDue(database.db, clock, deliver, { platforms: ['slack'] })).toBe(1);
    expect(await dispatchDue(database.db, clock, deliver, { platforms: ['slack'] })).toBe(0);
    expect(calls).toHaveLength(2);
    const [row] = await database.db.select().from(notifications).where(eq(notifications.dedupeKey, 'k2'));
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('takes over a row whose dispatcher died mid-delivery once its lease ran out, and not before', async () => {
    await enqueue(database.db, note(shellWs, 'k3'));
    // As a dispatcher leaves it when it is killed after claiming the row.
    await database.db.update(notifications).set({ status: 'sending', lockedUntil: new Date(clock.now().getTime() + 60_000) }).where(eq(notifications.dedupeKey, 'k3'));
    const seen: OutboxRow[] = [];
    const deliver = async (row: OutboxRow): Promise<DeliveryResult> => (seen.push(row), { ok: true });
    expect(await dispatchDue(database.db, clock, deliver, { platforms: ['shell'] })).toBe(0);
    clock.advance(61_000);
    expect(await dispatchDue(database.db, clock, deliver, { platforms: ['shell'] })).toBe(1);
    expect(seen.map((r) => r.dedupeKey)).toEqual(['k3']);
  });

  it('two dispatchers racing deliver each row once', async () => {
    for (let i = 0; i < 40; i++) await enqueue(database.db, note(shellWs, `race-${i}`));
    const seen: string[] = [];
    const deliver = async (row: OutboxRow): Promise<DeliveryResult> => {
      seen.push(row.dedupeKey);
      await new Promise((r) => setTimeout(r, 1));
      return { ok: true };
    };
    const [a, b] = await Promise.all([
      dispatchDue(database.db, clock, deliver, { platforms: ['shell'], batchSize: 5 }),
      dispatchDue(database.db, clock, deliver, { platforms: ['shell'], batchSize: 5 }),
    ]);
    expect(a + b).toBe(40);
    expect(new Set(seen).size).toBe(40);
    expect(seen).toHaveLength(40);
  });

  it('marks a permanent failure failed and does not retry it', async () => {
    await enqueue(database.db, note(shellWs, 'k4'));
    let calls = 0;
    const deliver = async (): Promise<DeliveryResult> => (calls++, { ok: false, permanent: true, error: 'no channel' });
    await dispatchDue(database.db, clock, deliver, { platforms: ['shell'] });
    clock.advance(3_600_000);
    await dispatchDue(database.db, clock, deliver, { platforms: ['shell'] });
    expect(calls).toBe(1);
    const [row] = await database.db.select().from(notifications).where(eq(notifications.dedupeKey, 'k4'));
    expect(row).toMatchObject({ status: 'failed', lastError: 'no channel' });
  });
});
