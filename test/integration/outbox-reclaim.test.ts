/**
 * The outbox tells the deliverer when a row may have been posted without being recorded
 * (`reclaimed`), and never loses track of a delivered row because one write failed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { notifications } from '../../db/schema';
import type { DeliveryResult, OutboxRow } from '../../flows';
import { dispatchDue, enqueue, ensureWorkspace, parsePolicy } from '../../flows';
import { testClock } from '../helpers/clock';
import type { TestDatabase } from '../helpers/db';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import { faultyDb } from '../helpers/faulty-db';

describe.each(DB_KINDS)('outbox re-claims on %s', (kind) => {
  let database: TestDatabase;
  const clock = testClock('2026-11-02T09:00:00Z');
  let ws: number;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    ws = (await ensureWorkspace({ db: database.db, policy: parsePolicy({}), clock }, { platform: 'shell', externalId: 'local' })).id;
  });
  afterAll(async () => database?.destroy());

  const add = (key: string) =>
    enqueue(database.db, { workspaceId: ws, dedupeKey: key, kind: 'test.note', recipient: { channel: 'digest' }, payload: {}, notBefore: clock.now() });
  const rowOf = async (key: string) => (await database.db.select().from(notifications).where(eq(notifications.dedupeKey, key)))[0]!;
  const only = (key: string) => ({ platforms: ['shell'], holdUntil: (row: OutboxRow) => (row.dedupeKey === key ? null : new Date(clock.now().getTime() + 86_400_000)) });

  it('hands over a fresh row, and a row retried after a known failure, as not re-claimed', async () => {
    await add('fresh');
    const seen: boolean[] = [];
    let first = true;
    const deliver = async (row: OutboxRow): Promise<DeliveryResult> => {
      seen.push(row.reclaimed);
      if (first) {
        first = false;
        return { ok: false, retryAfterMs: 1_000, error: 'HTTP 429' };
      }
      return { ok: true };
    };
    await dispatchDue(database.db, clock, deliver, only('fresh'));
    clock.advance(2_000);
    await dispatchDue(database.db, clock, deliver, only('fresh'));
    expect(seen).toEqual([false, false]);
    expect(await rowOf('fresh')).toMatchObject({ status: 'sent', reclaimed: false });
  });

  it('marks a row re-claimed when its lease ran out while sending', async () => {
    await add('abandoned');
    await database.db.update(notifications).set({ status: 'sending', lockedUntil: new Date(clock.now().getTime() + 60_000) }).where(eq(notifications.dedupeKey, 'abandoned'));
    const seen: boolean[] = [];
    const deliver = async (row: OutboxRow): Promise<DeliveryResult> => (seen.push(row.reclaimed), { ok: true });
    clock.advance(61_000);
    await dispatchDue(database.db, clock, deliver, only('abandoned'));
    expect(seen).toEqual([true]);
  });

  it('marks a row re-claimed after a deliverer error whose outcome is unknown', async () => {
    await add('thrown');
    const seen: boolean[] = [];
    let first = true;
    const deliver = async (row: OutboxRow): Promise<DeliveryResult> => {
      seen.push(row.reclaimed);
      if (first) {
        first = false;
        throw new Error('connection terminated after the post');
      }
      return { ok: true };
    };
    await dispatchDue(database.db, clock, deliver, only('thrown'));
    expect(await rowOf('thrown')).toMatchObject({ status: 'pending', reclaimed: true, attempts: 1 });
    clock.advance(5_000);
    await dispatchDue(database.db, clock, deliver, only('thrown'));
    expect(seen).toEqual([false, true]);
  });

  it('writes "sent" again when the first write fails, so the row is not delivered twice', async () => {
    await add('blip-once');
    const fault = faultyDb();
    const db = fault.wrap(database.db);
    let calls = 0;
    const deliver = async (): Promise<DeliveryResult> => {
      calls += 1;
      fault.failNext('update', notifications);
      return { ok: true };
    };
    expect(await dispatchDue(db, clock, deliver, only('blip-once'))).toBe(1);
    expect(fault.failures).toBe(1);
    expect(await rowOf('blip-once')).toMatchObject({ status: 'sent' });
    clock.advance(120_000);
    await dispatchDue(db, clock, deliver, only('blip-once'));
    expect(calls).toBe(1);
  });

  it('leaves a row it could not mark sent to be re-claimed, never pending', async () => {
    await add('blip-twice');
    const fault = faultyDb();
    const db = fault.wrap(database.db);
    const seen: boolean[] = [];
    const deliver = async (row: OutboxRow): Promise<DeliveryResult> => {
      seen.push(row.reclaimed);
      if (seen.length === 1) fault.failNext('update', notifications, 2);
      return { ok: true };
    };
    await expect(dispatchDue(db, clock, deliver, only('blip-twice'))).rejects.toThrow(/terminating connection/);
    expect(await rowOf('blip-twice')).toMatchObject({ status: 'sending' });
    // Within the lease nobody takes it; after it, it comes back re-claimed.
    await dispatchDue(db, clock, deliver, only('blip-twice'));
    expect(seen).toEqual([false]);
    clock.advance(61_000);
    await dispatchDue(db, clock, deliver, only('blip-twice'));
    expect(seen).toEqual([false, true]);
    expect(await rowOf('blip-twice')).toMatchObject({ status: 'sent', reclaimed: true });
  });

  it('gives the rows of the batch it did not try back at once when a write fails', async () => {
    await add('batch-a');
    await add('batch-b');
    const fault = faultyDb();
    const db = fault.wrap(database.db);
    const tried: string[] = [];
    const deliver = async (row: OutboxRow): Promise<DeliveryResult> => {
      tried.push(row.dedupeKey);
      if (tried.length === 1) fault.failNext('update', notifications, 2);
      return { ok: true };
    };
    const batch = { platforms: ['shell'], holdUntil: (row: OutboxRow) => (row.dedupeKey.startsWith('batch-') ? null : new Date(clock.now().getTime() + 86_400_000)) };
    await expect(dispatchDue(db, clock, deliver, batch)).rejects.toThrow(/terminating connection/);
    expect(tried).toEqual(['batch-a']);
    expect(await rowOf('batch-a')).toMatchObject({ status: 'sending' });
    expect(await rowOf('batch-b')).toMatchObject({ status: 'pending', reclaimed: false, lockedUntil: null });
    // The untried row goes out on the next pass, before the lease of the other one ran out.
    await dispatchDue(db, clock, deliver, batch);
    expect(tried).toEqual(['batch-a', 'batch-b']);
    expect(await rowOf('batch-b')).toMatchObject({ status: 'sent', reclaimed: false });
  });
});
