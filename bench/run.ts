/**
 * Benchmarks: classifier throughput, and register → approve throughput and latency on embedded
 * Postgres and on the real Postgres (BENCH_DATABASE_URL, default the local test server). Prints
 * figures; asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { classify } from '../flows/triage/classify';
import * as flows from '../flows';
import { createTestDatabase } from '../test/helpers/db';
import { actors } from '../test/helpers/flows';
import { testClock } from '../test/helpers/clock';
import { fieldsFor, highAnswers, minimalAnswers } from '../test/fixtures/answers';

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function benchClassify(): void {
  const n = 100_000;
  const start = performance.now();
  for (let i = 0; i < n; i++) classify(i % 2 ? highAnswers : minimalAnswers);
  const ms = performance.now() - start;
  console.log(`classify: ${n} runs in ${ms.toFixed(0)} ms = ${Math.round((n / ms) * 1000)} per second`);
}

async function benchFlows(kind: 'pglite' | 'postgres', n: number): Promise<void> {
  const database = await createTestDatabase(kind);
  try {
    const { as } = actors(database.db, testClock());
    const [alice, bob, carol, pat] = [await as('alice'), await as('bob'), await as('carol'), await as('pat')];
    const registerMs: number[] = [];
    const decideMs: number[] = [];
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      let t = performance.now();
      const r = await flows.register(alice, { fields: fieldsFor(`Tool ${i}`, 'shell:bob'), answers: highAnswers });
      registerMs.push(performance.now() - t);
      if (r.kind !== 'registered') throw new Error(r.kind);
      for (const [who, step] of [[bob, 0], [carol, 1], [pat, 2]] as const) {
        t = performance.now();
        const d = await flows.decideStep(who, { stepId: r.request.steps[step]!.id, decision: 'approve' });
        decideMs.push(performance.now() - t);
        if (d.kind !== 'recorded') throw new Error(d.message);
      }
    }
    const total = performance.now() - start;
    registerMs.sort((a, b) => a - b);
    decideMs.sort((a, b) => a - b);
    console.log(
      `${kind}: ${n} registrations + ${n * 3} decisions in ${(total / 1000).toFixed(1)} s; ` +
        `register p50 ${pct(registerMs, 50).toFixed(1)} ms p95 ${pct(registerMs, 95).toFixed(1)} ms; ` +
        `decide p50 ${pct(decideMs, 50).toFixed(1)} ms p95 ${pct(decideMs, 95).toFixed(1)} ms`,
    );
    const t = performance.now();
    const v = await flows.verifyAudit(database.db);
    console.log(`${kind}: audit verify of ${v.ok ? v.events : '?'} events in ${(performance.now() - t).toFixed(0)} ms`);
  } finally {
    await database.destroy();
  }
}

benchClassify();
await benchFlows('pglite', Number(process.env.BENCH_N ?? 200));
await benchFlows('postgres', Number(process.env.BENCH_N ?? 200));
const mem = process.memoryUsage();
console.log(`memory: rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`);
