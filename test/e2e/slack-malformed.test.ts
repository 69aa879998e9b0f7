/**
 * Signed Slack requests that are malformed, dated too far from now, or replayed. Malformed ones
 * get 400 at once with a short sentence and change nothing; timestamps more than five minutes
 * away (either way) get 401; a request replayed with the same signature and timestamp is
 * processed once, also when the copy reaches another replica on the same Postgres. Slack's own
 * retries of an event (`X-Slack-Retry-Num`) are still processed once by event id.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/create-slack-adapter';
import { aiSystems, approvalSteps, auditEvents, people, reviews } from '../../db/schema';
import { createHttpApp } from '../../src/http-server';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import { seedRequest } from '../helpers/slack-flows';
import type { SlackBody } from '../helpers/slack-requests';
import { blockAction, eventCallback, signatureHeaders, SIGNING_SECRET, slashCommand, viewSubmission } from '../helpers/slack-requests';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

const interactive = (payload: unknown): SlackBody => ({
  body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
  contentType: 'application/x-www-form-urlencoded',
});
const payloadOf = (req: SlackBody) => JSON.parse(new URLSearchParams(req.body).get('payload')!) as Record<string, unknown>;
const json = (value: unknown): SlackBody => ({ body: JSON.stringify(value), contentType: 'application/json' });
/** Text that only a library or a stack trace would put in a response. */
const INTERNAL = /TypeError|Cannot read|undefined|ZodError|Invalid input|\bat \S+ \(|node_modules|<html/i;

let s: SlackTestServer;
beforeAll(async () => {
  s = await startSlackServer({ db: 'postgres' });
});
afterAll(async () => {
  await s?.close();
});

const snapshot = async () => ({
  audit: (await s.deps.db.select().from(auditEvents)).length,
  people: (await s.deps.db.select().from(people)).map((p) => p.platformId).sort(),
  systems: (await s.deps.db.select().from(aiSystems)).map((x) => x.status),
  steps: (await s.deps.db.select().from(approvalSteps)).map((x) => x.status),
  reviews: (await s.deps.db.select().from(reviews)).map((x) => x.status),
});
const platformCalls = () => s.fake.calls.filter((c) => c.method !== 'auth.test');

/** Malformed requests built from Slack's documented shapes, each with the field it should name. */
function malformedCases(): Array<[string, () => SlackBody, string]> {
  const click = () =>
    payloadOf(blockAction({ actionId: 'approval.approve', value: '1', user: USERS.alice.id, channel: 'C0APPROVALS', messageTs: '1.1', responseUrl: `${s.fake.responseBase}/u` }));
  const reasonModal = () =>
    payloadOf(
      viewSubmission({
        user: USERS.bob.id,
        callbackId: 'approval.reason',
        privateMetadata: JSON.stringify({ stepId: 1, decision: 'reject', channel: 'C0APPROVALS' }),
        values: { reason: { reason: { type: 'plain_text_input', value: 'no' } } },
      }),
    );
  const withView = (view: Record<string, unknown>) => ({ ...reasonModal(), view: { ...(reasonModal().view as object), ...view } });
  const reasonValue = (value: unknown) => withView({ state: { values: { reason: { reason: { type: 'plain_text_input', value } } } } });
  const command = () => slashCommand({ text: 'list', user: USERS.alice.id, responseUrl: `${s.fake.responseBase}/c` });
  const withCommand = (edit: (body: string) => string) => ({ ...command(), body: edit(command().body) });
  const homeOpened = (user: unknown) => eventCallback({ eventId: `Ev${Math.random().toString(36).slice(2)}`, event: { type: 'app_home_opened', user, channel: 'D1', tab: 'home' } });
  return [
    ['payload null', () => interactive(null), '(body)'],
    ['JSON body null', () => json(null), '(body)'],
    ['JSON body an array', () => json([1, 2]), '(body)'],
    ['a click without user', () => interactive({ ...click(), user: undefined }), 'user'],
    ['a click whose user is a string', () => interactive({ ...click(), user: 'U0ALICE' }), 'user'],
    ['a click whose actions are not an array', () => interactive({ ...click(), actions: 'approve' }), 'actions'],
    ['a click with no actions', () => interactive({ ...click(), actions: [] }), 'actions'],
    ['a click whose value is a number', () => interactive({ ...click(), actions: [{ type: 'button', action_id: 'approval.approve', value: 1 }] }), 'actions.0.value'],
    ['a modal submission without view', () => interactive({ ...reasonModal(), view: undefined }), 'view'],
    ['a modal submission without state', () => interactive(withView({ state: undefined })), 'view.state'],
    ['a modal value that is a number', () => interactive(reasonValue(5)), 'view.state.values.reason.reason.value'],
    ['a modal value that is an object', () => interactive(reasonValue({ text: 'no' })), 'view.state.values.reason.reason.value'],
    ['an interaction of an unknown type', () => interactive({ ...click(), type: 'launch_missiles' }), 'type'],
    ['a command without user_id', () => withCommand((b) => b.replace(/user_id=[^&]*&/, '')), 'user_id'],
    ['a command with an empty user_id', () => withCommand((b) => b.replace(/user_id=[^&]*&/, 'user_id=&')), 'user_id'],
    ['a command with two user_ids', () => withCommand((b) => `${b}&user_id=U0BOB`), 'user_id'],
    ['an event callback without an event', () => json({ ...(JSON.parse(homeOpened('U0ALICE').body) as object), event: undefined }), 'event'],
    ['app_home_opened with an object for user', () => homeOpened({ id: 'U0ALICE' }), 'event.user'],
  ];
}

describe('Slack: malformed signed payloads', () => {
  it.each(malformedCases())('%s: 400 at once, a sentence naming the field, nothing changed', async (_name, build, field) => {
    const before = await snapshot();
    s.fake.reset();
    const started = Date.now();
    const res = await s.send(build());
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(JSON.parse(text)).toEqual({ error: expect.stringContaining(`malformed Slack payload: ${field} `) });
    expect(text).not.toMatch(INTERNAL);
    await s.settle();
    expect(await snapshot()).toEqual(before);
    expect(platformCalls()).toEqual([]);
  });

  it('a well-formed command is still handled', async () => {
    s.fake.reset();
    const res = await s.send(slashCommand({ text: 'help', user: USERS.alice.id, responseUrl: `${s.fake.responseBase}/ok` }));
    expect(res.status).toBe(200);
    await s.settle();
    expect(JSON.stringify(s.fake.callsOf('response_url').at(-1)?.params)).toContain('/aims register');
  });
});

describe('Slack: request timestamps', () => {
  it('refuses a signature dated more than five minutes in the future or the past with 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    s.fake.reset();
    for (const offset of [6 * 60, 3600, 365 * 86400, -6 * 60]) {
      const req = slashCommand({ text: 'help', user: USERS.alice.id, responseUrl: `${s.fake.responseBase}/t${offset}` });
      const res = await s.sendRaw(req, signatureHeaders(req.body, SIGNING_SECRET, now + offset));
      expect(res.status, String(offset)).toBe(401);
      expect(await res.text(), String(offset)).not.toMatch(INTERNAL);
    }
    await s.settle();
    expect(s.fake.callsOf('response_url')).toEqual([]);
    // Within the window, a little ahead (clock drift), it is accepted.
    const req = slashCommand({ text: 'help', user: USERS.alice.id, responseUrl: `${s.fake.responseBase}/drift` });
    expect((await s.sendRaw(req, signatureHeaders(req.body, SIGNING_SECRET, now + 4 * 60))).status).toBe(200);
    await s.settle();
    expect(s.fake.callsOf('response_url')).toHaveLength(1);
  });

  it('refuses a bad signature and missing headers with 401', async () => {
    const req = slashCommand({ text: 'help', user: USERS.alice.id, responseUrl: `${s.fake.responseBase}/bad` });
    const cases = [{}, signatureHeaders(req.body, 'another-secret'), { ...signatureHeaders(req.body), 'x-slack-request-timestamp': 'soon' }, { ...signatureHeaders(req.body), 'x-slack-signature': 'v0=zz' }];
    for (const headers of cases) {
      const res = await s.sendRaw(req, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
    }
  });
});

describe('Slack: replayed requests', () => {
  it('a command replayed with the same signature and timestamp is processed once', async () => {
    s.fake.reset();
    const req = slashCommand({ text: 'help', user: USERS.alice.id, responseUrl: `${s.fake.responseBase}/replay` });
    const headers = signatureHeaders(req.body);
    expect((await s.sendRaw(req, headers)).status).toBe(200);
    await s.settle();
    const replayed = await s.sendRaw(req, headers);
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toEqual({ error: 'this request was already received' });
    await s.settle();
    expect(s.fake.callsOf('response_url')).toHaveLength(1);
  });

  it('a replayed approval click decides once, also when the copy reaches another replica', async () => {
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('Replay Tool', 'slack:U0BOB'), minimalAnswers);
    const step = seeded.steps[0]!;
    // A second replica: its own adapter and listener, the same Postgres.
    const logger = pino({ level: 'silent' });
    const other = createSlackAdapter({
      deps: s.deps,
      logger,
      config: { botToken: 'xoxb-test-token', signingSecret: SIGNING_SECRET, appToken: undefined, apiUrl: s.fake.apiUrl },
      afterChange: () => {},
    });
    const http = createHttpApp();
    other.install(http.app);
    const listening = await http.listen(0, '127.0.0.1');
    try {
      const click = blockAction({
        actionId: 'approval.approve',
        value: String(step.id),
        user: USERS.bob.id,
        channel: step.copy.conversationId,
        messageTs: step.copy.messageId,
        threadTs: step.copy.threadId ?? undefined,
        responseUrl: `${s.fake.responseBase}/click`,
      });
      const headers = signatureHeaders(click.body);
      expect((await s.sendRaw(click, headers)).status).toBe(200);
      await s.settle();
      const after = await snapshot();
      expect(after.steps).toContain('approved');
      s.fake.reset();
      const onOther = await fetch(`http://127.0.0.1:${listening.port}/slack/events`, { method: 'POST', headers: { 'content-type': click.contentType, ...headers }, body: click.body });
      expect(onOther.status).toBe(401);
      expect((await s.sendRaw(click, headers)).status).toBe(401);
      await other.idle();
      await s.settle();
      expect(await snapshot()).toEqual(after);
      expect(platformCalls()).toEqual([]);
    } finally {
      await other.idle();
      await listening.close();
    }
  });

  it("Slack's retries of an event are processed once by event id, as before", async () => {
    s.fake.reset();
    const event = eventCallback({ eventId: 'EvRETRY1', event: { type: 'app_home_opened', user: USERS.alice.id, channel: 'D0ALICE', tab: 'home' } });
    const headers = signatureHeaders(event.body);
    expect((await s.sendRaw(event, headers)).status).toBe(200);
    await s.settle();
    expect(s.fake.callsOf('views.publish')).toHaveLength(1);
    // Slack's retry: a new signature (or the same one, within the same second) and the retry header.
    for (const h of [{ ...signatureHeaders(event.body, SIGNING_SECRET, Math.floor(Date.now() / 1000) + 1), 'x-slack-retry-num': '1' }, { ...headers, 'x-slack-retry-num': '2' }]) {
      expect((await s.sendRaw(event, h)).status).toBe(200);
    }
    // The same request without the retry header is a replay.
    expect((await s.sendRaw(event, headers)).status).toBe(401);
    await s.settle();
    expect(s.fake.callsOf('views.publish')).toHaveLength(1);
  });
});
