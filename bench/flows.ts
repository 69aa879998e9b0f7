/**
 * `flows`: complete flows — `/aims register`, the modal pages, then owner, compliance and privacy
 * each click Approve on their step in the approvals thread — through signed Slack HTTP requests
 * to `aimsbot serve` on a fresh Postgres database, at concurrency 1, 4 and 16; against the same
 * writes done directly with postgres.js (flows-floor.ts). Afterwards every flow must have left
 * exactly its records: one approved system, one assessment, one approved request with three
 * approved steps, one open review.
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { createTestDatabase } from '../test/helpers/db';
import type { FakeMessage, FakeSlackApi } from '../test/helpers/fake-slack-api';
import { startFakeSlackApi } from '../test/helpers/fake-slack-api';
import type { SlackBody } from '../test/helpers/slack-requests';
import { blockAction, fillView, signatureHeaders, slashCommand, viewSubmission } from '../test/helpers/slack-requests';
import { USERS } from '../test/helpers/slack-server';
import { fieldsFor, highAnswers } from '../test/fixtures/answers';
import { floorFlow } from './flows-floor';
import type { BenchOptions, Scenario, ScenarioResult } from './lib';
import { freePort, policyFile, sleep, startServe } from './lib';
import type { Row, Target } from './stats';
import { median, percentile, ratio } from './stats';

type View = { callback_id: string; private_metadata: string; blocks: unknown[] };
const APPROVERS: Record<string, string> = { '<@U0BOB>': USERS.bob.id, '<@U0COMP>': USERS.carol.id, '<@U0DPO>': USERS.dpo.id };

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, every = 10, ms = 60_000): Promise<T> {
  const until = performance.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (performance.now() > until) throw new Error(`no ${what} within ${ms / 1000} s`);
    await sleep(every);
  }
}

/**
 * The approvals channel as the flows see it: each message is looked at once, as it arrives, so
 * that sixteen flows polling for their threads do not each re-read the whole channel every few
 * milliseconds (CPU that the floor's run does not spend). Messages are the fake's own objects, so
 * a step's buttons are read as they are now.
 */
interface ThreadIndex {
  parentNamed(name: string): FakeMessage | undefined;
  repliesTo(ts: string): FakeMessage[];
}

function threadIndex(fake: FakeSlackApi, channel: string): ThreadIndex {
  let seen = 0;
  const parents: { json: string; m: FakeMessage }[] = [];
  const replies = new Map<string, FakeMessage[]>();
  const refresh = () => {
    for (const m of fake.messagesSince(channel, seen)) {
      seen++;
      if (!m.thread_ts || m.thread_ts === m.ts) parents.push({ json: JSON.stringify(m.blocks ?? m.text), m });
      else replies.set(m.thread_ts, [...(replies.get(m.thread_ts) ?? []), m]);
    }
  };
  return {
    parentNamed: (name) => {
      refresh();
      return parents.findLast((p) => p.json.includes(name))?.m;
    },
    repliesTo: (ts) => {
      refresh();
      return replies.get(ts) ?? [];
    },
  };
}

const indexes = new WeakMap<FakeSlackApi, ThreadIndex>();

// Slack's side of the flow costs as little CPU as it can on the two cores serve and Postgres
// share: requests go over kept-alive connections through node:http rather than fetch.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url: string, headers: Record<string, string>, body: string, retried = false): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    // A kept-alive connection the server closed as it was reused: sent again once on a new one
    // (a request that did arrive would be refused as a replay, and the flow fail, not pass twice).
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!retried && req.reusedSocket && err.code === 'ECONNRESET') post(url, headers, body, true).then(resolve, reject);
      else reject(err);
    });
    req.end(body);
  });
}

/** One flow through Slack; resolves with its duration once the system is approved. */
export async function slackFlow(url: string, fake: FakeSlackApi, sql: postgres.Sql, name: string, phases?: Map<string, number[]>): Promise<number> {
  let thread = indexes.get(fake);
  if (!thread) indexes.set(fake, (thread = threadIndex(fake, 'C0APPROVALS')));
  const t0 = performance.now();
  let tLast = t0;
  const mark = (phase: string) => {
    const now = performance.now();
    phases?.set(phase, [...(phases.get(phase) ?? []), now - tLast]);
    tLast = now;
  };
  const send = async (b: SlackBody) => {
    const res = await post(`${url}/slack/events`, { 'content-type': b.contentType, ...signatureHeaders(b.body) }, b.body);
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.text.slice(0, 200)}`);
    return res.text ? (JSON.parse(res.text) as Record<string, unknown>) : {};
  };
  const trigger = `trg-${randomBytes(6).toString('hex')}`;
  const alice = USERS.alice.id;
  await send(slashCommand({ text: 'register', user: alice, responseUrl: `${fake.responseBase}/${trigger}`, triggerId: trigger }));
  mark('command');
  let view = await waitFor('modal', () => fake.calls.findLast((c) => c.method === 'views.open' && c.params.trigger_id === trigger)?.params.view as View | undefined);
  mark('modal open');
  const answers = { ...fieldsFor(name, `slack:${USERS.bob.id}`), ...highAnswers };
  for (let page = 0; ; page++) {
    if (page > 10) throw new Error('the form did not end');
    const r = await send(viewSubmission({ user: alice, callbackId: view.callback_id, privateMetadata: view.private_metadata, values: fillView(view, answers), blocks: view.blocks }));
    if (r.response_action === 'errors') throw new Error(`form errors: ${JSON.stringify(r.errors)}`);
    if (r.response_action !== 'update') break;
    view = r.view as View;
    if (view.callback_id !== 'aims.form') break;
    mark('form page');
  }
  mark('last page (registration)');
  // The approvals thread: the parent names the tool; each step reply carries its Approve button.
  const parent = await waitFor('approval thread', () => thread.parentNamed(name));
  mark('thread parent posted');
  const steps = await waitFor('three step messages', () => {
    const s = thread.repliesTo(parent.ts).filter((m) => JSON.stringify(m.blocks ?? '').includes('approval.approve'));
    return s.length >= 3 ? s : undefined;
  });
  mark('step cards posted');
  for (const step of steps) {
    const json = JSON.stringify(step.blocks);
    const who = Object.entries(APPROVERS).find(([mention]) => json.includes(mention))?.[1];
    if (!who) throw new Error('a step names no known approver');
    await send(blockAction({ actionId: 'approval.approve', value: approveValue(step), user: who, channel: 'C0APPROVALS', messageTs: step.ts, threadTs: parent.ts, responseUrl: `${fake.responseBase}/${trigger}-a` }));
    mark('approve click');
  }
  // Polled from the database less often than the fake's memory: each poll is a statement the
  // floor's run does not pay for, on the same two cores.
  await waitFor('approval', async () => ((await sql`select 1 from ai_systems where name = ${name} and status = 'approved'`).length ? true : undefined), 20);
  mark('system approved');
  return performance.now() - t0;
}

function approveValue(m: FakeMessage): string {
  const found = /"action_id":"approval\.approve"[^}]*?"value":"([^"]+)"|"value":"([^"]+)"[^}]*?"action_id":"approval\.approve"/.exec(JSON.stringify(m.blocks));
  if (!found) throw new Error('no Approve button value');
  return found[1] ?? found[2]!;
}

/** Runs `total` flows with `c` in flight; returns flows/s and per-flow ms. */
async function atConcurrency(c: number, total: number, one: (i: number) => Promise<number>): Promise<{ perS: number; ms: number[] }> {
  const ms: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: c }, async () => {
    for (let i = next++; i < total; i = next++) ms.push(await one(i));
  }));
  return { perS: (total / (performance.now() - t0)) * 1000, ms };
}

async function verify(sql: postgres.Sql, names: string[]): Promise<string | null> {
  const rows = await sql<{ name: string; sig: string }[]>`
    select s.name, concat_ws('/', s.status,
      (select count(*) from assessments a where a.system_id = s.id),
      (select count(*) from approval_requests r where r.system_id = s.id and r.status = 'approved'),
      (select count(*) from approval_steps st join approval_requests r on r.id = st.request_id where r.system_id = s.id and st.status = 'approved'),
      (select count(*) from reviews v where v.system_id = s.id and v.status = 'open')) as sig
    from ai_systems s where s.name = any(${names})`;
  if (rows.length !== names.length) return `${names.length} flows left ${rows.length} systems`;
  const bad = rows.filter((r) => r.sig !== 'approved/1/1/3/1');
  return bad.length ? `${bad.length} flows left other records, e.g. ${bad[0]!.name}: ${bad[0]!.sig} (status/assessments/approved requests/approved steps/open reviews)` : null;
}

async function run(o: BenchOptions): Promise<ScenarioResult> {
  const levels = [1, 4, 16];
  const count = (c: number) => (o.quick ? Math.max(6, 2 * c) : Math.max(20, 6 * c));
  const fake = await startFakeSlackApi({ users: Object.values(USERS) });
  const tdb = await createTestDatabase('postgres');
  await tdb.close();
  const sql = postgres(tdb.url!, { max: 20, onnotice: () => {} });
  const serve = await startServe({ port: await freePort(), databaseUrl: tdb.url!, apiUrl: fake.apiUrl, policy: policyFile() });
  const rate = new Map<string, number[]>();
  const p99 = new Map<string, number[]>();
  const notes: string[] = [];
  const push = (m: Map<string, number[]>, k: string, v: number) => m.set(k, [...(m.get(k) ?? []), v]);
  let failures = 0;
  // Where a flow's time goes, per phase and concurrency (aimsbot only): a figure to aim at.
  const phaseTimes = new Map<number, Map<string, number[]>>();
  const phasesAt = (c: number) => phaseTimes.get(c) ?? phaseTimes.set(c, new Map()).get(c)!;
  try {
    // Warm-up flow; it also creates the workspace the floor writes into.
    await slackFlow(serve.url, fake, sql, `Warmup ${randomBytes(4).toString('hex')}`);
    const [ws] = await sql<{ id: number }[]>`select id from workspaces where platform = 'slack'`;
    // Then both sides once at the highest concurrency, not measured: every connection of both
    // pools is open and has prepared its statements, as in a server that has been running.
    const top = Math.max(...levels);
    await atConcurrency(top, top, (i) => slackFlow(serve.url, fake, sql, `Warmup ${i} ${randomBytes(4).toString('hex')}`));
    await atConcurrency(top, top, (i) => floorFlow(sql, ws!.id, `Floor warmup ${i} ${randomBytes(4).toString('hex')}`, highAnswers));
    for (let rep = 0; rep < o.reps; rep++) {
      for (const c of levels) {
        const sides = rep % 2 === 0 ? (['ours', 'floor'] as const) : (['floor', 'ours'] as const);
        for (const side of sides) {
          const tag = randomBytes(3).toString('hex');
          const names = Array.from({ length: count(c) }, (_, i) => `${side === 'ours' ? 'Slack' : 'Floor'} ${tag} ${i} ${randomBytes(3).toString('hex')}`);
          try {
            const r = await atConcurrency(c, names.length, (i) =>
              side === 'ours'
                ? slackFlow(serve.url, fake, sql, names[i]!, phasesAt(c))
                : (async () => {
                    const t0 = performance.now();
                    await floorFlow(sql, ws!.id, names[i]!, highAnswers);
                    return performance.now() - t0;
                  })(),
            );
            push(rate, `${side}/${c}`, r.perS);
            push(p99, `${side}/${c}`, percentile(r.ms, 99));
            const wrong = await verify(sql, names);
            if (wrong) {
              if (side === 'ours') failures++;
              notes.push(`${side} c=${c} rep ${rep + 1}: ${wrong}`);
            }
          } catch (err) {
            // The verdict counts aimsbot's failures; a failed baseline run is only noted.
            if (side === 'ours') failures++;
            push(rate, `${side}/${c}`, Number.NaN);
            push(p99, `${side}/${c}`, Number.NaN);
            notes.push(`${side} c=${c} rep ${rep + 1} FAILED: ${(err as Error).message.split('\n')[0]}`);
          }
        }
      }
    }
  } finally {
    await serve.stop();
    await sql.end();
    await fake.close();
    await tdb.destroy().catch(() => undefined);
  }
  const rows: Row[] = levels.flatMap((c) => [
    { metric: `complete flows/s, concurrency ${c}`, unit: '', ours: rate.get(`ours/${c}`) ?? [], baseline: rate.get(`floor/${c}`) ?? [] },
    { metric: `flow p99, concurrency ${c}`, unit: ' ms', ours: p99.get(`ours/${c}`) ?? [], baseline: p99.get(`floor/${c}`) ?? [] },
  ]);
  notes.push(`${failures === 0 ? 'every flow left exactly its records' : `${failures} aimsbot runs failed or left wrong records`}; flows per level: ${levels.map((c) => `${count(c)} at ${c}`).join(', ')}`);
  for (const [c, m] of phaseTimes) {
    notes.push(`aimsbot phase medians at concurrency ${c} (ms): ${[...m].map(([k, v]) => `${k} ${median(v).toFixed(0)}${v.length > count(c) * o.reps ? ` ×${Math.round(v.length / (count(c) * o.reps))}` : ''}`).join(', ')}`);
  }
  const at16 = median(rate.get('ours/16') ?? []);
  const targets: Target[] = [
    { label: 'flows/s at 16', value: at16, op: '>=', limit: 60 },
    { label: 'flows/s at 16 / postgres.js floor', value: ratio(at16, median(rate.get('floor/16') ?? [])), op: '>=', limit: 0.35, unit: '×' },
    { label: 'flow p99 at 16', value: median(p99.get('ours/16') ?? []), op: '<=', limit: 400, unit: ' ms' },
    { label: 'flows with wrong records', value: failures, op: '<=', limit: 0 },
  ];
  return { rows, notes, targets };
}

export const flows: Scenario = { name: 'flows', title: 'register → 3 approvals through signed Slack requests vs the same writes with postgres.js', run };
