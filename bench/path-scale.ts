/**
 * The request path and delivery at scale, on the real Slack HTTP path (signed requests, real
 * Bolt, Postgres, the fake Slack API):
 * - statements per `/aims check <tool>` (a known user, the common case);
 * - sustained `/aims check` commands/s: a burst of BURST_SECONDS at BURST_CONNECTIONS concurrent
 *   senders; how many were acknowledged, answered, told "busy"; time to the last answer; max RSS;
 * - complete flows/s: register → every approval step decided, at FLOW_CONCURRENCY, with the
 *   outbox delivering the cards to the fake Slack.
 * Run: `npx tsx bench/path-scale.ts` (not part of `npm test`).
 */
import autocannon from 'autocannon';
import * as flows from '../flows';
import { startSlackServer, USERS } from '../test/helpers/slack-server';
import { signatureHeaders, slashCommand } from '../test/helpers/slack-requests';
import { fieldsFor, highAnswers } from '../test/fixtures/answers';

const BURST_SECONDS = Number(process.env.BURST_SECONDS ?? 5);
const BURST_CONNECTIONS = Number(process.env.BURST_CONNECTIONS ?? 64);
const FLOWS = Number(process.env.FLOWS ?? 160);
const FLOW_CONCURRENCY = Number(process.env.FLOW_CONCURRENCY ?? 16);

type Unsafe = (...args: unknown[]) => unknown;
interface PgClient {
  unsafe: Unsafe;
  begin: (...args: unknown[]) => unknown;
}

/** Counts the statements sent through postgres.js, transactions included. */
function countStatements(client: PgClient): { readonly n: number; reset(): void } {
  let n = 0;
  const unsafe = client.unsafe;
  client.unsafe = (...a) => {
    n += 1;
    if (process.env.BENCH_SHOW_SQL) console.log(String(a[0]).slice(0, 160));
    return unsafe.apply(client, a);
  };
  const begin = client.begin;
  client.begin = (...a) => {
    const fn = a.at(-1) as (tx: PgClient) => unknown;
    a[a.length - 1] = (tx: PgClient) => {
      const txUnsafe = tx.unsafe;
      tx.unsafe = (...b) => {
        n += 1;
        return txUnsafe.apply(tx, b);
      };
      n += 2; // BEGIN and COMMIT
      return fn(tx);
    };
    return begin.apply(client, a);
  };
  return {
    get n() {
      return n;
    },
    reset: () => void (n = 0),
  };
}

const server = await startSlackServer({ db: 'postgres' });
const counter = countStatements((server.deps.db as unknown as { $client: PgClient }).$client);
let maxRss = 0;
const sampler = setInterval(() => (maxRss = Math.max(maxRss, process.memoryUsage().rss)), 50);
try {
  const alice = await flows.flowContext(server.deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${USERS.alice.id}` });
  for (let i = 0; i < 20; i++) {
    const r = await flows.register(alice, { fields: fieldsFor(`Tool ${i}`, `slack:${USERS.bob.id}`), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
  }
  await server.settle();

  // Statements of one command, after the user was seen once.
  // A fresh trigger id each time: the replay guard refuses a request seen before.
  const send = () => {
    const cmd = slashCommand({ text: 'check Tool 7', user: USERS.alice.id, responseUrl: `${server.fake.responseBase}/bench` });
    return fetch(`${server.url}/slack/events`, { method: 'POST', headers: { 'content-type': cmd.contentType, ...signatureHeaders(cmd.body) }, body: cmd.body });
  };
  await (await send()).text();
  await server.settle();
  counter.reset();
  await (await send()).text();
  await server.settle();
  console.log(`statements per /aims check (known user): ${counter.n}`);

  // Burst.
  const answeredBefore = server.fake.callsOf('response_url').length;
  maxRss = 0;
  let busy = 0;
  const started = Date.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) =>
    autocannon(
      {
        url: `${server.url}/slack/events`,
        method: 'POST',
        duration: BURST_SECONDS,
        connections: BURST_CONNECTIONS,
        requests: [
          {
            setupRequest: (req) => {
              const cmd = slashCommand({ text: 'check Tool 7', user: USERS.alice.id, responseUrl: `${server.fake.responseBase}/bench` });
              return { ...req, body: cmd.body, headers: { 'content-type': cmd.contentType, ...signatureHeaders(cmd.body) } };
            },
            onResponse: (_status, body) => {
              if (body.includes('busy')) busy += 1;
            },
          },
        ],
      },
      (err, r) => (err ? reject(err) : resolve(r)),
    ),
  );
  const failed = result.non2xx + result.errors + result.timeouts;
  const acked = result.requests.total - failed - busy;
  const sentFor = (Date.now() - started) / 1000;
  await server.settle();
  const done = (Date.now() - started) / 1000;
  const answered = server.fake.callsOf('response_url').length - answeredBefore;
  const busyLater = server.fake.callsOf('response_url').slice(answeredBefore).filter((c) => String(c.params.text ?? '').includes('busy')).length;
  console.log(
    `burst ${BURST_SECONDS}s x ${BURST_CONNECTIONS} senders: ${acked + busy} acknowledged in ${sentFor.toFixed(1)} s (${acked} to work on, ${busy} busy, ${failed} failed); ` +
      `${answered - busyLater} answered; last answer ${(done - sentFor).toFixed(1)} s after the burst; ${((answered - busyLater) / done).toFixed(0)} commands/s sustained; max RSS ${(maxRss / 2 ** 20).toFixed(0)} MiB`,
  );

  // Complete flows.
  const decided = await flowsRun();
  console.log(decided);
} finally {
  clearInterval(sampler);
  await server.close();
}

async function flowsRun(): Promise<string> {
  const alice = await flows.flowContext(server.deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${USERS.alice.id}` });
  counter.reset();
  const before = server.fake.callsOf('chat.postMessage').length;
  let steps = 0;
  let next = 0;
  const started = Date.now();
  const one = async (i: number) => {
    const r = await flows.register(alice, { fields: fieldsFor(`Flow tool ${i}`, `slack:${USERS.bob.id}`), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(`register: ${r.kind}`);
    server.dispatcher.kick();
    for (const step of r.request.steps) {
      const decided = await decideAsAnyOf(step.id, step.approvers);
      if (!decided) throw new Error(`step ${step.id}: nobody could decide it (${step.approvers.join(', ')})`);
      steps += 1;
      server.dispatcher.kick();
    }
  };
  await Promise.all(
    Array.from({ length: FLOW_CONCURRENCY }, async () => {
      while (next < FLOWS) await one(next++);
    }),
  );
  const worked = (Date.now() - started) / 1000;
  await server.settle();
  const all = (Date.now() - started) / 1000;
  const posts = server.fake.callsOf('chat.postMessage').length - before;
  return (
    `flows: ${FLOWS} register → ${(steps / FLOWS).toFixed(1)} approvals at concurrency ${FLOW_CONCURRENCY}: ${(FLOWS / worked).toFixed(1)} flows/s (writes), ` +
    `${(FLOWS / all).toFixed(1)} flows/s with every card delivered (${posts} posts); ${(counter.n / FLOWS).toFixed(0)} statements per flow`
  );
}

/** Decides a step as the first of its approvers who may. */
async function decideAsAnyOf(stepId: number, approvers: string[]): Promise<boolean> {
  for (const member of approvers) {
    const user = Object.values(USERS).find((u) => member === `slack:${u.id}` || member === `email:${u.email}`);
    if (!user) continue;
    const ctx = await flows.flowContext(server.deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${user.id}`, displayName: user.name, email: user.email });
    const d = await flows.decideStep(ctx, { stepId, decision: 'approve' });
    if (d.kind === 'recorded') return true;
  }
  return false;
}
