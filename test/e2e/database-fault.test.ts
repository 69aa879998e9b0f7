/**
 * The fault test of the record: Postgres terminates the server's database connections again and
 * again while people register tools, click approve and run commands over signed Slack requests.
 * Afterwards the server is up, everything that was answered as done is in the database, every
 * notification went out exactly once, and the audit chain verifies.
 */
import { eq, inArray } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiSystems, approvalSteps, notifications } from '../../db/schema';
import * as flows from '../../flows';
import { verifyAudit } from '../../flows/audit';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import { ADMIN_URL } from '../helpers/db';
import type { SlackCall } from '../helpers/fake-slack-api';
import { clickStep, completeForm, seedRequest } from '../helpers/slack-flows';
import { slashCommand } from '../helpers/slack-requests';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';
import type { TeamsBench, TeamsUser } from '../helpers/teams-harness';
import { cardText, people, startTeamsBench, TENANT } from '../helpers/teams-harness';

const TRY_AGAIN = 'Something went wrong on our side; nothing was';

/**
 * Terminates every connection to `dbName` (and only to it): storms of `stormMs` with a round every
 * `everyMs`, then `calmMs` of quiet, until stopped; so some requests meet a dead connection and
 * others run between storms.
 */
function startTerminating(dbName: string, o: { everyMs: number; stormMs: number; calmMs: number }) {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  let running = true;
  let rounds = 0;
  const loop = (async () => {
    while (running) {
      const stormEnds = Date.now() + o.stormMs;
      while (running && Date.now() < stormEnds) {
        await admin`select pg_terminate_backend(pid) from pg_stat_activity
                    where datname = ${dbName} and pid <> pg_backend_pid()`.catch(() => {});
        rounds++;
        await new Promise((r) => setTimeout(r, o.everyMs));
      }
      await new Promise((r) => setTimeout(r, o.calmMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await admin.end();
      return rounds;
    },
  };
}

/** One logical message, whatever its state when posted: approval thread parent, step reply, outcome DM. */
function messageKey(call: SlackCall): string {
  const text = String(call.params.text ?? '');
  const channel = String(call.params.channel);
  const parent = /^Approval [^:]+: (AI-\d+) /.exec(text);
  if (parent) return `${channel} parent ${parent[1]}`;
  const step = /^(AI-\d+) .* — (\w+) step:/.exec(text);
  if (step) return `${channel} step ${step[1]} ${step[2]}`;
  const outcome = /^(AI-\d+) .* was /.exec(text);
  if (outcome) return `${channel} outcome ${outcome[1]}`;
  return `${channel} ${text}`;
}

describe('database connections terminated during a stream of commands and clicks', () => {
  let s: SlackTestServer;
  let dbName: string;
  beforeAll(async () => {
    s = await startSlackServer({ db: 'postgres' });
    dbName = new URL(s.database.url!).pathname.slice(1);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('keeps the server up, loses nothing acknowledged, posts nothing twice, and the audit chain holds', async () => {
    // Requests waiting for Bob's approval, with their threads already posted.
    const seeded = [];
    for (let i = 0; i < 8; i++) seeded.push(await seedRequest(s, USERS.alice.id, fieldsFor(`Seeded ${i}`, 'slack:U0BOB'), minimalAnswers));

    const registered: Array<{ name: string; ok: boolean }> = [];
    const clicked: Array<{ stepId: number; threadTs: string; ok: boolean }> = [];
    const killer = startTerminating(dbName, { everyMs: 20, stormMs: 300, calmMs: 400 });
    try {
      for (let i = 0; i < 8; i++) {
        // A registration through the command and every page of the modal.
        const name = `Blip Tool ${i}`;
        const opened = s.fake.callsOf('views.open').length;
        const cmd = await s.send(slashCommand({ text: 'register', user: USERS.alice.id, responseUrl: `${s.fake.responseBase}/register-${i}` }));
        expect(cmd.status).toBe(200);
        await s.settle();
        const view = s.fake.callsOf('views.open').at(opened)?.params.view;
        if (view) {
          const { last } = await completeForm(s, USERS.alice.id, view as Parameters<typeof completeForm>[2], { ...fieldsFor(name, 'slack:U0BOB'), ...minimalAnswers });
          registered.push({ name, ok: !JSON.stringify(last).includes(TRY_AGAIN) && last.response_action !== 'errors' });
        }
        // Bob approves one seeded request.
        const step = seeded[i]!.steps[0]!;
        await clickStep(s, USERS.bob.id, 'approval.approve', step);
        clicked.push({ stepId: step.id, threadTs: seeded[i]!.parent.messageId, ok: true });
        // And a read-only command: answered either way, never a 5xx.
        const list = await s.send(slashCommand({ text: 'list', user: USERS.alice.id, responseUrl: `${s.fake.responseBase}/list-${i}` }));
        expect(list.status).toBe(200);
      }
    } finally {
      const rounds = await killer.stop();
      expect(rounds).toBeGreaterThan(5);
    }
    await s.settle();

    // The server is up and serves again (a connection killed in the last storm may fail one more request).
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    let reply = TRY_AGAIN;
    for (let i = 0; i < 10 && reply.includes(TRY_AGAIN); i++) {
      const answered = s.fake.callsOf('response_url').length;
      const after = await s.send(slashCommand({ text: 'list', user: USERS.alice.id, responseUrl: `${s.fake.responseBase}/list-after-${i}` }));
      expect(after.status).toBe(200);
      await s.settle();
      const answer = s.fake.callsOf('response_url').slice(answered);
      expect(answer).toHaveLength(1);
      reply = JSON.stringify(answer[0]!.params);
      if (reply.includes(TRY_AGAIN)) await new Promise((r) => setTimeout(r, 300));
    }
    expect(reply).not.toContain(TRY_AGAIN);

    // A click that failed told Bob so in its thread; every other one was recorded.
    const errorsToBob = s.fake.callsOf('chat.postEphemeral').filter((c) => c.params.user === USERS.bob.id && String(c.params.text).includes(TRY_AGAIN));
    for (const c of clicked) c.ok = !errorsToBob.some((e) => e.params.thread_ts === c.threadTs);
    const okSteps = clicked.filter((c) => c.ok).map((c) => c.stepId);
    // The stream met the blips: some requests were refused with "try again", others went through.
    const answeredDone = okSteps.length + registered.filter((r) => r.ok).length;
    const toldTryAgain = errorsToBob.length + s.fake.callsOf('response_url').filter((c) => JSON.stringify(c.params).includes(TRY_AGAIN)).length + registered.filter((r) => !r.ok).length;
    expect(answeredDone).toBeGreaterThan(0);
    expect(toldTryAgain).toBeGreaterThan(0);
    if (okSteps.length) {
      const steps = await s.deps.db.select().from(approvalSteps).where(inArray(approvalSteps.id, okSteps));
      expect(steps.map((st) => st.status)).toEqual(okSteps.map(() => 'approved'));
    }
    // Every registration answered as done is in the inventory.
    for (const r of registered.filter((x) => x.ok)) {
      const rows = await s.deps.db.select().from(aiSystems).where(eq(aiSystems.name, r.name));
      expect(rows, r.name).toHaveLength(1);
    }

    // Deliveries cut by the blips go out once their lease or back-off has passed.
    for (let i = 0; i < 8; i++) {
      s.clock.advance(10 * 60_000);
      await s.settle();
    }
    const unsent = await s.deps.db.select().from(notifications).where(inArray(notifications.status, ['pending', 'sending', 'failed']));
    expect(unsent.map((n) => `${n.kind} ${n.status} ${n.lastError ?? ''}`)).toEqual([]);

    // No message was posted twice.
    const counts = new Map<string, number>();
    for (const call of s.fake.callsOf('chat.postMessage')) counts.set(messageKey(call), (counts.get(messageKey(call)) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);

    // The audit chain is intact.
    const audit = await verifyAudit(s.deps.db);
    expect(audit.ok).toBe(true);
  }, 180_000);
});

describe('database connections terminated during Teams commands and card actions', () => {
  let bench: TeamsBench;
  let dbName: string;
  beforeAll(async () => {
    bench = await startTeamsBench('postgres');
    dbName = new URL(bench.db.url!).pathname.slice(1);
    await bench.installChannel();
    for (const u of [people.alice, people.bob]) await bench.installPersonal(u);
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('answers every action, records every decision it confirmed, delivers every notification, and the audit chain holds', async () => {
    const deps = { db: bench.db.db, policy: bench.policy, clock: bench.clock };
    const as = (u: TeamsUser) => flows.flowContext(deps, { platform: 'teams', externalId: TENANT }, { platformId: `teams:${u.aad}`, displayName: u.name, email: u.email });
    const alice = await as(people.alice);
    const steps: number[] = [];
    for (let i = 0; i < 16; i++) {
      const r = await flows.register(alice, { fields: fieldsFor(`Teams Blip ${i}`, `teams:${people.bob.aad}`), answers: minimalAnswers });
      if (r.kind !== 'registered') throw new Error(r.kind);
      steps.push(r.request.steps[0]!.id);
    }
    await bench.drain();

    const decided: Array<{ stepId: number; ok: boolean }> = [];
    let told = 0;
    const killer = startTerminating(dbName, { everyMs: 20, stormMs: 300, calmMs: 400 });
    try {
      // At least eight actions, and on until both a storm and a calm have been met (a loaded
      // machine can be slow enough for a whole storm to cover several actions).
      for (const [i, stepId] of steps.entries()) {
        if (i >= 8 && told > 0 && decided.some((d) => d.ok)) break;
        // The invoke answers the updated request, or an error response saying "try again" (the
        // harness throws on an error response, with its body in the message).
        const answer = await bench.execute(people.bob, { action: 'approval.approve', stepId }, { channel: true }).then(cardText, (err: Error) => err.message);
        const ok = !answer.includes(TRY_AGAIN);
        decided.push({ stepId, ok });
        if (!ok) told++;
        // A failed message turn is answered with a plain "try again" text (the harness wants a card).
        const list = await bench.say(people.alice, 'list').then(cardText, (err: Error) => err.message);
        if (list.includes(TRY_AGAIN)) told++;
        else expect(list).toContain('Teams Blip');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await killer.stop();
    }
    expect(told).toBeGreaterThan(0);
    expect(decided.some((d) => d.ok)).toBe(true);

    // Up and serving again (a connection killed in the last storm may fail one more request).
    let listed = '';
    for (let i = 0; i < 10 && !listed.includes('Teams Blip'); i++) {
      listed = await bench.say(people.alice, 'list').then(cardText, (err: Error) => err.message);
      if (!listed.includes('Teams Blip')) await new Promise((r) => setTimeout(r, 300));
    }
    expect(listed).toContain('Teams Blip');
    const confirmed = decided.filter((d) => d.ok).map((d) => d.stepId);
    const rows = await bench.db.db.select().from(approvalSteps).where(inArray(approvalSteps.id, confirmed));
    expect(rows.map((r) => r.status)).toEqual(confirmed.map(() => 'approved'));

    for (let i = 0; i < 8; i++) {
      bench.clock.advance(10 * 60_000);
      await bench.drain();
    }
    const unsent = await bench.db.db.select().from(notifications).where(inArray(notifications.status, ['pending', 'sending', 'failed']));
    expect(unsent.map((n) => `${n.kind} ${n.status} ${n.lastError ?? ''}`)).toEqual([]);
    expect((await verifyAudit(bench.db.db)).ok).toBe(true);
  }, 180_000);
});
