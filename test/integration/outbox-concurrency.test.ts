/**
 * Delivery at scale: a batch goes out several rows at once while the rows of one subject keep
 * their order, a failed outcome write gives back only the rows never tried, and a started
 * dispatcher wakes exactly when a Retry-After runs out instead of waiting for its poll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { pino } from 'pino';
import { notifications } from '../../db/schema';
import type { DeliveryResult, OutboxRow } from '../../flows';
import { dispatchDue, enqueue, ensureWorkspace, parsePolicy, systemClock } from '../../flows';
import { createDispatcher } from '../../src/dispatcher';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

describe('outbox concurrency and wake-ups (postgres)', () => {
  let database: TestDatabase;
  let ws: number;
  const deps = () => ({ db: database.db, policy: parsePolicy({}), clock: systemClock });

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    ws = (await ensureWorkspace(deps(), { platform: 'shell', externalId: `local-${Date.now()}` })).id;
  });
  afterAll(async () => database?.destroy());

  const write = (key: string, payload: Record<string, unknown>, notBefore = new Date(Date.now() - 1000)) =>
    enqueue(database.db, { workspaceId: ws, dedupeKey: key, kind: 'test.note', recipient: { channel: 'digest' }, payload: { key, ...payload }, notBefore });

  it('delivers different subjects at once and one subject in order, each row once', async () => {
    for (let i = 0; i < 6; i += 1) {
      await write(`c-a-${i}`, { requestId: 1 });
      await write(`c-b-${i}`, { requestId: 2 });
      await write(`c-n-${i}`, {});
    }
    let running = 0;
    let peak = 0;
    const order: string[] = [];
    const deliver = async (row: OutboxRow): Promise<DeliveryResult> => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 15));
      order.push(row.dedupeKey);
      running -= 1;
      return { ok: true };
    };
    const sent = await dispatchDue(database.db, systemClock, deliver, { concurrency: 4, workspaceIds: [ws] });
    expect(sent).toBe(18);
    expect(new Set(order).size).toBe(18);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(4);
    for (const subject of ['c-a', 'c-b']) {
      expect(order.filter((k) => k.startsWith(subject))).toEqual(Array.from({ length: 6 }, (_, i) => `${subject}-${i}`));
    }
  });

  it('gives back only the rows never tried when an outcome cannot be written', async () => {
    for (let i = 0; i < 8; i += 1) await write(`f-${i}`, { systemId: 100 + i });
    const tried: string[] = [];
    let failedWrites = 0;
    // A handle whose next four updates fail once a delivery returned: the outcomes of the two rows
    // at work cannot be written (each is tried twice); giving the rest back then works.
    const failing = new Proxy(database.db, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (prop === 'update' && typeof v === 'function') {
          return (...args: unknown[]) => {
            if (tried.length > 0 && failedWrites < 4 && (failedWrites += 1)) throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return v;
      },
    });
    const deliver = async (row: OutboxRow): Promise<DeliveryResult> => {
      tried.push(row.dedupeKey);
      return { ok: true };
    };
    await expect(dispatchDue(failing, systemClock, deliver, { concurrency: 2, workspaceIds: [ws] })).rejects.toThrow(/terminating connection/);
    const rows = await database.db.select().from(notifications).where(inArray(notifications.dedupeKey, Array.from({ length: 8 }, (_, i) => `f-${i}`)));
    const byStatus = (st: string) => rows.filter((r) => r.status === st).map((r) => r.dedupeKey);
    // Tried rows stay `sending` (re-claimed after the lease, never posted blindly); the others are pending again.
    expect(byStatus('sending').sort()).toEqual([...tried].sort());
    expect(byStatus('pending')).toHaveLength(8 - tried.length);
    expect(byStatus('sent')).toHaveLength(0);
    await database.db.update(notifications).set({ status: 'sent' }).where(inArray(notifications.dedupeKey, byStatus('sending').concat(byStatus('pending'))));
  });

  it('claims and reads ahead the next batch while the last rows of a full batch are out, keeping each subject in order', async () => {
    for (let i = 0; i < 6; i += 1) {
      await write(`p-a-${i}`, { requestId: 3 });
      await write(`p-n-${i}`, {});
    }
    const events: string[] = [];
    const deliver = Object.assign(
      async (row: OutboxRow): Promise<DeliveryResult> => {
        events.push(`start ${row.dedupeKey}`);
        // The subject's rows take longer, so each batch ends on one of them.
        await new Promise((r) => setTimeout(r, row.dedupeKey.startsWith('p-a') ? 40 : 5));
        events.push(`end ${row.dedupeKey}`);
        return { ok: true };
      },
      { prepare: async (rows: readonly OutboxRow[]) => void events.push(`prepare ${rows.map((r) => r.dedupeKey).join(',')}`) },
    );
    const sent = await dispatchDue(database.db, systemClock, deliver, { concurrency: 2, batchSize: 4, workspaceIds: [ws] });
    expect(sent).toBe(12);
    const prepares = events.map((e, i) => [e, i] as const).filter(([e]) => e.startsWith('prepare'));
    expect(prepares).toHaveLength(3);
    // Every later batch was read ahead before the previous batch's last delivery ended…
    for (const [e, at] of prepares.slice(1)) {
      const previous = events.slice(0, at).filter((x) => x.startsWith('prepare')).at(-1)!.slice('prepare '.length).split(',');
      const lastEnd = Math.max(...previous.map((k) => events.indexOf(`end ${k}`)));
      expect(at, e).toBeLessThan(lastEnd);
      // …and none of its rows started before that batch was done.
      const firstStart = Math.min(...e.slice('prepare '.length).split(',').map((k) => events.indexOf(`start ${k}`)));
      expect(firstStart).toBeGreaterThan(lastEnd);
    }
    const starts = events.filter((e) => e.startsWith('start p-a')).map((e) => e.slice('start '.length));
    expect(starts).toEqual(Array.from({ length: 6 }, (_, i) => `p-a-${i}`));
  });

  it('gives a batch claimed ahead back at once when the batch before it fails', async () => {
    for (let i = 0; i < 6; i += 1) await write(`g-${i}`, { systemId: 200 + i });
    const keys = Array.from({ length: 6 }, (_, i) => `g-${i}`);
    const tried: string[] = [];
    let failedWrites = 0;
    // The outcome of the first batch's last row cannot be written (tried twice); by then the next
    // batch has been claimed ahead.
    const failing = new Proxy(database.db, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (prop === 'update' && typeof v === 'function') {
          return (...args: unknown[]) => {
            if (tried.length === 2 && failedWrites < 2 && (failedWrites += 1)) throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return v;
      },
    });
    const deliver = async (row: OutboxRow): Promise<DeliveryResult> => {
      tried.push(row.dedupeKey);
      // Give the claim ahead time to land before this outcome is written.
      if (tried.length === 2) await new Promise((r) => setTimeout(r, 100));
      return { ok: true };
    };
    await expect(dispatchDue(failing, systemClock, deliver, { concurrency: 1, batchSize: 2, workspaceIds: [ws] })).rejects.toThrow(/terminating connection/);
    const rows = await database.db.select().from(notifications).where(inArray(notifications.dedupeKey, keys));
    const byStatus = (st: string) => rows.filter((r) => r.status === st).map((r) => r.dedupeKey).sort();
    expect(tried).toEqual(['g-0', 'g-1']);
    expect(byStatus('sent')).toEqual(['g-0']);
    expect(byStatus('sending')).toEqual(['g-1']);
    // The batch claimed ahead (g-2, g-3) is pending again, as are the rows never claimed.
    expect(byStatus('pending')).toEqual(['g-2', 'g-3', 'g-4', 'g-5']);
    expect(rows.every((r) => r.status !== 'pending' || (r.lockedUntil === null && !r.reclaimed))).toBe(true);
    await database.db.update(notifications).set({ status: 'sent' }).where(inArray(notifications.dedupeKey, keys));
  });

  it('wakes when a Retry-After runs out, not at the next poll', async () => {
    const dispatcher = createDispatcher(deps(), pino({ level: 'silent' }));
    const attempts: number[] = [];
    dispatcher.register('shell', async (): Promise<DeliveryResult> => {
      attempts.push(Date.now());
      return attempts.length === 1 ? { ok: false, retryAfterMs: 400, error: 'ratelimited' } : { ok: true };
    });
    await write('wake-1', {});
    dispatcher.start(60_000);
    try {
      await dispatcher.kick();
      const deadline = Date.now() + 15_000;
      while (attempts.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(attempts).toHaveLength(2);
      // Not before Retry-After, and long before the 60 s poll would have come (slack for a loaded machine).
      expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(380);
      expect(attempts[1]! - attempts[0]!).toBeLessThan(10_000);
      // The second delivery returned; its outcome is written just after, so wait for it.
      let status: string | undefined;
      while (Date.now() < deadline) {
        const [row] = await database.db.select().from(notifications).where(eq(notifications.dedupeKey, 'wake-1'));
        status = row?.status;
        if (status === 'sent') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(status).toBe('sent');
    } finally {
      await dispatcher.stop();
    }
  });
});
