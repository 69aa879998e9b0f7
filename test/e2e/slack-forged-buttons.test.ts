/**
 * Buttons and commands that open a Slack modal carry a value the client controls. A forged or
 * foreign reference, a clicker without the right to act, or a system in the wrong state gets a
 * private message and no modal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as flows from '../../flows';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import { command, formOfView, lastOpenedView, seedRequest } from '../helpers/slack-flows';
import { blockAction } from '../helpers/slack-requests';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

describe('Slack: modals opened from a button value or command text', () => {
  let s: SlackTestServer;
  let approved: string;
  let sentBack: string;
  let stepId: number;

  beforeAll(async () => {
    s = await startSlackServer();
    const alice = await flows.flowContext(s.deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${USERS.alice.id}` });
    const a = await seedRequest(s, USERS.alice.id, fieldsFor('Approved Tool', `slack:${USERS.alice.id}`), minimalAnswers);
    expect((await flows.decideStep(alice, { stepId: a.steps[0]!.id, decision: 'approve' })).kind).toBe('recorded');
    approved = a.system.ref;
    const b = await seedRequest(s, USERS.alice.id, fieldsFor('Sent Back Tool', `slack:${USERS.alice.id}`), minimalAnswers);
    expect((await flows.decideStep(alice, { stepId: b.steps[0]!.id, decision: 'request_changes', reason: 'Say more' })).kind).toBe('recorded');
    sentBack = b.system.ref;
    const c = await seedRequest(s, USERS.alice.id, fieldsFor('Pending Tool', `slack:${USERS.bob.id}`), minimalAnswers);
    stepId = c.steps[0]!.id;
    await s.settle();
  });
  afterAll(async () => s?.close());

  const click = async (actionId: string, value: string, user: string) => {
    s.fake.reset();
    const res = await s.send(blockAction({ actionId, value, user, channel: 'C0GENERAL', messageTs: '7.7', responseUrl: `${s.fake.responseBase}/click` }));
    expect(res.status).toBe(200);
    await s.settle();
  };
  /** What the clicker was told privately (ephemeral in the channel). */
  const told = () => s.fake.callsOf('chat.postEphemeral').map((c) => `${String(c.params.text)} ${JSON.stringify(c.params.blocks)}`).join('\n');
  const modals = () => s.fake.callsOf('views.open').length;

  it.each([
    ['someone who is neither owner nor submitter', () => sentBack, USERS.mallory.id, /Only the owner or the submitter/],
    ['a forged reference', () => '<!channel> AI-1', USERS.alice.id, /is not a system reference/],
    ['a reference of no system', () => 'AI-999', USERS.alice.id, /There is no system AI-999/],
    ['a system that was not sent back', () => approved, USERS.alice.id, /only a system that was rejected or on which changes were requested/],
  ])('resubmit button: %s gets a private message and no modal', async (_what, value, user, message) => {
    await click('system.resubmit', value(), user);
    expect(modals()).toBe(0);
    expect(told()).toMatch(message);
    expect(told()).not.toContain('<!channel>');
  });

  it('resubmit button: the submitter gets the form of the canonical reference', async () => {
    await click('system.resubmit', sentBack.toLowerCase(), USERS.alice.id);
    expect(await formOfView(s, lastOpenedView(s), USERS.alice.id)).toMatchObject({ mode: 'resubmit', ref: sentBack });
  });

  it.each([
    ['review.update', 'someone who may not review it', () => approved, USERS.mallory.id, /Only the owner of AI-\d+/],
    ['review.snooze', 'someone who may not review it', () => approved, USERS.mallory.id, /Only the owner of AI-\d+/],
    ['review.update', 'a forged reference', () => '<!channel>', USERS.alice.id, /is not a system reference/],
    ['review.snooze', 'a forged reference', () => '<@U1>', USERS.alice.id, /is not a system reference/],
    ['review.update', 'a system that is not approved', () => sentBack, USERS.alice.id, /needs it to be approved/],
    ['review.snooze', 'a system that is not approved', () => sentBack, USERS.alice.id, /needs it to be approved/],
  ])('%s: %s gets a private message and no modal', async (actionId, _what, value, user, message) => {
    await click(actionId, value(), user);
    expect(modals()).toBe(0);
    expect(told()).toMatch(message);
    expect(told()).not.toMatch(/<!channel>|<@U1>/);
  });

  it('review buttons: the owner gets the modals', async () => {
    await click('review.update', approved, USERS.alice.id);
    expect(await formOfView(s, lastOpenedView(s), USERS.alice.id)).toMatchObject({ mode: 'retriage', ref: approved });
    await click('review.snooze', approved, USERS.alice.id);
    expect(JSON.parse(lastOpenedView(s).private_metadata)).toMatchObject({ ref: approved });
  });

  it.each([
    ['approval.reject', 'a step that is not theirs', () => String(stepId), USERS.mallory.id, /not yours to decide/],
    ['approval.request_changes', 'a forged step id', () => '<!channel>', USERS.alice.id, /damaged/],
    ['approval.reject', 'a step of no request', () => '987654', USERS.alice.id, /does not exist/],
  ])('%s: %s gets a private message and no modal', async (actionId, _what, value, user, message) => {
    await click(actionId, value(), user);
    expect(modals()).toBe(0);
    expect(told()).toMatch(message);
  });

  it('/aims resubmit: someone who is neither owner nor submitter gets a private answer and no modal', async () => {
    s.fake.reset();
    expect(await command(s, USERS.mallory.id, `resubmit ${sentBack}`)).toBe(200);
    expect(modals()).toBe(0);
    const answers = s.fake.callsOf('response_url').map((c) => JSON.stringify(c.params));
    expect(answers.join('\n')).toContain('Only the owner or the submitter');
  });
});
