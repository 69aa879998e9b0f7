/**
 * HTTP load on the real server: signed Slack slash commands (`/aims check <tool>`) against the
 * Slack adapter on real Bolt and Postgres, and /healthz as a baseline. Slack wants an ack within
 * 3 s; this prints the ack latency under load and the time to finish the queued work.
 */
import autocannon from 'autocannon';
import * as flows from '../flows';
import { startSlackServer, USERS } from '../test/helpers/slack-server';
import { signatureHeaders, slashCommand } from '../test/helpers/slack-requests';
import { fieldsFor, minimalAnswers } from '../test/fixtures/answers';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

const server = await startSlackServer({ db: 'postgres' });
try {
  const ctx = await flows.flowContext(server.deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${USERS.alice.id}` });
  for (let i = 0; i < 50; i++) {
    const r = await flows.register(ctx, { fields: fieldsFor(`Tool ${i}`, `slack:${USERS.bob.id}`), answers: minimalAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
  }
  await server.settle();

  const run = (title: string, opts: autocannon.Options) =>
    new Promise<autocannon.Result>((resolve, reject) =>
      autocannon({ duration: DURATION, connections: CONNECTIONS, ...opts }, (err, result) => (err ? reject(err) : resolve(result))),
    ).then((r) => {
      console.log(
        `${title}: ${Math.round(r.requests.average)} req/s, latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms, ` +
          `${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`,
      );
      return r;
    });

  await run('GET /healthz', { url: `${server.url}/healthz` });

  const cmd = slashCommand({ text: 'check Tool 7', user: USERS.alice.id, responseUrl: `${server.fake.responseBase}/bench` });
  const before = server.fake.callsOf('response_url').length;
  const started = Date.now();
  const result = await run('POST /slack/events (/aims check)', {
    url: `${server.url}/slack/events`,
    method: 'POST',
    headers: { 'content-type': cmd.contentType, ...signatureHeaders(cmd.body) },
    body: cmd.body,
  });
  await server.settle();
  const answered = server.fake.callsOf('response_url').length - before;
  console.log(
    `slash commands: ${result.requests.total} acknowledged, ${answered} answered through response_url; all work done ${((Date.now() - started) / 1000).toFixed(1)} s after the load started (load ran ${DURATION} s)`,
  );
  const mem = process.memoryUsage();
  console.log(`memory after load: rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`);
} finally {
  await server.close();
}
