/**
 * Review reminders hand their posted copies back to the outbox, which records them in the very
 * statement that marks the rows sent. Each owner's card is recorded once, as the notification's
 * copy and as the review's (so a later decision updates it); and when the database drops between
 * the post and that write, the row is taken over after its lease and adopts the card it posted
 * instead of posting a second one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { notifications, platformMessages } from '../../db/schema';
import { runReviewReminders } from '../../flows';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import type { FaultyDb } from '../helpers/faulty-db';
import { faultyDb } from '../helpers/faulty-db';
import { clickStep, seedRequest } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, TEST_POLICY, USERS } from '../helpers/slack-server';

const POLICY = {
  ...TEST_POLICY,
  organization: { name: 'Acme', timezone: 'UTC' },
  channels: { approvals: { slack: 'C0APPROVALS' }, digest: { slack: 'C0DIGEST' } },
  reviews: { minimalDays: 20, highDays: 30, remindBeforeDays: 14, repeatEveryDays: 3, escalateAfterDays: 7 },
};
const LEASE_MS = 60_000;

describe('Slack: review reminders are recorded with their sent mark', () => {
  let s: SlackTestServer;
  let fault: FaultyDb;
  const owners = [USERS.alice.id, USERS.mallory.id];

  beforeAll(async () => {
    fault = faultyDb();
    s = await startSlackServer({ policy: POLICY, wrapDb: fault.wrap });
    s.clock.set('2026-10-05T10:00:00Z');
    for (const [i, owner] of owners.entries()) {
      const r = await seedRequest(s, owner, fieldsFor(`Tool ${i}`, `slack:${owner}`), minimalAnswers);
      await clickStep(s, owner, 'approval.approve', r.steps[0]!);
    }
    await s.settle();
  });
  afterAll(async () => {
    fault?.up();
    await s?.close();
  });

  const cardsTo = (user: string) => s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === user || c.params.channel === `D${user}`);
  const reminderRows = () => s.deps.db.select().from(notifications).where(eq(notifications.kind, 'review.reminder'));
  const copiesOf = (ids: number[]) =>
    s.deps.db
      .select()
      .from(platformMessages)
      .where(and(eq(platformMessages.subjectType, 'notification'), inArray(platformMessages.subjectId, ids)));
  const reviewCopies = (user: string) =>
    s.deps.db
      .select()
      .from(platformMessages)
      .where(and(eq(platformMessages.subjectType, 'review'), eq(platformMessages.conversationId, `D${user}`)));

  it('records each card as the notification’s copy and the review’s, without an INSERT of its own', async () => {
    s.clock.set('2026-10-12T10:00:00Z');
    s.fake.reset();
    const inserts: unknown[] = [];
    const db = s.deps.db;
    const insert = db.insert.bind(db);
    // Count the deliverer's own recording writes: with the copies handed back there are none.
    (db as { insert: typeof db.insert }).insert = ((table: Parameters<typeof db.insert>[0]) => {
      if (table === platformMessages) inserts.push(table);
      return insert(table);
    }) as typeof db.insert;
    try {
      expect((await runReviewReminders(s.deps, s.clock.now())).enqueued).toBe(2);
      await s.settle();
    } finally {
      (db as { insert: typeof db.insert }).insert = insert;
    }
    expect(inserts).toHaveLength(0);
    const rows = await reminderRows();
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
    const copies = await copiesOf(rows.map((r) => r.id));
    expect(copies).toHaveLength(2);
    for (const user of owners) {
      expect(cardsTo(user)).toHaveLength(1);
      const [review] = await reviewCopies(user);
      expect(review).toMatchObject({ role: 'reminder', messageId: copies.find((c) => c.conversationId === `D${user}`)!.messageId });
    }
  });

  it('adopts the card posted before the database dropped, once the lease ran out, and records it once', async () => {
    s.clock.set('2026-10-15T10:00:00Z');
    s.fake.reset();
    // The database goes away the moment Slack answers the first card: the sent mark (and the
    // copies with it) cannot be written.
    s.fake.tap((call) => {
      if (call.method !== 'chat.postMessage') return;
      s.fake.tap(null);
      fault.down();
    });
    const report = await runReviewReminders(s.deps, s.clock.now());
    expect(report.enqueued).toBe(2);
    await s.dispatcher.drain();
    fault.up();
    const since = new Date('2026-10-15T00:00:00Z');
    const wave = async () => (await reminderRows()).filter((r) => r.createdAt >= since);
    const posted = s.fake.callsOf('chat.postMessage');
    expect(posted.length).toBeGreaterThanOrEqual(1);
    // A row whose card went out is not marked sent, and nothing of it is recorded.
    const stuck = (await wave()).filter((r) => r.status !== 'sent');
    expect(stuck.length).toBeGreaterThanOrEqual(posted.length);
    expect(stuck.every((r) => r.status === 'sending' || r.status === 'pending')).toBe(true);
    expect(await copiesOf(stuck.map((r) => r.id))).toHaveLength(0);

    // After the lease the rows are taken over: the cards posted are adopted, not posted again.
    s.clock.advance(LEASE_MS + 1_000);
    await s.dispatcher.drain();
    for (const user of owners) expect(cardsTo(user)).toHaveLength(1);
    const rows = await wave();
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
    // The rows taken over went out as re-claimed (their cards looked up before any post).
    for (const r of stuck) expect(rows.find((x) => x.id === r.id)?.reclaimed).toBe(r.status === 'sending');
    const copies = await copiesOf(rows.map((r) => r.id));
    expect(copies).toHaveLength(2);
    // Each recorded copy is the one card Slack holds for that owner.
    for (const user of owners) {
      const mine = copies.filter((c) => c.conversationId === `D${user}`);
      expect(mine).toHaveLength(1);
      expect(s.fake.messages(`D${user}`).map((m) => m.ts)).toContain(mine[0]!.messageId);
    }
  });
});
