/**
 * `footprint`: start-up (spawn to the first 200 of `/readyz`) and idle RSS of `aimsbot serve` on
 * Postgres, on embedded PGlite in a new directory (first start, with its peak RSS) and on the
 * same directory again, against a bare Bolt app (spawn to its first 200, idle RSS).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { whyStale } from '../bin/dist.js';
import { migrationsFolder } from '../db/client';
import { DEFAULT_TEMPLATE_CACHE, templatePath } from '../db/embedded-template';
import { createTestDatabase } from '../test/helpers/db';
import { startFakeSlackApi } from '../test/helpers/fake-slack-api';
import { SIGNING_SECRET } from '../test/helpers/slack-requests';
import type { BenchOptions, Child, Scenario, ScenarioResult } from './lib';
import { compiledBaseline, freePort, memoryOf, policyFile, sleep, spawnHttp, startServe } from './lib';
import type { Row } from './stats';
import { median } from './stats';

const IDLE_MS = 2_000;

/** User + system CPU time a process has used (ms), from /proc: unlike wall time, it hardly moves
 * when other work shares the machine. */
function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

interface Sample {
  startMs: number;
  cpuMs: number;
  idleMiB: number;
  peakMiB: number;
}

async function measure(start: () => Promise<Child>): Promise<Sample> {
  const child = await start();
  try {
    const cpuMs = cpuMsOf(child.proc.pid!);
    const peakAtReady = memoryOf(child.proc.pid!).peakMiB;
    await sleep(IDLE_MS);
    return { startMs: child.startMs, cpuMs, idleMiB: memoryOf(child.proc.pid!).rssMiB, peakMiB: peakAtReady };
  } finally {
    await child.stop();
  }
}

async function run(o: BenchOptions): Promise<ScenarioResult> {
  const fake = await startFakeSlackApi();
  const tdb = await createTestDatabase('postgres');
  await tdb.close();
  const policy = policyFile();
  const baseline = await compiledBaseline();
  const m: Record<string, Sample[]> = { pg: [], first: [], again: [], bolt: [] };
  // A new data directory is copied from the migrated template when one is cached (made at
  // install time, or by the first start that finds none); say which case was measured.
  const templateCached = existsSync(templatePath(DEFAULT_TEMPLATE_CACHE, migrationsFolder));
  try {
    for (let rep = 0; rep < o.reps; rep++) {
      const dir = mkdtempSync(join(tmpdir(), 'aims-bench-data-'));
      try {
        const bolt = async () => {
          const port = await freePort();
          return spawnHttp(baseline, { ...process.env, PORT: String(port), SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl }, port, '/readyz', 60_000, []);
        };
        const serve = async (where: { databaseUrl?: string; dataDir?: string }) => startServe({ port: await freePort(), apiUrl: fake.apiUrl, policy, ...where });
        if (rep % 2 === 1) m.bolt!.push(await measure(bolt));
        m.pg!.push(await measure(() => serve({ databaseUrl: tdb.url! })));
        m.first!.push(await measure(() => serve({ dataDir: dir })));
        m.again!.push(await measure(() => serve({ dataDir: dir })));
        if (rep % 2 === 0) m.bolt!.push(await measure(bolt));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await fake.close();
    await tdb.destroy().catch(() => undefined);
  }
  const bolt = m.bolt!;
  const rows: Row[] = [
    { metric: 'start-up to ready, Postgres', unit: ' ms', ours: m.pg!.map((x) => x.startMs), baseline: bolt.map((x) => x.startMs) },
    { metric: 'start-up to ready, PGlite first start', unit: ' ms', ours: m.first!.map((x) => x.startMs), baseline: bolt.map((x) => x.startMs) },
    { metric: 'start-up to ready, PGlite existing dir', unit: ' ms', ours: m.again!.map((x) => x.startMs), baseline: bolt.map((x) => x.startMs) },
    { metric: 'CPU time to ready, Postgres', unit: ' ms', ours: m.pg!.map((x) => x.cpuMs), baseline: bolt.map((x) => x.cpuMs) },
    { metric: 'CPU time to ready, PGlite first start', unit: ' ms', ours: m.first!.map((x) => x.cpuMs), baseline: bolt.map((x) => x.cpuMs) },
    { metric: 'CPU time to ready, PGlite existing dir', unit: ' ms', ours: m.again!.map((x) => x.cpuMs), baseline: bolt.map((x) => x.cpuMs) },
    { metric: 'idle RSS, Postgres', unit: ' MiB', ours: m.pg!.map((x) => x.idleMiB), baseline: bolt.map((x) => x.idleMiB) },
    { metric: 'idle RSS, PGlite', unit: ' MiB', ours: m.again!.map((x) => x.idleMiB), baseline: bolt.map((x) => x.idleMiB) },
    { metric: 'peak RSS, PGlite first start', unit: ' MiB', ours: m.first!.map((x) => x.peakMiB), baseline: bolt.map((x) => x.peakMiB) },
  ];
  const med = (metric: string) => median(rows.find((r) => r.metric === metric)!.ours);
  return {
    rows,
    notes: [
      whyStale() === null
        ? 'Both sides start compiled: aimsbot through bin/aimsbot.js and dist/ (bin/build.js, its packages bundled), the baseline (the same bare Bolt app as in `ack`) compiled with esbuild beforehand but loading its packages from node_modules.'
        : `aimsbot started through tsx, compiling at start (dist/ is stale: ${whyStale()}); the baseline is compiled.`,
      'CPU time counts every thread of the process (V8 compiling WebAssembly, the garbage collector), so it can exceed the wall time on an idle machine; unlike wall time it hardly moves when other work shares the machine.',
      templateCached
        ? 'PGlite first start: the embedded template was cached (npm install makes it), so the new directory was copied from it.'
        : 'PGlite first start: no embedded template was cached, so the first repetition made it (the others copied it).',
    ],
    targets: [
      { label: 'idle RSS (Postgres)', value: med('idle RSS, Postgres'), op: '<=', limit: 150, unit: ' MiB' },
      { label: 'start-up on Postgres', value: med('start-up to ready, Postgres'), op: '<=', limit: 1000, unit: ' ms' },
      { label: 'PGlite first start', value: med('start-up to ready, PGlite first start'), op: '<=', limit: 1500, unit: ' ms' },
      { label: 'PGlite first start peak RSS', value: med('peak RSS, PGlite first start'), op: '<=', limit: 300, unit: ' MiB' },
    ],
  };
}

export const footprint: Scenario = { name: 'footprint', title: 'start-up and idle memory of serve vs a bare Bolt app', run };
