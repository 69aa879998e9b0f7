/**
 * Channel discovery on both databases: one nudge per person and tool per 30 days, also when
 * events race; a registered tool gets none; nothing of the message is stored; with discovery
 * off nothing happens. The digest and `inventory unregistered` list the tools until registered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { auditEvents, notifications } from '../../db/schema';
import { discoveredTools, discoveryNudges } from '../../db/schema-discovery';
import * as flows from '../../flows';
import type { FlowContext } from '../../flows';
import { renderDigest } from '../../adapters/slack/render-digest';
import { digestCard } from '../../adapters/teams/digest-card';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import { testClock } from '../helpers/clock';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { actors, testPolicy } from '../helpers/flows';
import { HOSTILE } from '../helpers/hostile-text';

const DAY = 86_400_000;
const SECRET = 'Merger-Falcon-0042';

describe.each(DB_KINDS)('channel discovery on %s', (kind) => {
  let database: TestDatabase;
  const clock = testClock('2026-11-02T09:00:00Z');
  let alice: FlowContext, bob: FlowContext, carol: FlowContext;
  const nudges = async () => (await database.db.select().from(notifications).where(eq(notifications.kind, 'discovery.nudge'))).length;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const { as } = actors(database.db, clock, testPolicy({ discovery: { listen: true } }));
    [alice, bob, carol] = await Promise.all([as('alice'), as('bob'), as('carol')]);
  });
  afterAll(async () => database?.destroy());

  it('nudges once per person and tool, also for concurrent events, and keeps nothing of the message', async () => {
    const text = `${SECRET} ${HOSTILE} see https://chat.openai.com/share/abc and Otter`;
    const results = await Promise.all(Array.from({ length: 8 }, () => flows.noticeChannelMessage(alice, 'C0GENERAL', text)));
    const outcomes = results.flat();
    expect(outcomes.filter((r) => r.tool === 'chatgpt' && r.outcome === 'nudged')).toHaveLength(1);
    expect(outcomes.filter((r) => r.tool === 'otter-ai' && r.outcome === 'nudged')).toHaveLength(1);
    expect(outcomes.filter((r) => r.outcome === 'recent')).toHaveLength(14);
    expect(await nudges()).toBe(2);
    const rows = await database.db.select().from(discoveryNudges);
    expect(rows.map((r) => [r.toolKey, r.channel]).sort()).toEqual([
      ['chatgpt', 'C0GENERAL'],
      ['otter-ai', 'C0GENERAL'],
    ]);
    // The notification carries the tool and the channel, the audit event the same: no text.
    const [n] = await database.db.select().from(notifications).where(eq(notifications.kind, 'discovery.nudge'));
    expect(n!.recipient).toEqual({ person: alice.actor.id });
    expect(Object.keys(n!.payload as object).sort()).toEqual(['channel', 'name', 'text', 'tool', 'vendor']);
    const events = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'discovery.nudged'));
    expect(events).toHaveLength(2);
    const stored = JSON.stringify([await database.db.select().from(notifications), events, await database.db.select().from(discoveredTools), rows]);
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain('share/abc');
    expect(stored).not.toContain('<!channel>');
  });

  it('counts each person once per tool and renews after 30 days', async () => {
    await flows.noticeChannelMessage(bob, 'C0OTHER', 'chatgpt');
    clock.advance(29 * DAY);
    expect(await flows.noticeChannelMessage(alice, 'C0GENERAL', 'ChatGPT')).toEqual([{ tool: 'chatgpt', outcome: 'recent' }]);
    clock.advance(1 * DAY);
    expect(await flows.noticeChannelMessage(alice, 'C0THIRD', 'ChatGPT')).toEqual([{ tool: 'chatgpt', outcome: 'nudged' }]);
    const [chatgpt] = await database.db.select().from(discoveredTools).where(eq(discoveredTools.toolKey, 'chatgpt'));
    expect(chatgpt).toMatchObject({ reporters: 2, firstSource: 'channel', catalogId: 'chatgpt' });
    const [renewed] = await database.db.select().from(discoveryNudges).where(sql`${discoveryNudges.personId} = ${alice.actor.id} and ${discoveryNudges.toolKey} = 'chatgpt'`);
    expect(renewed!.channel).toBe('C0THIRD');
  });

  it('lists the unregistered tools in the digest and in inventory unregistered, until registered', async () => {
    const end = clock.now();
    const digest = await flows.buildDigest(database.db, alice.deps.policy, alice.workspace.id, new Date(end.getTime() - 7 * DAY), end);
    expect(digest.discovery).toMatchObject({ unregistered: 2, tools: [{ name: 'ChatGPT', people: 2, source: 'channel' }, { name: 'Otter.ai', people: 1, source: 'channel' }] });
    expect(flows.renderDigestText(digest)).toMatch(/Unregistered AI tools found \(2\):\n {2}ChatGPT — 2 people, first seen 2026-11-02 \(channel discovery\)/);
    expect(JSON.stringify(renderDigest(digest))).toContain('ChatGPT — 2 people');
    expect(JSON.stringify(digestCard(digest))).toContain('ChatGPT — 2 people');

    expect(await flows.inventoryPage(alice, 'unregistered')).toMatchObject({ kind: 'refused' });
    const page = await flows.inventoryPage(carol, 'unregistered');
    if (page.kind !== 'inventory') throw new Error(page.kind);
    expect(page.total).toBe(2);
    expect(page.unregistered!.map((t) => t.name)).toEqual(['ChatGPT', 'Otter.ai']);
    expect(flows.unregisteredToolLine(page.unregistered![0]!, 'UTC')).toBe('ChatGPT (OpenAI) — 2 people, first seen 2026-11-02 by channel discovery');

    // Registered under its name: it leaves both lists, and nobody is nudged about it any more.
    const r = await flows.register(bob, { fields: fieldsFor('Chat GPT', 'shell:bob'), answers: minimalAnswers });
    expect(r.kind).toBe('registered');
    const after = await flows.buildDigest(database.db, alice.deps.policy, alice.workspace.id, new Date(end.getTime() - 7 * DAY), end);
    expect(after.discovery?.tools.map((t) => t.name)).toEqual(['Otter.ai']);
    const page2 = await flows.inventoryPage(carol, 'unregistered');
    expect(page2.kind === 'inventory' && page2.unregistered!.map((t) => t.name)).toEqual(['Otter.ai']);
    clock.advance(31 * DAY);
    expect(await flows.noticeChannelMessage(alice, 'C0GENERAL', 'chatgpt.com')).toEqual([{ tool: 'chatgpt', outcome: 'registered' }]);
  });

  it('does nothing with discovery off', async () => {
    const off = actors(database.db, clock, testPolicy(), 'shell', 'other-ws');
    const dave = await off.as('dave');
    const before = await nudges();
    expect(await flows.noticeChannelMessage(dave, 'C0X', 'chatgpt.com otter')).toEqual([]);
    expect(await nudges()).toBe(before);
    expect(await database.db.select().from(discoveredTools).where(eq(discoveredTools.workspaceId, dave.workspace.id))).toEqual([]);
  });
});
