/**
 * Tasks through real Bolt with signed requests against the fake Slack Web API: after a high-risk
 * approval the owner's `/aims tasks` lists the obligations with Done / Not applicable; Done opens
 * the `task.done` modal whose `evidence` is checked next to the input; the submission closes the
 * task once, also when replayed or raced; compliance hears of a task marked not applicable; a
 * reminder reaches the owner's DM with the buttons; hostile text stays inert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import * as flows from '../../flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { HOSTILE } from '../helpers/hostile-text';
import { blockAction, signatureHeaders, viewSubmission } from '../helpers/slack-requests';
import { clickStep, command, lastOpenedView, seedRequest, submit } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, TEST_POLICY, USERS } from '../helpers/slack-server';

describe('Slack: tasks', () => {
  let s: SlackTestServer;
  let ownerTask: typeof tasks.$inferSelect;
  beforeAll(async () => {
    s = await startSlackServer({ db: 'postgres', policy: { ...TEST_POLICY, channels: { ...TEST_POLICY.channels, digest: { slack: 'C0DIGEST' } } } });
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor("CV <!channel> <https://evil.example> *b*", 'slack:U0BOB'), highAnswers);
    const deciders = [USERS.bob.id, USERS.carol.id, USERS.dpo.id];
    for (const [i, step] of seeded.steps.entries()) await clickStep(s, deciders[i]!, 'approval.approve', step);
    ownerTask = (await s.deps.db.select().from(tasks).where(eq(tasks.title, 'High-risk deployer duties')))[0]!;
  });
  afterAll(async () => {
    await s?.close();
  });

  const lastReply = () => s.fake.callsOf('response_url').at(-1)!.params as { text: string; blocks: unknown[] };
  const click = (actionId: string, value: string, user: string) =>
    blockAction({ actionId, value, user, channel: 'C0GENERAL', messageTs: '9.9', responseUrl: `${s.fake.responseBase}/task-${user}` });
  const ephemerals = () => s.fake.callsOf('chat.postEphemeral').map((c) => String(c.params.text));

  it('lists the owner tasks after the approval, with the buttons and the system name escaped', async () => {
    expect(ownerTask).toBeDefined();
    expect(await command(s, USERS.bob.id, 'tasks')).toBe(200);
    const reply = lastReply();
    const blocks = JSON.stringify(reply.blocks);
    expect(blocks).toContain(`T-${ownerTask.number}`);
    expect(blocks).toContain('High-risk deployer duties');
    expect(blocks).toContain('"action_id":"task.done"');
    expect(blocks).toContain('"action_id":"task.not_applicable"');
    expect(blocks).not.toContain('AI literacy');
    // The system name is user text: no live mention or link survives.
    expect(blocks).not.toContain('<!channel>');
    expect(blocks).not.toContain('<https://evil.example>');
    expect(await command(s, USERS.bob.id, 'tasks all')).toBe(200);
    expect(lastReply().text).toContain('Only compliance can list all tasks');
  });

  it('Done opens the evidence modal; bad evidence is refused next to the input and changes nothing', async () => {
    const ref = `T-${ownerTask.number}`;
    s.fake.reset();
    expect((await s.send(click('task.done', ref, USERS.mallory.id))).status).toBe(200);
    await s.settle();
    expect(s.fake.callsOf('views.open')).toHaveLength(0);
    expect(ephemerals().some((t) => t.includes(`compliance can close ${ref}`))).toBe(true);
    expect((await s.send(click('task.done', ref, USERS.bob.id))).status).toBe(200);
    await s.settle();
    const view = lastOpenedView(s);
    expect(view.callback_id).toBe('task.done');
    const input = (view.blocks as Array<{ type: string; block_id?: string }>).find((b) => b.type === 'input');
    expect(input?.block_id).toBe('evidence');
    const bad = await submit(s, USERS.bob.id, view, { evidence: 'javascript:alert(1)' });
    expect(bad).toMatchObject({ response_action: 'errors', errors: { evidence: expect.stringContaining('not a web address') } });
    const [still] = await s.deps.db.select().from(tasks).where(eq(tasks.id, ownerTask.id));
    expect(still!.status).toBe('open');
  });

  it('a submission replayed and raced closes the task once; a late click is told who did it', async () => {
    const ref = `T-${ownerTask.number}`;
    const view = lastOpenedView(s);
    const req = viewSubmission({ user: USERS.bob.id, callbackId: 'task.done', privateMetadata: view.private_metadata, values: { evidence: { evidence: { type: 'plain_text_input', value: `https://wiki.example/logs ${HOSTILE}` } } } });
    // The copies are signed at earlier seconds than the first one, so none repeats its signature
    // even when the clock ticks over between them.
    const first = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders(req.body, undefined, first);
    expect((await s.send(req, headers)).status).toBe(200);
    expect((await s.send(req, headers)).status).toBe(401);
    const raced = await Promise.all(Array.from({ length: 4 }, (_, i) => s.send(req, signatureHeaders(req.body, undefined, first - i - 1))));
    expect(raced.every((r) => r.status === 200)).toBe(true);
    await s.settle();
    const done = await s.deps.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'task.done'), eq(auditEvents.subjectId, ref)));
    expect(done).toHaveLength(1);
    s.fake.reset();
    expect((await s.send(click('task.done', ref, USERS.bob.id))).status).toBe(200);
    await s.settle();
    expect(ephemerals().some((t) => /is already done by Bob on \d{4}-\d{2}-\d{2}/.test(t))).toBe(true);
    expect(s.fake.callsOf('views.open')).toHaveLength(0);
  });

  it('not applicable needs a reason and is posted to the digest channel for compliance', async () => {
    const [dpia] = await s.deps.db.select().from(tasks).where(eq(tasks.title, 'Data protection impact assessment'));
    const ref = `T-${dpia!.number}`;
    s.fake.reset();
    await s.send(click('task.not_applicable', ref, USERS.carol.id));
    await s.settle();
    const view = lastOpenedView(s);
    expect(view.callback_id).toBe('task.not_applicable');
    expect(await submit(s, USERS.carol.id, view, { reason: '  ' })).toMatchObject({ response_action: 'errors', errors: { reason: expect.any(String) } });
    await submit(s, USERS.carol.id, view, { reason: `No personal data ${HOSTILE}` });
    const posts = s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === 'C0DIGEST');
    expect(posts).toHaveLength(1);
    const text = JSON.stringify(posts[0]!.params.blocks);
    expect(text).toContain('marked not applicable by Carol Compliance');
    expect(text).not.toContain('<!channel>');
  });

  it('a reminder reaches the owner in a DM with the buttons', async () => {
    const [open] = await s.deps.db.select().from(tasks).where(and(eq(tasks.title, 'Inform the people affected'), eq(tasks.status, 'open')));
    s.fake.reset();
    const asOf = new Date(`${open!.dueDate}T09:00:00Z`);
    asOf.setUTCDate(asOf.getUTCDate() - 3);
    await flows.runTaskReminders(s.deps, asOf);
    s.clock.set(asOf);
    await s.settle();
    const dm = s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === USERS.bob.id || String(c.params.channel).startsWith('D'));
    const card = dm.find((c) => JSON.stringify(c.params.blocks).includes(`T-${open!.number}`));
    expect(card).toBeDefined();
    expect(JSON.stringify(card!.params.blocks)).toContain('task.done');
    s.clock.set(new Date());
  });
});
