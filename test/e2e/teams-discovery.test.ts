/**
 * Opt-in channel discovery on Teams through real botbuilder: a channel message received under
 * resource-specific consent (no @mention of the bot) that links a catalog domain gets one
 * personal message to its author with the `discovery.register` button, and nothing in the
 * channel; a second within 30 days none; redeliveries none. A message @mentioning the bot is
 * still a command. With discovery off such a message is not processed at all.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundEvents, people as peopleTable, workspaces } from '../../db/schema';
import { discoveredTools, discoveryNudges } from '../../db/schema-discovery';
import type { ConnectorCall } from '../helpers/fake-bot-connector';
import type { TeamsBench, TeamsUser } from '../helpers/teams-harness';

type Json = Record<string, unknown>;
import { APPROVALS, buttons, cardOf, people, startTeamsBench, teamsPolicy, TENANT } from '../helpers/teams-harness';

const DAY = 86_400_000;
const SECRET = 'Roadmap-Heron-5521';

/** A channel message as Teams sends it under ChannelMessage.Read.Group: HTML text, no mention. */
function channelMessage(b: TeamsBench, u: TeamsUser, html: string, id: string = randomUUID()): Json {
  return {
    type: 'message',
    id,
    channelId: 'msteams',
    serviceUrl: b.fake.url,
    timestamp: b.clock.now().toISOString(),
    from: { id: `29:${u.aad}`, aadObjectId: u.aad, name: u.name },
    recipient: { id: '28:aimsbot', name: 'aimsbot' },
    conversation: { id: `19:general@thread.tacv2;messageid=${id}`, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    channelData: { tenant: { id: TENANT }, channel: { id: '19:general@thread.tacv2' }, team: { id: '19:team@thread.tacv2' } },
    text: html,
    textFormat: 'html',
  };
}

const personal = (u: TeamsUser) => `a:personal-${u.aad}`;
const channelSends = (b: TeamsBench) => b.fake.sent().filter((c: ConnectorCall) => (c.conversationId ?? '').startsWith('19:general'));

describe('Teams: channel discovery (listening)', () => {
  let b: TeamsBench;
  beforeAll(async () => {
    b = await startTeamsBench('pglite', teamsPolicy({ discovery: { listen: true } }));
    await b.installPersonal(people.alice);
  });
  afterAll(async () => {
    await b?.close();
  });

  it('sends the author one personal message with the register button; nothing in the channel, nothing of the text kept', async () => {
    const before = b.fake.sent(personal(people.alice)).length;
    const msg = channelMessage(b, people.alice, `<p>${SECRET}: try <a href="https://chat.openai.com/share/x">this chat</a></p>`);
    expect((await b.post(msg)).status).toBe(200);
    await b.drain();
    const sent = b.fake.sent(personal(people.alice)).slice(before);
    expect(sent).toHaveLength(1);
    const card = cardOf(sent[0]!.body);
    expect(JSON.stringify(card)).toContain('ChatGPT');
    const register = buttons(card).find((x) => x.data.action === 'discovery.register');
    expect(register?.data.tool).toBe('chatgpt');
    expect(channelSends(b)).toEqual([]);
    // Teams redelivers the same activity: handled once.
    expect((await b.post(msg)).status).toBe(200);
    await b.drain();
    expect(b.fake.sent(personal(people.alice)).slice(before)).toHaveLength(1);
    const [tool] = await b.db.db.select().from(discoveredTools);
    expect(tool).toMatchObject({ toolKey: 'chatgpt', firstSource: 'channel', reporters: 1 });
    const [nudge] = await b.db.db.select().from(discoveryNudges);
    expect(nudge).toMatchObject({ toolKey: 'chatgpt', channel: '19:general@thread.tacv2' });
    expect(JSON.stringify([tool, nudge])).not.toContain(SECRET);
  });

  it('does not message the same person about the same tool again within 30 days; after 30 days once more', async () => {
    const before = b.fake.sent(personal(people.alice)).length;
    b.clock.advance(10 * DAY);
    await b.post(channelMessage(b, people.alice, 'ChatGPT wrote the summary'));
    await b.drain();
    expect(b.fake.sent(personal(people.alice)).length).toBe(before);
    b.clock.advance(20 * DAY);
    await b.post(channelMessage(b, people.alice, 'chatgpt.com again'));
    await b.drain();
    expect(b.fake.sent(personal(people.alice)).length).toBe(before + 1);
  });

  it('ignores overheard messages that name no tool, and answers commands that @mention the bot', async () => {
    const before = b.fake.sent().length;
    await b.post(channelMessage(b, people.bob, 'the otters of the river'));
    await b.drain();
    expect(b.fake.sent().length).toBe(before);
    const card = await b.sayInChannel(people.bob, 'help');
    expect(JSON.stringify(card)).toMatch(/register/i);
    expect(b.fake.sent(`${APPROVALS};messageid=1`).length).toBeGreaterThan(0);
  });
});

describe('Teams: channel discovery off (the default)', () => {
  let b: TeamsBench;
  beforeAll(async () => {
    b = await startTeamsBench('pglite');
  });
  afterAll(async () => {
    await b?.close();
  });

  it('does not process an overheard channel message: no reply, no message, nothing written', async () => {
    expect(b.policy.discovery.listen).toBe(false);
    const r = await b.post(channelMessage(b, people.alice, `${SECRET} <a href="https://chat.openai.com">chat</a>`));
    expect(r.status).toBe(200);
    await b.drain();
    expect(b.fake.calls).toEqual([]);
    expect(await b.db.db.select().from(inboundEvents)).toEqual([]);
    expect(await b.db.db.select().from(workspaces)).toEqual([]);
    expect(await b.db.db.select().from(peopleTable)).toEqual([]);
    expect(await b.db.db.select().from(discoveredTools)).toEqual([]);
  });
});
