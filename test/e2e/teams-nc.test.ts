/**
 * A nonconformity through botbuilder against the fake Bot Connector: `nc raise` answers with
 * the form (inputs `source`, `severity`, `description`, `owner`), the owner is told in their
 * personal chat, strangers are refused, containment / root cause / an action / the verification
 * go through their cards (`data.action` nc.*), the action done moves it to verifying,
 * nc-reminders chases on the way (twice run, nothing twice), compliance closes it once, and
 * hostile text stays inert in every card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import { nonconformities } from '../../db/schema-improve';
import * as flows from '../../flows';
import { cardHazards, HOSTILE } from '../helpers/hostile-text';
import type { TeamsBench, TeamsUser } from '../helpers/teams-harness';
import { APPROVALS, buttons, cardText, inputs, people, startTeamsBench, teamsPolicy } from '../helpers/teams-harness';

describe('Teams: nonconformities', () => {
  let bench: TeamsBench;
  const nc = async () => (await bench.db.db.select().from(nonconformities))[0]!;
  const sentTo = (u: TeamsUser, since: number, needle: string) =>
    bench.fake.calls
      .slice(since)
      .filter((c) => c.method === 'POST' && c.path.endsWith('/activities') && (c.conversationId ?? '').startsWith(`a:personal-${u.aad}`) && JSON.stringify(c.body ?? '').includes(needle));
  const inChannel = (since: number, needle: string) => bench.fake.sent(APPROVALS).filter((c) => bench.fake.calls.indexOf(c) >= since && JSON.stringify(c.body ?? '').includes(needle));
  const remind = async (at: string) => {
    bench.clock.set(new Date(at));
    const deps = { db: bench.db.db, policy: bench.policy };
    await flows.runNcReminders(deps, new Date(at));
    await flows.runNcReminders(deps, new Date(at));
    await bench.drain();
  };
  const submitOf = (card: Record<string, unknown>, action: string) => buttons(card).find((b) => b.data.action === action)!.data;

  beforeAll(async () => {
    bench = await startTeamsBench('pglite', teamsPolicy({ channels: { approvals: { teams: APPROVALS }, digest: { teams: APPROVALS } } }));
    await bench.installChannel();
    for (const u of [people.alice, people.bob, people.compliance, people.mallory]) await bench.installPersonal(u);
    bench.clock.set(new Date('2026-11-02T10:00:00Z'));
  });
  afterAll(async () => bench?.close());

  it('nc raise shows the form; bad answers come back under their inputs; the owner is told', async () => {
    const form = await bench.say(people.alice, 'nc raise');
    expect(inputs(form).map((i) => i.id)).toEqual(['source', 'severity', 'description', 'owner']);
    const data = submitOf(form, 'nc.raise');
    const bad = await bench.execute(people.alice, { ...data, source: 'complaint', severity: 'major', description: '', owner: people.bob.email });
    expect(cardText(bad)).toContain('say what is wrong');
    expect(await bench.db.db.select().from(nonconformities)).toHaveLength(0);
    const since = bench.fake.calls.length;
    const done = await bench.execute(people.alice, { ...data, source: 'complaint', severity: 'major', description: `Outputs not reviewed ${HOSTILE}`, owner: people.bob.email });
    expect(cardText(done)).toContain('Raised NC-1');
    const again = await bench.execute(people.alice, { ...data, source: 'complaint', severity: 'major', description: `Outputs not reviewed ${HOSTILE}`, owner: people.bob.email });
    expect(cardText(again)).toContain('This form already raised NC-1');
    expect(await bench.db.db.select().from(nonconformities)).toHaveLength(1);
    expect(cardHazards(done)).toEqual([]);
    await bench.drain();
    const told = sentTo(people.bob, since, 'You own');
    expect(told).toHaveLength(1);
    expect(JSON.stringify(told[0]!.body)).toContain('"action":"nc.containment"');
  });

  it('anyone sees it; only the owner and compliance get buttons; strangers are refused', async () => {
    const seen = await bench.say(people.mallory, 'nc NC-1');
    expect(cardText(seen)).toContain('NC-1');
    expect(buttons(seen)).toHaveLength(0);
    expect(cardHazards(seen)).toEqual([]);
    expect(cardText(await bench.execute(people.mallory, { action: 'nc.containment', ref: 'NC-1' }))).toContain('Only the owner of NC-1 or compliance');
    const owner = await bench.say(people.bob, 'nc NC-1');
    expect(buttons(owner).map((b) => b.data.action)).toEqual(['nc.containment', 'nc.root_cause']);
    expect(cardText(await bench.execute(people.bob, { action: 'nc.add_action', ref: 'NC-1' }))).toContain('root cause of NC-1 first');
    expect(cardText(await bench.say(people.bob, 'nc NC-42'))).toContain('no nonconformity NC-42');
  });

  it('chases the missing containment once however often the job runs', async () => {
    const since = bench.fake.calls.length;
    await remind('2026-11-10T10:00:00Z');
    await remind('2026-11-11T10:00:00Z');
    expect(sentTo(people.bob, since, 'has no containment')).toHaveLength(1);
  });

  it('containment, root cause and an action through their cards; the action done moves it to verifying', async () => {
    bench.clock.set(new Date('2026-11-11T11:00:00Z'));
    let form = await bench.execute(people.bob, { action: 'nc.containment', ref: 'NC-1' });
    expect(inputs(form).map((i) => i.id)).toEqual(['containment']);
    await bench.execute(people.bob, { ...submitOf(form, 'nc.containment'), containment: 'Paused the tool' });
    form = await bench.execute(people.bob, { action: 'nc.root_cause', ref: 'NC-1' });
    await bench.execute(people.bob, { ...submitOf(form, 'nc.root_cause'), root_cause: 'No review step' });
    form = await bench.execute(people.bob, { action: 'nc.add_action', ref: 'NC-1' });
    expect(inputs(form).map((i) => i.id)).toEqual(['title', 'assignee', 'due_date']);
    const action = submitOf(form, 'nc.add_action');
    const late = await bench.execute(people.bob, { ...action, title: 'Add a review step', assignee: 'me', due_date: '2020-01-01' });
    expect(cardText(late)).toContain('or later');
    const added = await bench.execute(people.bob, { ...action, title: 'Add a review step', assignee: 'me', due_date: '2026-11-30' });
    expect(cardText(added)).toContain('Corrective action T-');
    await bench.execute(people.bob, { ...action, title: 'Add a review step', assignee: 'me', due_date: '2026-11-30' });
    const rows = await bench.db.db.select().from(tasks).where(eq(tasks.kind, 'corrective_action'));
    expect(rows).toHaveLength(1);
    const since = bench.fake.calls.length;
    const closeCard = await bench.execute(people.bob, { action: 'task.done', ref: `T-${rows[0]!.number}` });
    await bench.execute(people.bob, { ...submitOf(closeCard, 'task.done'), evidence: 'https://wiki.example/review-step' });
    await bench.drain();
    expect((await nc()).status).toBe('verifying');
    expect(sentTo(people.bob, since, 'verify their effectiveness')).toHaveLength(1);
  });

  it('verification chased when due, verified effective, closure chased, closed by compliance once', async () => {
    const due = (await nc()).effectivenessDueAt!;
    let since = bench.fake.calls.length;
    await remind(new Date(due.getTime() + 3_600_000).toISOString());
    expect(sentTo(people.bob, since, 'effectiveness check of nonconformity NC-1')).toHaveLength(1);
    expect(inChannel(since, 'effectiveness check of nonconformity NC-1')).toHaveLength(1);
    const form = await bench.execute(people.bob, { action: 'nc.verify', ref: 'NC-1' });
    const verify = submitOf(form, 'nc.verify');
    expect(cardText(await bench.execute(people.bob, { ...verify, effective: 'yes' }))).toContain('verified effective');
    expect(cardText(await bench.execute(people.bob, { ...verify, effective: 'yes' }))).toContain('already verified effective');
    since = bench.fake.calls.length;
    await remind('2027-01-20T10:00:00Z');
    expect(inChannel(since, 'can be closed')).toHaveLength(1);
    expect(cardText(await bench.execute(people.bob, { action: 'nc.close', ref: 'NC-1' }))).toContain('Only compliance can close NC-1');
    const closed = await bench.execute(people.compliance, { action: 'nc.close', ref: 'NC-1' });
    expect(cardText(closed)).toContain('is closed by');
    expect(cardText(await bench.execute(people.compliance2, { action: 'nc.close', ref: 'NC-1' }))).toContain('already closed');
    const trail = await bench.db.db.select().from(auditEvents).where(and(eq(auditEvents.subjectType, 'nonconformity'), eq(auditEvents.subjectId, 'NC-1'))).orderBy(auditEvents.id);
    expect(trail.map((e) => e.action)).toEqual(['nc.raised', 'nc.contained', 'nc.root_cause_set', 'nc.action_added', 'nc.actions_done', 'nc.verified', 'nc.closed']);
  });

  it('exports the nonconformities for compliance in chat and refuses others', async () => {
    expect(cardText(await bench.say(people.bob, 'export nonconformities csv'))).toContain('Only a member of compliance');
    const card = await bench.say(people.compliance, 'export nonconformities csv');
    const text = JSON.stringify(card);
    expect(text).toContain('NC-1');
    expect(text).toContain('T-');
  });
});
