/**
 * Task creation, shared by every area: numbers are per workspace and never collide under
 * concurrency, a dedupe key creates a task once, and each creation is in the audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import { createTask, createTasks, ensureWorkspace, nextNumber, parsePolicy, parseRiskRef, parseTaskRef, systemClock, verifyAudit } from '../../flows';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

describe.each(DB_KINDS)('tasks and references on %s', (kind) => {
  let database: TestDatabase;
  let ws: number;
  let other: number;
  const deps = () => ({ db: database.db, policy: parsePolicy({}), clock: systemClock });

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    ws = (await ensureWorkspace(deps(), { platform: 'shell', externalId: 'local' })).id;
    other = (await ensureWorkspace(deps(), { platform: 'shell', externalId: 'other' })).id;
  });
  afterAll(async () => database?.destroy());

  const task = (workspaceId: number, dedupeKey: string | null, title = 'Keep logs') =>
    database.db.transaction((tx) =>
      createTask(tx, { workspaceId, kind: 'obligation', subjectType: 'system', subjectId: 1, dedupeKey, title, assigneeGroup: 'compliance', dueDate: '2027-12-02', actor: 'system', at: new Date() }),
    );

  it('numbers tasks per workspace without collisions, and a dedupe key creates one task', async () => {
    const made = await Promise.all(Array.from({ length: 8 }, (_, i) => task(ws, `k-${i}`)));
    expect(made.map((m) => m.task.number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const again = await task(ws, 'k-3', 'another title');
    expect(again.created).toBe(false);
    expect(again.task.title).toBe('Keep logs');
    expect((await task(other, 'k-3')).task.number).toBe(1);
    const rows = await database.db.select().from(tasks).where(eq(tasks.workspaceId, ws));
    expect(rows).toHaveLength(8);
    const events = await database.db.select().from(auditEvents).where(and(eq(auditEvents.workspaceId, ws), eq(auditEvents.action, 'task.created')));
    expect(events.map((e) => e.subjectId).sort()).toEqual(rows.map((r) => `T-${r.number}`).sort());
    const verdict = await verifyAudit(database.db);
    expect(verdict.ok).toBe(true);
  });

  it('creates many at once: consecutive numbers in order, existing and repeated keys returned, one event each', async () => {
    const other2 = (await ensureWorkspace(deps(), { platform: 'shell', externalId: 'batch' })).id;
    await task(other2, 'b-old');
    const input = (dedupeKey: string, title: string) => ({ workspaceId: other2, kind: 'obligation' as const, subjectType: 'system' as const, subjectId: 1, dedupeKey, title, assigneeGroup: 'compliance', dueDate: '2027-12-02', actor: 'system', at: new Date() });
    const made = await database.db.transaction((tx) => createTasks(tx, [input('b-1', 'one'), input('b-old', 'ignored'), input('b-2', 'two'), input('b-1', 'again')]));
    expect(made.map((m) => [m.task.number, m.task.title, m.created])).toEqual([
      [2, 'one', true],
      [1, 'Keep logs', false],
      [3, 'two', true],
      [2, 'one', false],
    ]);
    const events = await database.db.select().from(auditEvents).where(and(eq(auditEvents.workspaceId, other2), eq(auditEvents.action, 'task.created')));
    expect(events.map((e) => e.subjectId)).toEqual(['T-1', 'T-2', 'T-3']);
    expect((await database.db.transaction((tx) => createTasks(tx, []))).length).toBe(0);
  });

  it('keeps separate counters per scope', async () => {
    const a = await database.db.transaction((tx) => nextNumber(tx, ws, 'risk:41'));
    const b = await database.db.transaction((tx) => nextNumber(tx, ws, 'risk:41'));
    const c = await database.db.transaction((tx) => nextNumber(tx, ws, 'risk:42'));
    expect([a, b, c]).toEqual([1, 2, 1]);
  });

  it('parses task and risk references', () => {
    expect(parseTaskRef('T-12')).toBe(12);
    expect(parseTaskRef('t-7')).toBe(7);
    expect(parseTaskRef('AI-7')).toBeNull();
    expect(parseRiskRef('ai-3/r-2')).toEqual({ systemRef: 'AI-3', n: 2 });
    expect(parseRiskRef('AI-3')).toBeNull();
  });
});
