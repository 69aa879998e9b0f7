/**
 * The scheduled jobs' notifications in Teams, end to end: data made through the real flows and
 * Teams activities (some people installed the app, some did not), the real job functions at a
 * moved test clock, and the outbox delivered by the Teams deliverer to the fake Bot Connector.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { approvalRequests, notifications, platformMessages, reviews } from '../../db/schema';
import type { FlowDeps } from '../../flows';
import * as flows from '../../flows';
import type { Answers } from '../../flows/triage/types';
import { fieldsFor, highAnswers, minimalAnswers, prohibitedAnswers } from '../fixtures/answers';
import type { ConnectorCall } from '../helpers/fake-bot-connector';
import type { TeamsBench, TeamsUser } from '../helpers/teams-harness';
import { APPROVALS, TENANT, buttons, cardOf, cardText, inputs, people, startTeamsBench, teamsPolicy } from '../helpers/teams-harness';

const DIGEST = '19:digest@thread.tacv2';
const T0 = '2026-11-02T09:00:00Z';
/** Erin owns tools but never installed the app. */
const erin: TeamsUser = { aad: '00000000-0000-4000-8000-00000000e714', name: 'Erin Engineer', email: 'erin@acme.example' };
const personal = (u: TeamsUser) => `a:personal-${u.aad}`;

const jobPolicy = (channels: Record<string, unknown>) =>
  teamsPolicy({
    organization: { name: 'Acme', timezone: 'UTC' },
    channels,
    reviews: { minimalDays: 20, highDays: 30, remindBeforeDays: 14, repeatEveryDays: 3, escalateAfterDays: 7 },
    approvals: { remindAfterHours: 48, escalateAfterReminders: 2 },
  });

function setup(bench: TeamsBench) {
  bench.fake.addMember({ id: `29:${erin.aad}`, aadObjectId: erin.aad, name: erin.name, email: erin.email, userPrincipalName: erin.email });
  const deps: FlowDeps = { db: bench.db.db, policy: bench.policy, clock: bench.clock };
  const as = (u: TeamsUser) => flows.flowContext(deps, { platform: 'teams', externalId: TENANT }, { platformId: `teams:${u.aad}`, displayName: u.name, email: u.email });
  const register = async (by: TeamsUser, name: string, owner: TeamsUser, answers: Answers, fields: Record<string, string> = {}) => {
    const r = await flows.register(await as(by), { fields: { ...fieldsFor(name, `teams:${owner.aad}`), ...fields }, answers, ownerName: owner.name, ownerEmail: owner.email });
    if (r.kind !== 'registered') throw new Error(`${name} not registered: ${JSON.stringify(r)}`);
    return r.system;
  };
  const approve = async (u: TeamsUser, ref: string) => {
    const r = await flows.decideForSystem(await as(u), ref, 'approve');
    if (r.kind !== 'recorded') throw new Error(`${u.name} could not approve ${ref}: ${JSON.stringify(r)}`);
  };
  /** Runs a job as of `at` and delivers what it wrote. */
  const run = async (job: 'review' | 'approval' | 'digest', at: string) => {
    bench.clock.set(at);
    const fn = { review: flows.runReviewReminders, approval: flows.runApprovalReminders, digest: flows.runWeeklyDigest }[job];
    const report = await fn({ db: deps.db, policy: deps.policy }, bench.clock.now());
    await bench.drain();
    return report;
  };
  /** Successful posts to a conversation, thread replies included. */
  const posts = (conversation: string): ConnectorCall[] =>
    bench.fake.calls.filter((c) => c.method === 'POST' && c.status < 300 && c.path.endsWith('/activities') && (c.conversationId ?? '').split(';')[0] === conversation);
  return { deps, as, register, approve, run, posts };
}

describe('Teams: reminders, escalations and the weekly digest', () => {
  let bench: TeamsBench;
  let t: ReturnType<typeof setup>;
  const sys: Record<string, { id: number; ref: string }> = {};

  beforeAll(async () => {
    bench = await startTeamsBench('postgres', jobPolicy({ approvals: { teams: APPROVALS }, digest: { teams: DIGEST } }));
    t = setup(bench);
    bench.clock.set(T0);
    await bench.installChannel();
    for (const u of [people.alice, people.bob, people.compliance]) await bench.installPersonal(u);
    await bench.say(people.compliance, 'help'); // Cora is known, with a reference; Carl and the DPO are not
    sys.chatty = await t.register(people.bob, 'Chatty', people.bob, minimalAnswers);
    await t.approve(people.bob, sys.chatty.ref);
    sys.helper = await t.register(people.alice, 'Helper Bot', erin, minimalAnswers, { department: 'Support', usage_status: 'planned' });
    await t.approve(erin, sys.helper.ref);
    sys.pending = await t.register(people.alice, 'Pending Tool', erin, highAnswers, { department: 'HR' });
    sys.scorer = await t.register(people.alice, 'Scorer', people.alice, prohibitedAnswers, { department: 'HR', usage_status: 'planned' });
    await bench.drain();
  });
  afterAll(async () => bench?.close());

  it('reminds approvers: a DM with a way back to the request, mentions in the thread for the others', async () => {
    const [request] = await bench.db.db.select().from(approvalRequests).where(eq(approvalRequests.systemId, sys.pending!.id));
    const [parent] = await bench.db.db
      .select()
      .from(platformMessages)
      .where(and(eq(platformMessages.subjectType, 'approval_request'), eq(platformMessages.subjectId, request!.id)));
    expect(parent).toMatchObject({ conversationId: APPROVALS, role: 'parent' });
    const coraBefore = t.posts(personal(people.compliance)).length;
    const report = await t.run('approval', '2026-11-04T10:00:00Z');
    expect(report.enqueued).toBeGreaterThanOrEqual(3);

    // Cora installed the app: a direct message with "Open the request" and a deep link to the thread.
    const toCora = t.posts(personal(people.compliance)).slice(coraBefore);
    expect(toCora).toHaveLength(1);
    const card = cardOf(toCora[0]!.body);
    expect(cardText(card)).toContain(`Reminder: ${sys.pending!.ref} Pending Tool waits for a decision`);
    expect(cardText(card)).toContain('**compliance** approval has been waiting for 2 days');
    const open = buttons(card).find((b) => b.data.action === 'approval.open')!;
    expect(open.data.requestId).toBe(request!.id);
    const link = (card.actions as Array<{ type: string; url?: string }>).find((a) => a.type === 'Action.OpenUrl')!.url!;
    expect(link).toContain(`https://teams.microsoft.com/l/message/${encodeURIComponent(APPROVALS)}/${parent!.messageId}`);
    expect(link).toContain(`tenantId=${TENANT}`);
    // Opening it gives Cora her buttons right there.
    const opened = await bench.execute(people.compliance, open.data);
    expect(buttons(opened).map((b) => b.data.action)).toContain('approval.approve');

    // Erin (owner step) has no reference, Carl and the DPO were never seen: mentioned in the request's thread.
    const replies = bench.fake.calls.filter((c) => c.method === 'POST' && c.status < 300 && c.conversationId === `${APPROVALS};messageid=${parent!.messageId}`);
    const texts = replies.map((r) => String(r.body?.text ?? ''));
    const toErin = replies.find((r) => String(r.body?.text).includes(`<at>${erin.name}</at>`));
    expect(toErin, texts.join(' | ')).toBeDefined();
    expect((toErin!.body!.entities as Array<{ mentioned: { id: string } }>)[0]!.mentioned.id).toBe(erin.aad);
    expect(cardText(cardOf(toErin!.body))).toContain('**business owner** approval');
    const toCarl = replies.find((r) => String(r.body?.text).includes(`<at>${people.compliance2.name}</at>`));
    expect(toCarl, texts.join(' | ')).toBeDefined();
    expect((toCarl!.body!.entities as Array<{ mentioned: { id: string } }>)[0]!.mentioned.id).toBe(people.compliance2.aad);
    const toPrivacy = replies.find((r) => cardText(cardOf(r.body)).includes('**privacy** approval'));
    expect(cardText(cardOf(toPrivacy!.body))).toContain('dpo@acme.example');
    expect(replies).toHaveLength(3);
    // Nothing went to the digest channel yet.
    expect(t.posts(DIGEST)).toHaveLength(0);
  });

  it('escalates a stalled approval to the digest channel once', async () => {
    await t.run('approval', '2026-11-06T11:00:00Z');
    const escalations = t.posts(DIGEST).filter((c) => cardText(cardOf(c.body)).includes('Stalled approval'));
    expect(escalations.length).toBe(3); // owner, compliance and privacy steps each reached two reminders
    const text = escalations.map((c) => cardText(cardOf(c.body))).join('\n');
    expect(text).toContain(`Stalled approval: ${sys.pending!.ref} Pending Tool`);
    expect(text).toContain('despite 2 reminders');
    // Names for the members aimsbot has met, a count for the others, never an AAD object id.
    expect(text).toContain(`Approvers: ${people.compliance.name}, 1 Teams member of the group`);
    expect(text).not.toContain(people.compliance2.aad);
    await t.run('approval', '2026-11-06T12:00:00Z');
    expect(t.posts(DIGEST).filter((c) => cardText(cardOf(c.body)).includes('Stalled approval'))).toHaveLength(3);
  });

  it("sends the owner's review card with the four actions; confirming stops the chase and updates the card", async () => {
    const before = t.posts(personal(people.bob)).length;
    await t.run('review', '2026-11-08T10:00:00Z');
    const toBob = t.posts(personal(people.bob)).slice(before);
    expect(toBob).toHaveLength(1);
    const card = cardOf(toBob[0]!.body);
    expect(cardText(card)).toContain(`The review of ${sys.chatty!.ref} is due on 2026-11-22 (in 14 days)`);
    expect(buttons(card).map((b) => b.data.action)).toEqual(['review.confirm', 'review.update', 'review.retire', 'review.snooze']);
    expect(inputs(card).find((i) => i.id === 'days')).toMatchObject({ type: 'Input.Number', min: 1, max: 30 });
    const [copy] = await bench.db.db.select().from(platformMessages).where(and(eq(platformMessages.subjectType, 'review'), eq(platformMessages.conversationId, personal(people.bob))));
    expect(copy).toMatchObject({ role: 'reminder', platform: 'teams' });

    // Erin has no reference: her card comes to the approvals channel with a mention.
    const toErin = t.posts(APPROVALS).filter((c) => String(c.body?.text ?? '').includes(`<at>${erin.name}</at>`) && cardText(cardOf(c.body)).includes('The review of'));
    expect(toErin).toHaveLength(1);
    expect(cardText(cardOf(toErin[0]!.body))).toContain(`The review of ${sys.helper!.ref}`);

    // A retry of an already delivered reminder (e.g. a worker killed before marking it sent) posts nothing.
    await bench.db.db.update(notifications).set({ status: 'pending' }).where(eq(notifications.kind, 'review.reminder'));
    await bench.drain();
    expect(t.posts(personal(people.bob)).slice(before)).toHaveLength(1);

    const confirm = buttons(card).find((b) => b.data.action === 'review.confirm')!;
    const answer = await bench.execute(people.bob, confirm.data);
    expect(cardText(answer)).toContain(`Review recorded; next review of ${sys.chatty!.ref} on 2026-11-28`);
    await bench.drain();
    const updates = bench.fake.updates(personal(people.bob));
    expect(updates).toHaveLength(1);
    expect(updates[0]!.activityId).toBe(copy!.messageId);
    const closed = cardOf(updates[0]!.body);
    expect(cardText(closed)).toContain(`Review of ${sys.chatty!.ref} Chatty: confirmed by Bob`);
    expect(buttons(closed)).toEqual([]);
  });

  it('posts the weekly digest once despite a 429, with the numbers, the names and who has not installed the app', async () => {
    bench.fake.throttleNext('POST', new RegExp(`/v3/conversations/${DIGEST}/activities$`), 4, 0);
    await t.run('digest', '2026-11-09T08:00:00Z');
    await bench.drain();
    expect(bench.fake.calls.filter((c) => c.status === 429 && c.conversationId === DIGEST)).toHaveLength(4);
    const digests = t.posts(DIGEST).filter((c) => cardText(cardOf(c.body)).includes('Weekly AI compliance digest'));
    expect(digests).toHaveLength(1);
    const [row] = await bench.db.db.select().from(notifications).where(eq(notifications.kind, 'digest.weekly'));
    expect(row).toMatchObject({ status: 'sent' });
    expect(row!.attempts).toBeGreaterThanOrEqual(1);

    const text = cardText(cardOf(digests[0]!.body));
    expect(text).toContain('Weekly AI compliance digest — Acme');
    expect(text).toContain('2026-11-02 – 2026-11-09');
    for (const [label, n] of [['Registrations', 4], ['Approvals', 2], ['Rejections', 0], ['Blocked', 1]] as const) expect(text).toContain(`${label}: ${n}`);
    expect(text).toContain(`**⚠ High-risk assessed:** ${sys.pending!.ref} Pending Tool`);
    expect(text).toContain(`**⛔ Prohibited assessed:** ${sys.scorer!.ref} Scorer`);
    expect(text).toContain(`**Hidden AI (in use before registration):** ${sys.chatty!.ref} Chatty, ${sys.pending!.ref} Pending Tool`);
    expect(text).toContain(`${sys.pending!.ref} Pending Tool: waiting 6 days for owner, compliance, privacy`);
    expect(text).toContain(`${sys.helper!.ref} Helper Bot: due 2026-11-22 — owner ${erin.name}`);
    expect(text).toContain('Inventory: 4 systems');
    for (const line of ['minimal: 2', 'high: 1', 'prohibited: 1', 'HR: 2', 'Operations: 1', 'Support: 1']) expect(text).toContain(line);
    const note = text.split('\n').find((l) => l.includes('not installed the aimsbot app'))!;
    expect(note).toBeDefined();
    for (const name of [erin.name, people.compliance2.name, 'dpo@acme.example']) expect(note).toContain(name);
    for (const name of [people.compliance.name, people.bob.name]) expect(note).not.toContain(name);

    // Delivered once even if the row is handed out again.
    await bench.db.db.update(notifications).set({ status: 'pending' }).where(eq(notifications.id, row!.id));
    await bench.drain();
    expect(t.posts(DIGEST).filter((c) => cardText(cardOf(c.body)).includes('Weekly AI compliance digest'))).toHaveLength(1);
  });

  it('no longer chases a confirmed review; keeps chasing the other until it is snoozed', async () => {
    const bobBefore = t.posts(personal(people.bob)).length;
    const erinCards = () => t.posts(APPROVALS).filter((c) => String(c.body?.text ?? '').includes(`<at>${erin.name}</at>`) && cardText(cardOf(c.body)).includes('The review of'));
    await t.run('review', '2026-11-11T10:00:00Z');
    expect(t.posts(personal(people.bob)).length).toBe(bobBefore);
    expect(erinCards()).toHaveLength(2);
    const card = cardOf(erinCards()[1]!.body);
    expect(cardText(card)).toContain('Reminder 2');

    const snooze = buttons(card).find((b) => b.data.action === 'review.snooze')!;
    const tooLong = await bench.execute(erin, { ...snooze.data, days: '40', reason: 'later' }, { channel: true });
    expect(cardText(tooLong)).toContain('whole number of days from 1 to 30');
    const notOwner = await bench.execute(people.mallory, { ...snooze.data, days: '5', reason: 'mine now' }, { channel: true });
    expect(cardText(notOwner)).toContain('Only the owner');
    const ok = await bench.execute(erin, { ...snooze.data, days: '10', reason: 'Vendor audit first' }, { channel: true });
    expect(cardText(ok)).toContain(`Review reminders for ${sys.helper!.ref} are paused until 2026-11-21`);
    await t.run('review', '2026-11-15T10:00:00Z');
    expect(erinCards()).toHaveLength(2);
  });

  it('once a review is a week overdue the digest channel is told and the owner hears compliance knows', async () => {
    await t.run('review', '2026-11-29T10:00:00Z');
    const escalation = t.posts(DIGEST).find((c) => cardText(cardOf(c.body)).includes('Overdue review'));
    expect(escalation).toBeDefined();
    const text = cardText(cardOf(escalation!.body));
    expect(text).toContain(`Overdue review: ${sys.helper!.ref} Helper Bot`);
    expect(text).toContain('7 days overdue');
    expect(text).toContain(`Owner: ${erin.name} (${erin.email})`);
    const last = t.posts(APPROVALS).filter((c) => String(c.body?.text ?? '').includes(`<at>${erin.name}</at>`)).at(-1)!;
    expect(cardText(cardOf(last.body))).toContain('Compliance has been told that this review is overdue');
  });
});

describe('Teams: reaching someone without the approvals channel', () => {
  let bench: TeamsBench;
  let t: ReturnType<typeof setup>;
  beforeAll(async () => {
    bench = await startTeamsBench('pglite', jobPolicy({}));
    t = setup(bench);
    bench.clock.set(T0);
    await bench.installPersonal(people.alice);
  });
  afterAll(async () => bench?.close());

  it('creates a personal chat with an owner who never installed the app, and retires from the review card there', async () => {
    const system = await t.register(people.alice, 'Solo Tool', erin, minimalAnswers);
    await bench.drain();
    const created = bench.fake.calls.filter((c) => c.method === 'POST' && c.path === '/v3/conversations');
    expect(created).toHaveLength(1);
    expect((created[0]!.body!.members as Array<{ id: string }>)[0]!.id).toBe(erin.aad);
    const conversation = 'a:new-conversation-1';
    expect(cardText(cardOf(t.posts(conversation)[0]!.body))).toContain('Solo Tool');
    await t.approve(erin, system.ref);
    await bench.drain();

    await t.run('review', '2026-11-08T10:00:00Z');
    // The created chat was stored: the reminder goes there without creating another.
    expect(bench.fake.calls.filter((c) => c.method === 'POST' && c.path === '/v3/conversations')).toHaveLength(1);
    const reminder = t.posts(conversation).map((c) => cardOf(c.body)).find((c) => cardText(c).includes('The review of'))!;
    expect(reminder).toBeDefined();
    const retire = buttons(reminder).find((b) => b.data.action === 'review.retire')!;
    const answer = await bench.execute(erin, { ...retire.data, reason: 'Replaced by the suite' });
    expect(cardText(answer)).toContain(`${system.ref} Solo Tool is retired`);
    await bench.drain();
    const update = bench.fake.updates(conversation).at(-1)!;
    expect(cardText(cardOf(update.body))).toContain(`Review of ${system.ref} Solo Tool: retired by ${erin.name}`);
    const [review] = await bench.db.db.select().from(reviews).where(eq(reviews.systemId, system.id));
    expect(review!.status).toBe('retired');
  });

  it('fails the digest for good, with the setting to fix, when no digest or approvals channel is set', async () => {
    await t.run('digest', '2026-11-09T08:00:00Z');
    const [row] = await bench.db.db.select().from(notifications).where(eq(notifications.kind, 'digest.weekly'));
    expect(row).toMatchObject({ status: 'failed', lastError: 'no digest channel configured for teams: set channels.digest.teams' });
  });
});
