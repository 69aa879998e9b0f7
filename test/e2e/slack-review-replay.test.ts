/**
 * Review buttons on Slack under replays and double clicks: signed requests sent again and raced
 * over HTTP record one confirmation, one snooze, one re-triage and one retirement; the late click
 * is told what already happened, and the next reminder run sends the owner one card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { approvalRequests, auditEvents, reviews } from '../../db/schema';
import * as flows from '../../flows';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import type { SlackBody } from '../helpers/slack-requests';
import { blockAction, fillView, signatureHeaders, SIGNING_SECRET, viewSubmission } from '../helpers/slack-requests';
import { clickStep, lastOpenedView, seedRequest, submit } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

const DAY = 86_400_000;

describe('Slack: review actions are recorded once', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer({ db: 'postgres' });
  });
  afterAll(async () => {
    await s?.close();
  });

  /** An approved tool owned by alice, with its open review. */
  async function approvedTool(name: string): Promise<{ ref: string; systemId: number }> {
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor(name, 'slack:U0ALICE'), minimalAnswers);
    await clickStep(s, USERS.alice.id, 'approval.approve', seeded.steps[0]!);
    return { ref: seeded.system.ref, systemId: seeded.system.id };
  }

  const click = (actionId: string, ref: string, user: string = USERS.alice.id) =>
    blockAction({ actionId, value: ref, user, channel: 'C0GENERAL', messageTs: '7.7', responseUrl: `${s.fake.responseBase}/review-${user}` });
  /** The same body signed at distinct times: distinct deliveries of one payload. */
  // Signed a minute back (inside Slack's five-minute window), so a copy never repeats the signature
  // of the request just sent with the current time, even when the clock ticks over.
  const resend = (req: SlackBody, i: number) => s.send(req, signatureHeaders(req.body, SIGNING_SECRET, Math.floor(Date.now() / 1000) - 60 - i));
  const events = (systemId: number, action: string) =>
    s.deps.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectType, 'ai_system'), eq(auditEvents.subjectId, String(systemId)), eq(auditEvents.action, action)));
  const openReviews = (systemId: number) => s.deps.db.select().from(reviews).where(and(eq(reviews.systemId, systemId), eq(reviews.status, 'open')));
  const ephemerals = () => s.fake.callsOf('chat.postEphemeral').map((c) => String(c.params.text));

  it('a replayed signed confirm and five racing clicks record one confirmation; the owner gets one reminder card later', async () => {
    const { ref, systemId } = await approvedTool('Replay Confirm');
    s.fake.reset();
    const first = click('review.confirm', ref);
    const headers = signatureHeaders(first.body);
    expect((await s.send(first, headers)).status).toBe(200);
    await s.settle();
    // The same signed request again is refused at the door (a replay is processed once)…
    expect((await s.send(first, headers)).status).toBe(401);
    // …and the same click signed anew reaches the flow, which records nothing more.
    expect((await s.send(first, signatureHeaders(first.body, undefined, Number(headers['x-slack-request-timestamp']) + 1))).status).toBe(200);
    await s.settle();
    const raced = await Promise.all(Array.from({ length: 5 }, () => s.send(click('review.confirm', ref))));
    expect(raced.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await s.settle();

    expect(await events(systemId, 'review.confirmed')).toHaveLength(1);
    expect(await openReviews(systemId)).toHaveLength(1);
    const late = ephemerals().filter((t) => t.includes('Already confirmed by Alice'));
    expect(late.length).toBeGreaterThanOrEqual(6);
    expect(late[0]).toContain(`next review of ${ref} is due on`);

    // The next reminder run as of a week before the review is due: one card for the owner.
    const [open] = await openReviews(systemId);
    const asOf = new Date(open!.dueAt.getTime() - 7 * DAY);
    s.fake.reset();
    await flows.runReviewReminders(s.deps, asOf);
    s.clock.set(asOf);
    await s.settle();
    const cards = s.fake.callsOf('chat.postMessage').filter((c) => JSON.stringify(c.params.blocks).includes('review.confirm') && String(c.params.text).includes(ref));
    expect(cards).toHaveLength(1);
    s.clock.set(new Date());
  });

  it('a snooze submitted again, and raced, is recorded once; the late ones hear until when', async () => {
    const { ref, systemId } = await approvedTool('Replay Snooze');
    s.fake.reset();
    await s.send(click('review.snooze', ref));
    await s.settle();
    const modal = lastOpenedView(s);
    const values = fillView(modal, { days: 12, reason: 'audit season' });
    const submission = viewSubmission({ user: USERS.alice.id, callbackId: modal.callback_id, privateMetadata: modal.private_metadata, values, blocks: modal.blocks });
    const answers = await Promise.all([0, 1, 2, 3].map((i) => resend(submission, i)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await s.settle();
    expect(await events(systemId, 'review.snoozed')).toHaveLength(1);
    expect(ephemerals().filter((t) => t.includes('paused until'))).toHaveLength(1);
    expect(ephemerals().filter((t) => /Already snoozed by Alice on .* until \d{4}-\d\d-\d\d \(“audit season”\)/.test(t))).toHaveLength(3);
  });

  it('the last page of a re-triage submitted again starts one new approval; the replay is told', async () => {
    const { ref, systemId } = await approvedTool('Replay Retriage');
    s.fake.reset();
    await s.send(click('review.update', ref));
    await s.settle();
    // Personal data adds a privacy step: the re-triage starts a new approval.
    const answers = { ...minimalAnswers, data_categories: ['personal'] };
    let view = lastOpenedView(s);
    let last: SlackBody | null = null;
    for (let page = 0; page < 10 && view.callback_id === 'aims.form'; page += 1) {
      last = viewSubmission({ user: USERS.alice.id, callbackId: view.callback_id, privateMetadata: view.private_metadata, values: fillView(view, answers), blocks: view.blocks });
      const r = await submit(s, USERS.alice.id, view, answers);
      expect(r.response_action).toBe('update');
      view = r.view as typeof view;
    }
    expect(JSON.stringify(view)).toContain(`Reviewed ${ref}`);
    const replies = await Promise.all([1, 2, 3].map((i) => resend(last!, i).then((r) => r.text())));
    await s.settle();
    for (const reply of replies) expect(reply).toMatch(/Already re-triaged by Alice on/);
    expect(await events(systemId, 'review.retriaged')).toHaveLength(1);
    const requests = await s.deps.db.select().from(approvalRequests).where(eq(approvalRequests.systemId, systemId));
    expect(requests.filter((q) => q.status === 'pending')).toHaveLength(1);
  });

  it('racing retire clicks by the owner and compliance retire once; the others hear who did it', async () => {
    const { ref, systemId } = await approvedTool('Replay Retire');
    s.fake.reset();
    const clicks = [USERS.alice.id, USERS.carol.id, USERS.alice.id, USERS.carol.id].map((u) => s.send(click('review.retire', ref, u)));
    expect((await Promise.all(clicks)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await s.settle();
    expect(await events(systemId, 'system.retired')).toHaveLength(1);
    expect(ephemerals().filter((t) => t.includes(`${ref} is retired`))).toHaveLength(1);
    expect(ephemerals().filter((t) => new RegExp(`Already retired: ${ref} was retired by (Alice|Carol Compliance)`).test(t))).toHaveLength(3);
  });
});
