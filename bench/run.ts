/**
 * `npm run bench [-- <scenario> …] [-- --quick]`: the side-by-side benchmark. Each scenario runs
 * aimsbot and its baseline in the same run, interleaved, `BENCH_REPS` (3) times, and prints the
 * median, the spread and the ratio of each figure, then a one-line verdict against the targets
 * of issue 12. Pick scenarios by argument or with `BENCH=ack,flows`; `--quick` (or
 * `BENCH_QUICK=1`) uses small sizes and short loads.
 */
import { cpus } from 'node:os';
import { build } from '../bin/build.js';
import { whyStale } from '../bin/dist.js';
import { ack } from './ack';
import { delivery } from './delivery';
import { flows } from './flows';
import { footprint } from './footprint';
import { jobs } from './jobs';
import type { Scenario } from './lib';
import { table, verdict } from './stats';

const SCENARIOS: Scenario[] = [ack, flows, jobs, delivery, footprint];

const args = process.argv.slice(2);
const quick = args.includes('--quick') || process.env.BENCH_QUICK === '1';
const named = [...args.filter((a) => !a.startsWith('--')), ...(process.env.BENCH ?? '').split(',')].map((s) => s.trim()).filter(Boolean);
const unknown = named.filter((n) => !SCENARIOS.some((s) => s.name === n));
if (unknown.length > 0) {
  console.error(`unknown scenario ${unknown.map((u) => `"${u}"`).join(', ')}; choose from ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const chosen = named.length ? SCENARIOS.filter((s) => named.includes(s.name)) : SCENARIOS;
const reps = Number(process.env.BENCH_REPS ?? 3);
if (!Number.isInteger(reps) || reps < 1) {
  console.error(`BENCH_REPS must be a whole number of at least 1, not "${process.env.BENCH_REPS}"`);
  process.exit(2);
}

console.log(
  `aimsbot bench ${quick ? '(quick)' : '(full)'} — ${new Date().toISOString()}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, ${reps} interleaved repetitions`,
);
// `serve` runs compiled, as installed (bin/aimsbot.js): build first when a source changed.
const stale = whyStale();
if (stale) {
  const b = await build();
  console.log(`built dist/ first (${stale}): ${b.sources} sources in ${b.ms} ms`);
}
const verdicts: string[] = [];
let failed = false;
for (const s of chosen) {
  console.log(`\n## ${s.name}: ${s.title}`);
  const t0 = Date.now();
  try {
    const r = await s.run({ quick, reps });
    console.log(table(r.rows));
    for (const n of r.notes) console.log(`note: ${n}`);
    const v = verdict(s.name, r.targets);
    verdicts.push(v);
    console.log(v);
  } catch (err) {
    failed = true;
    const line = `verdict ${s.name}: FAILED — ${(err as Error).message.split('\n')[0]}`;
    verdicts.push(line);
    console.log(line);
    console.error(err);
  }
  console.log(`(${s.name} took ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}
console.log(`\n${verdicts.join('\n')}`);
process.exit(failed ? 1 : 0);
