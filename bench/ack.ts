/**
 * `ack`: signed `/aims check <tool>` slash commands against `aimsbot serve` (Postgres) and a bare
 * Bolt app that acks and posts one `response_url` reply, both child processes behind the same
 * fake Slack. Two loads per repetition:
 * - 200 req/s for a while: ack p50/p99 (HTTP response time) and end-to-end p99 (until the
 *   `response_url` POST arrives at the sink);
 * - an open burst (no rate limit): the ack rate, the rate at which replies complete while it
 *   lasts (the maximum sustainable rate), the backlog (last reply after the burst ended) and
 *   the peak RSS.
 */
import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import * as flows from '../flows';
import { parsePolicy } from '../flows/policy';
import { createTestDatabase } from '../test/helpers/db';
import { startFakeSlackApi } from '../test/helpers/fake-slack-api';
import { signatureHeaders, slashCommand, SIGNING_SECRET } from '../test/helpers/slack-requests';
import { TEST_POLICY, USERS } from '../test/helpers/slack-server';
import { fieldsFor, minimalAnswers } from '../test/fixtures/answers';
import type { BenchOptions, Child, Scenario, ScenarioResult } from './lib';
import { freePort, memoryOf, policyFile, sleep, spawnHttp, startServe, startSink } from './lib';
import { median, percentile, ratio } from './stats';

interface Load {
  ackP50: number;
  ackP99: number;
  e2eP99: number;
  sent: number;
  answered: number;
}

interface Burst {
  ackRate: number;
  doneRate: number;
  backlogS: number;
  peakMiB: number;
  non2xx: number;
}

let seq = 0;

/** Drives signed slash commands; each has its own response URL on the sink. */
async function drive(target: string, sinkBase: string, tag: string, opts: { seconds: number; rate?: number; connections: number }) {
  const sent = new Map<string, number>();
  const acks: number[] = [];
  let finish: (r: autocannon.Result) => void = () => {};
  let fail: (e: unknown) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => ((finish = resolve), (fail = reject)));
  const instance = autocannon(
    {
    url: target,
    duration: opts.seconds,
    connections: opts.connections,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    requests: [
      {
        method: 'POST',
        path: '/slack/events',
        setupRequest: (req) => {
          const path = `/r/${tag}-${++seq}`;
          const cmd = slashCommand({ text: `check Bench Tool ${seq % 20}`, user: USERS.alice.id, responseUrl: `${sinkBase}${path}` });
          sent.set(path, performance.now());
          return { ...req, body: cmd.body, headers: { 'content-type': cmd.contentType, ...signatureHeaders(cmd.body) } };
        },
      },
    ],
    },
    (err, r) => (err ? fail(err) : finish(r)),
  );
  instance.on('response', (_c: unknown, _status: number, _bytes: number, ms: number) => acks.push(ms));
  const result = await done;
  return { sent, acks, result, endedAt: performance.now() };
}

/** Waits until every sent request has its reply, or nothing arrived for `idleMs`. */
async function awaitReplies(sent: Map<string, number>, arrivals: Map<string, number>, idleMs: number, maxMs: number): Promise<number> {
  const until = performance.now() + maxMs;
  let last = -1;
  let lastChange = performance.now();
  for (;;) {
    let got = 0;
    for (const k of sent.keys()) if (arrivals.has(k)) got++;
    if (got === sent.size) return got;
    if (got !== last) {
      last = got;
      lastChange = performance.now();
    }
    if (performance.now() - lastChange > idleMs || performance.now() > until) return got;
    await sleep(50);
  }
}

async function measure(child: Child, sink: Awaited<ReturnType<typeof startSink>>, tag: string, o: BenchOptions): Promise<{ load: Load; burst: Burst }> {
  // Warm up (JIT, connections, caches).
  const warm = await drive(child.url, sink.base, `${tag}-w`, { seconds: 1, rate: 100, connections: 10 });
  await awaitReplies(warm.sent, sink.arrivals, 5_000, 30_000);

  const l = await drive(child.url, sink.base, `${tag}-l`, { seconds: o.quick ? 4 : 10, rate: 200, connections: 20 });
  const answered = await awaitReplies(l.sent, sink.arrivals, 5_000, 60_000);
  const e2e = [...l.sent].map(([k, t]) => (sink.arrivals.get(k) ?? Number.POSITIVE_INFINITY) - t);
  const load: Load = { ackP50: percentile(l.acks, 50), ackP99: percentile(l.acks, 99), e2eP99: percentile(e2e, 99), sent: l.sent.size, answered };

  const seconds = o.quick ? 3 : 10;
  const b = await drive(child.url, sink.base, `${tag}-b`, { seconds, connections: 32 });
  let doneInWindow = 0;
  for (const k of b.sent.keys()) if ((sink.arrivals.get(k) ?? Number.POSITIVE_INFINITY) <= b.endedAt) doneInWindow++;
  await awaitReplies(b.sent, sink.arrivals, 10_000, o.quick ? 60_000 : 180_000);
  let lastArrival = b.endedAt;
  for (const k of b.sent.keys()) lastArrival = Math.max(lastArrival, sink.arrivals.get(k) ?? lastArrival);
  const burst: Burst = {
    ackRate: b.result.requests.total / seconds,
    doneRate: doneInWindow / seconds,
    backlogS: (lastArrival - b.endedAt) / 1000,
    peakMiB: memoryOf(child.proc.pid!).peakMiB,
    non2xx: b.result.non2xx,
  };
  return { load, burst };
}

async function run(o: BenchOptions): Promise<ScenarioResult> {
  const fake = await startFakeSlackApi({ users: Object.values(USERS) });
  const sink = await startSink();
  const tdb = await createTestDatabase('postgres');
  const notes: string[] = [];
  try {
    // Twenty registered tools for `check` to find.
    const deps = { db: tdb.db, policy: parsePolicy(TEST_POLICY), clock: { now: () => new Date() } };
    const ctx = await flows.flowContext(deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${USERS.alice.id}` });
    for (let i = 0; i < 20; i++) {
      const r = await flows.register(ctx, { fields: fieldsFor(`Bench Tool ${i}`, `slack:${USERS.alice.id}`), answers: minimalAnswers });
      if (r.kind !== 'registered') throw new Error(`seed: ${r.kind}`);
    }
    await tdb.close();
    const policy = policyFile();
    const ours: Array<{ load: Load; burst: Burst }> = [];
    const base: Array<{ load: Load; burst: Burst }> = [];
    for (let rep = 0; rep < o.reps; rep++) {
      const order = rep % 2 === 0 ? (['aimsbot', 'bolt'] as const) : (['bolt', 'aimsbot'] as const);
      for (const who of order) {
        const port = await freePort();
        const child =
          who === 'aimsbot'
            ? await startServe({ port, databaseUrl: tdb.url!, apiUrl: fake.apiUrl, policy })
            : await spawnHttp(['bench/baseline-bolt.ts'], { ...process.env, PORT: String(port), SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl }, port, '/readyz');
        try {
          const m = await measure(child, sink, `${who}${rep}`, o);
          (who === 'aimsbot' ? ours : base).push(m);
          if (m.load.answered < m.load.sent) notes.push(`${who} rep ${rep + 1}: ${m.load.sent - m.load.answered} of ${m.load.sent} commands at 200 req/s never got a reply`);
          if (m.burst.non2xx) notes.push(`${who} rep ${rep + 1}: ${m.burst.non2xx} non-2xx answers during the burst`);
        } finally {
          await child.stop();
        }
        sink.arrivals.clear();
      }
    }
    const col = (xs: typeof ours, f: (m: { load: Load; burst: Burst }) => number) => xs.map(f);
    const rows = [
      { metric: 'ack p50 at 200 req/s', unit: ' ms', ours: col(ours, (m) => m.load.ackP50), baseline: col(base, (m) => m.load.ackP50) },
      { metric: 'ack p99 at 200 req/s', unit: ' ms', ours: col(ours, (m) => m.load.ackP99), baseline: col(base, (m) => m.load.ackP99) },
      { metric: 'end-to-end p99 at 200 req/s', unit: ' ms', ours: col(ours, (m) => m.load.e2eP99), baseline: col(base, (m) => m.load.e2eP99) },
      { metric: 'burst: acks/s', unit: '', ours: col(ours, (m) => m.burst.ackRate), baseline: col(base, (m) => m.burst.ackRate) },
      { metric: 'burst: replies/s (max sustainable)', unit: '', ours: col(ours, (m) => m.burst.doneRate), baseline: col(base, (m) => m.burst.doneRate) },
      { metric: 'burst: last reply after burst', unit: ' s', ours: col(ours, (m) => m.burst.backlogS), baseline: col(base, (m) => m.burst.backlogS) },
      { metric: 'burst: peak RSS', unit: ' MiB', ours: col(ours, (m) => m.burst.peakMiB), baseline: col(base, (m) => m.burst.peakMiB) },
    ];
    const med = (i: number, side: 'ours' | 'baseline') => median(rows[i]![side]);
    return {
      rows,
      notes,
      targets: [
        { label: 'ack p99 / bare Bolt', value: ratio(med(1, 'ours'), med(1, 'baseline')), op: '<=', limit: 1.5, unit: '×' },
        { label: 'e2e p99 / bare Bolt', value: ratio(med(2, 'ours'), med(2, 'baseline')), op: '<=', limit: 3, unit: '×' },
        { label: 'e2e p99', value: med(2, 'ours'), op: '<=', limit: 150, unit: ' ms' },
        { label: 'sustainable rate / bare Bolt', value: ratio(med(4, 'ours'), med(4, 'baseline')), op: '>=', limit: 0.7, unit: '×' },
        { label: 'burst peak RSS', value: med(6, 'ours'), op: '<=', limit: 400, unit: ' MiB' },
      ],
    };
  } finally {
    await sink.close();
    await fake.close();
    await tdb.destroy().catch(() => undefined);
  }
}

export const ack: Scenario = { name: 'ack', title: 'signed slash commands: aimsbot serve vs a bare Bolt app', run };
