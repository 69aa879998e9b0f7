/**
 * A database blip between a successful post and recording it: Slack must still see each message
 * once. The fault is injected at the moment the fake Slack answers chat.postMessage; the outbox
 * row is then left `sending` (or scheduled for a retry), the lease runs out on the injected
 * clock, and the next pass finds the earlier copy through its message metadata and adopts it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { notifications, platformMessages } from '../../db/schema';
import * as flows from '../../flows';
import { runWeeklyDigest } from '../../flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import type { FakeMessage, SlackCall } from '../helpers/fake-slack-api';
import type { FaultyDb } from '../helpers/faulty-db';
import { faultyDb } from '../helpers/faulty-db';
import { clickStep } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

const CHANNEL = 'C0APPROVALS';
const LEASE_MS = 60_000;

describe('Slack: a post whose recording failed is not posted again', () => {
  let s: SlackTestServer;
  let fault: FaultyDb;
  beforeAll(async () => {
    fault = faultyDb();
    s = await startSlackServer({ wrapDb: fault.wrap });
  });
  afterAll(async () => {
    fault?.up();
    await s?.close();
  });

  /** Registers a tool without delivering anything yet. */
  async function register(name: string) {
    const ctx = await flows.flowContext(s.deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${USERS.alice.id}` });
    const r = await flows.register(ctx, { fields: fieldsFor(name, 'slack:U0BOB'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(`register failed: ${JSON.stringify(r)}`);
    return { request: r.request, workspaceId: ctx.workspace.id };
  }

  /** Runs `fault` once, when the first call that `when` accepts has been answered by Slack. */
  function onceAfter(when: (call: SlackCall) => boolean, fault: () => void) {
    s.fake.tap((call) => {
      if (!when(call)) return;
      s.fake.tap(null);
      fault();
    });
  }

  const rowOf = async (requestId: number) =>
    (await s.database.db.select().from(notifications).where(eq(notifications.dedupeKey, `approval.requested:${requestId}`)))[0]!;
  const copiesOf = (requestId: number) =>
    s.database.db
      .select()
      .from(platformMessages)
      .where(and(eq(platformMessages.subjectType, 'approval_request'), eq(platformMessages.subjectId, requestId)));
  const parents = (): FakeMessage[] => s.fake.messages(CHANNEL).filter((m) => !m.thread_ts || m.thread_ts === m.ts);
  const repliesTo = (ts: string): FakeMessage[] => s.fake.messages(CHANNEL).filter((m) => m.thread_ts === ts && m.ts !== ts);
  const buttonsOf = (m: FakeMessage | undefined) => JSON.stringify(m?.blocks ?? []).includes('approval.approve');

  it('adopts the thread parent posted before the database dropped, once the lease ran out', async () => {
    const { request } = await register('Blip Parent');
    const before = parents().length;
    onceAfter((c) => c.method === 'chat.postMessage' && c.params.channel === CHANNEL && !c.params.thread_ts, () => fault.down());
    await s.dispatcher.drain();
    fault.up();

    // The parent went out; nothing was recorded and the row still holds its lease.
    expect(parents()).toHaveLength(before + 1);
    const posted = parents().at(-1)!;
    expect(await copiesOf(request.id)).toHaveLength(0);
    expect(await rowOf(request.id)).toMatchObject({ status: 'sending' });

    // Not before the lease runs out...
    await s.dispatcher.drain();
    expect(parents()).toHaveLength(before + 1);
    // ...then the copy is found in the channel's history and adopted.
    s.clock.advance(LEASE_MS + 1_000);
    await s.dispatcher.drain();
    expect(parents()).toHaveLength(before + 1);
    expect(posted.metadata).toEqual({ event_type: 'aimsbot_outbox', event_payload: { dedupe_key: `approval.requested:${request.id}` } });
    const history = s.fake.callsOf('conversations.history').filter((c) => c.params.channel === CHANNEL);
    expect(history.length).toBeGreaterThan(0);
    expect(history.every((c) => c.params.include_all_metadata === 'true' || c.params.include_all_metadata === true)).toBe(true);

    const copies = await copiesOf(request.id);
    const parent = copies.find((c) => c.role === 'parent');
    expect(parent?.messageId).toBe(posted.ts);
    expect(await rowOf(request.id)).toMatchObject({ status: 'sent' });
    // Each step's reply went out once, in the adopted thread.
    const steps = copies.filter((c) => c.role === 'step');
    expect(steps).toHaveLength(request.steps.length);
    expect(repliesTo(posted.ts)).toHaveLength(request.steps.length);
    for (const step of request.steps) {
      const reply = repliesTo(posted.ts).filter((m) => m.metadata?.event_payload.part === `step:${step.id}`);
      expect(reply).toHaveLength(1);
    }

    // The decision updates the adopted parent in place.
    s.fake.reset();
    const owner = request.steps.find((st) => st.role === 'owner')!;
    const ownerCopy = steps.find((c) => c.stepId === owner.id)!;
    await clickStep(s, USERS.bob.id, 'approval.approve', { id: owner.id, copy: ownerCopy });
    const updated = s.fake.callsOf('chat.update').map((c) => c.params.ts);
    expect(updated).toContain(posted.ts);
    expect(updated).toContain(ownerCopy.messageId);
    expect(buttonsOf(s.fake.messages(CHANNEL).find((m) => m.ts === ownerCopy.messageId))).toBe(false);
    expect(s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === CHANNEL && !c.params.thread_ts)).toHaveLength(0);
  });

  it('adopts a step reply posted before the database dropped; the decision replaces its buttons', async () => {
    const { request } = await register('Blip Reply');
    const firstStep = request.steps[0]!;
    onceAfter((c) => c.method === 'chat.postMessage' && typeof c.params.thread_ts === 'string', () => fault.down());
    await s.dispatcher.drain();
    fault.up();

    const parentCopy = (await copiesOf(request.id)).find((c) => c.role === 'parent')!;
    expect(parentCopy).toBeDefined();
    const replies = () => repliesTo(parentCopy.messageId);
    expect(replies()).toHaveLength(1);
    const first = replies()[0]!;
    expect(await rowOf(request.id)).toMatchObject({ status: 'sending' });

    s.clock.advance(LEASE_MS + 1_000);
    await s.dispatcher.drain();
    // One reply per step, the first one adopted rather than posted again.
    expect(replies()).toHaveLength(request.steps.length);
    expect(first.metadata).toEqual({ event_type: 'aimsbot_outbox', event_payload: { dedupe_key: `approval.requested:${request.id}`, part: `step:${firstStep.id}` } });
    expect(replies().filter((m) => m.metadata?.event_payload.part === `step:${firstStep.id}`)).toHaveLength(1);
    expect(s.fake.callsOf('conversations.replies').some((c) => c.params.ts === parentCopy.messageId)).toBe(true);
    const stepCopy = (await copiesOf(request.id)).find((c) => c.role === 'step' && c.stepId === firstStep.id)!;
    expect(stepCopy.messageId).toBe(first.ts);
    expect(buttonsOf(first)).toBe(true);

    // Deciding that step updates the adopted copy: its buttons are gone.
    s.fake.reset();
    await clickStep(s, USERS.bob.id, 'approval.approve', { id: firstStep.id, copy: stepCopy });
    expect(s.fake.callsOf('chat.update').map((c) => c.params.ts)).toContain(first.ts);
    expect(buttonsOf(s.fake.messages(CHANNEL).find((m) => m.ts === first.ts))).toBe(false);
  });

  it('brings an adopted copy up to date when its step was decided while the copy was unknown', async () => {
    const { request, workspaceId } = await register('Blip Race');
    const owner = request.steps.find((st) => st.role === 'owner')!;
    onceAfter((c) => c.method === 'chat.postMessage' && typeof c.params.thread_ts === 'string', () => fault.down());
    await s.dispatcher.drain();
    fault.up();
    const parentCopy = (await copiesOf(request.id)).find((c) => c.role === 'parent')!;
    const stale = repliesTo(parentCopy.messageId)[0]!;
    expect(stale.metadata?.event_payload.part).toBe(`step:${owner.id}`);
    expect(buttonsOf(stale)).toBe(true);

    // Bob decides his step (from the message nobody recorded) before the lease runs out.
    const ctx = await flows.flowContext(s.deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${USERS.bob.id}` });
    expect(ctx.workspace.id).toBe(workspaceId);
    const decided = await flows.decideStep(ctx, { stepId: owner.id, decision: 'approve' });
    expect(decided.kind).toBe('recorded');
    await s.dispatcher.drain();
    expect(buttonsOf(stale)).toBe(true);

    s.clock.advance(LEASE_MS + 1_000);
    await s.dispatcher.drain();
    expect(repliesTo(parentCopy.messageId).filter((m) => m.metadata?.event_payload.part === `step:${owner.id}`)).toHaveLength(1);
    // Adopted and shown as it is now: decided, no buttons.
    expect(buttonsOf(s.fake.messages(CHANNEL).find((m) => m.ts === stale.ts))).toBe(false);
    const stepCopy = (await copiesOf(request.id)).find((c) => c.role === 'step' && c.stepId === owner.id)!;
    expect(stepCopy.messageId).toBe(stale.ts);
  });

  it('does not post again on the retry after an error, when only the recording write failed', async () => {
    const { request } = await register('Blip Retry');
    onceAfter(
      (c) => c.method === 'chat.postMessage' && c.params.channel === CHANNEL && !c.params.thread_ts,
      () => fault.failNext('insert', platformMessages),
    );
    const before = parents().length;
    await s.dispatcher.drain();
    // The outbox heard an error it cannot judge: a retry, marked as possibly posted.
    const retry = await rowOf(request.id);
    s.clock.advance(5_000);
    await s.dispatcher.drain();
    expect(parents()).toHaveLength(before + 1);
    expect(retry).toMatchObject({ status: 'pending', reclaimed: true, attempts: 1 });
    const parent = (await copiesOf(request.id)).find((c) => c.role === 'parent')!;
    expect(parent.messageId).toBe(parents().at(-1)!.ts);
    expect(repliesTo(parent.messageId)).toHaveLength(request.steps.length);
    expect(await rowOf(request.id)).toMatchObject({ status: 'sent' });
  });

  it('puts the dedupe key in the metadata of every post and reads history only for re-claimed rows', async () => {
    s.fake.reset();
    const { request } = await register('No Blip');
    await s.settle();
    const posts = s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === CHANNEL);
    expect(posts).toHaveLength(1 + request.steps.length);
    for (const p of posts) {
      expect(p.params.metadata).toMatchObject({ event_type: 'aimsbot_outbox', event_payload: { dedupe_key: `approval.requested:${request.id}` } });
    }
    expect(s.fake.callsOf('conversations.history')).toHaveLength(0);
    expect(s.fake.callsOf('conversations.replies')).toHaveLength(0);
  });

  it('adopts the weekly digest and its CSV upload when recording the upload failed', async () => {
    // A Tuesday morning, outside quiet hours; the digest goes to the approvals channel (no digest channel).
    s.clock.set('2026-12-01T10:00:00Z');
    await flows.flowContext(s.deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${USERS.alice.id}` });
    await s.dispatcher.drain();
    s.fake.reset();
    onceAfter((c) => c.method === 'files.completeUploadExternal', () => fault.failNext('insert', platformMessages));
    await runWeeklyDigest(s.deps, s.clock.now());
    await s.dispatcher.drain();
    expect(s.fake.callsOf('files.completeUploadExternal')).toHaveLength(1);
    const [row] = await s.database.db.select().from(notifications).where(eq(notifications.kind, 'digest.weekly'));
    expect(row).toMatchObject({ status: 'pending', reclaimed: true });

    s.clock.advance(5_000);
    await s.dispatcher.drain();
    // The CSV is adopted, not uploaded again; the chart that follows it is uploaded once.
    expect(s.fake.callsOf('files.completeUploadExternal')).toHaveLength(2);
    const digests = s.fake.callsOf('chat.postMessage').filter((c) => JSON.stringify(c.params.metadata ?? {}).includes('digest.weekly'));
    expect(digests).toHaveLength(1);
    const recorded = await s.database.db.select().from(platformMessages).where(eq(platformMessages.subjectType, 'digest'));
    expect(recorded.map((r) => r.role).sort()).toEqual(['chart', 'csv', 'digest']);
    expect(recorded.find((r) => r.role === 'csv')?.messageId).toBe(s.fake.files.filter((f) => f.filename.endsWith('.csv')).at(-1)!.id);
    const [sent] = await s.database.db.select().from(notifications).where(eq(notifications.kind, 'digest.weekly'));
    expect(sent?.status).toBe('sent');
  });
});
