/**
 * Jobs at scale: review-reminders and weekly-digest over 1k / 10k / 100k bulk-seeded systems on
 * the real Postgres (BENCH_DATABASE_URL, default the local test server), each against the bare
 * SQL that reads the same rows, with the growth factor and the maximum RSS. Every size runs in
 * its own process (so RSS is that size's), in a scratch database dropped afterwards.
 *
 *   npx tsx bench/jobs-scale.ts [--sizes 1000,10000,100000] [--due all|spread]
 *
 * `--due all` (default) makes every review overdue past escalation: the worst case, one reminder,
 * one escalation and one audit event per system. `--due spread` spreads due dates over a year.
 * Prints figures; asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { parsePolicy } from '../flows/policy';
import { digestInventoryCsv, runReviewReminders, runWeeklyDigest, verifyAudit } from '../flows';
import type { WeeklyDigestPayload } from '../flows';
import { notifications } from '../db/schema';
import { createTestDatabase } from '../test/helpers/db';
import { eq } from 'drizzle-orm';

const NOW = new Date('2026-11-30T10:00:00.000Z');
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

interface Figures {
  size: number;
  due: string;
  reviewMs: number;
  reviewBareMs: number;
  reviewBareWriteMs: number;
  reviewEnqueued: number;
  digestMs: number;
  digestBareMs: number;
  csvMs: number;
  csvBytes: number;
  auditOk: boolean;
  jobsRssMb: number;
  csvRssMb: number;
}

/** Seeds one workspace with `n` approved systems, owners, reviews, assessments and a week of audit events. */
async function seed(sql: postgres.Sql, n: number, due: 'all' | 'spread'): Promise<void> {
  const owners = Math.max(1, Math.floor(n / 10));
  const at = new Date(NOW.getTime() - 30 * 86_400_000).toISOString();
  const week = new Date(NOW.getTime() - 3 * 86_400_000).toISOString();
  await sql`insert into workspaces (platform, external_id, name, next_ref, created_at) values ('shell', 'bench', 'Bench', ${n + 1}, ${at})`;
  await sql`insert into people (workspace_id, platform_id, display_name, email, created_at)
    select 1, 'shell:p' || i, 'Person ' || i, 'p' || i || '@example.com', ${at} from generate_series(1, ${owners}) i`;
  await sql`insert into ai_systems (workspace_id, ref_number, name, name_key, vendor, purpose, owner_id, department, usage_status, status, risk_class, submitted_by_id, next_review_at, created_at, updated_at)
    select 1, i, 'System ' || i, 'system' || i, 'Vendor', 'Purpose', 1 + (i % ${owners}), 'Dept ' || (i % 7), case when i % 3 = 0 then 'in_use' else 'planned' end,
      'approved', (array['minimal','limited','high'])[1 + i % 3], 1 + (i % ${owners}), ${NOW.toISOString()}::timestamptz, ${at}, ${at}
    from generate_series(1, ${n}) i`;
  const dueAt =
    due === 'all'
      ? sql`${new Date(NOW.getTime() - 10 * 86_400_000).toISOString()}::timestamptz`
      : sql`${new Date(NOW.getTime() - 10 * 86_400_000).toISOString()}::timestamptz + ((i % 365) || ' days')::interval`;
  await sql`insert into reviews (workspace_id, system_id, due_at, status, created_at) select 1, i, ${dueAt}, 'open', ${at} from generate_series(1, ${n}) i`;
  await sql`insert into assessments (workspace_id, system_id, version, questionnaire_version, answers, result, submitted_by_id, created_at)
    select 1, i, 1, 2, '{}'::jsonb, '{}'::jsonb, 1 + (i % ${owners}), case when i % 50 = 0 then ${week}::timestamptz else ${at}::timestamptz end
    from generate_series(1, ${n}) i`;
  // The audit trail starts empty: the review job's escalations fill it, and the digest reads past them.
  await sql`analyze`;
}

class RolledBack extends Error {}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await f();
  return [r, performance.now() - t];
}

/** One size, in this process. */
async function child(n: number, due: 'all' | 'spread'): Promise<Figures> {
  const tdb = await createTestDatabase('postgres');
  const sql = postgres(tdb.url!, { max: 1, onnotice: () => {} });
  try {
    await seed(sql, n, due);
    const policy = parsePolicy({
      organization: { name: 'Bench', timezone: 'UTC' },
      reviews: { minimalDays: 365, highDays: 90, remindBeforeDays: 14, repeatEveryDays: 3, escalateAfterDays: 7 },
    });
    const deps = { db: tdb.db, policy };
    const horizon = new Date(NOW.getTime() + 14 * 86_400_000).toISOString();
    const [report, reviewMs] = await timed(() => runReviewReminders(deps, NOW));
    // Bare SQL of the writes: the same outbox rows and audit events copied set-based in one
    // transaction (new dedupe keys / seqs), the floor any job writing them can reach.
    const [, reviewBareWriteMs] = await timed(() =>
      sql.begin(async (tx) => {
        await tx`insert into notifications (workspace_id, dedupe_key, kind, recipient, payload, status, not_before, created_at)
          select workspace_id, dedupe_key || ':copy', kind, recipient, payload, status, not_before, created_at from notifications
          on conflict (dedupe_key) do nothing`;
        await tx`insert into audit_events (workspace_id, seq, occurred_at, actor, action, subject_type, subject_id, data, prev_hash, hash_alg, hash)
          select workspace_id, seq + 1000000000, occurred_at, actor, action, subject_type, subject_id, data, prev_hash, hash_alg, hash from audit_events`;
        await tx`select 1`.then(() => {
          throw new RolledBack();
        });
      }).catch((err: unknown) => {
        if (!(err instanceof RolledBack)) throw err;
      }),
    );
    // Bare SQL of the digest: the same counts and first lines, as plain statements.
    const start = new Date(NOW.getTime() - 7 * 86_400_000).toISOString();
    const [, digestBareMs] = await timed(async () => {
      await sql`select action, count(*) from audit_events where workspace_id = 1 and occurred_at >= ${start}::timestamptz and occurred_at < ${NOW.toISOString()}::timestamptz group by action`;
      await sql`select coalesce(risk_class, 'unclassified'), count(*) from ai_systems where workspace_id = 1 and status <> 'retired' group by 1`;
      await sql`select coalesce(nullif(btrim(department), ''), 'unspecified'), count(*) from ai_systems where workspace_id = 1 and status <> 'retired' group by 1`;
      await sql`select count(*) from reviews r join ai_systems s on s.id = r.system_id where r.workspace_id = 1 and r.status = 'open' and s.status = 'approved' and r.due_at < ${NOW.toISOString()}::timestamptz`;
      await sql`select r.due_at, s.ref_number, s.name from reviews r join ai_systems s on s.id = r.system_id where r.workspace_id = 1 and r.status = 'open' and s.status = 'approved' and r.due_at < ${NOW.toISOString()}::timestamptz order by r.due_at, r.id limit 50`;
    });
    const [, digestMs] = await timed(() => runWeeklyDigest(deps, NOW));
    // The jobs' memory, before the CSV and the bare reads (which hold every row) run.
    const jobsRssMb = process.resourceUsage().maxRSS / 1024;
    const [row] = await tdb.db.select().from(notifications).where(eq(notifications.kind, 'digest.weekly'));
    const [csv, csvMs] = await timed(() => digestInventoryCsv(tdb.db, row!.payload as WeeklyDigestPayload));
    const csvRssMb = process.resourceUsage().maxRSS / 1024;
    // Bare SQL (run after the jobs, on the same rows): the due rows with what the reminder names, read in one statement.
    const [, reviewBareMs] = await timed(
      () => sql`select r.*, s.id as sid, s.ref_number, s.name, p.id as pid, p.platform_id, p.display_name, p.email
        from reviews r join ai_systems s on s.id = r.system_id join people p on p.id = s.owner_id
        where r.status = 'open' and s.status = 'approved' and r.due_at <= ${horizon}::timestamptz
          and (r.snoozed_until is null or r.snoozed_until <= ${NOW.toISOString()}::timestamptz)`,
    );
    const audit = await verifyAudit(tdb.db);
    return {
      size: n,
      due,
      reviewMs,
      reviewBareMs,
      reviewBareWriteMs,
      reviewEnqueued: report.enqueued,
      digestMs,
      digestBareMs,
      csvMs,
      csvBytes: csv?.length ?? 0,
      auditOk: audit.ok,
      jobsRssMb,
      csvRssMb,
    };
  } finally {
    await sql.end();
    await tdb.destroy();
  }
}

async function main(): Promise<void> {
  const due = (arg('--due') ?? 'all') === 'spread' ? 'spread' : 'all';
  const one = arg('--size');
  if (one) {
    console.log(JSON.stringify(await child(Number(one), due)));
    return;
  }
  const sizes = (arg('--sizes') ?? '1000,10000,100000').split(',').map(Number);
  const self = fileURLToPath(import.meta.url);
  const rows: Figures[] = [];
  for (const n of sizes) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--size', String(n), '--due', due], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) {
      console.log(`${n}: failed\n${r.stderr.slice(-2000)}`);
      continue;
    }
    rows.push(JSON.parse(line) as Figures);
  }
  const f = (x: number) => x.toFixed(0).padStart(7);
  console.log(`jobs at scale (due: ${due}), times in ms`);
  console.log('   size | review | bare read | ×bare | bare write | enqueued | digest | bare | ×bare | csv@delivery | audit ok | max RSS MB jobs / +csv');
  for (const r of rows) {
    console.log(
      `${String(r.size).padStart(7)} |${f(r.reviewMs)} |${f(r.reviewBareMs)} | ${(r.reviewMs / r.reviewBareMs).toFixed(1).padStart(5)} |${f(r.reviewBareWriteMs)} | ${String(r.reviewEnqueued).padStart(8)} |` +
        `${f(r.digestMs)} |${f(r.digestBareMs)} | ${(r.digestMs / r.digestBareMs).toFixed(1).padStart(5)} | ${f(r.csvMs)} (${(r.csvBytes / 1e6).toFixed(1)} MB) | ${r.auditOk} | ${r.jobsRssMb.toFixed(0)} / ${r.csvRssMb.toFixed(0)}`,
    );
  }
  const a = rows.find((r) => r.size === 10_000);
  const b = rows.find((r) => r.size === 100_000);
  if (a && b) console.log(`growth 10k → 100k: review ×${(b.reviewMs / a.reviewMs).toFixed(1)}, digest ×${(b.digestMs / a.digestMs).toFixed(1)}`);
}

await main();
