/**
 * One timed job run in its own process, so its peak memory is its own: `review-reminders` and
 * `weekly-digest` through the flows' job functions, or `bare-review` / `bare-digest`, the plain
 * SQL (postgres.js) that selects the same rows. Env: DATABASE_URL, MODE, AT. Prints one JSON line:
 * `{ ok, ms, peakMiB, enqueued?, rows?, error? }`.
 */
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { openDatabase } from '../db/client';
import { runReviewReminders, runWeeklyDigest } from '../flows';
import { parsePolicy } from '../flows/policy';
import { BENCH_POLICY } from './lib';

const url = process.env.DATABASE_URL!;
const mode = process.env.MODE!;
const at = new Date(process.env.AT!);
const policy = parsePolicy(BENCH_POLICY);
const peakMiB = () => process.resourceUsage().maxRSS / 1024;

async function job(): Promise<Record<string, unknown>> {
  const database = await openDatabase({ url });
  try {
    const deps = { db: database.db, policy, clock: { now: () => at } };
    // Connected before the clock starts, as the bare side is (its `select 1`): a worker's pool is warm.
    if (!(await database.ping())) throw new Error('database not reachable');
    const t0 = performance.now();
    const report = mode === 'review-reminders' ? await runReviewReminders(deps, at) : await runWeeklyDigest(deps, at);
    return { ok: true, ms: performance.now() - t0, enqueued: report.enqueued };
  } finally {
    await database.close();
  }
}

async function bare(): Promise<Record<string, unknown>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select 1`;
    const t0 = performance.now();
    let rows = 0;
    if (mode === 'bare-review') {
      // The reviews the sweep must remind of, with what a reminder says (system, owner).
      const horizon = new Date(at.getTime() + policy.reviews.remindBeforeDays * 86_400_000);
      const due = await sql`
        select r.id, r.system_id, r.due_at, r.reminders_sent, s.ref_number, s.name, p.platform_id, p.display_name
        from reviews r join ai_systems s on s.id = r.system_id join people p on p.id = s.owner_id
        where r.status = 'open' and s.status = 'approved' and r.due_at <= ${horizon}
          and (r.snoozed_until is null or r.snoozed_until <= ${at})`;
      rows = due.length;
    } else {
      // What a digest reads: the week's audit events, the inventory with current assessments, open work.
      const since = new Date(at.getTime() - 7 * 86_400_000);
      const events = await sql`select action, subject_type, subject_id, occurred_at from audit_events where occurred_at > ${since} and occurred_at <= ${at}`;
      const inventory = await sql`
        select s.ref_number, s.name, s.vendor, s.status, s.risk_class, s.department, s.usage_status, s.next_review_at, p.display_name, a.result
        from ai_systems s join people p on p.id = s.owner_id left join assessments a on a.id = s.current_assessment_id`;
      const pending = await sql`select id, status from approval_requests where status = 'pending'`;
      rows = events.length + inventory.length + pending.length;
    }
    return { ok: true, ms: performance.now() - t0, rows };
  } finally {
    await sql.end();
  }
}

let out: Record<string, unknown>;
try {
  out = mode.startsWith('bare-') ? await bare() : await job();
} catch (err) {
  const e = err as Error & { code?: string };
  // Failed queries quote their SQL and parameters: keep the cause short.
  const cause = (e.cause as (Error & { code?: string }) | undefined) ?? e;
  const code = cause.code ?? e.code ?? '';
  const text = (cause.message.startsWith(code) ? cause.message : `${code} ${cause.message}`).trim().split('\n')[0]!;
  out = { ok: false, error: text.length > 200 ? `${text.slice(0, 200)}…` : text };
}
// Exit once the line is written (a pipe is written asynchronously).
process.stdout.write(`${JSON.stringify({ ...out, peakMiB: peakMiB() })}\n`, () => process.exit(0));
