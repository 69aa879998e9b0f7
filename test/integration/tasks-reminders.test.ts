/**
 * The task-reminders job on both databases: a reminder to the assignee within
 * `tasks.remindBeforeDays`, repeated every `reviews.repeatEveryDays`, one escalation to the digest
 * channel after `tasks.escalateAfterDays` overdue, nothing twice when the job runs twice, quiet
 * hours respected, group tasks reminded in the digest channel, closed tasks left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import { auditEvents, notifications } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import * as flows from '../../flows';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors, testPolicy } from '../helpers/flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';

describe.each(DB_KINDS)('task-reminders on %s', (kind) => {
  let database: TestDatabase;
  const clock = testClock('2026-11-02T10:00:00Z');
  const policy = testPolicy({ legalDates: { deployer_high_risk: '2026-11-20' }, quietHours: { start: '19:00', end: '08:00' } });
  let as: ReturnType<typeof actors>['as'];
  let deps: ReturnType<typeof actors>['deps'];
  let ownerTask: typeof tasks.$inferSelect;
  let bobId = 0;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    ({ as, deps } = actors(database.db, clock, policy));
    const r = await flows.register(await as('alice'), { fields: fieldsFor('CV Screen', 'shell:bob'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    const who: Record<string, string> = { owner: 'bob', compliance: 'carol', privacy: 'pat' };
    for (const s of r.request.steps) await flows.decideStep(await as(who[s.role]!), { stepId: s.id, decision: 'approve' });
    ownerTask = (await database.db.select().from(tasks).where(like(tasks.dedupeKey, '%:deployer_high_risk')))[0]!;
    bobId = (await as('bob')).actor.id;
  });
  afterAll(async () => database?.destroy());

  const sent = (k: string) => database.db.select().from(notifications).where(eq(notifications.kind, k)).orderBy(notifications.id);
  const run = () => flows.runTaskReminders(deps, clock.now());

  it('reminds the owner within remindBeforeDays, once per run time, repeating every repeatEveryDays', async () => {
    expect(ownerTask.dueDate).toBe('2026-11-20');
    clock.set('2026-11-10T10:00:00Z');
    await run();
    expect(await sent('task.reminder')).toHaveLength(0);
    clock.set('2026-11-14T10:00:00Z');
    await run();
    await run();
    const first = await sent('task.reminder');
    expect(first).toHaveLength(1);
    expect(first[0]!.recipient).toEqual({ person: bobId });
    expect(first[0]!.payload).toMatchObject({ ref: `T-${ownerTask.number}`, dueInDays: 6, reminderNumber: 1, escalated: false });
    expect(String((first[0]!.payload as { text: string }).text)).toContain('is due on 2026-11-20 (in 6 days)');
    clock.set('2026-11-15T10:00:00Z');
    await run();
    expect(await sent('task.reminder')).toHaveLength(1);
    clock.set('2026-11-17T10:00:00Z');
    await run();
    expect((await sent('task.reminder')).map((n) => (n.payload as { reminderNumber: number }).reminderNumber)).toEqual([1, 2]);
  });

  it('escalates once to the digest channel after escalateAfterDays overdue, within quiet hours held to the morning', async () => {
    clock.set('2026-11-27T20:30:00Z'); // 7 days overdue, in quiet hours
    await run();
    await run();
    const esc = await sent('task.escalation');
    expect(esc).toHaveLength(1);
    expect(esc[0]!.recipient).toEqual({ channel: 'digest' });
    expect(esc[0]!.notBefore.toISOString()).toBe('2026-11-28T08:00:00.000Z');
    expect(String((esc[0]!.payload as { text: string }).text)).toContain('is 7 days overdue');
    const reminders = (await sent('task.reminder')).filter((n) => (n.payload as { taskId: number }).taskId === ownerTask.id);
    expect(reminders.at(-1)!.payload).toMatchObject({ escalated: true, overdueDays: 7 });
    const audit = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'task.escalated'), eq(auditEvents.subjectId, `T-${ownerTask.number}`)));
    expect(audit).toHaveLength(1);
    clock.set('2026-12-10T10:00:00Z');
    await run();
    // The group tasks (DPIA, AI literacy) were due on 2026-12-02: now 8 days late, each escalated once.
    expect((await sent('task.escalation')).map((n) => (n.payload as { title: string }).title).sort()).toEqual(['AI literacy', 'Data protection impact assessment', 'High-risk deployer duties']);
  });

  it('reminds a group task in the digest channel and leaves closed tasks alone', async () => {
    const groupReminders = (await sent('task.reminder')).filter((n) => (n.recipient as { channel?: string }).channel === 'digest');
    expect(groupReminders.length).toBeGreaterThan(0);
    expect(groupReminders[0]!.payload).toMatchObject({ group: 'compliance' });
    const bob = await as('bob');
    expect(await flows.completeTask(bob, `T-${ownerTask.number}`, 'https://wiki.example/done')).toMatchObject({ kind: 'closed' });
    const before = (await sent('task.reminder')).filter((n) => (n.payload as { taskId: number }).taskId === ownerTask.id).length;
    clock.set('2026-12-20T10:00:00Z');
    await run();
    expect((await sent('task.reminder')).filter((n) => (n.payload as { taskId: number }).taskId === ownerTask.id)).toHaveLength(before);
    expect((await flows.verifyAudit(deps.db)).ok).toBe(true);
  });
});
