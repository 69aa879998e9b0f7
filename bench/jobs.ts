/**
 * `jobs`: review-reminders and weekly-digest over 1k / 10k / 100k bulk-seeded systems (quick:
 * 1k / 10k), each run in its own process on its own copy of the seeded database, against the
 * plain SQL selecting the same rows (also in its own process), each side after a checkpoint.
 * Work time, growth from one size to the next, peak RSS. A job that fails, or runs past
 * BENCH_JOB_TIMEOUT_S (quick 20, full 120), is reported as failed, with its error.
 */
import { createTestDatabase } from '../test/helpers/db';
import type { BenchOptions, Scenario, ScenarioResult } from './lib';
import { admin, copyDatabase, dbUrl, dropDatabase, runJsonChild, TimeoutError } from './lib';
import { JOBS_AT, seedSystems } from './seed';
import type { Row, Target } from './stats';
import { fmt, median, ratio } from './stats';

interface ChildResult {
  ok: boolean;
  ms?: number;
  peakMiB: number;
  enqueued?: number;
  rows?: number;
  error?: string;
}

const JOBS = [
  { name: 'review-reminders', bare: 'bare-review' },
  { name: 'weekly-digest', bare: 'bare-digest' },
] as const;

async function run(o: BenchOptions): Promise<ScenarioResult> {
  const sizes = o.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
  // A run that takes longer is stopped and reported as failed (it is far past the 2 s target).
  const limitS = Number(process.env.BENCH_JOB_TIMEOUT_S ?? (o.quick ? 20 : 120));
  const sql = admin();
  const rows: Row[] = [];
  const notes: string[] = [];
  const work = new Map<string, number[]>(); // `${job}@${n}` → ms (NaN when failed)
  const bareWork = new Map<string, number[]>();
  const peak = new Map<string, number[]>();
  try {
    for (const n of sizes) {
      const tdb = await createTestDatabase('postgres');
      const name = new URL(tdb.url!).pathname.slice(1);
      const t0 = Date.now();
      await seedSystems(tdb.url!, n, { ownersEach: false });
      await tdb.close();
      notes.push(`seeded ${n.toLocaleString('en')} systems in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      try {
        for (let rep = 0; rep < o.reps; rep++) {
          for (const job of JOBS) {
            const copy = await copyDatabase(sql, name, 'job');
            try {
              const sides = rep % 2 === 0 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const);
              for (const side of sides) {
                const mode = side === 'ours' ? job.name : job.bare;
                // Each side starts with no dirty pages to write out: neither pays for the copy's, nor for the other side's.
                await sql.unsafe('checkpoint');
                const r = await runJsonChild<ChildResult>(['bench/job-child.ts'], { DATABASE_URL: dbUrl(copy), MODE: mode, AT: JOBS_AT }, limitS * 1000).catch(
                  (err: Error): ChildResult => ({
                    ok: false,
                    error: err instanceof TimeoutError ? err.message : `no result: ${err.message.slice(0, 200)}`,
                    peakMiB: Number.NaN,
                  }),
                );
                const key = `${job.name}@${n}`;
                const into = side === 'ours' ? work : bareWork;
                into.set(key, [...(into.get(key) ?? []), r.ok ? r.ms! : Number.NaN]);
                if (side === 'ours') peak.set(key, [...(peak.get(key) ?? []), r.peakMiB]);
                else peak.set(`${key}/bare`, [...(peak.get(`${key}/bare`) ?? []), r.peakMiB]);
                if (!r.ok) notes.push(`${mode} at ${n.toLocaleString('en')} FAILED (rep ${rep + 1}): ${r.error}`);
                else if (side === 'ours' && rep === 0) notes.push(`${mode} at ${n.toLocaleString('en')}: ${r.enqueued} notifications written`);
                else if (side === 'bare' && rep === 0) notes.push(`${mode} at ${n.toLocaleString('en')}: ${r.rows} rows`);
              }
            } finally {
              await dropDatabase(sql, copy);
            }
          }
        }
      } finally {
        await dropDatabase(sql, name);
      }
    }
    for (const job of JOBS) {
      for (const n of sizes) {
        const key = `${job.name}@${n}`;
        rows.push({ metric: `${job.name} work @${n / 1000}k`, unit: ' ms', ours: work.get(key) ?? [], baseline: bareWork.get(key) ?? [] });
        rows.push({ metric: `${job.name} peak RSS @${n / 1000}k`, unit: ' MiB', ours: peak.get(key) ?? [], baseline: peak.get(`${key}/bare`) ?? [] });
      }
    }
    const big = sizes.at(-1)!;
    const prev = sizes.at(-2)!;
    const targets: Target[] = [];
    for (const job of JOBS) {
      const w = median(work.get(`${job.name}@${big}`) ?? []);
      const failed = (work.get(`${job.name}@${big}`) ?? []).some((v) => Number.isNaN(v));
      const ms = failed ? Number.NaN : w;
      const growth = ratio(ms, median(work.get(`${job.name}@${prev}`) ?? []));
      notes.push(`${job.name} growth ${prev / 1000}k → ${big / 1000}k: ${fmt(growth)}× (bare SQL ${fmt(ratio(median(bareWork.get(`${job.name}@${big}`) ?? []), median(bareWork.get(`${job.name}@${prev}`) ?? [])))}×)`);
      targets.push(
        { label: `${job.name} @${big / 1000}k work`, value: ms / 1000, op: '<=', limit: 2, unit: ' s' },
        { label: `${job.name} @${big / 1000}k / bare SQL`, value: ratio(ms, median(bareWork.get(`${job.name}@${big}`) ?? [])), op: '<=', limit: 10, unit: '×' },
        { label: `${job.name} growth ${prev / 1000}k→${big / 1000}k`, value: growth, op: '<=', limit: 10, unit: '×' },
        { label: `${job.name} @${big / 1000}k peak RSS`, value: failed ? Number.NaN : median(peak.get(`${job.name}@${big}`) ?? []), op: '<=', limit: 300, unit: ' MiB' },
      );
    }
    return { rows, notes, targets };
  } finally {
    await sql.end();
  }
}

export const jobs: Scenario = { name: 'jobs', title: 'scheduled jobs over bulk-seeded systems vs the plain SQL of the same rows', run };
