/**
 * The catalog in registration on both databases: pre-filled fields and answers, the catalog id
 * and the audit event that says so, discovered tools marked registered whatever the path,
 * `check` of a catalog tool; transferring ownership and editing a registration, with who may.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { aiSystems, auditEvents, notifications } from '../../db/schema';
import { discoveredTools } from '../../db/schema-discovery';
import * as flows from '../../flows';
import type { FlowContext } from '../../flows';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';
import { testClock } from '../helpers/clock';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { actors } from '../helpers/flows';

describe.each(DB_KINDS)('catalog registration, transfer and edit on %s', (kind) => {
  let database: TestDatabase;
  const clock = testClock('2026-11-02T09:00:00Z');
  let alice: FlowContext, bob: FlowContext, carol: FlowContext, mallory: FlowContext, other: FlowContext;

  const auditOf = async (action: string) =>
    database.db.select().from(auditEvents).where(eq(auditEvents.action, action)).orderBy(auditEvents.seq);

  async function discovered(ctx: FlowContext, toolKey: string, name: string, catalogId: string | null): Promise<void> {
    const now = clock.now();
    await database.db.insert(discoveredTools).values({
      workspaceId: ctx.workspace.id, toolKey, catalogId, name, firstSource: 'survey', firstReportedById: ctx.actor.id, firstSeenAt: now, lastSeenAt: now,
    });
  }
  const discoveredRow = async (ctx: FlowContext, toolKey: string) =>
    (await database.db.select().from(discoveredTools).where(and(eq(discoveredTools.workspaceId, ctx.workspace.id), eq(discoveredTools.toolKey, toolKey))))[0]!;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const a = actors(database.db, clock);
    [alice, bob, carol, mallory] = await Promise.all([a.as('alice'), a.as('bob'), a.as('carol'), a.as('mallory')]);
    other = await actors(database.db, clock, undefined, 'shell', 'elsewhere').as('alice');
  });
  afterAll(async () => database?.destroy());

  it('pre-fills name, vendor, link and the answers the catalog knows for a catalog name', () => {
    const p = flows.registrationPrefill('ChatGPT Plus');
    expect(p.catalogId).toBe('chatgpt');
    expect(p.catalogVersion).toBe(flows.catalog().version);
    expect(p.fields).toEqual({ name: 'ChatGPT', vendor: 'OpenAI', url: 'https://chatgpt.com' });
    expect(p.answers).toEqual({ technique: 'machine_learning', ai_capabilities: ['generates_content', 'conversational_agent'] });
    // Not a catalog tool: only the name typed, cleaned.
    expect(flows.registrationPrefill('  Our \u202Escreener ')).toMatchObject({ catalogId: null, fields: { name: 'Our screener' }, answers: {} });
    expect(flows.registrationPrefill('line\nbreak').fields).toEqual({ name: 'line break' });
    expect(flows.registrationPrefill('x'.repeat(81)).fields).toEqual({});
  });

  it('parses discovery.register values and refuses anything else', () => {
    expect(flows.parseDiscoveryValue('{"tool":"chatgpt"}')).toEqual({ tool: 'chatgpt' });
    expect(flows.parseDiscoveryValue({ name: 'Foo AI' })).toEqual({ name: 'Foo AI' });
    for (const bad of ['', 'chatgpt', '{"tool":"Chat GPT"}', '{"tool":"chatgpt","x":1}', '[]', '{"name":""}']) {
      expect(flows.parseDiscoveryValue(bad), bad).toBeNull();
    }
    expect(flows.prefillOfDiscovery({ tool: 'no-such-tool' })).toBeNull();
    expect(flows.prefillOfDiscovery({ name: 'Foo AI' })?.fields).toEqual({ name: 'Foo AI' });
  });

  it('check offers to register a catalog tool that is not registered', async () => {
    const r = await flows.check(alice, 'chatgpt enterprise');
    expect(r.kind).toBe('not_found');
    expect(r.kind === 'not_found' && r.catalog?.id).toBe('chatgpt');
    const none = await flows.check(alice, 'Our own screener');
    expect(none.kind === 'not_found' && none.catalog).toBeUndefined();
  });

  it('stores the catalog id, says in the audit event that answers were pre-filled, and marks the discovered tool registered', async () => {
    await discovered(alice, 'chatgpt', 'chatgpt', 'chatgpt');
    await discovered(other, 'chatgpt', 'chatgpt', 'chatgpt');
    const answers = { ...minimalAnswers, ai_capabilities: ['generates_content'] };
    const r = await flows.register(alice, { fields: fieldsFor('ChatGPT Enterprise', 'shell:alice'), answers, catalogId: 'chatgpt' });
    if (r.kind !== 'registered') throw new Error(JSON.stringify(r));
    const [row] = await database.db.select().from(aiSystems).where(eq(aiSystems.id, r.system.id));
    expect(row!.catalogId).toBe('chatgpt');
    const [event] = (await auditOf('system.registered')).filter((e) => e.subjectId === String(r.system.id));
    expect((event!.data as { catalog: unknown }).catalog).toEqual({
      id: 'chatgpt', version: flows.catalog().version, prefilled: true, answersKept: ['technique'], answersChanged: ['ai_capabilities'],
    });
    const mine = await discoveredRow(alice, 'chatgpt');
    expect(mine.registeredSystemId).toBe(r.system.id);
    expect(mine.registeredAt?.toISOString()).toBe(clock.now().toISOString());
    // Another workspace's discovered tool is its own business.
    expect((await discoveredRow(other, 'chatgpt')).registeredSystemId).toBeNull();
    expect((await auditOf('discovery.tool_registered')).map((e) => e.subjectId)).toEqual([String(mine.id)]);

    // check now finds it under its catalog id, whatever it was called.
    const c = await flows.check(bob, 'ChatGPT');
    expect(c.kind === 'found' && c.check.system.ref).toBe(r.system.ref);
  });

  it('links a registration whose name is a catalog tool, and marks a discovered tool by its folded name', async () => {
    await discovered(alice, 'otter-ai', 'Otter', 'otter-ai');
    await discovered(alice, 'fooai', 'Foo AI', null);
    const otter = await flows.register(bob, { fields: fieldsFor('Otter', 'shell:bob'), answers: minimalAnswers });
    const foo = await flows.register(bob, { fields: fieldsFor('FOO-AI', 'shell:bob'), answers: minimalAnswers });
    if (otter.kind !== 'registered' || foo.kind !== 'registered') throw new Error('not registered');
    expect((await database.db.select().from(aiSystems).where(eq(aiSystems.id, otter.system.id)))[0]!.catalogId).toBe('otter-ai');
    expect((await database.db.select().from(aiSystems).where(eq(aiSystems.id, foo.system.id)))[0]!.catalogId).toBeNull();
    expect((await discoveredRow(alice, 'otter-ai')).registeredSystemId).toBe(otter.system.id);
    expect((await discoveredRow(alice, 'fooai')).registeredSystemId).toBe(foo.system.id);
    const ev = (await auditOf('system.registered')).find((e) => e.subjectId === String(otter.system.id))!;
    expect((ev.data as { catalog: unknown }).catalog).toEqual({ id: 'otter-ai', version: flows.catalog().version, prefilled: false });
    // A catalog id that is not in the catalog is ignored.
    const forged = await flows.register(bob, { fields: fieldsFor('Home Grown', 'shell:bob'), answers: minimalAnswers, catalogId: 'no-such-tool' });
    if (forged.kind !== 'registered') throw new Error(forged.kind);
    expect((await database.db.select().from(aiSystems).where(eq(aiSystems.id, forged.system.id)))[0]!.catalogId).toBeNull();
    // A replay is a duplicate and leaves the marks alone.
    const again = await flows.register(bob, { fields: fieldsFor('Foo AI', 'shell:bob'), answers: minimalAnswers });
    expect(again.kind).toBe('duplicate');
    expect((await discoveredRow(alice, 'fooai')).registeredSystemId).toBe(foo.system.id);
  });

  describe('transfer', () => {
    let ref = '';
    beforeAll(async () => {
      const r = await flows.register(alice, { fields: fieldsFor('CV Screen', 'shell:alice'), answers: highAnswers });
      if (r.kind !== 'registered') throw new Error(r.kind);
      ref = r.system.ref;
    });

    it('refuses people who are neither owner nor compliance, politely, and changes nothing', async () => {
      const r = await flows.transferOwner(mallory, ref, { platformId: 'shell:mallory' });
      expect(r).toMatchObject({ kind: 'refused', code: 'not_authorised' });
      expect(r.kind === 'refused' && r.message).toMatch(/Only the owner of AI-\d+ \(alice\) or a member of compliance/);
      expect(await auditOf('system.owner_transferred')).toHaveLength(0);
    });

    it('lets the owner hand it over: audited from/to, the new owner told through the outbox', async () => {
      const r = await flows.transferOwner(alice, ref, { platformId: 'shell:bob', displayName: 'bob' });
      expect(r).toMatchObject({ kind: 'transferred', from: 'alice', to: 'bob' });
      const [ev] = await auditOf('system.owner_transferred');
      expect(ev!.data).toMatchObject({ ref, from: 'shell:alice', to: 'shell:bob' });
      // The pending owner step of the open approval moved with the system.
      expect((ev!.data as { ownerSteps: number[] }).ownerSteps).toHaveLength(1);
      const shown = await flows.show(bob, ref);
      const ownerStep = shown.kind === 'system' ? shown.request?.steps.find((st) => st.role === 'owner') : undefined;
      expect(ownerStep?.approvers).toEqual(['shell:bob']);
      expect(await database.db.select().from(notifications).where(eq(notifications.kind, 'approval.updated'))).toHaveLength(1);
      expect(ev!.actor).toBe('shell:alice');
      const sent = await database.db.select().from(notifications).where(eq(notifications.kind, 'system.owner_transferred'));
      expect(sent).toHaveLength(1);
      expect(sent[0]!.recipient).toEqual({ person: bob.actor.id });
      expect((sent[0]!.payload as { text: string }).text).toContain(`alice made you the owner of ${ref}`);
      // The former owner may no longer; the new one may; compliance always may.
      expect((await flows.transferOwner(alice, ref, { platformId: 'shell:alice' })).kind).toBe('refused');
      expect(await flows.transferOwner(bob, ref, { platformId: 'shell:bob' })).toMatchObject({ kind: 'refused', code: 'not_allowed' });
      expect(await flows.transferOwner(carol, ref, { platformId: 'shell:dave', displayName: 'dave' })).toMatchObject({ kind: 'transferred', from: 'bob', to: 'dave' });
      expect(await auditOf('system.owner_transferred')).toHaveLength(2);
    });

    it('two racing transfers by the owner: exactly one happens', async () => {
      const r = await flows.register(alice, { fields: fieldsFor('Race Tool', 'shell:alice'), answers: minimalAnswers });
      if (r.kind !== 'registered') throw new Error(r.kind);
      const before = (await auditOf('system.owner_transferred')).length;
      const results = await Promise.all([
        flows.transferOwner(alice, r.system.ref, { platformId: 'shell:bob' }),
        flows.transferOwner(alice, r.system.ref, { platformId: 'shell:dave' }),
      ]);
      expect(results.filter((x) => x.kind === 'transferred')).toHaveLength(1);
      expect(results.filter((x) => x.kind === 'refused')).toHaveLength(1);
      expect(await auditOf('system.owner_transferred')).toHaveLength(before + 1);
    });

    it('says not found for a bad reference or another workspace', async () => {
      expect(await flows.transferOwner(carol, 'AI-999', { platformId: 'shell:bob' })).toMatchObject({ kind: 'refused', code: 'not_found' });
      expect(await flows.transferOwner(other, ref, { platformId: 'shell:bob' })).toMatchObject({ kind: 'refused', code: 'not_found' });
      expect(await flows.transferOwner(carol, 'nonsense', { platformId: 'shell:bob' })).toMatchObject({ kind: 'refused', code: 'invalid' });
    });
  });

  describe('edit', () => {
    let ref = '';
    beforeAll(async () => {
      const r = await flows.register(bob, { fields: fieldsFor('Summariser', 'shell:bob'), answers: minimalAnswers });
      if (r.kind !== 'registered') throw new Error(r.kind);
      ref = r.system.ref;
    });

    it('saves the owner’s changes without a new triage and audits each changed field old → new', async () => {
      const before = await flows.systemByRef(bob, ref);
      const r = await flows.editRegistration(bob, ref, { name: 'Summariser 2', vendor: '', url: 'https://new.example', purpose: 'Summaries of \u202Ereports', department: 'Operations' });
      if (r.kind !== 'edited') throw new Error(JSON.stringify(r));
      expect(r.system).toMatchObject({ name: 'Summariser 2', vendor: '', url: 'https://new.example', purpose: 'Summaries of reports' });
      expect(r.system.assessment?.version).toBe(1);
      expect('kind' in before ? null : before.status).toBe(r.system.status);
      const [ev] = await auditOf('system.edited');
      expect(ev!.data).toEqual({
        ref,
        changes: {
          name: { from: 'Summariser', to: 'Summariser 2' },
          vendor: { from: 'Acme AI', to: '' },
          url: { from: 'https://acme.example', to: 'https://new.example' },
          purpose: { from: 'Use Summariser for daily work', to: 'Summaries of reports' },
        },
      });
      expect(await flows.editRegistration(bob, ref, { name: 'summariser 2' })).toMatchObject({ kind: 'edited' });
      expect(await flows.editRegistration(bob, ref, {})).toMatchObject({ kind: 'unchanged' });
    });

    it('refuses a name another system has, bad input, strangers and other workspaces, changing nothing', async () => {
      const events = (await auditOf('system.edited')).length;
      const dup = await flows.editRegistration(carol, ref, { name: 'cv-screen' });
      expect(dup).toMatchObject({ kind: 'refused', code: 'invalid' });
      expect(dup.kind === 'refused' && dup.errors?.[0]).toMatchObject({ field: 'name' });
      expect(await flows.editRegistration(bob, ref, { name: 'two\nlines' })).toMatchObject({ kind: 'refused', code: 'invalid' });
      expect(await flows.editRegistration(bob, ref, { url: 'javascript:alert(1)' })).toMatchObject({ kind: 'refused', code: 'invalid' });
      expect(await flows.editRegistration(bob, ref, { owner: 'shell:mallory' })).toMatchObject({ kind: 'refused', code: 'invalid' });
      expect(await flows.editRegistration(bob, ref, { name: 'x'.repeat(81) })).toMatchObject({ kind: 'refused', code: 'invalid' });
      expect(await flows.editRegistration(mallory, ref, { name: 'Mine' })).toMatchObject({ kind: 'refused', code: 'not_authorised' });
      expect(await flows.editRegistration(other, ref, { name: 'Mine' })).toMatchObject({ kind: 'refused', code: 'not_found' });
      expect(await auditOf('system.edited')).toHaveLength(events);
      const s = await flows.systemByRef(bob, ref);
      expect('kind' in s ? null : s.name).toBe('summariser 2');
      // Compliance may edit.
      expect(await flows.editRegistration(carol, ref, { department: '=cmd|calc' })).toMatchObject({ kind: 'edited' });
    });

    it('two racing edits of different fields both hold, each audited with what it replaced', async () => {
      const [a, b] = await Promise.all([flows.editRegistration(bob, ref, { vendor: 'Vendor A' }), flows.editRegistration(carol, ref, { department: 'Legal' })]);
      expect([a.kind, b.kind]).toEqual(['edited', 'edited']);
      const s2 = await flows.systemByRef(bob, ref);
      expect('kind' in s2 ? null : [s2.vendor, s2.department]).toEqual(['Vendor A', 'Legal']);
      const last = (await auditOf('system.edited')).slice(-2).map((e) => (e.data as { changes: object }).changes);
      expect(last).toEqual(expect.arrayContaining([{ vendor: { from: '', to: 'Vendor A' } }, { department: { from: '=cmd|calc', to: 'Legal' } }]));
    });
  });
});
