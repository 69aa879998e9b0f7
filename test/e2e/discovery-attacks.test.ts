/**
 * Attacks on the catalog, transfer and edit, surveys, policy and literacy from the outside, on
 * Slack through real Bolt and signed requests against the fake Web API: a system cannot be
 * handed to a bot, Slackbot, a deactivated account or an id nobody in the workspace has; the
 * refusal is specific and changes nothing (no owner change, no audit event, no message).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { aiSystems, auditEvents } from '../../db/schema';
import { minimalAnswers } from '../fixtures/answers';
import { command, seedRequest } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

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
