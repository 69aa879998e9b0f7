/**
 * Many replicas: two `aimsbot serve` and two `aimsbot worker` processes on one Postgres database
 * and one Redis, as docker-compose.yml lays them out. Flows are driven through both servers
 * (registration pages and approval clicks alternate between them), every job runs on both
 * workers at once, and each record and each notification exists once. SIGTERM to a server or a
 * worker in the middle of work loses nothing it acknowledged, and the process exits within 10 s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as flows from '../../flows';
import { parsePolicy } from '../../flows/policy';
import { systemClock } from '../../flows/ports';
import { JOBS_QUEUE } from '../../src/jobs/bullmq';
import { JOB_NAMES } from '../../src/jobs/handlers';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import type { FakeSlackApi } from '../helpers/fake-slack-api';
import { startFakeSlackApi } from '../helpers/fake-slack-api';
import { deleteKeys, TEST_REDIS_URL } from '../helpers/redis';
import type { Replica } from '../helpers/replica-processes';
import { startReplica, stopReplica, until } from '../helpers/replica-processes';
import { blockAction, fillView, SIGNING_SECRET, slashCommand, viewSubmission } from '../helpers/slack-requests';
import { TEST_POLICY, USERS } from '../helpers/slack-server';

const POLICY = {
  ...TEST_POLICY,
  organization: { name: 'Acme', timezone: 'UTC' },
  channels: { approvals: { slack: 'C0APPROVALS' }, digest: { slack: 'C0DIGEST' } },
};
type View = { callback_id: string; private_metadata: string; blocks: unknown[] };

describe('two servers and two workers on one database and one Redis', () => {
  let fake: FakeSlackApi;
  let database: TestDatabase;
  let sql: postgres.Sql;
  let dir: string;
  let queue: Queue;
  const prefix = `aims-replicas-${process.pid}-${Date.now().toString(36)}`;
  const servers: Replica[] = [];
  const workers: Replica[] = [];

  beforeAll(async () => {
    fake = await startFakeSlackApi({ users: Object.values(USERS) });
    database = await createTestDatabase('postgres');
    sql = postgres(database.url!, { max: 2, onnotice: () => {} });
    dir = mkdtempSync(join(tmpdir(), 'aims-replicas-'));
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(POLICY));
    const env = {
      DATABASE_URL: database.url!,
      REDIS_URL: TEST_REDIS_URL,
      AIMS_QUEUE_PREFIX: prefix,
      AIMS_POLICY: join(dir, 'policy.json'),
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_APP_TOKEN: '',
      SLACK_API_URL: fake.apiUrl,
      MICROSOFT_APP_ID: '',
      AIMS_TEAMS: '',
    };
    const started = await Promise.all([
      startReplica('serve-1', 'serve', env),
      startReplica('serve-2', 'serve', env),
      startReplica('worker-1', 'worker', env),
      startReplica('worker-2', 'worker', env),
    ]);
    servers.push(started[0], started[1]);
    workers.push(started[2], started[3]);
    queue = new Queue(JOBS_QUEUE, { connection: { url: TEST_REDIS_URL }, prefix });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...servers, ...workers].map((r) => stopReplica(r)));
    await queue?.close();
    await deleteKeys(prefix);
    await sql?.end();
    await fake?.close();
    await database?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const server = (i: number) => servers[i % servers.length]!;
  const undelivered = async () => Number((await sql`select count(*)::int as n from notifications where status <> 'sent'`)[0]!.n);
  const allDelivered = () => until(async () => (await undelivered()) === 0, 20_000);
  /** Every chat.postMessage names its notification in its metadata; none may appear twice. */
  const duplicatePosts = () => {
    const keys = fake.callsOf('chat.postMessage').map((c) => JSON.stringify(c.params.metadata ?? [c.params.channel, c.params.thread_ts, c.params.text]));
    return keys.filter((k, i) => keys.indexOf(k) !== i);
  };
  /** Adds `times` runs of every job to the queue both workers take from; resolves when all ran. */
  const runEveryJob = async (times: number) => {
    const jobs = await queue.addBulk(JOB_NAMES.flatMap((name) => Array.from({ length: times }, () => ({ name, data: {} }))));
    const done = await until(async () => {
      const states = await Promise.all(jobs.map((j) => queue.getJobState(j.id!)));
      return states.every((s) => s === 'completed' || s === 'failed');
    }, 30_000);
    expect(done, 'every queued job ran').toBe(true);
    const states = await Promise.all(jobs.map((j) => queue.getJobState(j.id!)));
    expect(states.filter((s) => s !== 'completed')).toEqual([]);
  };
  const jobRuns = (r: Replica) => (r.log().match(/"msg":"job ran"/g) ?? []).length;

  /** `/aims register` on one server, each page of the modal submitted to the next server. */
  async function registerAcross(name: string, owner: string, answers: Record<string, unknown>, first: number) {
    const opened = fake.callsOf('views.open').length;
    const res = await server(first).send(slashCommand({ text: 'register', user: USERS.alice.id, responseUrl: `${fake.responseBase}/register-${name}` }));
    expect(res.status).toBe(200);
    expect(await until(() => fake.callsOf('views.open').length > opened, 10_000)).toBe(true);
    let view = fake.callsOf('views.open')[opened]!.params.view as View;
    const values = { ...fieldsFor(name, owner), ...answers };
    for (let page = 1; page < 12; page++) {
      const r = await server(first + page).send(
        viewSubmission({ user: USERS.alice.id, callbackId: view.callback_id, privateMetadata: view.private_metadata, values: fillView(view, values), blocks: view.blocks }),
      );
      expect(r.status).toBe(200);
      const text = await r.text();
      const body = text ? (JSON.parse(text) as { response_action?: string; view?: View }) : {};
      if (body.response_action !== 'update' || body.view?.callback_id !== 'aims.form') return;
      view = body.view;
    }
    throw new Error('the form did not end');
  }

  /** Clicks approve on a step through a server; resolves with the HTTP status (or 0: no answer). */
  const approve = (r: Replica, stepId: number, user: string) =>
    r
      .send(blockAction({ actionId: 'approval.approve', value: String(stepId), user, channel: 'C0APPROVALS', messageTs: `1700000200.${String(stepId).padStart(6, '0')}`, responseUrl: `${fake.responseBase}/click-${stepId}` }))
      .then((res) => res.status)
      .catch(() => 0);

  it('flows through both servers and jobs on both workers leave every record and every notification once', async () => {
    // Two high-risk and two minimal registrations, pages alternating between the servers.
    await registerAcross('Replica Screener', 'slack:U0BOB', highAnswers, 0);
    await registerAcross('Replica Notes', 'slack:U0BOB', minimalAnswers, 1);
    await registerAcross('Replica Scorer', 'slack:U0BOB', highAnswers, 1);
    await registerAcross('Replica Drafts', 'slack:U0BOB', minimalAnswers, 0);
    const systems = await sql<{ name: string; status: string }[]>`select name, status from ai_systems order by name`;
    expect(systems.map((s) => s.name)).toEqual(['Replica Drafts', 'Replica Notes', 'Replica Scorer', 'Replica Screener']);
    expect(await sql`select system_id from approval_requests group by system_id having count(*) > 1`).toHaveLength(0);

    // Approvals by button clicks, alternating servers: the minimal ones fully, the high-risk
    // ones by the owner only (the other steps stay pending for the reminders).
    const steps = await sql<{ id: number; role: string; name: string }[]>`
      select st.id, st.role, s.name from approval_steps st join approval_requests r on r.id = st.request_id
      join ai_systems s on s.id = r.system_id order by st.id`;
    const owners = steps.filter((s) => s.role === 'owner');
    expect(owners).toHaveLength(4);
    for (const [i, st] of owners.entries()) expect(await approve(server(i), st.id, USERS.bob.id)).toBe(200);
    expect(
      await until(async () => (await sql`select 1 from approval_steps where role = 'owner' and status = 'approved'`).length === 4, 15_000),
    ).toBe(true);
    expect(await allDelivered()).toBe(true);
    const approved = await sql<{ name: string }[]>`select name from ai_systems where status = 'approved' order by name`;
    expect(approved.map((s) => s.name)).toEqual(['Replica Drafts', 'Replica Notes']);

    // Make the jobs find work: the open reviews fall due and the pending steps are three days old.
    await sql`update reviews set due_at = now() - interval '1 day' where status = 'open'`;
    await sql`update approval_steps set created_at = now() - interval '3 days' where status = 'pending'`;
    const before = { w1: jobRuns(workers[0]!), w2: jobRuns(workers[1]!) };
    await runEveryJob(4);
    expect(jobRuns(workers[0]!), 'worker-1 ran jobs').toBeGreaterThan(before.w1);
    expect(jobRuns(workers[1]!), 'worker-2 ran jobs').toBeGreaterThan(before.w2);
    expect(await allDelivered()).toBe(true);

    // Every record once: one reminder per review, one per pending step and approver, one digest.
    const reminders = await sql<{ kind: string; n: number }[]>`select kind, count(*)::int as n from notifications
      where kind in ('review.reminder', 'approval.reminder', 'digest.weekly') group by kind order by kind`;
    expect(Object.fromEntries(reminders.map((r) => [r.kind, r.n]))).toMatchObject({ 'review.reminder': 2, 'digest.weekly': 1 });
    expect(reminders.find((r) => r.kind === 'approval.reminder')?.n).toBeGreaterThanOrEqual(2);
    expect(await sql`select 1 from reviews where status = 'open' and reminders_sent <> 1`).toHaveLength(0);
    expect(await sql`select 1 from approval_steps where status = 'pending' and reminders_sent <> 1`).toHaveLength(0);
    expect(await sql`select 1 from ai_systems group by workspace_id, name_key having count(*) > 1`).toHaveLength(0);
    expect(await sql`select 1 from reviews where status = 'open' group by system_id having count(*) > 1`).toHaveLength(0);
    expect(await flows.verifyAudit(database.db)).toMatchObject({ ok: true });
    // One thread per request: a parent and one reply per step, each recorded once.
    const threads = await sql<{ role: string; n: number }[]>`select role, count(*)::int as n from platform_messages
      where subject_type = 'approval_request' and role in ('parent', 'step') group by role order by role`;
    expect(threads).toEqual([{ role: 'parent', n: 4 }, { role: 'step', n: steps.length }]);
    expect(await sql`select 1 from platform_messages group by subject_type, subject_id, role, step_id, conversation_id, message_id having count(*) > 1`).toHaveLength(0);
    const parents = fake.callsOf('chat.postMessage').filter((c) => !c.params.thread_ts && JSON.stringify(c.params.metadata ?? '').includes('"dedupe_key":"approval.requested:'));
    expect(parents).toHaveLength(4);

    // Every notification once on Slack.
    expect(duplicatePosts()).toEqual([]);
    const postsOf = (kind: string) => fake.callsOf('chat.postMessage').filter((c) => JSON.stringify(c.params.metadata ?? '').includes(`"dedupe_key":"${kind}:`));
    expect(postsOf('review.reminder')).toHaveLength(2);
    expect(postsOf('digest.weekly')).toHaveLength(1);
    expect(postsOf('digest.weekly')[0]!.params.channel).toBe('C0DIGEST');
  }, 60_000);

  it('SIGTERM to a server and to a worker under load loses nothing acknowledged; each exits within 10 s', async () => {
    // Sixteen requests waiting for Mallory (whom neither server has met yet), written as a third process would.
    const deps = { db: database.db, policy: parsePolicy(POLICY), clock: systemClock };
    const ctx = await flows.flowContext(deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${USERS.alice.id}` });
    const stepIds: number[] = [];
    for (let i = 0; i < 16; i++) {
      const r = await flows.register(ctx, { fields: fieldsFor(`Load Tool ${i}`, 'slack:U0MAL'), answers: minimalAnswers });
      if (r.kind !== 'registered') throw new Error(r.kind);
      stepIds.push(r.request.steps[0]!.id);
    }
    const [victim, survivor] = [servers[0]!, servers[1]!];
    // Clicks at the server about to stop, acknowledged, whose handlers are still waiting for
    // Slack to say who clicked when SIGTERM arrives; more clicks at both servers meanwhile.
    let stopping: ReturnType<Replica['terminate']> | null = null;
    fake.tap((call) => {
      if (stopping || call.method !== 'users.info' || call.params.user !== USERS.mallory.id) return;
      stopping = victim.terminate();
      // Slack answers slowly: the server shuts down before its handlers get the answer.
      const end = Date.now() + 400;
      while (Date.now() < end);
    });
    const first = await Promise.all(stepIds.slice(0, 8).map((id) => approve(victim, id, USERS.mallory.id)));
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(0);
    // The acks can come back before a handler asks Slack who clicked (under load they often do):
    // the SIGTERM then arrives as that handler waits, still while the clicks are being handled.
    expect(await until(() => stopping !== null, 10_000), 'SIGTERM was sent while clicks were being handled').toBe(true);
    const rest = await Promise.all(stepIds.slice(8).map((id, i) => approve(i % 2 ? survivor : victim, id, USERS.mallory.id)));
    fake.tap(null);
    const stopped = await stopping!;
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(10_000);

    // Every acknowledged click is recorded; what the stopped server left in the outbox goes out.
    const statuses = [...first, ...rest];
    const acked = stepIds.filter((_, i) => statuses[i] === 200);
    // The survivor acknowledged all of its clicks.
    expect(rest.filter((_, i) => i % 2)).toEqual([200, 200, 200, 200]);
    const decided = async () => (await sql<{ id: number }[]>`select id from approval_steps where id in ${sql(acked)} and status = 'approved'`).length;
    expect(await until(async () => (await decided()) === acked.length, 15_000)).toBe(true);
    expect(await decided()).toBe(acked.length);

    // A worker stopped while both are running jobs: its running job finishes, the rest go to the other.
    await sql`update reviews set due_at = now() - interval '1 day' where status = 'open'`;
    const jobs = queue.addBulk(JOB_NAMES.flatMap((name) => Array.from({ length: 4 }, () => ({ name, data: {} }))));
    const runs = jobRuns(workers[0]!);
    await until(() => jobRuns(workers[0]!) > runs, 10_000);
    const worker = await workers[0]!.terminate();
    expect(worker.code).toBe(0);
    expect(worker.ms).toBeLessThan(10_000);
    const added = await jobs;
    expect(
      await until(async () => (await Promise.all(added.map((j) => queue.getJobState(j.id!)))).every((s) => s === 'completed'), 30_000),
      'every job completed on the surviving worker',
    ).toBe(true);

    expect(await allDelivered()).toBe(true);
    expect(await undelivered()).toBe(0);
    // Nobody was told to try again: no acknowledged click failed on the stopping server.
    const answers = [...fake.callsOf('response_url'), ...fake.callsOf('chat.postEphemeral')].map((c) => JSON.stringify(c.params));
    expect(answers.filter((a) => a.includes('try again'))).toEqual([]);
    expect(duplicatePosts()).toEqual([]);
    // Every due review reminded once, by whichever worker ran it, and posted once.
    expect(await sql`select 1 from reviews where status = 'open' and reminders_sent <> 1`).toHaveLength(0);
    const reviewReminders = (await sql<{ n: number }[]>`select count(*)::int as n from notifications where kind = 'review.reminder'`)[0]!.n;
    expect(reviewReminders).toBe(2 + acked.length);
    const reminderPosts = fake.callsOf('chat.postMessage').filter((c) => JSON.stringify(c.params.metadata ?? '').includes('"dedupe_key":"review.reminder:'));
    expect(reminderPosts).toHaveLength(reviewReminders);
    expect(await sql`select 1 from reviews where status = 'open' group by system_id having count(*) > 1`).toHaveLength(0);
    expect(await flows.verifyAudit(database.db)).toMatchObject({ ok: true });
    expect(survivor.child.exitCode).toBeNull();
    expect(workers[1]!.child.exitCode).toBeNull();
  }, 60_000);
});
