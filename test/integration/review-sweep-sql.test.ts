/**
 * The review sweep decides and words everything in SQL. This test holds it to the rules as
 * written in TypeScript (the reference below): for reviews due just before and after midnight in
 * a time zone far from UTC, late by less than a day, by exactly one day and by many, due within
 * the horizon or past it, snoozed, reminded recently or long ago, already escalated, owners with
 * and without a display name or email, names with quotes and accents, every reminder and
 * escalation has exactly the dedupe key, recipient and payload the reference gives, the counters
 * move as it says, the escalations' audit events record what it says, in review order, and a
 * second run writes nothing. On PGlite and Postgres. Two sweeps racing on two connections write
 * one set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, sql } from 'drizzle-orm';
import { auditEvents, notifications, reviews } from '../../db/schema';
import type { Db } from '../../db/client';
import { openDatabase } from '../../db/client';
import * as flows from '../../flows';
import type { Policy } from '../../flows/policy';
import { DAY_MS, localDate } from '../../flows/jobs/time';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { seedPolicy } from '../helpers/jobs-seed';

const TZ = 'America/St_Johns'; // UTC−3:30 (−2:30 in summer): local dates differ from UTC ones
const NOW = new Date('2026-11-30T02:00:00.000Z'); // 22:30 local on 2026-11-29
const H = 3_600_000;
const ASK = '. Is the registration still accurate? Confirm it, update the answers, retire the system, or snooze the review (at most 30 days, with a reason).';
const NOTE = ' The review is overdue and compliance has been told.';

function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** A review as seeded, relative to NOW. */
interface Case {
  name: string;
  owner: number;
  due: number;
  sent?: number;
  last?: number;
  escalated?: number;
  snoozed?: number;
  system?: string;
}

const CASES: Case[] = [
  { name: 'Due tonight', owner: 0, due: 1 * H },
  { name: 'Due after midnight local', owner: 1, due: 2 * H },
  { name: 'Due in 1 day', owner: 0, due: DAY_MS },
  { name: 'Due in a day and a bit', owner: 2, due: DAY_MS + 1 },
  { name: 'Due at the horizon', owner: 1, due: 14 * DAY_MS },
  { name: 'Past the horizon', owner: 1, due: 14 * DAY_MS + 1 },
  { name: 'Late an hour', owner: 2, due: -H },
  { name: 'Late one day', owner: 0, due: -DAY_MS },
  { name: 'Late 6.9 days', owner: 1, due: -6.9 * DAY_MS },
  { name: 'Late seven days', owner: 2, due: -7 * DAY_MS },
  { name: 'Late 40 days, "quoted" & accentué', owner: 0, due: -40 * DAY_MS },
  { name: 'Reminded yesterday', owner: 1, due: 5 * DAY_MS, sent: 1, last: -DAY_MS },
  { name: 'Reminded three days ago', owner: 2, due: 5 * DAY_MS, sent: 1, last: -3 * DAY_MS },
  { name: 'Reminded 2.9 days ago', owner: 0, due: 5 * DAY_MS, sent: 2, last: -2.9 * DAY_MS },
  { name: 'Overdue, reminded yesterday, not escalated', owner: 1, due: -9 * DAY_MS, sent: 2, last: -DAY_MS },
  { name: 'Escalated, reminded yesterday', owner: 2, due: -12 * DAY_MS, sent: 3, last: -DAY_MS, escalated: -4 * DAY_MS },
  { name: 'Escalated, repeat due', owner: 0, due: -12 * DAY_MS, sent: 3, last: -4 * DAY_MS, escalated: -4 * DAY_MS },
  { name: 'Snoozed', owner: 1, due: -2 * DAY_MS, snoozed: DAY_MS },
  { name: 'Snooze over', owner: 2, due: -2 * DAY_MS, snoozed: -H },
  { name: 'Retired system', owner: 0, due: -2 * DAY_MS, system: 'retired' },
];

type ReviewRow = typeof reviews.$inferSelect;
type Owner = { id: number; platformId: string; displayName: string | null; email: string | null };
type Expected = { dedupeKey: string; kind: string; recipient: unknown; payload: unknown; text?: string };

/** The review sweep's rules, as they were written in TypeScript. */
function reference(policy: Policy, now: Date, r: ReviewRow, sys: { id: number; refNumber: number; name: string }, owner: Owner) {
  const p = policy.reviews;
  if (r.dueAt.getTime() - p.remindBeforeDays * DAY_MS > now.getTime()) return null;
  const late = now.getTime() - r.dueAt.getTime();
  const overdueDays = late > 0 ? Math.floor(late / DAY_MS) : 0;
  const dueInDays = late < 0 ? Math.ceil(-late / DAY_MS) : 0;
  const escalateNow = late > 0 && overdueDays >= p.escalateAfterDays && r.escalatedAt === null;
  const repeatDue = r.lastRemindedAt === null || r.lastRemindedAt.getTime() + p.repeatEveryDays * DAY_MS <= now.getTime();
  if (!(r.remindersSent === 0 || repeatDue || escalateNow)) return null;
  const ref = `AI-${sys.refNumber}`;
  const dueDay = localDate(r.dueAt, policy.organization.timezone);
  const escalated = escalateNow || r.escalatedAt !== null;
  const ownerName = owner.displayName ?? owner.platformId;
  const n = r.remindersSent + 1;
  const when = overdueDays > 0 ? `was due on ${dueDay} and is ${plural(overdueDays, 'day')} overdue` : late > 0 ? `was due on ${dueDay}` : `is due on ${dueDay} (in ${plural(dueInDays, 'day')})`;
  const out: Expected[] = [
    {
      dedupeKey: `review.reminder:${r.id}:${r.dueAt.toISOString()}:${n}`,
      kind: 'review.reminder',
      recipient: { person: owner.id },
      payload: {
        reviewId: r.id,
        systemId: sys.id,
        ref,
        name: sys.name,
        dueAt: r.dueAt.toISOString(),
        overdueDays,
        dueInDays,
        reminderNumber: n,
        escalated,
      },
      // Not stored: said from the payload by reviewReminderText.
      text: `Review of ${ref} "${sys.name}" ${when}${ASK}${escalated ? NOTE : ''}${n > 1 ? ` (reminder ${n})` : ''}`,
    },
  ];
  let audit: unknown = null;
  if (escalateNow) {
    out.push({
      dedupeKey: `review.escalation:${r.id}:${r.dueAt.toISOString()}`,
      kind: 'review.escalation',
      recipient: { channel: 'digest' },
      payload: {
        reviewId: r.id,
        systemId: sys.id,
        ref,
        name: sys.name,
        owner: { id: owner.id, platformId: owner.platformId, name: ownerName, email: owner.email },
        dueAt: r.dueAt.toISOString(),
        overdueDays,
        text: `Overdue review: ${ref} "${sys.name}" (owner ${ownerName}) was due on ${dueDay} and is ${plural(overdueDays, 'day')} overdue.`,
      },
    });
    audit = { subjectId: String(sys.id), data: { reviewId: r.id, dueAt: r.dueAt.toISOString(), overdueDays, asOf: now.toISOString() } };
  }
  return { out, audit, next: n, escalate: escalateNow };
}

/** What the reference expects of a run at `now`, from the database as it is. */
async function expectedAt(db: Db, policy: Policy, now: Date) {
  const rows = rowsOf<{ review: number; system_id: number; ref_number: number; name: string; status: string; owner_id: number; platform_id: string; display_name: string | null; email: string | null }>(
    await db.execute(sql`select r.id as review, s.id as system_id, s.ref_number, s.name, s.status, p.id as owner_id, p.platform_id, p.display_name, p.email
      from reviews r join ai_systems s on s.id = r.system_id join people p on p.id = s.owner_id order by r.id`),
  );
  const all = await db.select().from(reviews).orderBy(asc(reviews.id));
  const notes: Expected[] = [];
  const audits: unknown[] = [];
  const counters = new Map<number, number>();
  for (const r of all) {
    const j = rows.find((x) => x.review === r.id)!;
    counters.set(r.id, r.remindersSent);
    if (r.status !== 'open' || j.status !== 'approved') continue;
    if (r.snoozedUntil && r.snoozedUntil.getTime() > now.getTime()) continue;
    const plan = reference(policy, now, r, { id: j.system_id, refNumber: j.ref_number, name: j.name }, { id: j.owner_id, platformId: j.platform_id, displayName: j.display_name, email: j.email });
    if (!plan) continue;
    notes.push(...plan.out);
    if (plan.audit) audits.push(plan.audit);
    counters.set(r.id, plan.next);
  }
  return { notes, audits, counters };
}

describe.each(DB_KINDS)('the review sweep in SQL matches its rules (%s)', (kind) => {
  let tdb: TestDatabase;
  const policy = seedPolicy({ organization: { name: 'Acme', timezone: TZ } });
  beforeAll(async () => {
    tdb = await createTestDatabase(kind);
    const at = new Date(NOW.getTime() - 60 * DAY_MS).toISOString();
    const [ws] = rowsOf<{ id: number }>(
      await tdb.db.execute(sql`insert into workspaces (platform, external_id, name, next_ref, created_at) values ('shell', 'sweep', 'Sweep', 100, ${at}::timestamptz) returning id`),
    );
    const w = ws!.id;
    const owners = rowsOf<{ id: number }>(
      await tdb.db.execute(sql`insert into people (workspace_id, platform_id, display_name, email, created_at) values
        (${w}, 'shell:ana', 'Ana Núñez', 'ana@example.com', ${at}::timestamptz),
        (${w}, 'shell:nodisplay', null, null, ${at}::timestamptz),
        (${w}, 'shell:o''brien', 'Seán "Bo" O''Brien', null, ${at}::timestamptz) returning id`),
    ).map((o) => o.id);
    for (const [i, c] of CASES.entries()) {
      const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(NOW.getTime() + ms).toISOString());
      const [s] = rowsOf<{ id: number }>(
        await tdb.db.execute(sql`insert into ai_systems (workspace_id, ref_number, name, name_key, purpose, owner_id, usage_status, status, risk_class, submitted_by_id, created_at, updated_at)
          values (${w}, ${i + 1}, ${c.name}, ${`k${i}`}, 'Purpose', ${owners[c.owner]}, 'in_use', ${c.system ?? 'approved'}, 'minimal', ${owners[c.owner]}, ${at}::timestamptz, ${at}::timestamptz) returning id`),
      );
      await tdb.db.execute(sql`insert into reviews (workspace_id, system_id, due_at, status, snoozed_until, reminders_sent, last_reminded_at, escalated_at, created_at)
        values (${w}, ${s!.id}, ${iso(c.due)}::timestamptz, 'open', ${iso(c.snoozed)}::timestamptz, ${c.sent ?? 0}, ${iso(c.last)}::timestamptz, ${iso(c.escalated)}::timestamptz, ${at}::timestamptz)`);
    }
  });
  afterAll(async () => tdb?.destroy());

  /**
   * One run at `now` against the rules. Split (`splitMinSpan` 1: two shares, each in its own
   * transaction) the rows are the same, but two shares on Postgres write concurrently, so rows and
   * events are compared in review order rather than in the order they were written.
   */
  async function check(now: Date, o: { splitMinSpan?: number } = {}) {
    const split = o.splitMinSpan !== undefined;
    const want = await expectedAt(tdb.db, policy, now);
    const before = await tdb.db.select({ id: notifications.id }).from(notifications);
    const seen = new Set(before.map((b) => b.id));
    const eventsBefore = (await tdb.db.select({ id: auditEvents.id }).from(auditEvents)).length;
    const run = () => flows.runReviewReminders({ db: tdb.db, policy, clock: { now: () => now } }, now, o);
    const report = await run();
    expect(report.enqueued).toBe(want.notes.length);
    const got = (await tdb.db.select().from(notifications).orderBy(asc(notifications.id)))
      .filter((n) => !seen.has(n.id))
      .map((n) => ({ dedupeKey: n.dedupeKey, kind: n.kind, recipient: n.recipient, payload: n.payload }));
    const byReview = <T extends { payload: unknown; kind: string }>(list: T[]) =>
      split ? [...list].sort((a, b) => (a.payload as { reviewId: number }).reviewId - (b.payload as { reviewId: number }).reviewId || a.kind.localeCompare(b.kind)) : list;
    // Same rows, same order: by review, a reminder before its escalation.
    expect(byReview(got)).toEqual(byReview(want.notes.map(({ text: _text, ...n }) => n)));
    // What each reminder says, from its payload, in the organisation's time zone.
    for (const n of want.notes.filter((x) => x.text !== undefined)) {
      const row = got.find((g) => g.dedupeKey === n.dedupeKey)!;
      expect(flows.reviewReminderText(row.payload as flows.ReviewReminderPayload, TZ)).toBe(n.text);
    }
    const counters = await tdb.db.select({ id: reviews.id, sent: reviews.remindersSent }).from(reviews);
    expect(new Map(counters.map((c) => [c.id, c.sent]))).toEqual(want.counters);
    const events = await tdb.db.select().from(auditEvents).where(eq(auditEvents.action, 'review.escalated')).orderBy(asc(auditEvents.id));
    const eventOrder = (list: Array<{ subjectId: unknown; data: unknown }>) =>
      split ? [...list].sort((a, b) => (a.data as { reviewId: number }).reviewId - (b.data as { reviewId: number }).reviewId) : list;
    expect(eventOrder(events.slice(events.length - want.audits.length).map((e) => ({ subjectId: e.subjectId, data: e.data })))).toEqual(
      eventOrder(want.audits as Array<{ subjectId: unknown; data: unknown }>),
    );
    expect((await tdb.db.select({ id: auditEvents.id }).from(auditEvents)).length).toBe(eventsBefore + want.audits.length);
    // The same run again writes nothing.
    expect((await run()).enqueued).toBe(0);
    return want.notes.length;
  }

  it('writes what the rules say, run after run', async () => {
    expect(await check(NOW)).toBeGreaterThan(15);
    // Later runs: repeats, escalations of reviews that became seven days late, nothing twice.
    expect(await check(new Date(NOW.getTime() + DAY_MS + 5 * H))).toBeGreaterThan(0);
    expect(await check(new Date(NOW.getTime() + 8 * DAY_MS))).toBeGreaterThan(0);
    expect((await flows.verifyAudit(tdb.db)).ok).toBe(true);
  });

  it('writes the same split in two shares, as a sweep of many systems is', async () => {
    const shares = await flows.sweepShares(tdb.db, 1, 2);
    expect(shares).toHaveLength(2);
    // The shares cover every system with an open review, once.
    const [span] = rowsOf<{ lo: number; hi: number }>(await tdb.db.execute(sql`select min(system_id)::int as lo, max(system_id)::int as hi from reviews where status = 'open'`));
    expect(shares[0]!.from).toBe(span!.lo);
    expect(shares[0]!.to).toBe(shares[1]!.from);
    expect(shares[1]!.to).toBe(span!.hi + 1);
    // Below the span that splits, one share does it all.
    expect(await flows.sweepShares(tdb.db, flows.SWEEP_SPLIT_MIN_SPAN, 2)).toEqual([undefined]);
    // Runs after the first test's, ten and fifteen days on: repeats and escalations of the rest.
    expect(await check(new Date(NOW.getTime() + 10 * DAY_MS), { splitMinSpan: 1 })).toBeGreaterThan(0);
    expect(await check(new Date(NOW.getTime() + 15 * DAY_MS), { splitMinSpan: 1 })).toBeGreaterThan(0);
    expect((await flows.verifyAudit(tdb.db)).ok).toBe(true);
  });
});

describe('two review sweeps racing on separate connections (postgres)', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
  });
  afterAll(async () => tdb?.destroy());

  it('write one reminder and one escalation per overdue review, one audit event each, one valid chain', async () => {
    const n = 3000;
    const at = new Date(NOW.getTime() - 60 * DAY_MS).toISOString();
    const [ws] = rowsOf<{ id: number }>(
      await tdb.db.execute(sql`insert into workspaces (platform, external_id, name, next_ref, created_at) values ('shell', 'race', 'Race', ${n + 1}, ${at}::timestamptz) returning id`),
    );
    const w = ws!.id;
    const [p] = rowsOf<{ id: number }>(await tdb.db.execute(sql`insert into people (workspace_id, platform_id, display_name, created_at) values (${w}, 'shell:o', 'O', ${at}::timestamptz) returning id`));
    await tdb.db.execute(sql`insert into ai_systems (workspace_id, ref_number, name, name_key, purpose, owner_id, usage_status, status, risk_class, submitted_by_id, created_at, updated_at)
      select ${w}, i, 'System ' || i, 'system' || i, 'Purpose', ${p!.id}, 'in_use', 'approved', 'minimal', ${p!.id}, ${at}::timestamptz, ${at}::timestamptz from generate_series(1, ${n}) i`);
    await tdb.db.execute(sql`insert into reviews (workspace_id, system_id, due_at, status, created_at)
      select ${w}, s.id, ${new Date(NOW.getTime() - 10 * DAY_MS).toISOString()}::timestamptz, 'open', ${at}::timestamptz from ai_systems s where s.workspace_id = ${w}`);
    const policy = seedPolicy();
    const other = await openDatabase({ url: tdb.url });
    try {
      const deps = (db: Db) => ({ db, policy, clock: { now: () => NOW } });
      // The first racer sweeps in one transaction, the second in two shares (two more connections).
      const [a, b] = await Promise.all([flows.runReviewReminders(deps(tdb.db), NOW), flows.runReviewReminders(deps(other.db), NOW, { splitMinSpan: 1 })]);
      expect(a.enqueued + b.enqueued).toBe(2 * n);
      const kinds = rowsOf<{ kind: string; n: number; keys: number }>(
        await tdb.db.execute(sql`select kind, count(*)::int as n, count(distinct dedupe_key)::int as keys from notifications group by kind order by kind`),
      );
      expect(kinds).toEqual([
        { kind: 'review.escalation', n, keys: n },
        { kind: 'review.reminder', n, keys: n },
      ]);
      const counters = rowsOf<{ sent: number; n: number }>(await tdb.db.execute(sql`select reminders_sent as sent, count(*)::int as n from reviews group by 1`));
      expect(counters).toEqual([{ sent: 1, n }]);
      const events = rowsOf<{ n: number; reviews: number }>(
        await tdb.db.execute(sql`select count(*)::int as n, count(distinct data->>'reviewId')::int as reviews from audit_events where action = 'review.escalated'`),
      );
      expect(events).toEqual([{ n, reviews: n }]);
      expect((await flows.verifyAudit(tdb.db)).ok).toBe(true);
    } finally {
      await other.close();
    }
  });
});
