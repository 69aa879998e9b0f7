/**
 * Opt-in channel discovery through real Bolt with signed Events API requests: a channel message
 * linking a catalog domain gets exactly one ephemeral nudge with the `discovery.register`
 * button; Slack's retry, a second message within 30 days and concurrent events get none; after
 * 30 days (injected clock) one again; a registered tool none; edits, bot messages and DMs are not
 * read; nothing of the message is stored. With discovery off (the default) no message event is
 * processed at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { inboundEvents } from '../../db/schema';
import { discoveredTools, discoveryNudges } from '../../db/schema-discovery';
import { minimalAnswers, fieldsFor } from '../fixtures/answers';
import type { SlackCall } from '../helpers/fake-slack-api';
import { seedRequest } from '../helpers/slack-flows';
import { eventCallback, signatureHeaders } from '../helpers/slack-requests';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, TEST_POLICY, USERS } from '../helpers/slack-server';

const DAY = 86_400_000;
/** A phrase only the messages contain: it must never reach the database. */
const SECRET = 'Quarterly-Plan-Zebra-7731';

let seq = 0;
function message(o: { user: string; text: string; channel?: string; channelType?: string; subtype?: string; botId?: string; eventId?: string }) {
  seq += 1;
  const ts = `17000${String(seq).padStart(5, '0')}.000100`;
  return eventCallback({
    eventId: o.eventId ?? `Ev0DISC${seq}`,
    event: {
      type: 'message',
      channel: o.channel ?? 'C0GENERAL',
      user: o.user,
      text: o.text,
      ts,
      event_ts: ts,
      channel_type: o.channelType ?? 'channel',
      team: 'T0TEAM',
      ...(o.subtype ? { subtype: o.subtype } : {}),
      ...(o.botId ? { bot_id: o.botId } : {}),
    },
  });
}

const nudgesTo = (s: SlackTestServer, user: string) => s.fake.callsOf('chat.postEphemeral').filter((c) => c.params.user === user);
const registerButton = (c: SlackCall | undefined) => {
  const blocks = (c?.params.blocks ?? []) as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>;
  return blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'discovery.register');
};

/** Every row of every table, as text (to prove the message text is nowhere). */
async function everything(s: SlackTestServer): Promise<string> {
  const db = s.database.db;
  const res = await db.execute<{ table_name: string }>(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`);
  const tables = (Array.isArray(res) ? res : (res as { rows: Array<{ table_name: string }> }).rows).map((r) => r.table_name);
  let all = '';
  for (const t of tables) {
    const r = await db.execute(sql.raw(`select row_to_json(x)::text as j from "${t}" x`));
    const rows = (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ j: string }>;
    all += rows.map((x) => x.j).join('\n');
  }
  return all;
}

describe('Slack: channel discovery (listening)', () => {
  let s: SlackTestServer;
  const post = async (req: ReturnType<typeof message>, headers?: Record<string, string>) => {
    const res = await s.send(req, headers);
    expect(res.status).toBe(200);
    return res;
  };

  beforeAll(async () => {
    s = await startSlackServer({ policy: { ...TEST_POLICY, discovery: { listen: true } } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('nudges the author of a message linking a catalog domain once, privately, with the register button', async () => {
    const req = message({ user: USERS.alice.id, text: `${SECRET}: see <https://chat.openai.com/share/abc|this chat> <!channel> *bold*` });
    await post(req);
    await s.settle();
    const nudges = nudgesTo(s, USERS.alice.id);
    expect(nudges).toHaveLength(1);
    expect(nudges[0]!.params.channel).toBe('C0GENERAL');
    expect(String(nudges[0]!.params.text)).toContain('ChatGPT');
    expect(JSON.parse(registerButton(nudges[0])!.value!)).toEqual({ tool: 'chatgpt' });
    // Slack retries the same event (new signature, X-Slack-Retry-Num): processed once.
    await post(req, { ...signatureHeaders(req.body, undefined, Math.floor(Date.now() / 1000) - 3), 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    await s.settle();
    expect(nudgesTo(s, USERS.alice.id)).toHaveLength(1);
    // The tool is recorded as found in a channel, with nothing of the message.
    const [tool] = await s.database.db.select().from(discoveredTools);
    expect(tool).toMatchObject({ toolKey: 'chatgpt', catalogId: 'chatgpt', firstSource: 'channel', reporters: 1, registeredSystemId: null });
    const [nudge] = await s.database.db.select().from(discoveryNudges);
    expect(nudge).toMatchObject({ toolKey: 'chatgpt', channel: 'C0GENERAL' });
    const stored = await everything(s);
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain('share/abc');
    expect(stored).not.toContain('this chat');
  });

  it('does not nudge the same person about the same tool again within 30 days', async () => {
    s.fake.reset();
    await post(message({ user: USERS.alice.id, text: 'ChatGPT again, in another channel', channel: 'C0OTHER' }));
    s.clock.advance(29 * DAY);
    await post(message({ user: USERS.alice.id, text: 'https://chatgpt.com/c/1' }));
    await s.settle();
    expect(s.fake.callsOf('chat.postEphemeral')).toHaveLength(0);
  });

  it('nudges once for concurrent events about one person and tool', async () => {
    s.fake.reset();
    const reqs = [1, 2, 3, 4].map((i) => message({ user: USERS.bob.id, text: `try chatgpt.com (${i})` }));
    const res = await Promise.all(reqs.map((r) => s.send(r)));
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await s.settle();
    expect(nudgesTo(s, USERS.bob.id)).toHaveLength(1);
    const [tool] = await s.database.db.select().from(discoveredTools);
    expect(tool!.reporters).toBe(2);
  });

  it('nudges again after 30 days', async () => {
    s.fake.reset();
    s.clock.advance(1 * DAY + 1000);
    await post(message({ user: USERS.alice.id, text: 'back to <https://chat.openai.com>' }));
    await s.settle();
    expect(nudgesTo(s, USERS.alice.id)).toHaveLength(1);
    const [tool] = await s.database.db.select().from(discoveredTools);
    expect(tool!.reporters).toBe(2);
  });

  it('does not nudge about a registered tool', async () => {
    await seedRequest(s, USERS.carol.id, fieldsFor('Otter.ai', 'slack:U0COMP'), minimalAnswers);
    s.fake.reset();
    await post(message({ user: USERS.dana.id, text: 'Otter took the notes: https://otter.ai/u/xyz' }));
    await s.settle();
    expect(s.fake.callsOf('chat.postEphemeral')).toHaveLength(0);
    expect((await s.database.db.select().from(discoveredTools)).map((t) => t.toolKey)).toEqual(['chatgpt']);
  });

  it('does not read edits, joins, bot messages, DMs or messages naming no tool', async () => {
    s.fake.reset();
    const user = USERS.mallory.id;
    await post(message({ user, text: 'chatgpt', subtype: 'message_changed' }));
    await post(message({ user, text: 'chatgpt joined', subtype: 'channel_join' }));
    await post(message({ user, text: 'chatgpt', botId: 'B0OTHER' }));
    await post(message({ user, text: 'chatgpt', channel: 'D0MAL', channelType: 'im' }));
    await post(message({ user, text: 'the otters of the river' }));
    await s.settle();
    expect(s.fake.callsOf('chat.postEphemeral')).toHaveLength(0);
    expect(s.fake.callsOf('users.info')).toHaveLength(0);
    // A private channel counts.
    await post(message({ user, text: 'chat gpt!', channel: 'G0PRIVATE', channelType: 'group' }));
    await s.settle();
    expect(nudgesTo(s, user)).toHaveLength(1);
    expect(nudgesTo(s, user)[0]!.params.channel).toBe('G0PRIVATE');
  });
});

describe('Slack: channel discovery off (the default)', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('processes no message event at all: nothing is read, called or written', async () => {
    expect(s.deps.policy.discovery.listen).toBe(false);
    const req = message({ user: USERS.alice.id, text: `${SECRET} <https://chat.openai.com/share/abc|chat>`, eventId: 'Ev0OFF1' });
    expect((await s.send(req)).status).toBe(200);
    await s.settle();
    // The event id check runs for every event Bolt passes on: this one never got that far.
    expect(await s.database.db.select().from(inboundEvents)).toEqual([]);
    expect(await s.database.db.select().from(discoveredTools)).toEqual([]);
    expect(await s.database.db.select().from(discoveryNudges)).toEqual([]);
    expect(s.fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
    expect(await everything(s)).not.toContain(SECRET);
    // Other events still pass (the check is for message events only).
    const home = eventCallback({ eventId: 'Ev0HOME1', event: { type: 'app_home_opened', user: USERS.alice.id, channel: 'D0ALICE', tab: 'home', event_ts: '1700000000.000200' } });
    expect((await s.send(home)).status).toBe(200);
    await s.settle();
    expect((await s.database.db.select().from(inboundEvents)).map((e) => e.key)).toEqual(['slack:event:Ev0HOME1']);
  });
});
