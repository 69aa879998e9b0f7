/**
 * The jobs at scale: the review sweep writes a page of reviews set-based (one reminder and one
 * escalation each, audit events chained in a batch that `audit verify` accepts, nothing twice),
 * the weekly digest works past Postgres's 65,535 bound parameters and lists at most
 * DIGEST_LIST_LIMIT lines per section with whole totals, the inventory streams page by page, and
 * the sweeps' predicates have indexes (pg_trgm included, also on PGlite).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditEvents, notifications, reviews } from '../../db/schema';
import type { Db } from '../../db/client';
import * as flows from '../../flows';
import { appendAudit, appendAuditBatch, setAuditKey, auditKey } from '../../flows/audit';
import { auditRecords, auditRows, CSV_BOM, EXPORT_COLUMNS, inventoryRecordPages, inventoryRecords, inventoryRows, toCsv } from '../../flows/exports';
import { exportChunks } from '../../flows/export-stream';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { seedPolicy } from '../helpers/jobs-seed';

const NOW = new Date('2026-11-30T10:00:00.000Z');
const DAY = 86_400_000;
const AT = new Date(NOW.getTime() - 30 * DAY).toISOString();

function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}

/** A workspace with `n` approved systems (owners p1…p10) and one open review each, due `dueDaysAgo` days ago. */
async function seedWorkspace(db: Db, externalId: string, n: number, dueDaysAgo: number): Promise<number> {
  const [ws] = rowsOf<{ id: number }>(
    await db.execute(sql`insert into workspaces (platform, external_id, name, next_ref, created_at) values ('shell', ${externalId}, ${externalId}, ${n + 1}, ${AT}::timestamptz) returning id`),
  );
  const w = ws!.id;
  const [first] = rowsOf<{ id: number }>(
    await db.execute(sql`insert into people (workspace_id, platform_id, display_name, created_at)
      select ${w}, 'shell:p' || i, 'Person ' || i, ${AT}::timestamptz from generate_series(1, 10) i returning id`),
  );
  const p0 = first!.id - 1;
  await db.execute(sql`insert into ai_systems (workspace_id, ref_number, name, name_key, purpose, owner_id, usage_status, status, risk_class, submitted_by_id, created_at, updated_at)
    select ${w}, i, 'System ' || i, 'system' || i, 'Purpose', ${p0} + 1 + (i % 10), 'planned', 'approved', 'minimal', ${p0} + 1 + (i % 10), ${AT}::timestamptz, ${AT}::timestamptz
    from generate_series(1, ${n}) i`);
  await db.execute(sql`insert into reviews (workspace_id, system_id, due_at, status, created_at)
    select ${w}, s.id, ${new Date(NOW.getTime() - dueDaysAgo * DAY).toISOString()}::timestamptz, 'open', ${AT}::timestamptz from ai_systems s where s.workspace_id = ${w}`);
  return w;
}

describe('the review sweep over more than one page (postgres)', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
  });
  afterAll(async () => tdb?.destroy());

  it('writes one reminder and one escalation per overdue review, chains the audit events, and nothing twice, split in two shares', async () => {
    const a = await seedWorkspace(tdb.db, 'a', 2300, 10);
    const b = await seedWorkspace(tdb.db, 'b', 150, 10);
    // A snoozed review and a retired system are left alone.
    await tdb.db.execute(sql`update reviews set snoozed_until = ${new Date(NOW.getTime() + DAY).toISOString()}::timestamptz where id = (select min(id) from reviews)`);
    await tdb.db.execute(sql`update ai_systems set status = 'retired' where workspace_id = ${b} and ref_number = 1`);
    const deps = { db: tdb.db, policy: seedPolicy(), clock: { now: () => NOW } };

    // Split (as a sweep of 20,000 systems or more is) into two shares, each in its own transaction.
    expect(await flows.sweepShares(tdb.db, 1, 2)).toHaveLength(2);
    const report = await flows.runReviewReminders(deps, NOW, { splitMinSpan: 1 });
    const due = 2300 + 150 - 2;
    expect(report).toEqual({ enqueued: 2 * due, examined: due });
    const kinds = rowsOf<{ kind: string; n: number }>(await tdb.db.execute(sql`select kind, count(*)::int as n from notifications group by kind order by kind`));
    expect(kinds).toEqual([
      { kind: 'review.escalation', n: due },
      { kind: 'review.reminder', n: due },
    ]);
    const [one] = await tdb.db.select().from(notifications).where(eq(notifications.kind, 'review.reminder')).limit(1);
    expect(one!.payload).toMatchObject({ reminderNumber: 1, escalated: true, overdueDays: 10 });
    expect(one!.payload).not.toHaveProperty('text');
    expect(flows.reviewReminderText(one!.payload as flows.ReviewReminderPayload, deps.policy.organization.timezone)).toMatch(
      /^Review of AI-\d+ "System \d+" was due on 2026-11-20 and is 10 days overdue\./,
    );
    expect(one!.notBefore.getTime()).toBeGreaterThanOrEqual(NOW.getTime());

    const reviewed = await tdb.db.select().from(reviews).where(and(eq(reviews.workspaceId, a), eq(reviews.remindersSent, 1)));
    expect(reviewed).toHaveLength(2299);
    expect(reviewed.every((r) => r.escalatedAt?.getTime() === NOW.getTime())).toBe(true);

    // One review.escalated event per escalation, in one valid chain per workspace.
    const events = await tdb.db.select({ ws: auditEvents.workspaceId, seq: auditEvents.seq }).from(auditEvents).where(eq(auditEvents.action, 'review.escalated'));
    expect(events).toHaveLength(due);
    expect(events.filter((e) => e.ws === a).map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 2299 }, (_, i) => i + 1));
    const verified = await flows.verifyAudit(tdb.db);
    expect(verified.ok).toBe(true);

    // The same run again: nothing new (counters moved, dedupe keys exist).
    expect((await flows.runReviewReminders(deps, NOW, { splitMinSpan: 1 })).enqueued).toBe(0);
    // Three days later: the repeat reminder, and no second escalation.
    // The review snoozed for a day now gets its first reminder and its escalation.
    const later = await flows.runReviewReminders(deps, new Date(NOW.getTime() + 3 * DAY), { splitMinSpan: 1 });
    expect(later.enqueued).toBe(due + 2);
    expect((await flows.verifyAudit(tdb.db)).ok).toBe(true);
  });
});

describe('the approval sweep over more than one page (postgres)', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
  });
  afterAll(async () => tdb?.destroy());

  it('reminds each pending step once per interval, escalates once after two reminders, with chained audit events', async () => {
    const n = 1100;
    const w = await seedWorkspace(tdb.db, 'approvals', n, -300);
    const opened = new Date(NOW.getTime() - 50 * 3_600_000).toISOString();
    await tdb.db.execute(sql`insert into assessments (workspace_id, system_id, version, questionnaire_version, answers, result, submitted_by_id, created_at)
      select ${w}, s.id, 1, 2, '{}'::jsonb, '{}'::jsonb, s.owner_id, ${AT}::timestamptz from ai_systems s where s.workspace_id = ${w}`);
    await tdb.db.execute(sql`insert into approval_requests (workspace_id, system_id, assessment_id, status, submitted_by_id, created_at)
      select ${w}, a.system_id, a.id, 'pending', a.submitted_by_id, ${opened}::timestamptz from assessments a where a.workspace_id = ${w}`);
    await tdb.db.execute(sql`insert into approval_steps (workspace_id, request_id, position, role, owner_id, group_name, status, created_at)
      select ${w}, r.id, x.pos, x.role, case when x.role = 'owner' then s.owner_id end, case when x.role = 'owner' then null else 'compliance' end, 'pending', ${opened}::timestamptz
      from approval_requests r join ai_systems s on s.id = r.system_id cross join (values (1, 'owner'), (2, 'compliance')) as x(pos, role)
      where r.workspace_id = ${w}`);
    // A decided step and a closed request are never chased.
    await tdb.db.execute(sql`update approval_steps set status = 'approved' where id = (select min(id) from approval_steps)`);
    await tdb.db.execute(sql`update approval_requests set status = 'rejected' where id = (select max(id) from approval_requests)`);
    const deps = { db: tdb.db, policy: seedPolicy(), clock: { now: () => NOW } };

    const first = await flows.runApprovalReminders(deps, NOW);
    const steps = 2 * n - 1 - 2;
    expect(first).toEqual({ enqueued: steps, examined: steps });
    const byRecipient = rowsOf<{ r: string; n: number }>(
      await tdb.db.execute(sql`select case when recipient ? 'person' then 'person' else recipient->>'channel' end as r, count(*)::int as n from notifications group by 1 order by 1`),
    );
    expect(byRecipient).toEqual([
      { r: 'approvals', n: n - 1 },
      { r: 'person', n: n - 2 },
    ]);
    const [channel] = await tdb.db.select().from(notifications).where(sql`recipient->>'channel' = 'approvals'`).limit(1);
    expect(channel!.payload).toMatchObject({ role: 'compliance', approvers: ['shell:compliance'], reminderNumber: 1, ageHours: 50 });
    expect((await flows.runApprovalReminders(deps, NOW)).enqueued).toBe(0);

    // 48 hours later: the second reminders and, once each, the escalation with its audit event.
    const later = new Date(NOW.getTime() + 48 * 3_600_000);
    expect((await flows.runApprovalReminders(deps, later)).enqueued).toBe(2 * steps);
    const escalated = await tdb.db.select().from(auditEvents).where(eq(auditEvents.action, 'approval.escalated'));
    expect(escalated).toHaveLength(steps);
    expect((await flows.verifyAudit(tdb.db)).ok).toBe(true);
    expect((await flows.runApprovalReminders(deps, new Date(later.getTime() + 48 * 3_600_000))).enqueued).toBe(steps);
    expect(await tdb.db.select().from(auditEvents).where(eq(auditEvents.action, 'approval.escalated'))).toHaveLength(steps);
  });
});

describe.each(DB_KINDS)('batch audit append on %s', (kind) => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase(kind);
  });
  afterAll(async () => {
    setAuditKey(null);
    await tdb?.destroy();
  });

  it('chains a batch exactly like single appends, between single appends, plain and keyed', async () => {
    const [w] = rowsOf<{ id: number }>(await tdb.db.execute(sql`insert into workspaces (platform, external_id, created_at) values ('shell', 'audit', now()) returning id`));
    const ev = (i: number) => ({ workspaceId: w!.id, actor: 'system', action: 'test.batch', subjectType: 'ai_system', subjectId: i, data: { i, nested: { b: 2, a: [1, 'x'] } }, at: new Date(NOW.getTime() + i) });
    await tdb.db.transaction(async (tx) => {
      await appendAudit(tx, ev(0));
    });
    const heads = await tdb.db.transaction((tx) => appendAuditBatch(tx, [ev(1), ev(2), ev(3)]));
    expect(heads.get(w!.id)?.seq).toBe(4);
    await tdb.db.transaction(async (tx) => {
      await appendAudit(tx, ev(4));
    });
    setAuditKey(auditKey('a-test-audit-key-that-is-long-enough-0123456789'));
    await tdb.db.transaction((tx) => appendAuditBatch(tx, [ev(5), ev(6)]));
    const verified = await flows.verifyAudit(tdb.db);
    expect(verified.ok).toBe(true);
    const rows = await tdb.db.select({ seq: auditEvents.seq, alg: auditEvents.hashAlg }).from(auditEvents).where(eq(auditEvents.workspaceId, w!.id)).orderBy(auditEvents.seq);
    expect(rows.map((r) => `${r.seq}:${r.alg}`)).toEqual(['1:sha256', '2:sha256', '3:sha256', '4:sha256', '5:sha256', '6:hmac-sha256', '7:hmac-sha256']);
    // Without the key, a batch after keyed events is refused, and nothing is written.
    setAuditKey(null);
    await expect(tdb.db.transaction((tx) => appendAuditBatch(tx, [ev(7)]))).rejects.toThrow(/AIMS_AUDIT_KEY is not set/);
    expect(await tdb.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, w!.id))).toHaveLength(7);
  });
});

describe('a plain audit append that waited for a keyed one (postgres)', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    setAuditKey(null);
    await tdb?.destroy();
  });

  it('is refused once the keyed event is in, though that event was not in the snapshot of its head read, and writes nothing', async () => {
    const [w] = rowsOf<{ id: number }>(await tdb.db.execute(sql`insert into workspaces (platform, external_id, created_at) values ('shell', 'audit-race', now()) returning id`));
    const ev = (i: number) => ({ workspaceId: w!.id, actor: 'system', action: 'test.race', subjectType: 'ai_system', subjectId: i, data: { i }, at: new Date(NOW.getTime() + i) });
    await tdb.db.transaction((tx) => appendAuditBatch(tx, [ev(0)]));
    setAuditKey(auditKey('a-test-audit-key-that-is-long-enough-0123456789'));
    let appended!: () => void;
    let commit!: () => void;
    const inFlight = new Promise<void>((r) => (appended = r));
    const held = new Promise<void>((r) => (commit = r));
    // The keyed append holds the head until it is told to commit.
    const keyed = tdb.db.transaction(async (tx) => {
      await appendAuditBatch(tx, [ev(1)]);
      appended();
      await held;
    });
    await inFlight;
    setAuditKey(null);
    const plain = tdb.db.transaction((tx) => appendAuditBatch(tx, [ev(2)])).then(
      () => 'written',
      (err: Error) => err.message,
    );
    // Long enough for the plain append to read the head and wait for its lock.
    await new Promise((r) => setTimeout(r, 300));
    commit();
    await keyed;
    expect(await plain).toMatch(/AIMS_AUDIT_KEY is not set/);
    const rows = await tdb.db.select({ seq: auditEvents.seq, alg: auditEvents.hashAlg }).from(auditEvents).where(eq(auditEvents.workspaceId, w!.id)).orderBy(auditEvents.seq);
    expect(rows.map((r) => `${r.seq}:${r.alg}`)).toEqual(['1:sha256', '2:hmac-sha256']);
  });
});

describe('the weekly digest past 65,535 bound parameters (postgres)', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
  });
  afterAll(async () => tdb?.destroy());

  it('counts everything, lists at most DIGEST_LIST_LIMIT per section, and stores no CSV', async () => {
    const n = 66_000;
    const w = await seedWorkspace(tdb.db, 'big', n, 3);
    // Every system also waits for an approval (the old digest bound one parameter per request).
    await tdb.db.execute(sql`insert into assessments (workspace_id, system_id, version, questionnaire_version, answers, result, submitted_by_id, created_at)
      select ${w}, s.id, 1, 2, '{}'::jsonb, '{}'::jsonb, s.owner_id, ${AT}::timestamptz from ai_systems s where s.workspace_id = ${w}`);
    await tdb.db.execute(sql`insert into approval_requests (workspace_id, system_id, assessment_id, status, submitted_by_id, created_at)
      select ${w}, a.system_id, a.id, 'pending', a.submitted_by_id, ${AT}::timestamptz from assessments a where a.workspace_id = ${w}`);
    await tdb.db.execute(sql`insert into approval_steps (workspace_id, request_id, position, role, owner_id, status, created_at)
      select ${w}, r.id, 1, 'owner', s.owner_id, 'pending', ${AT}::timestamptz from approval_requests r join ai_systems s on s.id = r.system_id where r.workspace_id = ${w}`);
    await tdb.db.execute(sql`analyze`);
    const deps = { db: tdb.db, policy: seedPolicy(), clock: { now: () => NOW } };

    const report = await flows.runWeeklyDigest(deps, NOW);
    expect(report.enqueued).toBe(1);
    const [row] = await tdb.db.select().from(notifications).where(eq(notifications.kind, 'digest.weekly'));
    const p = row!.payload as flows.WeeklyDigestPayload;
    expect(p.digest.inventory.total).toBe(n);
    expect(p.digest.totals).toMatchObject({ pendingApprovals: n, reviewsOverdue: n, stuckSteps: 0 });
    expect(p.digest.pendingApprovals).toHaveLength(flows.DIGEST_LIST_LIMIT);
    expect(p.digest.pendingApprovals[0]).toMatchObject({ ref: 'AI-1', waitingFor: ['owner'] });
    expect(p.digest.reviewsOverdue).toHaveLength(flows.DIGEST_LIST_LIMIT);
    expect(p.text).toContain(`Pending approvals (${n}):`);
    expect(p.text).toContain(`…and ${n - flows.DIGEST_LIST_LIMIT} more (see the inventory CSV)`);
    expect(p.csv).toBeUndefined();
    expect(JSON.stringify(p).length).toBeLessThan(60_000);
  }, 60_000);
});

describe.each(DB_KINDS)('inventory pages and indexes on %s', (kind) => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase(kind);
  });
  afterAll(async () => tdb?.destroy());

  it('streams the inventory page by page, the same rows as the whole export, and the CSV the same', async () => {
    const w = await seedWorkspace(tdb.db, 'inv', 7, 3);
    const pages: number[] = [];
    const refs: string[] = [];
    for await (const page of inventoryRecordPages(tdb.db, { workspaceId: w }, 3)) {
      pages.push(page.length);
      refs.push(...page.map((e) => e.record.ref));
    }
    expect(pages).toEqual([3, 3, 1]);
    expect(refs).toEqual((await inventoryRecords(tdb.db, { workspaceId: w })).map((e) => e.record.ref));
    const csv = await flows.inventoryCsv(tdb.db, w);
    expect(csv.startsWith('\uFEFFref,name,')).toBe(true);
    expect(csv.trim().split('\n')).toHaveLength(8);
  });

  it('exports the inventory and the audit trail in page-sized chunks, the same text as the whole export', async () => {
    const w = await seedWorkspace(tdb.db, 'export', 1100, 3);
    await tdb.db.transaction((tx) =>
      appendAuditBatch(
        tx,
        Array.from({ length: 1100 }, (_, i) => ({ workspaceId: w, actor: 'system', action: 'test.export', subjectType: 'ai_system', subjectId: i + 1, data: { i }, at: NOW })),
      ),
    );
    const o = { workspaceId: w, timezone: 'Europe/Berlin' };
    const whole = {
      'inventory csv': CSV_BOM + toCsv(await inventoryRows(tdb.db, o), EXPORT_COLUMNS.inventory),
      'inventory json': `${JSON.stringify((await inventoryRecords(tdb.db, o)).map((e) => e.record), null, 2)}\n`,
      'audit csv': CSV_BOM + toCsv(await auditRows(tdb.db, o), EXPORT_COLUMNS.audit),
      'audit json': `${JSON.stringify(await auditRecords(tdb.db, o), null, 2)}\n`,
    };
    for (const [name, text] of Object.entries(whole)) {
      const [kind, format] = name.split(' ') as ['inventory' | 'audit', 'csv' | 'json'];
      const count = { rows: 0 };
      const chunks: string[] = [];
      for await (const chunk of exportChunks(tdb.db, kind, format, o, count)) chunks.push(chunk);
      expect(chunks.length, name).toBeGreaterThanOrEqual(3);
      expect(chunks.join(''), name).toBe(text);
      expect(count.rows, name).toBe(1100);
    }
    const empty: string[] = [];
    for await (const chunk of exportChunks(tdb.db, 'audit', 'json', { workspaceId: 999 })) empty.push(chunk);
    expect(empty.join('')).toBe('[]\n');
  });

  it('has pg_trgm and indexes that match the sweeps, the digest, list and check', async () => {
    const plan = async (query: ReturnType<typeof sql>) =>
      tdb.db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        const rows = rowsOf<Record<string, string>>(await tx.execute(sql`explain ${query}`));
        return rows.map((r) => Object.values(r)[0]).join('\n');
      });
    expect(await plan(sql`select id from reviews where status = 'open' and due_at <= now()`)).toMatch(/reviews_status_due_idx/);
    expect(await plan(sql`select id from ai_systems where workspace_id = 1 and submitted_by_id = 3`)).toMatch(/ai_systems_workspace_submitted_by_idx/);
    expect(await plan(sql`select id from ai_systems where name ilike '%stem 4%'`)).toMatch(/ai_systems_name_trgm_idx/);
    expect(await plan(sql`select id from ai_systems where name_key ilike '%stem4%'`)).toMatch(/ai_systems_name_key_trgm_idx/);
    // On empty tables the planner may pick any index of the workspace: check these by definition.
    const defs = rowsOf<{ indexdef: string }>(await tdb.db.execute(sql`select indexdef from pg_indexes where schemaname = 'public'`)).map((r) => r.indexdef);
    expect(defs).toContain('CREATE INDEX audit_events_workspace_action_occurred_idx ON public.audit_events USING btree (workspace_id, action, occurred_at)');
    expect(defs).toContain('CREATE INDEX audit_events_workspace_occurred_idx ON public.audit_events USING btree (workspace_id, occurred_at)');
    expect(defs).toContain('CREATE INDEX assessments_workspace_created_idx ON public.assessments USING btree (workspace_id, created_at)');
    expect(await plan(sql`select id from approval_steps where status = 'pending' and created_at <= now()`)).toMatch(/approval_steps_status_created_idx/);
    // The re-triage stage finds the few questionnaire-v1 assessments without reading the others.
    expect(await plan(sql`select id from assessments where questionnaire_version = 1 order by id limit 1000`)).toMatch(/assessments_questionnaire_v1_idx/);
  });
});
