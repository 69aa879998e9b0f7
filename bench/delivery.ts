/**
 * `delivery`: the review-reminders job writes one reminder per owner (10,000; quick 2,000;
 * BENCH_DELIVERY_N) to the outbox, then `aimsbot serve` delivers them to the fake Slack — as it
 * is, with 20 % of calls answered 429 (Retry-After 1 s), and with Slack's rate-limit tiers
 * emulated — against a plain loop (four in flight) that posts the same reminders straight to each
 * owner's user id, honouring Retry-After. Both sides are timed by the fake, from their first
 * accepted reminder post to their last; the runs with 429s and tiers over a window (60 s; quick
 * 10 s). Every owner must get exactly one message: duplicates and lost ones (never posted, or
 * failed in the outbox) are counted.
 */
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import type { ReviewReminderPayload } from '../flows';
import { reviewReminderText } from '../flows';
import { createTestDatabase } from '../test/helpers/db';
import type { FakeSlackApi } from '../test/helpers/fake-slack-api';
import { startFakeSlackApi } from '../test/helpers/fake-slack-api';
import type { BenchOptions, Scenario, ScenarioResult } from './lib';
import { admin, BENCH_POLICY, copyDatabase, dbUrl, dropDatabase, freePort, policyFile, runJsonChild, sleep, startServe } from './lib';
import { JOBS_AT, seedSystems } from './seed';
import type { Row, Target } from './stats';
import { median, ratio } from './stats';

type Mode = 'plain' | 'shed' | 'tiers';
const MODES: Mode[] = ['plain', 'shed', 'tiers'];
const LABEL: Record<Mode, string> = { plain: 'no limits', shed: '20 % 429s', tiers: 'tier emulation' };

function fakeFor(mode: Mode): Promise<FakeSlackApi> {
  if (mode === 'shed') return startFakeSlackApi({ shed: { fraction: 0.2, retryAfter: 1 } });
  if (mode === 'tiers') return startFakeSlackApi({ tiers: true });
  return startFakeSlackApi();
}

/** What a side's run delivered, seen by the fake as the posts were accepted. */
interface Seen {
  posts: number;
  /** Owners posted to (user ids). */
  owners: Set<string>;
  /** performance.now() of the first and the last accepted reminder post (NaN before the first). */
  first: number;
  last: number;
}

/**
 * Counts the reminders posted, by owner (a DM channel `D<user>` or the user id itself), and
 * times the first and last of them, as the fake accepts each call (a 429 is not accepted). Both
 * sides are timed the same way, from their first accepted post to their last: neither pays for
 * its start (the loop's read of the rows, serve's start-up and first claim) nor for the polling
 * that watches it.
 */
function watch(fake: FakeSlackApi): Seen {
  const seen: Seen = { posts: 0, owners: new Set(), first: Number.NaN, last: Number.NaN };
  fake.tap((c) => {
    if (c.method !== 'chat.postMessage') return;
    const ch = String(c.params.channel);
    if (!/^[DU]/.test(ch)) return;
    const now = performance.now();
    if (seen.posts === 0) seen.first = now;
    seen.last = now;
    seen.posts++;
    seen.owners.add(ch.replace(/^D/, ''));
  });
  return seen;
}

/** Reminders per second between the first and the last accepted post. */
function rateOf(seen: Seen): number {
  return seen.owners.size > 1 && seen.last > seen.first ? ((seen.owners.size - 1) / (seen.last - seen.first)) * 1000 : Number.NaN;
}

/** Polls until `n` owners have their message, nothing new came for `idleMs`, or `windowMs` ran out. */
async function until(seen: Seen, n: number, idleMs: number, windowMs: number, t0: number): Promise<{ stalled: boolean }> {
  let last = -1;
  let lastAt = performance.now();
  for (;;) {
    if (seen.posts !== last) {
      last = seen.posts;
      lastAt = performance.now();
    }
    const stalled = performance.now() - lastAt > idleMs;
    if (seen.owners.size >= n || stalled || performance.now() - t0 > windowMs) return { stalled: stalled && seen.owners.size < n };
    await sleep(20);
  }
}

/** Reminders the outbox marked failed (given up on): each is a reminder lost. */
async function failedReminders(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [r] = await sql<{ n: number }[]>`select count(*)::int as n from notifications where kind = 'review.reminder' and status = 'failed'`;
    return r?.n ?? 0;
  } finally {
    await sql.end();
  }
}

/** The baseline: one chat.postMessage per reminder to the owner's user id, four loops in parallel. */
async function plainLoop(url: string, fake: FakeSlackApi, windowMs: number): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const found = await sql<{ user: string; payload: ReviewReminderPayload }[]>`
    select substr(p.platform_id, 7) as user, n.payload
    from notifications n join people p on p.id = (n.recipient->>'person')::int where n.kind = 'review.reminder'`;
  await sql.end();
  // The reminder's sentence, said from its payload (as the shell says it) before the clock starts.
  const rows = found.map((r) => ({ user: r.user, text: reviewReminderText(r.payload, BENCH_POLICY.organization.timezone) }));
  const t0 = performance.now();
  let next = 0;
  const loop = async () => {
    for (let r = rows[next++]; r; r = rows[next++]) await postOne(fake, r, t0, windowMs);
  };
  await Promise.all([loop(), loop(), loop(), loop()]);
}

async function postOne(fake: FakeSlackApi, r: { user: string; text: string }, t0: number, windowMs: number): Promise<void> {
  {
    for (;;) {
      if (performance.now() - t0 > windowMs) return;
      const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer xoxb-test-token' },
        body: JSON.stringify({ channel: r.user, text: r.text }),
      });
      await res.text();
      if (res.status !== 429) break;
      await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
    }
  }
}

async function run(o: BenchOptions): Promise<ScenarioResult> {
  // Enough reminders that the no-limits wave lasts seconds on both sides (300 lasted about half a
  // second, within the timer's and the scheduler's noise).
  const n = Number(process.env.BENCH_DELIVERY_N ?? (o.quick ? 2_000 : 10_000));
  // The runs with 429s and with tier emulation are timed over this window: at most `n` reminders
  // are delivered in it, and what is left is reported (a loop sleeping Retry-After on every fifth
  // call needs about 10 minutes for 10,000).
  const windowMs = (o.quick ? 10 : 60) * 1000;
  const sql = admin();
  const tdb = await createTestDatabase('postgres');
  const name = new URL(tdb.url!).pathname.slice(1);
  await seedSystems(tdb.url!, n, { ownersEach: true });
  await tdb.close();
  const policy = policyFile();
  const rate = new Map<string, number[]>();
  const notes: string[] = [];
  const push = (k: string, v: number) => rate.set(k, [...(rate.get(k) ?? []), v]);
  let duplicates = 0;
  let lost = 0;
  try {
    for (let rep = 0; rep < o.reps; rep++) {
      for (const mode of MODES) {
        const copy = await copyDatabase(sql, name, 'dlv');
        try {
          const job = await runJsonChild<{ ok: boolean; enqueued?: number; error?: string }>(['bench/job-child.ts'], { DATABASE_URL: dbUrl(copy), MODE: 'review-reminders', AT: JOBS_AT });
          if (!job.ok || job.enqueued !== n) throw new Error(`review-reminders wrote ${job.enqueued ?? 0} of ${n} reminders: ${job.error ?? ''}`);
          // Without limits a run may take at most BENCH_DELIVERY_LIMIT_S (quick 120, full 900); what is
          // still undelivered then is reported as not delivered in time, not as lost.
          const limit = mode === 'plain' ? Number(process.env.BENCH_DELIVERY_LIMIT_S ?? (o.quick ? 120 : 900)) * 1000 : windowMs;
          const sides = rep % 2 === 0 ? (['ours', 'plain'] as const) : (['plain', 'ours'] as const);
          for (const side of sides) {
            const fake = await fakeFor(mode);
            try {
              const seen = watch(fake);
              let stalled = false;
              let given = 0;
              if (side === 'ours') {
                // Delivery starts with the process (the dispatcher may start before /readyz answers).
                const t0 = performance.now();
                const serve = await startServe({ port: await freePort(), databaseUrl: dbUrl(copy), apiUrl: fake.apiUrl, policy });
                try {
                  ({ stalled } = await until(seen, n, 20_000, limit, t0));
                } finally {
                  await serve.stop();
                }
                // Rows the outbox gave up on are lost too, whether or not the window ran out.
                given = await failedReminders(dbUrl(copy));
              } else {
                await plainLoop(dbUrl(copy), fake, limit);
              }
              const r = { posts: seen.posts, owners: seen.owners.size, ms: seen.last - seen.first };
              push(`${side}/${mode}`, rateOf(seen));
              const dup = r.posts - r.owners;
              duplicates += side === 'ours' ? dup : 0;
              lost += given;
              if (given) notes.push(`${side} ${LABEL[mode]} rep ${rep + 1}: ${given} reminders failed in the outbox`);
              if (r.owners < n) {
                if (side === 'ours' && stalled) lost += n - r.owners;
                notes.push(`${side} ${LABEL[mode]} rep ${rep + 1}: ${n - r.owners} of ${n} reminders ${stalled ? 'lost (nothing moved for 20 s)' : `not delivered within ${limit / 1000} s`}`);
              }
              if (dup) notes.push(`${side} ${LABEL[mode]} rep ${rep + 1}: ${dup} duplicate posts`);
              if (mode === 'tiers' && rep === 0) {
                const limited = [...fake.tierLimited].map(([m, c]) => `${m} ${c}`).join(', ') || 'none';
                notes.push(`${side} with tier emulation: ${r.owners} of ${n} delivered in ${(r.ms / 1000).toFixed(1)} s (window ${windowMs / 1000} s); 429s: ${limited}`);
              }
            } finally {
              fake.tap(null);
              await fake.close();
            }
          }
        } finally {
          await dropDatabase(sql, copy);
        }
      }
    }
    const rows: Row[] = MODES.map((m) => ({ metric: `reminders/s, ${LABEL[m]}`, unit: '', ours: rate.get(`ours/${m}`) ?? [], baseline: rate.get(`plain/${m}`) ?? [] }));
    const targets: Target[] = [
      { label: 'no limits / plain loop', value: ratio(median(rows[0]!.ours), median(rows[0]!.baseline)), op: '>=', limit: 0.6, unit: '×' },
      { label: 'duplicates', value: duplicates, op: '<=', limit: 0 },
      { label: 'lost', value: lost, op: '<=', limit: 0 },
    ];
    notes.push(`Rates run from each side's first accepted reminder post to its last; 429s and tier emulation are timed over ${windowMs / 1000} s windows.`);
    notes.push(`Tier emulation: chat.postMessage ~1/s per channel (burst 3), conversations.open Tier 3 (50/min, burst 10); one DM per owner.`);
    return { rows, notes, targets };
  } finally {
    await dropDatabase(sql, name);
    await sql.end();
  }
}

export const delivery: Scenario = { name: 'delivery', title: 'outbox delivery of a reminder wave vs a plain posting loop', run };
