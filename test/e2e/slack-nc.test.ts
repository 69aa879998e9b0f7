/**
 * A nonconformity through real Bolt with signed requests against the fake Slack Web API: raised
 * with `/aims nc raise` (the owner told in a DM), refused to people who may not act, contained,
 * its root cause found, an action planned and done, verified effective and closed by compliance,
 * with nc-reminders on the way (run twice, nothing twice) and hostile text kept inert; replayed
 * submissions and a second close click change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import { nonconformities } from '../../db/schema-improve';
import * as flows from '../../flows';
import { HOSTILE } from '../helpers/hostile-text';
import { blockAction, fillView, signatureHeaders, viewSubmission } from '../helpers/slack-requests';
import { command, lastOpenedView, submit } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, TEST_POLICY, USERS } from '../helpers/slack-server';

describe('Slack: nonconformities', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer({ db: 'pglite', policy: { ...TEST_POLICY, channels: { ...TEST_POLICY.channels, digest: { slack: 'C0DIGEST' } } } });
  });
  afterAll(async () => {
    await s?.close();
  });

  const lastReply = () => s.fake.callsOf('response_url').at(-1)!.params as { text: string; blocks: unknown[] };
  const click = (actionId: string, value: string, user: string) =>
    blockAction({ actionId, value, user, channel: 'C0GENERAL', messageTs: '9.9', responseUrl: `${s.fake.responseBase}/nc-${user}` });
  const ephemerals = () => s.fake.callsOf('chat.postEphemeral').map((c) => JSON.stringify(c.params));
  const posts = (channel: (c: string) => boolean) => s.fake.callsOf('chat.postMessage').filter((c) => channel(String(c.params.channel)));
  // A DM as the fake opens it: the user's own id, or a D… conversation.
  const isDm = (c: string) => c.startsWith('D') || c === USERS.bob.id;
  const nc = async () => (await s.deps.db.select().from(nonconformities))[0]!;
  const openModal = async (actionId: string, user: string) => {
    s.fake.reset();
    expect((await s.send(click(actionId, 'NC-1', user))).status).toBe(200);
    await s.settle();
    return lastOpenedView(s);
  };
  const remind = async (at: string) => {
    s.clock.set(new Date(at));
    await flows.runNcReminders(s.deps, new Date(at));
    await flows.runNcReminders(s.deps, new Date(at));
    await s.settle();
  };

  it('nc raise opens the form; bad answers are refused next to the inputs; the owner is told in a DM', async () => {
    s.clock.set(new Date('2026-11-02T10:00:00Z'));
    expect(await command(s, USERS.alice.id, 'nc raise')).toBe(200);
    const view = lastOpenedView(s);
    expect(view.callback_id).toBe('nc.raise');
    const ids = (view.blocks as Array<{ type: string; block_id?: string }>).filter((b) => b.type === 'input').map((b) => b.block_id);
    expect(ids).toEqual(['source', 'severity', 'description', 'owner']);
    const bad = await submit(s, USERS.alice.id, view, { source: 'complaint', severity: 'major', description: '   ' });
    expect(bad).toMatchObject({ response_action: 'errors', errors: { description: expect.any(String), owner: expect.any(String) } });
    expect(await s.deps.db.select().from(nonconformities)).toHaveLength(0);
    s.fake.reset();
    const good = await submit(s, USERS.alice.id, view, { source: 'complaint', severity: 'major', description: `Outputs not reviewed ${HOSTILE}`, owner: USERS.bob.id });
    expect(good.response_action).toBeUndefined();
    // The same modal submitted again (a retry signed anew) raises nothing more.
    await submit(s, USERS.alice.id, view, { source: 'complaint', severity: 'major', description: `Outputs not reviewed ${HOSTILE}`, owner: USERS.bob.id });
    expect(await s.deps.db.select().from(nonconformities)).toHaveLength(1);
    expect(ephemerals().join('')).toContain('This form already raised NC-1');
    const row = await nc();
    expect(row.status).toBe('open');
    const dm = posts((c) => isDm(c)).map((c) => JSON.stringify(c.params));
    expect(dm.some((t) => t.includes('NC-1') && t.includes('You own') && t.includes('"action_id":"nc.containment"'))).toBe(true);
    expect(dm.join('')).not.toContain('<!channel>');
    expect(ephemerals().join('')).toContain('Raised NC-1');
  });

  it('shows the NC to anyone, buttons only to the owner and compliance; strangers are refused politely', async () => {
    expect(await command(s, USERS.mallory.id, 'nc NC-1')).toBe(200);
    const seen = JSON.stringify(lastReply().blocks);
    expect(seen).toContain('NC-1');
    expect(seen).not.toContain('nc.containment');
    expect(seen).not.toContain('<!channel>');
    expect(await command(s, USERS.bob.id, 'nc NC-1')).toBe(200);
    const owner = JSON.stringify(lastReply().blocks);
    expect(owner).toContain('"action_id":"nc.containment"');
    expect(owner).toContain('"action_id":"nc.root_cause"');
    expect(owner).not.toContain('"action_id":"nc.add_action"');
    s.fake.reset();
    await s.send(click('nc.containment', 'NC-1', USERS.mallory.id));
    await s.settle();
    expect(s.fake.callsOf('views.open')).toHaveLength(0);
    expect(ephemerals().join('')).toContain('Only the owner of NC-1 or compliance');
    expect(await command(s, USERS.bob.id, 'nc NC-99')).toBe(200);
    expect(lastReply().text).toContain('There is no nonconformity NC-99');
  });

  it('reminds the owner of the missing containment once, however often the job runs', async () => {
    s.fake.reset();
    await remind('2026-11-10T10:00:00Z');
    const dms = posts((c) => isDm(c)).filter((c) => JSON.stringify(c.params).includes('no containment'));
    expect(dms).toHaveLength(1);
    await remind('2026-11-11T10:00:00Z');
    expect(posts((c) => isDm(c)).filter((c) => JSON.stringify(c.params).includes('no containment'))).toHaveLength(1);
  });

  it('needs a root cause before an action; containment, root cause and an action go through their modals', async () => {
    s.fake.reset();
    await s.send(click('nc.add_action', 'NC-1', USERS.bob.id));
    await s.settle();
    expect(s.fake.callsOf('views.open')).toHaveLength(0);
    expect(ephemerals().join('')).toContain('root cause of NC-1 first');
    let view = await openModal('nc.containment', USERS.bob.id);
    expect(view.callback_id).toBe('nc.containment');
    await submit(s, USERS.bob.id, view, { containment: 'Paused the tool' });
    view = await openModal('nc.root_cause', USERS.bob.id);
    await submit(s, USERS.bob.id, view, { root_cause: 'No review step' });
    view = await openModal('nc.add_action', USERS.bob.id);
    expect(await submit(s, USERS.bob.id, view, { title: 'Add a review step', assignee: USERS.bob.id, due_date: '2020-01-01' })).toMatchObject({ response_action: 'errors', errors: { due_date: expect.stringContaining('or later') } });
    // The same submission replayed (signed at another second) is still one task.
    const req = viewSubmission({ user: USERS.bob.id, callbackId: 'nc.add_action', privateMetadata: view.private_metadata, values: fillView(view, { title: 'Add a review step', assignee: USERS.bob.id, due_date: '2026-11-30' }) });
    const first = Math.floor(Date.now() / 1000);
    expect((await s.send(req, signatureHeaders(req.body, undefined, first))).status).toBe(200);
    expect((await s.send(req, signatureHeaders(req.body, undefined, first - 1))).status).toBe(200);
    await s.settle();
    const actions = await s.deps.db.select().from(tasks).where(eq(tasks.kind, 'corrective_action'));
    expect(actions).toHaveLength(1);
    expect((await nc()).status).toBe('action_planned');
  });

  it('the action done moves it to verifying; the due verification is chased to the owner and the digest channel', async () => {
    const [task] = await s.deps.db.select().from(tasks).where(eq(tasks.kind, 'corrective_action'));
    s.fake.reset();
    await s.send(blockAction({ actionId: 'task.done', value: `T-${task!.number}`, user: USERS.bob.id, channel: 'C0GENERAL', messageTs: '9.9', responseUrl: `${s.fake.responseBase}/t` }));
    await s.settle();
    await submit(s, USERS.bob.id, lastOpenedView(s), { evidence: 'https://wiki.example/review-step' });
    const row = await nc();
    expect(row.status).toBe('verifying');
    expect(posts((c) => isDm(c)).some((c) => JSON.stringify(c.params).includes('verify their effectiveness'))).toBe(true);
    s.fake.reset();
    await remind(new Date(row.effectivenessDueAt!.getTime() + 3_600_000).toISOString());
    const chased = s.fake.callsOf('chat.postMessage').filter((c) => JSON.stringify(c.params).includes('effectiveness check of nonconformity NC-1'));
    expect(chased.every((c) => JSON.stringify(c.params.blocks).includes('"action_id":"nc.verify"'))).toBe(true);
    expect(chased.map((c) => isDm(String(c.params.channel)) ? 'dm' : c.params.channel).sort()).toEqual(['C0DIGEST', 'dm']);
  });

  it('verified effective (a replay is told), chased for closure, closed by compliance once', async () => {
    const view = await openModal('nc.verify', USERS.bob.id);
    expect(view.callback_id).toBe('nc.verify');
    await submit(s, USERS.bob.id, view, { effective: 'yes' });
    expect((await nc()).effective).toBe(true);
    s.fake.reset();
    await submit(s, USERS.bob.id, view, { effective: 'yes' });
    expect(ephemerals().join('')).toContain('already verified effective');
    await remind('2027-01-20T10:00:00Z');
    expect(posts((c) => c === 'C0DIGEST').filter((c) => JSON.stringify(c.params).includes('can be closed'))).toHaveLength(1);
    s.fake.reset();
    await s.send(click('nc.close', 'NC-1', USERS.bob.id));
    await s.settle();
    expect(ephemerals().join('')).toContain('Only compliance can close NC-1');
    await s.send(click('nc.close', 'NC-1', USERS.carol.id));
    await s.send(click('nc.close', 'NC-1', USERS.dana.id));
    await s.settle();
    expect((await nc()).status).toBe('closed');
    expect(ephemerals().join('')).toContain('already closed');
    const trail = await s.deps.db.select().from(auditEvents).where(and(eq(auditEvents.subjectType, 'nonconformity'), eq(auditEvents.subjectId, 'NC-1'))).orderBy(auditEvents.id);
    expect(trail.map((e) => e.action)).toEqual(['nc.raised', 'nc.contained', 'nc.root_cause_set', 'nc.action_added', 'nc.actions_done', 'nc.verified', 'nc.closed']);
  });

  it('exports the nonconformities to compliance in a DM, and refuses others', async () => {
    expect(await command(s, USERS.mallory.id, 'export nonconformities csv')).toBe(200);
    expect(lastReply().text).toContain('Only a member of compliance');
    s.fake.reset();
    expect(await command(s, USERS.carol.id, 'export nonconformities json')).toBe(200);
    await s.settle();
    const upload = s.fake.callsOf('files.uploadV2').concat(s.fake.callsOf('files.getUploadURLExternal'));
    expect(upload.length).toBeGreaterThan(0);
    expect(lastReply().text).toContain('1 nonconformities');
  });
});
