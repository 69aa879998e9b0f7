/**
 * Database failures around a Teams post: the Bot Connector cannot be searched for an earlier
 * copy, so the activity id has to be written the moment the connector answers, and a failure
 * of that write or of the outbox's own write afterwards must not post the card a second time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { notifications, platformMessages } from '../../db/schema';
import type { FlowDeps } from '../../flows';
import * as flows from '../../flows';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';
import type { ConnectorCall } from '../helpers/fake-bot-connector';
import type { FaultyDb } from '../helpers/faulty-db';
import { faultyDb } from '../helpers/faulty-db';
import type { TeamsBench, TeamsUser } from '../helpers/teams-harness';
import { APPROVALS, TENANT, cardOf, cardText, people, startTeamsBench } from '../helpers/teams-harness';

const LEASE_MS = 60_000;
const personal = (u: TeamsUser) => `a:personal-${u.aad}`;

describe('Teams: a post is recorded as soon as the connector answers', () => {
  let bench: TeamsBench;
  let fault: FaultyDb;
  let deps: FlowDeps;
  beforeAll(async () => {
    fault = faultyDb();
    bench = await startTeamsBench('pglite', undefined, { wrapDb: fault.wrap });
    deps = { db: bench.db.db, policy: bench.policy, clock: bench.clock };
    await bench.installChannel();
    for (const u of [people.alice, people.bob]) await bench.installPersonal(u);
  });
  afterAll(async () => {
    fault?.up();
    await bench?.close();
  });

  const as = (u: TeamsUser) => flows.flowContext(deps, { platform: 'teams', externalId: TENANT }, { platformId: `teams:${u.aad}`, displayName: u.name, email: u.email });
  const register = async (name: string, answers = minimalAnswers) => {
    const r = await flows.register(await as(people.alice), { fields: fieldsFor(name, `teams:${people.bob.aad}`), answers, ownerName: people.bob.name, ownerEmail: people.bob.email });
    if (r.kind !== 'registered') throw new Error(`${name} not registered: ${JSON.stringify(r)}`);
    return r;
  };
  /** Runs `fault` once, when the connector has accepted the first call `when` picks. */
  const onceAfter = (when: (call: ConnectorCall) => boolean, fn: () => void) =>
    bench.fake.tap((call) => {
      if (!when(call)) return;
      bench.fake.tap(null);
      fn();
    });
  const isPostTo = (conversation: string) => (c: ConnectorCall) => c.method === 'POST' && c.path.endsWith('/activities') && c.conversationId === conversation;
  const rowOf = async (key: string) => (await bench.db.db.select().from(notifications).where(eq(notifications.dedupeKey, key)))[0]!;

  it('keeps the card posted when writing its activity id failed, and updates that card later', async () => {
    const { request, system } = await register('Blip Card');
    const before = bench.fake.sent(APPROVALS).length;
    onceAfter(isPostTo(APPROVALS), () => fault.failNext('insert', platformMessages));
    await bench.drain();
    expect(bench.fake.sent(APPROVALS)).toHaveLength(before + 1);
    expect(fault.failures).toBe(1);
    const card = bench.fake.sent(APPROVALS).at(-1)!;

    // The retry records the copy this process kept instead of posting again.
    bench.clock.advance(5_000);
    await bench.drain();
    expect(bench.fake.sent(APPROVALS)).toHaveLength(before + 1);
    const copies = await bench.db.db
      .select()
      .from(platformMessages)
      .where(and(eq(platformMessages.subjectType, 'approval_request'), eq(platformMessages.subjectId, request.id)));
    expect(copies).toHaveLength(1);
    const activityId = copies[0]!.messageId;
    expect(activityId).toBe(card.answeredId);
    expect(await rowOf(`approval.requested:${request.id}`)).toMatchObject({ status: 'sent' });

    // The decision updates that very card in place.
    const decided = await flows.decideForSystem(await as(people.bob), system.ref, 'approve');
    expect(decided.kind).toBe('recorded');
    await bench.drain();
    const updates = bench.fake.updates(APPROVALS).filter((u) => u.activityId === activityId);
    expect(updates.length).toBeGreaterThan(0);
    expect(cardText(cardOf(updates.at(-1)!.body))).toContain('**approved**');
    expect(bench.fake.sent(APPROVALS)).toHaveLength(before + 1);
  });

  it('records the outcome message before the outbox marks it sent, so a failed mark does not post it again', async () => {
    const { request, system } = await register('Blip Outcome', highAnswers);
    await bench.drain();
    const before = bench.fake.sent(personal(people.alice)).length;
    // The write after the post (the outbox marking the row sent) fails, and so does its retry.
    onceAfter(isPostTo(personal(people.alice)), () => fault.failNext('update', notifications, 2));
    const rejected = await flows.decideForSystem(await as(people.bob), system.ref, 'reject', 'Not needed');
    expect(rejected.kind).toBe('recorded');
    await bench.drain();
    expect(bench.fake.sent(personal(people.alice))).toHaveLength(before + 1);
    const key = `approval.outcome:${request.id}:rejected`;
    const row = await rowOf(key);
    expect(row.status).toBe('sending');
    // The activity id is on record already.
    const recorded = await flows.messagesOf(bench.db.db, row.workspaceId, 'notification', row.id, { platform: 'teams' });
    expect(recorded.map((m) => m.messageId)).toEqual([bench.fake.sent(personal(people.alice)).at(-1)!.answeredId]);

    // After the lease, the row is taken over and finds its copy.
    bench.clock.advance(LEASE_MS + 1_000);
    await bench.drain();
    expect(bench.fake.sent(personal(people.alice))).toHaveLength(before + 1);
    expect(await rowOf(key)).toMatchObject({ status: 'sent', reclaimed: true });
    expect(cardText(cardOf(bench.fake.sent(personal(people.alice)).at(-1)!.body))).toContain('was rejected');
  });
});
