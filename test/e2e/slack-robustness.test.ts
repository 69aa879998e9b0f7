/**
 * Requests the adapter does not expect: interactions no listener handles, payloads that are not
 * JSON, damaged or tampered modal state, a failing Web API call, a rate-limited auth.test. Each
 * is answered at once, changes nothing, and leaves the other handlers working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiSystems, approvalSteps, auditEvents, reviews } from '../../db/schema';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import type { SlackBody } from '../helpers/slack-requests';
import { blockAction, signatureHeaders, slashCommand, viewSubmission } from '../helpers/slack-requests';
import { clickStep, command, lastOpenedView, seedRequest } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

const interactive = (payload: unknown): SlackBody => ({
  body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
  contentType: 'application/x-www-form-urlencoded',
});
const reasonValues = (text: string) => ({ reason: { reason: { type: 'plain_text_input', value: text } } });

describe('Slack: unexpected requests', () => {
  let s: SlackTestServer;
  let ref = '';
  let stepId = 0;
  const snapshot = async () => ({
    audit: (await s.deps.db.select().from(auditEvents)).length,
    systems: (await s.deps.db.select().from(aiSystems)).map((x) => x.status),
    steps: (await s.deps.db.select().from(approvalSteps)).map((x) => x.status),
    reviews: (await s.deps.db.select().from(reviews)).map((x) => x.status),
  });
  /** Sends a request and returns its status, body text and how long the answer took. */
  const timed = async (req: SlackBody, headers?: Record<string, string>) => {
    const started = Date.now();
    const res = headers ? await s.sendRaw(req, headers) : await s.send(req);
    const text = await res.text();
    await s.settle();
    return { status: res.status, text, ms: Date.now() - started };
  };

  beforeAll(async () => {
    s = await startSlackServer();
    // An approved tool owned by Alice (she decides her own owner step), and one waiting for Bob.
    const approved = await seedRequest(s, USERS.alice.id, fieldsFor('Sturdy Tool', 'slack:U0ALICE'), minimalAnswers);
    await clickStep(s, USERS.alice.id, 'approval.approve', approved.steps[0]!);
    ref = approved.system.ref;
    const waiting = await seedRequest(s, USERS.alice.id, fieldsFor('Waiting Tool', 'slack:U0BOB'), minimalAnswers);
    stepId = waiting.steps[0]!.id;
  });
  afterAll(async () => {
    await s.close();
  });

  it('acknowledges at once what no listener handles, and changes nothing', async () => {
    const before = await snapshot();
    s.fake.reset();
    const user = { id: USERS.alice.id, username: 'alice', team_id: 'T0TEAM' };
    const team = { id: 'T0TEAM', domain: 'acme' };
    const requests: SlackBody[] = [
      blockAction({ actionId: 'approval.approve_all', value: String(stepId), user: USERS.alice.id, channel: 'C0APPROVALS', messageTs: '1.1', responseUrl: `${s.fake.responseBase}/u` }),
      viewSubmission({ user: USERS.alice.id, callbackId: 'someone.elses.modal', privateMetadata: '', values: {} }),
      interactive({ type: 'view_closed', team, user, api_app_id: 'A0AIMS', view: { id: 'V1', callback_id: 'aims.form', private_metadata: '' }, is_cleared: false }),
      interactive({ type: 'shortcut', team, user, api_app_id: 'A0AIMS', callback_id: 'register_tool', trigger_id: 't1', action_ts: '1.2' }),
      interactive({ type: 'message_action', team, user, channel: { id: 'C1' }, callback_id: 'flag', trigger_id: 't2', message: { ts: '1.3', text: 'x' }, response_url: `${s.fake.responseBase}/m` }),
      { ...slashCommand({ text: 'list', user: USERS.alice.id, responseUrl: `${s.fake.responseBase}/c` }), body: slashCommand({ text: 'list', user: USERS.alice.id, responseUrl: `${s.fake.responseBase}/c` }).body.replace('command=%2Faims', 'command=%2Faims-old') },
    ];
    for (const req of requests) {
      const r = await timed(req);
      expect(r.status, req.body.slice(0, 80)).toBe(200);
      // Bolt answers what nobody acknowledges with 404 after three seconds.
      expect(r.ms, req.body.slice(0, 80)).toBeLessThan(2000);
    }
    expect(await snapshot()).toEqual(before);
    expect(s.fake.calls.filter((c) => c.method.startsWith('chat.') || c.method.startsWith('views.'))).toEqual([]);
  });

  it('answers a payload that is not JSON with 400 and changes nothing', async () => {
    const before = await snapshot();
    const body = 'payload=%7Bnot-json';
    const r = await timed({ body, contentType: 'application/x-www-form-urlencoded' }, { 'content-type': 'application/x-www-form-urlencoded', ...signatureHeaders(body) });
    expect(r.status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses damaged modal state with a sentence, never a silent failure', async () => {
    const before = await snapshot();
    s.fake.reset();
    const snooze = await timed(
      viewSubmission({
        user: USERS.alice.id,
        callbackId: 'review.snooze',
        privateMetadata: '{not json',
        values: { days: { days: { type: 'number_input', value: '3' } }, ...reasonValues('holiday') },
      }),
    );
    expect(snooze.status).toBe(200);
    expect(JSON.parse(snooze.text)).toEqual({ response_action: 'errors', errors: { reason: expect.stringContaining('damaged') } });

    const reason = await timed(viewSubmission({ user: USERS.bob.id, callbackId: 'approval.reason', privateMetadata: '{not json', values: reasonValues('no') }));
    expect(JSON.parse(reason.text)).toEqual({ response_action: 'errors', errors: { reason: expect.stringContaining('damaged') } });

    const form = await timed(viewSubmission({ user: USERS.alice.id, callbackId: 'aims.form', privateMetadata: '{not json', values: {} }));
    expect(JSON.parse(form.text)).toMatchObject({ response_action: 'update', view: { title: { text: 'Form expired' } } });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses tampered modal state through the flows, and changes nothing', async () => {
    const before = await snapshot();
    s.fake.reset();
    // Answers no longer travel in private_metadata: a form state made up by the client is unknown.
    const forged = [
      JSON.stringify({ mode: 'register', page: 5, answers: minimalAnswers }),
      JSON.stringify({ k: 'made-up-key-0123456789', p: 5 }),
    ];
    for (const privateMetadata of forged) {
      const r = await timed(viewSubmission({ user: USERS.mallory.id, callbackId: 'aims.form', privateMetadata, values: {} }));
      expect(JSON.parse(r.text)).toMatchObject({ response_action: 'update', view: { title: { text: 'Form expired' } } });
    }
    // Alice's real form, submitted by Mallory: not hers to continue.
    expect(await command(s, USERS.alice.id, 'register')).toBe(200);
    const alices = lastOpenedView(s);
    const stolen = await timed(viewSubmission({ user: USERS.mallory.id, callbackId: 'aims.form', privateMetadata: alices.private_metadata, values: {} }));
    expect(JSON.stringify(JSON.parse(stolen.text))).toContain('belongs to someone else');

    // A stored re-triage or resubmission of someone else's system (as if the state were tampered with).
    for (const mode of ['retriage', 'resubmit'] as const) {
      const key = await s.adapter.forms.create({ teamId: 'T0TEAM', userId: USERS.mallory.id }, { mode, answers: minimalAnswers, ref });
      const r = await timed(viewSubmission({ user: USERS.mallory.id, callbackId: 'aims.form', privateMetadata: JSON.stringify({ k: key, p: 5 }), values: {} }));
      expect(JSON.parse(r.text)).toMatchObject({ response_action: 'update', view: { title: { text: 'Not possible now' } } });
    }
    // A reason modal pointed at a step Mallory may not decide.
    const decided = await timed(
      viewSubmission({ user: USERS.mallory.id, callbackId: 'approval.reason', privateMetadata: JSON.stringify({ stepId, decision: 'reject', channel: 'C0APPROVALS' }), values: reasonValues('mine now') }),
    );
    expect(decided.status).toBe(200);
    expect(s.fake.callsOf('chat.postEphemeral').at(-1)?.params.text).toContain('not yours to decide');
    expect(await snapshot()).toEqual(before);
    expect(s.fake.callsOf('chat.update')).toHaveLength(0);
  });

  it('keeps answering after one handler fails', async () => {
    s.fake.reset();
    // views.open fails (rate limited): /aims register says so instead of going quiet ...
    s.fake.rateLimitOnce('views.open', 30);
    expect(await command(s, USERS.alice.id, 'register')).toBe(200);
    expect(JSON.stringify(s.fake.callsOf('response_url').at(-1)?.params)).toContain('Something went wrong');
    // ... and the next command is handled as usual.
    expect(await command(s, USERS.alice.id, 'help')).toBe(200);
    expect(JSON.stringify(s.fake.callsOf('response_url').at(-1)?.params)).toContain('/aims register');
  });

});

describe('Slack: auth.test', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer();
  });
  afterAll(async () => {
    await s.close();
  });

  it('is asked once, and a rate-limited answer does not drop the request', async () => {
    // The first request finds auth.test rate limited; it is still answered, and the next asks again.
    s.fake.rateLimitOnce('auth.test', 30);
    for (let i = 0; i < 4; i += 1) expect(await command(s, USERS.bob.id, 'pending')).toBe(200);
    expect(s.fake.callsOf('response_url')).toHaveLength(4);
    expect(s.fake.limitedCalls.map((c) => c.method)).toEqual(['auth.test']);
    expect(s.fake.callsOf('auth.test')).toHaveLength(1);
  });
});
