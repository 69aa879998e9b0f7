/**
 * Nonconformities on both databases: no action without a root cause; no closure without a root
 * cause, every action done and an effective verification; "not effective" reopens with the root
 * cause kept; the last action closed starts the effectiveness check; nc-reminders chases each
 * stage once per remindEveryDays (twice run, nothing twice); openNonconformity deduplicates;
 * workspace scoping, rights, replays, the export and the digest lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import { auditEvents, notifications } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import { nonconformities } from '../../db/schema-improve';
import * as flows from '../../flows';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors, testPolicy } from '../helpers/flows';
import { renderDigest } from '../../adapters/slack/render-digest';
import { digestCard } from '../../adapters/teams/digest-card';

type Changed = flows.NcChanged;
const ok = (r: Changed | flows.Refusal): Changed => {
  if (r.kind !== 'nc') throw new Error(`refused: ${r.message}`);
  return r;
};
const refused = (r: Changed | flows.Refusal): flows.Refusal => {
  if (r.kind !== 'refused') throw new Error(`expected a refusal, got: ${r.message}`);
  return r;
};

describe.each(DB_KINDS)('nonconformities on %s', (kind) => {
  let database: TestDatabase;
  const clock = testClock('2026-11-02T10:00:00Z');
  const policy = testPolicy({ nc: { effectivenessAfterDays: 30, remindEveryDays: 7 }, quietHours: { start: '19:00', end: '08:00' } });
  let as: ReturnType<typeof actors>['as'];
  let deps: ReturnType<typeof actors>['deps'];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    ({ as, deps } = actors(database.db, clock, policy));
  });
  afterAll(async () => database?.destroy());

  const sent = (k: string) => database.db.select().from(notifications).where(eq(notifications.kind, k)).orderBy(notifications.id);
  const events = (ref: string) => database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, ref)).orderBy(auditEvents.id);
  const raise = async (who = 'alice', owner = 'shell:bob', description = 'Model card missing for AI-1') =>
    ok(await flows.raiseNc(await as(who), { source: 'complaint', severity: 'major', description, owner }));
  const closeTask = async (ref: string, who = 'dave') => {
    const r = await flows.completeTask(await as(who), ref, 'https://wiki.example/fix');
    if (r.kind !== 'closed') throw new Error(r.message);
  };

  it('raises an NC, tells the owner, and refuses bad input with field messages', async () => {
    const bad = refused(await flows.raiseNc(await as('alice'), { source: 'gossip', severity: 'huge', description: '', owner: 'bob' }));
    expect(bad.code).toBe('invalid');
    expect(bad.errors!.map((e) => e.field).sort()).toEqual(['description', 'owner', 'severity', 'source']);
    expect(await database.db.select().from(nonconformities)).toHaveLength(0);
    const r = await raise();
    expect(r.nc.ref).toBe('NC-1');
    expect(r.nc.status).toBe('open');
    expect(r.nc.owner?.label).toMatch(/bob/);
    const told = await sent('nc.assigned');
    expect(told).toHaveLength(1);
    expect(told[0]!.recipient).toEqual({ person: r.nc.owner!.id });
    expect((told[0]!.payload as { text: string }).text).toContain('NC-1');
    expect((await events('NC-1')).map((e) => e.action)).toEqual(['nc.raised']);
  });

  it('cannot plan an action without a root cause; others may view but not act', async () => {
    const noCause = refused(await flows.addNcAction(await as('bob'), 'NC-1', { title: 'Write the model card', assignee: 'shell:dave', due_date: '2026-11-20' }));
    expect(noCause.message).toMatch(/root cause/);
    const stranger = refused(await flows.containNc(await as('eve'), 'NC-1', { containment: 'x' }));
    expect(stranger.code).toBe('not_authorised');
    const view = await flows.showNc(await as('eve'), 'nc-1');
    expect('kind' in view).toBe(false);
    if (!('kind' in view)) expect(view.can).toEqual({ containment: false, rootCause: false, addAction: false, verify: false, close: false });
    expect(await database.db.select().from(tasks)).toHaveLength(0);
  });

  it('records containment and root cause once (a replay changes nothing) and plans actions', async () => {
    const bob = await as('bob');
    ok(await flows.containNc(bob, 'NC-1', { containment: 'System paused' }));
    const again = ok(await flows.containNc(bob, 'NC-1', { containment: 'System paused' }));
    expect(again.message).toMatch(/already recorded/);
    ok(await flows.setRootCause(bob, 'NC-1', { root_cause: 'No template for model cards' }));
    const first = ok(await flows.addNcAction(bob, 'NC-1', { title: 'Write the model card', assignee: 'shell:dave', due_date: '2026-11-20' }));
    expect(first.nc.status).toBe('action_planned');
    // The same submission replayed is the same task.
    const replay = ok(await flows.addNcAction(bob, 'NC-1', { title: 'Write the model card', assignee: 'shell:dave', due_date: '2026-11-20' }));
    expect(replay.message).toMatch(/already/);
    ok(await flows.addNcAction(bob, 'NC-1', { title: 'Add a model card template', assignee: 'shell:dave', due_date: '2026-11-25' }));
    const badDue = refused(await flows.addNcAction(bob, 'NC-1', { title: 'Late', assignee: 'shell:dave', due_date: '2026-10-01' }));
    expect(badDue.errors?.[0]?.field).toBe('due_date');
    const rows = await database.db.select().from(tasks).where(eq(tasks.kind, 'corrective_action'));
    expect(rows).toHaveLength(2);
    expect(rows.every((t) => t.subjectType === 'nc')).toBe(true);
    expect((await events('NC-1')).map((e) => e.action)).toEqual(['nc.raised', 'nc.contained', 'nc.root_cause_set', 'nc.action_added', 'nc.action_added']);
  });

  it('cannot close without every action done and an effective verification; verifying needs all actions closed', async () => {
    const early = refused(await flows.verifyNc(await as('bob'), 'NC-1', { effective: 'yes' }));
    expect(early.message).toMatch(/cannot be verified yet/);
    const notYet = refused(await flows.closeNc(await as('carol'), 'NC-1'));
    expect(notYet.message).toMatch(/still open/);
    const notCompliance = refused(await flows.closeNc(await as('bob'), 'NC-1'));
    expect(notCompliance.code).toBe('not_authorised');
    const [a, b] = await database.db.select().from(tasks).where(eq(tasks.kind, 'corrective_action')).orderBy(tasks.number);
    await closeTask(`T-${a!.number}`);
    expect((await database.db.select().from(nonconformities))[0]!.status).toBe('action_planned');
    clock.set('2026-11-05T10:00:00Z');
    await closeTask(`T-${b!.number}`);
    const [nc] = await database.db.select().from(nonconformities);
    expect(nc!.status).toBe('verifying');
    expect(nc!.effectivenessDueAt!.toISOString()).toBe('2026-12-05T10:00:00.000Z');
    const due = await sent('nc.verification_due');
    expect(due).toHaveLength(1);
    const unverified = refused(await flows.closeNc(await as('carol'), 'NC-1'));
    expect(unverified.message).toMatch(/effectiveness/);
  });

  it('"not effective" reopens with the root cause kept and new actions required', async () => {
    const r = ok(await flows.verifyNc(await as('bob'), 'NC-1', { effective: 'no' }));
    expect(r.nc.status).toBe('open');
    expect(r.nc.rootCause).toBe('No template for model cards');
    expect(r.nc.effective).toBe(false);
    // A replayed "no" finds nothing to verify.
    refused(await flows.verifyNc(await as('bob'), 'NC-1', { effective: 'no' }));
    const stillOld = refused(await flows.verifyNc(await as('bob'), 'NC-1', { effective: 'yes' }));
    expect(stillOld.message).toMatch(/reopened|verify/);
    refused(await flows.closeNc(await as('carol'), 'NC-1'));
    expect((await events('NC-1')).map((e) => e.action).slice(-2)).toEqual(['nc.verified', 'nc.reopened']);
    const again = ok(await flows.addNcAction(await as('carol'), 'NC-1', { title: 'Train the team on model cards', assignee: 'shell:dave', due_date: '2026-11-30' }));
    expect(again.nc.status).toBe('action_planned');
    const newest = (await database.db.select().from(tasks).where(eq(tasks.kind, 'corrective_action')).orderBy(tasks.number)).at(-1)!;
    await closeTask(`T-${newest.number}`);
    expect((await database.db.select().from(nonconformities))[0]!.status).toBe('verifying');
  });

  it('closes once verified effective (compliance only, a second click is told)', async () => {
    ok(await flows.verifyNc(await as('bob'), 'NC-1', { effective: 'yes' }));
    const twice = refused(await flows.verifyNc(await as('bob'), 'NC-1', { effective: 'yes' }));
    expect(twice.code).toBe('already_decided');
    const [c1, c2] = await Promise.all([as('carol').then((c) => flows.closeNc(c, 'NC-1')), as('cora').then((c) => flows.closeNc(c, 'NC-1'))]);
    const kinds = [c1.kind, c2.kind].sort();
    expect(kinds).toEqual(['nc', 'refused']);
    expect((await events('NC-1')).filter((e) => e.action === 'nc.closed')).toHaveLength(1);
    const after = refused(await flows.containNc(await as('bob'), 'NC-1', { containment: 'more' }));
    expect(after.code).toBe('closed');
  });

  it('deduplicates openNonconformity by its key and scopes NCs to their workspace', async () => {
    const ctx = await as('carol');
    const open = () =>
      database.db.transaction((tx) =>
        flows.openNonconformity(tx, { workspaceId: ctx.workspace.id, source: 'audit', severity: 'minor', description: 'Finding F-1', dedupeKey: 'finding:991', actor: 'system', at: clock.now() }),
      );
    const a = await open();
    const b = await open();
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.nc.id).toBe(a.nc.id);
    expect(await database.db.select().from(nonconformities).where(eq(nonconformities.dedupeKey, 'finding:991'))).toHaveLength(1);
    const other = actors(database.db, clock, policy, 'shell', 'elsewhere');
    const foreign = await flows.showNc(await other.as('carol'), `NC-${a.nc.number}`);
    expect('kind' in foreign && foreign.code).toBe('not_found');
  });

  it('nc-reminders chases each stage once per remindEveryDays; running twice sends nothing twice', async () => {
    clock.set('2026-12-01T10:00:00Z');
    const r = await raise('alice', 'shell:bob', '=cmd|calc <!channel> \u202Eevil');
    const run = (at: string) => flows.runNcReminders(deps, new Date(at));
    const reminders = async () => (await sent('nc.reminder')).filter((n) => (n.payload as { ref: string }).ref === r.nc.ref);
    // Unowned audit NC (NC-2) gets its containment reminder in the digest channel.
    await run('2026-12-03T10:00:00Z');
    expect(await reminders()).toHaveLength(0);
    await run('2026-12-08T10:00:00Z');
    await run('2026-12-08T10:00:00Z');
    let mine = await reminders();
    expect(mine.map((n) => (n.payload as { stage: string }).stage)).toEqual(['containment']);
    expect(mine[0]!.recipient).toEqual({ person: r.nc.owner!.id });
    const unowned = (await sent('nc.reminder')).filter((n) => (n.payload as { ref: string }).ref === 'NC-2');
    expect(unowned).toHaveLength(1);
    expect(unowned[0]!.recipient).toEqual({ channel: 'digest' });
    await run('2026-12-12T10:00:00Z');
    expect(await reminders()).toHaveLength(1);
    await run('2026-12-15T10:00:00Z');
    expect((await reminders()).map((n) => (n.payload as { reminderNumber: number }).reminderNumber)).toEqual([1, 2]);
    // Contained: the root cause stage is chased next, at once.
    clock.set('2026-12-15T11:00:00Z');
    ok(await flows.containNc(await as('bob'), r.nc.ref, { containment: 'Paused' }));
    await run('2026-12-15T12:00:00Z');
    await run('2026-12-15T12:30:00Z');
    mine = await reminders();
    expect(mine.map((n) => (n.payload as { stage: string }).stage)).toEqual(['containment', 'containment', 'root_cause']);
    // Root cause, one action done: verification is chased once it is due, to owner and compliance; in quiet hours held.
    ok(await flows.setRootCause(await as('bob'), r.nc.ref, { root_cause: 'No review' }));
    ok(await flows.addNcAction(await as('bob'), r.nc.ref, { title: 'Review', assignee: 'shell:dave', due_date: '2026-12-20' }));
    const t = (await database.db.select().from(tasks).where(like(tasks.detail, `%${r.nc.ref}`)))[0]!;
    await closeTask(`T-${t.number}`);
    await run('2027-01-10T10:00:00Z');
    expect((await reminders()).length).toBe(3);
    await run('2027-01-14T20:00:00Z');
    await run('2027-01-14T20:30:00Z');
    const verify = (await reminders()).filter((n) => (n.payload as { stage: string }).stage === 'verification');
    expect(verify.map((n) => n.recipient)).toEqual([{ person: r.nc.owner!.id }, { channel: 'digest' }]);
    expect(verify[0]!.notBefore.toISOString()).toBe('2027-01-15T08:00:00.000Z');
    // Verified effective, not closed: compliance is chased.
    clock.set('2027-01-15T09:00:00Z');
    ok(await flows.verifyNc(await as('bob'), r.nc.ref, { effective: 'yes' }));
    await run('2027-01-15T10:00:00Z');
    await run('2027-01-15T10:05:00Z');
    const closure = (await reminders()).filter((n) => (n.payload as { stage: string }).stage === 'closure');
    expect(closure.map((n) => n.recipient)).toEqual([{ channel: 'digest' }]);
    ok(await flows.closeNc(await as('carol'), r.nc.ref));
    const before = (await reminders()).length;
    await run('2027-02-15T10:00:00Z');
    expect((await reminders()).length).toBe(before);
  });

  it('exports the NCs with actions and status, formulas neutralised; the digest lists open NCs by age', async () => {
    const recs = await flows.ncRecords(database.db, {});
    const local = recs.filter((x) => x.workspace === 'local' || x.ref);
    expect(local.map((x) => x.ref)).toContain('NC-1');
    const nc1 = recs.find((x) => x.ref === 'NC-1')!;
    expect(nc1).toMatchObject({ source: 'complaint', severity: 'major', status: 'closed', effective: true, root_cause: 'No template for model cards', closed_by: expect.any(String) });
    expect(nc1.actions.map((a) => a.status)).toEqual(['done', 'done', 'done']);
    const file = await flows.ncExportFile(await as('carol'), 'csv');
    if (file.kind !== 'file') throw new Error(file.message);
    expect(file.content).toContain("'=cmd|calc");
    expect(file.content.split('\n')[0]).toContain('ref,source,severity');
    const denied = await flows.ncExportFile(await as('bob'), 'json');
    expect(denied.kind).toBe('refused');
    const ctx = await as('carol');
    const d = await flows.ncDigest(database.db, ctx.workspace.id, new Date('2027-03-01T00:00:00Z'));
    expect(d.open).toBe(1);
    expect(d.byAge.find((b) => b.key === '90+')!.count).toBe(1);
    expect(flows.ncDigestLines(d)[0]).toContain('Open nonconformities (1)');
    // The weekly digest on both platforms (and as text) names the open NC by age.
    const digest = await flows.buildDigest(database.db, policy, ctx.workspace.id, new Date('2027-02-22T00:00:00Z'), new Date('2027-03-01T00:00:00Z'));
    expect(digest.nonconformities?.open).toBe(1);
    expect(JSON.stringify(renderDigest(digest).blocks)).toContain('Open nonconformities (1) by age: up to 30 days 0, 31–90 days 0, over 90 days 1');
    expect(JSON.stringify(digestCard(digest))).toContain('NC-2 (minor)');
    expect(flows.renderDigestText(digest)).toContain('Open nonconformities (1)');
    const [nc2] = await database.db.select().from(nonconformities).where(and(eq(nonconformities.number, 2), eq(nonconformities.workspaceId, ctx.workspace.id)));
    expect(nc2?.status).toBe('open');
  });
});
