/**
 * Attacks on the catalog, transfer and channel discovery from the outside. Slack, through real
 * Bolt and signed requests against the fake Web API: a system cannot be handed to a bot,
 * Slackbot, a deactivated account or an id nobody in the workspace has; the refusal is specific
 * and changes nothing (no owner change, no audit event, no message). Teams, through real
 * botbuilder: a channel message that @mentions a colleague (not the bot) is overheard, never a
 * command, so the bot says nothing in the channel; with discovery on its author gets the nudge.
 * A Slack message that shares a file (subtype `file_share`) is a person's new message too. The
 * literacy form sent twice, in turn or at once, records one attestation and one audit event; the
 * second hears it was already recorded.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { aiSystems, auditEvents, inboundEvents, people as peopleTable } from '../../db/schema';
import { discoveredTools, discoveryNudges, literacyAttestations, policyAcks, surveyRecipients, surveys } from '../../db/schema-discovery';
import type { ConnectorCall } from '../helpers/fake-bot-connector';
import type { TeamsBench, TeamsUser } from '../helpers/teams-harness';
import { buttons, cardOf, people, startTeamsBench, teamsPolicy, TENANT } from '../helpers/teams-harness';
import { minimalAnswers } from '../fixtures/answers';
import { command, seedRequest } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, TEST_POLICY, USERS } from '../helpers/slack-server';
import { blockAction, eventCallback, viewSubmission } from '../helpers/slack-requests';
import * as flows from '../../flows';

const BOT = { id: 'U0HELPBOT', name: 'Helper Bot', email: 'helper-bot@acme.example', isBot: true };
const GONE = { id: 'U0GONE', name: 'Gone Person', email: 'gone@acme.example', deleted: true };

describe('Slack: transfer refuses owners that are not people of the workspace', () => {
  let s: SlackTestServer;
  let ws = 0;
  const lastAnswer = () => s.fake.callsOf('response_url').at(-1)!.params as { text: string };

  beforeAll(async () => {
    s = await startSlackServer({ users: [...Object.values(USERS), BOT, GONE] });
    const seeded = await seedRequest(s, USERS.alice.id, { name: 'Summariser', vendor: 'Acme', purpose: 'Notes', owner: `slack:${USERS.alice.id}`, usage_status: 'in_use' }, minimalAnswers);
    ws = seeded.workspaceId;
  });
  afterAll(async () => {
    await s?.close();
  });

  const owner = async () => {
    const [row] = await s.deps.db.select({ ownerId: aiSystems.ownerId }).from(aiSystems).where(and(eq(aiSystems.workspaceId, ws), eq(aiSystems.refNumber, 1)));
    return row!.ownerId;
  };

  it.each([
    ['a bot mentioned', `<@${BOT.id}>`, /is a bot and cannot own an AI system/],
    ['a bot by id', BOT.id, /is a bot and cannot own an AI system/],
    ['Slackbot', '<@USLACKBOT>', /Slackbot cannot own an AI system/],
    ['a deactivated account', `<@${GONE.id}|gone>`, /is a deactivated account and cannot own an AI system/],
    ['a deactivated account by e-mail', GONE.email, /Nobody in this workspace has the e-mail address/],
    ['a bot by e-mail', BOT.email, /Nobody in this workspace has the e-mail address/],
    ['an id nobody has (another workspace)', '<@U0ELSEWHERE>', /Nobody in this workspace has the Slack id U0ELSEWHERE/],
  ])('%s: refused, nothing changes', async (_what, who, message) => {
    const before = await owner();
    s.fake.reset();
    expect(await command(s, USERS.alice.id, `transfer AI-1 ${who}`)).toBe(200);
    expect(lastAnswer().text).toMatch(message);
    await s.settle();
    expect(await owner()).toBe(before);
    expect(await s.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'system.owner_transferred'))).toHaveLength(0);
    expect(s.fake.callsOf('chat.postMessage')).toHaveLength(0);
  });

  it('a person of the workspace still takes it over', async () => {
    await command(s, USERS.alice.id, `transfer AI-1 <@${USERS.bob.id}>`);
    expect(lastAnswer().text).toContain('now belongs to Bob');
    expect(await s.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'system.owner_transferred'))).toHaveLength(1);
  });
});

/** A channel message under ChannelMessage.Read.Group that @mentions `colleague`, not the bot. */
function colleagueMention(b: TeamsBench, from: TeamsUser, colleague: TeamsUser, html: string): Record<string, unknown> {
  const id = randomUUID();
  return {
    type: 'message',
    id,
    channelId: 'msteams',
    serviceUrl: b.fake.url,
    timestamp: b.clock.now().toISOString(),
    from: { id: `29:${from.aad}`, aadObjectId: from.aad, name: from.name },
    recipient: { id: '28:aimsbot', name: 'aimsbot' },
    conversation: { id: `19:general@thread.tacv2;messageid=${id}`, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    channelData: { tenant: { id: TENANT }, channel: { id: '19:general@thread.tacv2' }, team: { id: '19:team@thread.tacv2' } },
    text: `<p><at>${colleague.name}</at> ${html}</p>`,
    textFormat: 'html',
    entities: [{ type: 'mention', text: `<at>${colleague.name}</at>`, mentioned: { id: `29:${colleague.aad}`, name: colleague.name } }],
  };
}

const inChannel = (b: TeamsBench) => b.fake.sent().filter((c: ConnectorCall) => (c.conversationId ?? '').startsWith('19:general'));

describe('Teams: a channel message that @mentions a colleague is not a command', () => {
  let on: TeamsBench;
  let off: TeamsBench;
  beforeAll(async () => {
    on = await startTeamsBench('pglite', teamsPolicy({ discovery: { listen: true } }));
    await on.installPersonal(people.alice);
    off = await startTeamsBench('pglite');
  });
  afterAll(async () => {
    await on?.close();
    await off?.close();
  });

  it('with discovery on: nothing in the channel, one personal nudge to the author', async () => {
    const before = on.fake.sent(`a:personal-${people.alice.aad}`).length;
    const r = await on.post(colleagueMention(on, people.alice, people.bob, 'have you tried <a href="https://otter.ai/u/1">otter.ai</a>?'));
    expect(r.status).toBe(200);
    await on.drain();
    expect(inChannel(on)).toEqual([]);
    const sent = on.fake.sent(`a:personal-${people.alice.aad}`).slice(before);
    expect(sent).toHaveLength(1);
    expect(buttons(cardOf(sent[0]!.body)).find((x) => x.data.action === 'discovery.register')?.data.tool).toBe('otter-ai');
    expect(await on.db.db.select().from(discoveryNudges)).toHaveLength(1);
  });

  it('with discovery off: no reply, nothing written', async () => {
    const r = await off.post(colleagueMention(off, people.alice, people.bob, 'help'));
    expect(r.status).toBe(200);
    await off.drain();
    expect(off.fake.calls).toEqual([]);
    expect(await off.db.db.select().from(inboundEvents)).toEqual([]);
    expect(await off.db.db.select().from(peopleTable)).toEqual([]);
  });
});

describe('Slack: a message that shares a file is read for tools like any new message', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer({ policy: { ...TEST_POLICY, discovery: { listen: true } } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('one ephemeral nudge to the author; an edit of it none', async () => {
    const event = (subtype: string, id: string) =>
      eventCallback({
        eventId: id,
        event: { type: 'message', subtype, channel: 'C0GENERAL', channel_type: 'channel', user: USERS.bob.id, text: 'notes from <https://otter.ai/u/9|otter.ai>', ts: '1700000100.000100', event_ts: '1700000100.000100', team: 'T0TEAM', files: [{ id: 'F0NOTES' }] },
      });
    expect((await s.send(event('file_share', 'Ev0FILE1'))).status).toBe(200);
    await s.settle();
    const nudges = () => s.fake.callsOf('chat.postEphemeral').filter((c) => c.params.user === USERS.bob.id);
    expect(nudges()).toHaveLength(1);
    expect(JSON.stringify(nudges()[0]!.params.blocks)).toContain('otter-ai');
    expect((await s.send(event('message_changed', 'Ev0FILE2'))).status).toBe(200);
    await s.settle();
    expect(nudges()).toHaveLength(1);
  });
});

describe('Slack: the literacy form replayed or raced records one attestation', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer();
  });
  afterAll(async () => {
    await s?.close();
  });

  const send = (evidence: string) =>
    s.send(viewSubmission({ user: USERS.bob.id, callbackId: 'literacy.attest', privateMetadata: JSON.stringify({ ref: 'policy' }), values: { evidence: { evidence: { type: 'plain_text_input', value: evidence } } } }));
  const notes = () => s.fake.callsOf('chat.postMessage').map((c) => String(c.params.text));

  it('two at once, then a replay: one row, one event; the others say it was already recorded', async () => {
    const evidence = 'https://lms.example/cert/77';
    const [a, b] = await Promise.all([send(evidence), send(evidence)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await send(evidence)).status).toBe(200);
    await s.settle();
    expect(await s.deps.db.select().from(literacyAttestations)).toHaveLength(1);
    expect(await s.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'literacy.attested'))).toHaveLength(1);
    expect(notes().filter((t) => t.includes('AI literacy training is recorded'))).toHaveLength(1);
    expect(notes().filter((t) => t.includes('You already recorded this AI literacy training on'))).toHaveLength(2);
    // A new training (other evidence) is a new attestation.
    expect((await send('https://lms.example/cert/78')).status).toBe(200);
    await s.settle();
    expect(await s.deps.db.select().from(literacyAttestations)).toHaveLength(2);
  });
});

describe('Slack: forged campaign buttons and forms, and who may start or export (these hold)', () => {
  let s: SlackTestServer;
  let ref = '';
  beforeAll(async () => {
    s = await startSlackServer({ policy: { ...TEST_POLICY, aiPolicy: { version: 3, url: 'https://wiki.example/ai', summary: 'Use approved tools.' } } });
    const carol = await flows.flowContext(s.deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${USERS.carol.id}` });
    const started = await flows.startSurveyCommand(carol, 'ai-use');
    if (started.kind !== 'started') throw new Error('no campaign');
    ref = started.survey.ref;
    await s.settle();
    await s.settle();
  });
  afterAll(async () => {
    await s?.close();
  });

  const answer = (user: string, meta: string, tools: string[], other = '', team?: string) =>
    s.send(
      viewSubmission({
        user,
        ...(team ? { team } : {}),
        callbackId: 'survey.answer',
        privateMetadata: meta,
        values: { tools: { tools: { type: 'multi_static_select', selected_options: tools.map((v) => ({ value: v, text: { type: 'plain_text', text: v } })) } }, other_tools: { other_tools: { type: 'plain_text_input', value: other } } },
      }),
    );

  it('forged survey answers: unknown tools, junk metadata, another workspace, not asked; nothing recorded', async () => {
    for (const [meta, tools, other] of [
      [JSON.stringify({ ref }), ['no-such-tool'], ''],
      [JSON.stringify({ ref }), ['x'.repeat(5000)], ''],
      [JSON.stringify({ ref }), [], `${'y'.repeat(200)}`],
      [JSON.stringify({ ref }), ['none', 'chatgpt'], ''],
      ['{not json', ['chatgpt'], ''],
      [JSON.stringify({ ref: 'x'.repeat(500) }), ['chatgpt'], ''],
    ] as const) {
      const r = await answer(USERS.alice.id, meta, [...tools], other);
      expect(r.status).toBe(200);
      expect((await r.json()) as { response_action?: string }).toMatchObject({ response_action: 'errors' });
    }
    // Another workspace's person with this ref, and a person not asked: refused, nothing written.
    expect((await answer('U0OTHER', JSON.stringify({ ref }), ['chatgpt'], '', 'T0OTHER')).status).toBe(200);
    expect((await answer('U0NOTASKED', JSON.stringify({ ref }), ['chatgpt'])).status).toBe(200);
    await s.settle();
    const answered = (await s.deps.db.select().from(surveyRecipients)).filter((r) => r.respondedAt !== null);
    expect(answered).toEqual([]);
    expect(await s.deps.db.select().from(discoveredTools)).toEqual([]);
  });

  it('forged policy.acknowledge values acknowledge nothing; the current version once', async () => {
    const click = (value: string) =>
      s.send(blockAction({ actionId: 'policy.acknowledge', value, user: USERS.bob.id, channel: `D${USERS.bob.id}`, messageTs: '1700000000.000100', responseUrl: `${s.fake.responseBase}/ack` }));
    for (const v of ['999', '0', '-3', '2', '3.0', '{"version":3}', 'x'.repeat(5000), '']) expect((await click(v)).status).toBe(200);
    await s.settle();
    expect(await s.deps.db.select().from(policyAcks)).toEqual([]);
    await Promise.all([click('3'), click('3')]);
    await s.settle();
    expect(await s.deps.db.select().from(policyAcks)).toHaveLength(1);
    expect(await s.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'policy.acknowledged'))).toHaveLength(1);
  });

  it('survey and export literacy: refused for people outside compliance, nothing started or sent', async () => {
    const before = (await s.deps.db.select().from(surveys)).length;
    s.fake.reset();
    await command(s, USERS.mallory.id, 'survey');
    expect(String(s.fake.callsOf('response_url').at(-1)!.params.text)).toContain('Only compliance can start a survey campaign');
    await command(s, USERS.mallory.id, 'export literacy');
    expect(String(s.fake.callsOf('response_url').at(-1)!.params.text)).toContain('Only compliance can export the literacy records');
    await command(s, USERS.carol.id, 'export literacy xml');
    expect(String(s.fake.callsOf('response_url').at(-1)!.params.text)).toContain('Unknown format');
    expect(s.fake.callsOf('files.uploadV2').length + s.fake.callsOf('files.getUploadURLExternal').length).toBe(0);
    expect(await s.deps.db.select().from(surveys)).toHaveLength(before);
  });
});
