/**
 * `delivery`: the review-reminders job writes one reminder per owner (10,000; quick 1,000) to the
 * outbox, then `aimsbot serve` delivers them to the fake Slack — as it is, with 20 % of calls
 * answered 429 (Retry-After 1 s), and with Slack's rate-limit tiers emulated — against a plain
 * loop (four in flight) that posts the same reminders straight to each owner's user id, honouring
 * Retry-After.
 * Every owner must get exactly one message: duplicates and lost ones are counted.
 */
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { createTestDatabase } from '../test/helpers/db';
import type { FakeSlackApi } from '../test/helpers/fake-slack-api';
import { startFakeSlackApi } from '../test/helpers/fake-slack-api';
import type { BenchOptions, Scenario, ScenarioResult } from './lib';
import { admin, copyDatabase, dbUrl, dropDatabase, freePort, policyFile, runJsonChild, sleep, startServe } from './lib';
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

/**
 * Reminders posted, by owner (a DM channel `D<user>` or the user id itself). Counted as the calls
 * come in (each call looked at once), so the polling that watches aimsbot's wave does not grow
 * with it and take CPU the baseline's run does not pay.
 */
function tally(fake: FakeSlackApi): () => { posts: number; owners: number } {
  const owners = new Set<string>();
  let posts = 0;
  let seen = 0;
  return () => {
    for (; seen < fake.calls.length; seen++) {
      const c = fake.calls[seen]!;
      if (c.method !== 'chat.postMessage') continue;
      const ch = String(c.params.channel);
      if (!/^[DU]/.test(ch)) continue;
      posts++;
      owners.add(ch.replace(/^D/, ''));
    }
    return { posts, owners: owners.size };
  };
}

/** Polls until `n` owners have their message, nothing new came for `idleMs`, or `windowMs` ran out. */
async function until(fake: FakeSlackApi, n: number, idleMs: number, windowMs: number, t0: number): Promise<{ ms: number; posts: number; owners: number; stalled: boolean }> {
  let last = -1;
  let lastAt = performance.now();
  let lastPostAt = t0;
  const delivered = tally(fake);
  for (;;) {
    const d = delivered();
    if (d.posts !== last) {
      last = d.posts;
      lastAt = performance.now();
      lastPostAt = lastAt;
    }
    const stalled = performance.now() - lastAt > idleMs;
    if (d.owners >= n || stalled || performance.now() - t0 > windowMs) return { ms: lastPostAt - t0, ...d, stalled: stalled && d.owners < n };
    await sleep(50);
  }
}

/** The baseline: one chat.postMessage per reminder to the owner's user id, four loops in parallel. */
async function plainLoop(url: string, fake: FakeSlackApi, windowMs: number): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const rows = await sql<{ user: string; text: string }[]>`
    select substr(p.platform_id, 7) as user, n.payload->>'text' as text
    from notifications n join people p on p.id = (n.recipient->>'person')::int where n.kind = 'review.reminder'`;
  await sql.end();
  const t0 = performance.now();
  let next = 0;
  const loop = async () => {
    for (let r = rows[next++]; r; r = rows[next++]) await postOne(fake, r, t0, windowMs);
  };
  await Promise.all([loop(), loop(), loop(), loop()]);
  return performance.now() - t0;
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
  const n = o.quick ? 300 : 10_000;
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
          // Without tiers a run may take at most BENCH_DELIVERY_LIMIT_S (quick 120, full 900); what is
          // still undelivered then is reported as not delivered in time, not as lost.
          const limit = mode === 'tiers' ? windowMs : Number(process.env.BENCH_DELIVERY_LIMIT_S ?? (o.quick ? 120 : 900)) * 1000;
          const sides = rep % 2 === 0 ? (['ours', 'plain'] as const) : (['plain', 'ours'] as const);
          for (const side of sides) {
            const fake = await fakeFor(mode);
            try {
              let r: { ms: number; posts: number; owners: number; stalled: boolean };
              if (side === 'ours') {
                const serve = await startServe({ port: await freePort(), databaseUrl: dbUrl(copy), apiUrl: fake.apiUrl, policy });
                try {
                  // Delivery starts with the process; time it from ready (the dispatcher may start a little earlier).
                  r = await until(fake, n, 20_000, limit, performance.now());
                } finally {
                  await serve.stop();
                }
              } else {
                const ms = await plainLoop(dbUrl(copy), fake, limit);
                r = { ms, ...tally(fake)(), stalled: false };
              }
              push(`${side}/${mode}`, (r.owners / r.ms) * 1000);
              const dup = r.posts - r.owners;
              duplicates += side === 'ours' ? dup : 0;
              if (mode !== 'tiers' && r.owners < n) {
                if (side === 'ours' && r.stalled) lost += n - r.owners;
                notes.push(`${side} ${LABEL[mode]} rep ${rep + 1}: ${n - r.owners} of ${n} reminders ${r.stalled ? 'lost (nothing moved for 20 s)' : `not delivered within ${limit / 1000} s`}`);
              }
              if (dup) notes.push(`${side} ${LABEL[mode]} rep ${rep + 1}: ${dup} duplicate posts`);
              if (mode === 'tiers' && rep === 0) {
                const limited = [...fake.tierLimited].map(([m, c]) => `${m} ${c}`).join(', ') || 'none';
                notes.push(`${side} with tier emulation: ${r.owners} of ${n} delivered in ${(r.ms / 1000).toFixed(1)} s (window ${windowMs / 1000} s); 429s: ${limited}`);
              }
            } finally {
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
      { label: 'lost (no limits, 429s)', value: lost, op: '<=', limit: 0 },
    ];
    notes.push(`Tier emulation: chat.postMessage ~1/s per channel (burst 3), conversations.open Tier 3 (50/min, burst 10); one DM per owner.`);
    return { rows, notes, targets };
  } finally {
    await dropDatabase(sql, name);
    await sql.end();
  }
}

export const delivery: Scenario = { name: 'delivery', title: 'outbox delivery of a reminder wave vs a plain posting loop', run };
