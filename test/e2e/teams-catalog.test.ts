/**
 * The AI tool catalog on Teams through botbuilder against the fake Bot Connector: `check chatgpt`
 * offers registration with `discovery.register`; the action opens the registration pre-filled
 * from the catalog; confirming registers with the catalog id and marks the discovered tool;
 * `transfer` by @mention or e-mail and `edit`, with who may; hostile text is escaped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { aiSystems, auditEvents } from '../../db/schema';
import { discoveredTools } from '../../db/schema-discovery';
import * as flows from '../../flows';
import { minimalAnswers } from '../fixtures/answers';
import { HOSTILE, cardHazards } from '../helpers/hostile-text';
import type { TeamsBench, TeamsUser } from '../helpers/teams-harness';
import { TENANT, buttons, cardOf, cardText, formValues, inputs, people, startTeamsBench } from '../helpers/teams-harness';

type Json = Record<string, unknown>;
const valueOf = (card: Json, id: string) => inputs(card).find((i) => i.id === id)?.value;

describe('Teams: the AI tool catalog, transfer and edit', () => {
  let bench: TeamsBench;
  let ws = 0;

  /** A personal message from `u` that @mentions `who`; returns the reply card. */
  async function sayMentioning(u: TeamsUser, text: string, who: TeamsUser): Promise<Json> {
    const conversation = `a:personal-${u.aad}`;
    const before = bench.fake.sent(conversation).length;
    const r = await bench.post({
      id: randomUUID(), channelId: 'msteams', serviceUrl: bench.fake.url, timestamp: bench.clock.now().toISOString(), type: 'message',
      from: { id: `29:${u.aad}`, aadObjectId: u.aad, name: u.name }, recipient: { id: '28:aimsbot', name: 'aimsbot' },
      conversation: { id: conversation, conversationType: 'personal', tenantId: TENANT }, channelData: { tenant: { id: TENANT } },
      text: `${text} <at>${who.name}</at>`,
      entities: [{ type: 'mention', text: `<at>${who.name}</at>`, mentioned: { id: `29:${who.aad}`, name: who.name } }],
    });
    expect(r.status).toBe(200);
    const sent = bench.fake.sent(conversation);
    expect(sent.length).toBe(before + 1);
    return cardOf(sent.at(-1)!.body);
  }

  beforeAll(async () => {
    bench = await startTeamsBench('pglite');
    for (const u of [people.alice, people.bob]) await bench.installPersonal(u);
    const ctx = await flows.flowContext({ db: bench.db.db, policy: bench.policy, clock: bench.clock }, { platform: 'teams', externalId: TENANT }, { platformId: `teams:${people.alice.aad}` });
    ws = ctx.workspace.id;
    const now = bench.clock.now();
    await bench.db.db.insert(discoveredTools).values({ workspaceId: ws, toolKey: 'chatgpt', catalogId: 'chatgpt', name: 'ChatGPT', firstSource: 'channel', firstReportedById: ctx.actor.id, firstSeenAt: now, lastSeenAt: now });
  });
  afterAll(async () => bench?.close());

  it('check chatgpt offers registration; the action opens it pre-filled; confirming registers with the catalog id', async () => {
    const offer = await bench.say(people.alice, 'check chatgpt');
    expect(cardText(offer)).toContain('ChatGPT (OpenAI) is not registered yet — register it?');
    const button = buttons(offer).find((b) => b.data.action === 'discovery.register')!;
    expect(button.data).toEqual({ action: 'discovery.register', tool: 'chatgpt' });

    const first = await bench.execute(people.alice, button.data);
    expect(valueOf(first, 'name')).toBe('ChatGPT');
    expect(valueOf(first, 'vendor')).toBe('OpenAI');
    expect(valueOf(first, 'url')).toBe('https://chatgpt.com');
    expect(cardText(first)).toContain('Filled in from the AI tool catalog');
    // Fill page 1; on page 2 the catalog's answers are the defaults, confirmed as they are.
    const next = buttons(first).find((b) => b.data.action === 'form.next')!;
    const page2 = await bench.execute(people.alice, { ...next.data, name: 'ChatGPT', vendor: 'OpenAI', url: 'https://chatgpt.com', purpose: 'Drafting', owner: people.alice.aad, department: 'Ops', usage_status: 'in_use' });
    expect(valueOf(page2, 'technique')).toBe('machine_learning');
    expect(valueOf(page2, 'ai_capabilities')).toBe('generates_content,conversational_agent');
    const { technique: _t, ai_capabilities: _c, ...rest } = minimalAnswers;
    const done = await bench.fillForm(people.alice, page2, formValues({}, rest));
    expect(cardText(done)).toContain('Registered AI-1 ChatGPT');
    const [row] = await bench.db.db.select().from(aiSystems).where(eq(aiSystems.workspaceId, ws));
    expect(row!.catalogId).toBe('chatgpt');
    const [event] = await bench.db.db.select().from(auditEvents).where(eq(auditEvents.action, 'system.registered'));
    expect((event!.data as { catalog: unknown }).catalog).toMatchObject({ id: 'chatgpt', prefilled: true, answersKept: ['technique', 'ai_capabilities'], answersChanged: [] });
    const [found] = await bench.db.db.select().from(discoveredTools).where(eq(discoveredTools.workspaceId, ws));
    expect(found!.registeredSystemId).toBe(row!.id);
    // Now check finds it; a forged button changes nothing.
    expect(cardText(await bench.say(people.bob, 'check ChatGPT Team'))).toContain('AI-1');
    expect(cardText(await bench.say(people.bob, 'check <a href="https://chatgpt.com/c/1">https://chatgpt.com/c/1</a>'))).toContain('AI-1');
    expect(cardText(await bench.execute(people.bob, { action: 'discovery.register', tool: 'nope' }))).toContain('not valid any more');
  });

  it('register <name> pre-fills a name not in the catalog, escaped', async () => {
    const card = await bench.say(people.bob, `register ${HOSTILE.slice(0, 70)}`);
    expect(cardHazards(card)).toEqual([]);
    expect(buttons(card).find((b) => b.data.action === 'form.next')!.data.catalogId).toBeUndefined();
  });

  it('transfer by @mention: refused for others, done by the owner, audited, the new owner told', async () => {
    expect(cardText(await sayMentioning(people.mallory, 'transfer AI-1', people.mallory))).toMatch(/Only the owner of AI-1 .* or a member of compliance can transfer it/);
    expect(cardText(await bench.say(people.alice, 'transfer AI-1 somebody'))).toContain('I could not tell who');
    const done = await sayMentioning(people.alice, 'transfer AI-1', people.bob);
    expect(cardText(done)).toContain('now belongs to Bob');
    await bench.drain();
    const told = bench.fake.sent(`a:personal-${people.bob.aad}`).map((c) => JSON.stringify(c.body));
    expect(told.some((t) => t.includes('made you the owner of AI-1'))).toBe(true);
    const events = await bench.db.db.select().from(auditEvents).where(eq(auditEvents.action, 'system.owner_transferred'));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ ref: 'AI-1', from: `teams:${people.alice.aad}`, to: `teams:${people.bob.aad}` });
    // Compliance, by e-mail address.
    expect(cardText(await bench.say(people.compliance, `transfer AI-1 ${people.alice.email}`))).toContain('now belongs to Alice');
  });

  it('edit: the owner saves changed details, audited old → new; errors come back under the field; strangers are refused', async () => {
    expect(cardText(await bench.say(people.mallory, 'edit AI-1'))).toContain('Only the owner of AI-1');
    const card = await bench.say(people.alice, 'edit AI-1');
    expect(valueOf(card, 'name')).toBe('ChatGPT');
    const save = buttons(card).find((b) => b.data.action === 'system.edit')!;
    const values = Object.fromEntries(inputs(card).map((i) => [String(i.id), String(i.value ?? '')]));
    const bad = await bench.execute(people.alice, { ...save.data, ...values, url: 'ftp://x' });
    expect(cardText(bad)).toContain('Link: must be an http:// or https:// address');
    const ok = await bench.execute(people.alice, { ...save.data, ...values, name: 'ChatGPT Enterprise', purpose: HOSTILE });
    expect(cardText(ok)).toContain('Saved AI-1');
    expect(cardHazards(ok)).toEqual([]);
    const [ev] = await bench.db.db.select().from(auditEvents).where(eq(auditEvents.action, 'system.edited'));
    expect((ev!.data as { changes: Record<string, unknown> }).changes).toMatchObject({ name: { from: 'ChatGPT', to: 'ChatGPT Enterprise' } });
    expect(cardText(await bench.execute(people.mallory, { ...save.data, ...values, name: 'Mine' }))).toContain('Only the owner of AI-1');
  });
});
