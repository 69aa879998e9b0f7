/**
 * The scheduled jobs delivered to Slack: the real job functions write the outbox, the dispatcher
 * and the Slack deliverer (as wired in serve) deliver it over HTTP to the fake Web API, and a
 * signed click on a reminder card stops the chase. The clock moves through one month.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { notifications, platformMessages } from '../../db/schema';
import type { WeeklyDigestPayload } from '../../flows';
import { digestInventoryCsv, runApprovalReminders, runReviewReminders, runWeeklyDigest } from '../../flows';
import { fieldsFor, highAnswers, minimalAnswers, prohibitedAnswers } from '../fixtures/answers';
import type { SlackCall } from '../helpers/fake-slack-api';
import { blockAction } from '../helpers/slack-requests';
import { clickStep, seedRequest } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, TEST_POLICY, USERS } from '../helpers/slack-server';

const POLICY = {
  ...TEST_POLICY,
  organization: { name: 'Acme', timezone: 'UTC' },
  channels: { approvals: { slack: 'C0APPROVALS' }, digest: { slack: 'C0DIGEST' } },
  reviews: { minimalDays: 20, highDays: 30, remindBeforeDays: 14, repeatEveryDays: 3, escalateAfterDays: 7 },
  approvals: { remindAfterHours: 48, escalateAfterReminders: 2 },
};
const LATE = 'Late <!channel> & Co';
const LATE_ESCAPED = 'Late &lt;!channel&gt; &amp; Co';

const json = (c: SlackCall | undefined) => JSON.stringify(c?.params ?? null);
/** Posts to a channel; a DM channel `D<user>` also counts posts to the user id (they land there). */
const postsTo = (s: SlackTestServer, channel: string) =>
  s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === channel || `D${String(c.params.channel)}` === channel);

describe('Slack: reminders, escalations and the weekly digest', () => {
  let s: SlackTestServer;
  let notes = '';
  let late = '';
  let screener: Awaited<ReturnType<typeof seedRequest>>;

  /** Moves the clock, runs one job as of then, and delivers what it wrote. */
  const runAt = async (iso: string, job: typeof runReviewReminders) => {
    s.clock.set(iso);
    s.fake.reset();
    const report = await job(s.deps, s.clock.now());
    await s.settle();
    return report;
  };

  beforeAll(async () => {
    s = await startSlackServer({ policy: POLICY });
    s.clock.set('2026-10-05T10:00:00Z');
    const a = await seedRequest(s, USERS.alice.id, fieldsFor('Notes Helper', 'slack:U0ALICE'), minimalAnswers);
    await clickStep(s, USERS.alice.id, 'approval.approve', a.steps[0]!);
    notes = a.system.ref;
    const m = await seedRequest(s, USERS.mallory.id, { ...fieldsFor(LATE, 'slack:U0MAL'), usage_status: 'planned' }, minimalAnswers);
    await clickStep(s, USERS.mallory.id, 'approval.approve', m.steps[0]!);
    late = m.system.ref;
    screener = await seedRequest(s, USERS.bob.id, { ...fieldsFor('Screener', 'slack:U0BOB'), department: 'HR' }, highAnswers);
    await seedRequest(s, USERS.alice.id, fieldsFor('Scorer', 'slack:U0ALICE'), prohibitedAnswers);
  });
  afterAll(async () => {
    await s.close();
  });

  it('reminds a known approver by DM with a permalink, and names unknown members in the approvals channel', async () => {
    const report = await runAt('2026-10-07T11:00:00Z', runApprovalReminders);
    expect(report.enqueued).toBe(3);
    // Bob owns the owner step: a DM linking to that step's reply in the thread.
    const ownerStep = screener.steps.find((st) => st.role === 'owner')!;
    // Posted to the user id: no conversations.open per message.
    expect(s.fake.callsOf('conversations.open')).toHaveLength(0);
    const dm = postsTo(s, `D${USERS.bob.id}`);
    expect(dm).toHaveLength(1);
    expect(s.fake.callsOf('chat.getPermalink').map((c) => c.params.message_ts)).toContain(ownerStep.copy.messageId);
    const link = `https://acme.slack.com/archives/C0APPROVALS/p${ownerStep.copy.messageId.replace('.', '')}?thread_ts=${screener.parent.messageId}`;
    expect(json(dm[0])).toContain(link);
    expect(json(dm[0])).toContain('*business owner* approval of *AI-3* Screener');
    // Compliance and privacy members have never used the bot: one post per step in the channel.
    const channel = postsTo(s, 'C0APPROVALS');
    expect(channel).toHaveLength(2);
    const privacy = channel.find((c) => json(c).includes('*privacy*'));
    expect(json(privacy)).toContain('<@U0DPO>');
    // The job named the member by email only; the mention came from users.lookupByEmail.
    const rows = await s.deps.db.select().from(notifications).where(eq(notifications.kind, 'approval.reminder'));
    expect(rows.map((r) => (r.payload as { approvers: string[] }).approvers)).toContainEqual(['email:dpo@acme.example']);
    expect(json(channel.find((c) => json(c).includes('*compliance*')))).toContain('<@U0COMP>, <@U0COMP2>');
    expect(postsTo(s, 'C0DIGEST')).toHaveLength(0);
  });

  it('escalates stalled steps to the digest channel after the second reminder, retrying a 429 once', async () => {
    s.clock.set('2026-10-09T12:00:00Z');
    s.fake.reset();
    // The third message of the run is rate limited; it goes out after Retry-After, the others once.
    s.fake.rateLimitOnce('chat.postMessage', 3, 2);
    await runApprovalReminders(s.deps, s.clock.now());
    await s.settle();
    expect(s.fake.limitedCalls).toHaveLength(1);
    expect(s.fake.callsOf('chat.postMessage')).toHaveLength(5);
    s.clock.advance(3000);
    await s.settle();
    expect(s.fake.callsOf('chat.postMessage')).toHaveLength(6);
    expect(new Set(s.fake.callsOf('chat.postMessage').map((c) => json(c))).size).toBe(6);
    expect(postsTo(s, `D${USERS.bob.id}`)).toHaveLength(1);
    expect(json(postsTo(s, `D${USERS.bob.id}`)[0])).toContain('Reminder 2');
    const escalations = postsTo(s, 'C0DIGEST');
    expect(escalations).toHaveLength(3);
    const privacy = escalations.find((c) => json(c).includes('The *privacy* step'));
    expect(json(privacy)).toContain('Stalled approval: AI-3');
    expect(json(privacy)).toContain('has waited *4 days* despite 2 reminders');
    expect(json(privacy)).toContain('<@U0DPO>');
    expect(json(privacy)).toContain('https://acme.slack.com/archives/C0APPROVALS/p');
  });

  it("DMs the owner's review card; confirming on it updates the card and stops the chase", async () => {
    await runAt('2026-10-12T10:00:00Z', runReviewReminders);
    const cards = postsTo(s, `D${USERS.alice.id}`);
    expect(cards).toHaveLength(1);
    const card = cards[0]!;
    const actions = (card.params.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions')!;
    expect(actions.elements!.map((e) => [e.action_id, e.value])).toEqual([
      ['review.confirm', notes],
      ['review.update', notes],
      ['review.retire', notes],
      ['review.snooze', notes],
    ]);
    expect(json(card)).toContain('Due in 13 days.');
    const stored = await s.deps.db
      .select()
      .from(platformMessages)
      .where(and(eq(platformMessages.subjectType, 'review'), eq(platformMessages.conversationId, `D${USERS.alice.id}`)));
    expect(stored.map((m) => m.role)).toEqual(['reminder']);
    const cardTs = stored[0]!.messageId;
    // Mallory's card escapes her tool's name.
    expect(json(postsTo(s, `D${USERS.mallory.id}`)[0])).toContain(LATE_ESCAPED);

    s.fake.reset();
    const res = await s.send(blockAction({ actionId: 'review.confirm', value: notes, user: USERS.alice.id, channel: `D${USERS.alice.id}`, messageTs: cardTs, responseUrl: `${s.fake.responseBase}/card` }));
    expect(res.status).toBe(200);
    await s.settle();
    const update = s.fake.callsOf('chat.update').find((u) => u.params.ts === cardTs);
    expect(update?.params.channel).toBe(`D${USERS.alice.id}`);
    expect(json(update)).toContain('the review was confirmed');
    expect(json(update)).not.toContain('review.confirm');

    // Three days later Mallory is reminded again; Alice is not.
    await runAt('2026-10-15T10:00:00Z', runReviewReminders);
    expect(postsTo(s, `D${USERS.alice.id}`)).toHaveLength(0);
    expect(json(postsTo(s, `D${USERS.mallory.id}`)[0])).toContain('Reminder 2.');
  });

  it('posts the weekly digest with its numbers and names, and uploads the CSV once after a 429', async () => {
    s.clock.set('2026-10-12T10:00:00Z');
    s.fake.reset();
    s.fake.rateLimitOnce('files.completeUploadExternal', 1);
    await runWeeklyDigest(s.deps, s.clock.now());
    await s.settle();
    expect(s.fake.limitedCalls.map((c) => c.method)).toEqual(['files.completeUploadExternal']);
    const [row] = await s.deps.db.select().from(notifications).where(eq(notifications.kind, 'digest.weekly'));
    expect(row?.status).toBe('pending');
    expect(postsTo(s, 'C0DIGEST')).toHaveLength(1);

    s.clock.advance(1500);
    await s.settle();
    const [sent] = await s.deps.db.select().from(notifications).where(eq(notifications.kind, 'digest.weekly'));
    expect(sent?.status).toBe('sent');
    const digest = postsTo(s, 'C0DIGEST');
    expect(digest).toHaveLength(1);
    const blocks = digest[0]!.params.blocks as Array<{ type: string; text?: { text: string }; fields?: Array<{ text: string }> }>;
    expect(blocks.length).toBeLessThanOrEqual(50);
    const counts = blocks.find((b) => b.fields)!.fields!.map((f) => f.text);
    expect(counts).toEqual(['*Registered*\n4', '*Approved*\n2', '*Rejected*\n0', '*Changes requested*\n0', '*Blocked (prohibited)*\n1']);
    const text = JSON.stringify(blocks);
    expect(text).toContain('Acme · 2026-10-05 – 2026-10-12');
    expect(text).toMatch(/Pending approvals \(1\)\*\\n• \*AI-3\* Screener — waiting 7 days for business owner, compliance, privacy/);
    expect(text).toContain(`*${late}* ${LATE_ESCAPED} — due 2026-10-25 (in 13 days)`);
    expect(text).toContain('*Reviews due in the next 14 days (1)*');
    expect(text).toContain('By risk class: Minimal risk: *2* · High-risk: *1* · Prohibited: *1*');
    expect(text).toContain('By department: Operations: *3* · HR: *1*');
    expect(text).toMatch(/High-risk systems assessed this week \(1\)\*\\n• \*AI-3\* Screener/);
    expect(text).toMatch(/Prohibited practices assessed this week \(1\)\*\\n• \*AI-4\* Scorer/);
    expect(text).toMatch(/Hidden AI surfaced \(already in use when registered\) \(3\)\*/);
    expect(text).not.toContain('<!channel>');

    // The CSV went through the external upload flow twice; only the second was shared.
    const isCsv = (id: unknown) => s.fake.files.find((f) => f.id === id)?.filename.endsWith('.csv') ?? false;
    expect(s.fake.callsOf('files.getUploadURLExternal').filter((c) => String(c.params.filename).endsWith('.csv'))).toHaveLength(2);
    expect(s.fake.callsOf('file.upload').filter((c) => isCsv(c.params.file_id))).toHaveLength(2);
    const shared = s.fake.files.filter((f) => f.shared && f.filename.endsWith('.csv'));
    expect(shared).toHaveLength(1);
    // The chart (inventory by class and status, and its trend) follows the CSV into the thread, once.
    expect(s.fake.files.filter((f) => f.shared && f.filename.startsWith('ai-inventory-chart-'))).toHaveLength(1);
    // Built at delivery from the workspace's rows, not stored in the outbox row.
    expect((sent!.payload as WeeklyDigestPayload).csv).toBeUndefined();
    const csv = await digestInventoryCsv(s.deps.db, sent!.payload as WeeklyDigestPayload);
    expect(shared[0]!.bytes?.toString('utf8')).toBe(csv);
    expect(csv).toContain('Notes Helper');
    expect(shared[0]!.filename).toBe('ai-inventory-2026-10-12.csv');
    expect(shared[0]!.shared?.channelId).toBe('C0DIGEST');
    const recorded = await s.deps.db.select().from(platformMessages).where(eq(platformMessages.subjectType, 'digest'));
    expect(recorded.map((r) => r.role).sort()).toEqual(['chart', 'csv', 'digest']);
    expect(shared[0]!.shared!.threadTs).toBe(recorded.find((r) => r.role === 'digest')!.messageId);
  });

  it('escalates an overdue review to the digest channel and tells the owner so', async () => {
    await runAt('2026-11-02T10:00:00Z', runReviewReminders);
    const owner = postsTo(s, `D${USERS.mallory.id}`);
    expect(owner).toHaveLength(1);
    expect(json(owner[0])).toContain('Overdue by 8 days.');
    expect(json(owner[0])).toContain('Compliance has been told');
    const escalation = postsTo(s, 'C0DIGEST');
    expect(escalation).toHaveLength(1);
    expect(json(escalation[0])).toContain(`*Overdue review: ${late}* ${LATE_ESCAPED}`);
    expect(json(escalation[0])).toContain('Was due on 2026-10-25 and is *8 days overdue*. Owner: <@U0MAL>.');
    expect(json(escalation[0])).not.toContain('<!channel>');
  });

  it('sends a quiet week in short form, and an upload answered 429 is retried without a second post', async () => {
    s.clock.set('2026-11-02T10:00:00Z');
    s.fake.reset();
    s.fake.rateLimitOnce('file.upload', 2);
    await runWeeklyDigest(s.deps, s.clock.now());
    await s.settle();
    expect(s.fake.limitedCalls.map((c) => c.method)).toEqual(['file.upload']);
    s.clock.advance(2500);
    await s.settle();
    const digest = postsTo(s, 'C0DIGEST');
    expect(digest).toHaveLength(1);
    const text = JSON.stringify(digest[0]!.params.blocks);
    expect(text).toContain('*A quiet week*');
    // Confirmed on 2026-10-12, the next review of Notes Helper fell due on 2026-11-01.
    expect(text).toContain(`*Overdue reviews (2)*\\n• *${late}* ${LATE_ESCAPED} — 8 days overdue (due 2026-10-25), owner Mallory\\n• *${notes}* Notes Helper — 1 day overdue`);
    expect(text).not.toContain('*This week*');
    // The CSV and the chart, each once.
    expect(s.fake.callsOf('files.completeUploadExternal')).toHaveLength(2);
    const rows = await s.deps.db.select().from(notifications).where(eq(notifications.kind, 'digest.weekly'));
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
  });
});

describe('Slack: approval reminders without an approvals channel', () => {
  let s: SlackTestServer;
  afterAll(async () => {
    await s?.close();
  });

  it('DMs each group member Slack resolves, and a retry after a 429 skips the DMs already sent', async () => {
    s = await startSlackServer({ policy: { ...POLICY, channels: {} } });
    s.clock.set('2026-10-05T10:00:00Z');
    await seedRequest(s, USERS.bob.id, fieldsFor('Screener', 'slack:U0BOB'), highAnswers);
    s.clock.set('2026-10-07T11:00:00Z');
    s.fake.reset();
    // Owner DM, then one notification for both compliance members, then privacy: the second
    // compliance DM is rate limited after the first went out.
    s.fake.rateLimitOnce('chat.postMessage', 2, 2);
    await runApprovalReminders(s.deps, s.clock.now());
    await s.settle();
    expect(s.fake.limitedCalls.map((c) => c.params.channel)).toEqual(['U0COMP2']);
    s.clock.advance(2000);
    await s.settle();
    const dms = s.fake.callsOf('chat.postMessage').map((c) => c.params.channel);
    // By user id, or by DM channel once a post there taught it (D<user> in the fake).
    expect(dms.map((c) => String(c).replace(/^D/, '')).sort()).toEqual(['U0BOB', 'U0COMP', 'U0COMP2', 'U0DPO']);
    const rows = await s.deps.db.select().from(notifications).where(eq(notifications.kind, 'approval.reminder'));
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  });
});
