/** `/aims` answers through the response URL, and the review card buttons. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { aiSystems, reviews } from '../../db/schema';
import { recordMessage } from '../../flows';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import { blockAction } from '../helpers/slack-requests';
import { clickStep, command, lastOpenedView, seedRequest, submit } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

describe('Slack: commands and review cards', () => {
  let s: SlackTestServer;
  let ref = '';
  beforeAll(async () => {
    s = await startSlackServer();
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('Notes Helper', 'slack:U0ALICE'), minimalAnswers);
    ref = seeded.system.ref;
    await clickStep(s, USERS.alice.id, 'approval.approve', seeded.steps[0]!);
  });
  afterAll(async () => {
    await s.close();
  });

  const lastAnswer = () => {
    const r = s.fake.callsOf('response_url').at(-1)!;
    expect(r.params.response_type).toBe('ephemeral');
    return JSON.stringify(r.params);
  };

  it('answers every subcommand privately, and unknown ones with help', async () => {
    expect(await command(s, USERS.alice.id, 'help')).toBe(200);
    expect(lastAnswer()).toContain('/aims register');
    await command(s, USERS.alice.id, 'frobnicate');
    expect(lastAnswer()).toContain('frobnicate');
    expect(lastAnswer()).toContain('/aims check');
    await command(s, USERS.bob.id, 'check notes-helper');
    expect(lastAnswer()).toContain('approved');
    await command(s, USERS.bob.id, 'check Unknown Tool');
    expect(lastAnswer()).toContain('not registered');
    await command(s, USERS.alice.id, 'list');
    expect(lastAnswer()).toContain(ref);
    await command(s, USERS.alice.id, `show ${ref}`);
    expect(lastAnswer()).toContain('Notes Helper');
    await command(s, USERS.alice.id, 'pending');
    expect(lastAnswer()).toContain('Nothing waits');
    expect(s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === 'C0GENERAL')).toHaveLength(0);
  });

  it('confirms a review from the card and replaces the ephemeral card', async () => {
    await command(s, USERS.alice.id, `review ${ref}`);
    const card = lastAnswer();
    for (const id of ['review.confirm', 'review.update', 'review.retire', 'review.snooze']) expect(card).toContain(id);
    // A reminder card posted earlier (by the jobs) is stored as a copy of the review.
    const [open] = await s.deps.db.select().from(reviews).where(eq(reviews.status, 'open'));
    await recordMessage(s.deps.db, { workspaceId: open!.workspaceId, subjectType: 'review', subjectId: open!.id, platform: 'slack', role: 'reminder', conversationId: 'DU0ALICE', messageId: '4.4' }, s.clock.now());
    s.fake.reset();
    await s.send(blockAction({ actionId: 'review.confirm', value: ref, user: USERS.alice.id, channel: 'C0GENERAL', messageTs: '5.5', ephemeral: true, responseUrl: `${s.fake.responseBase}/card` }));
    await s.settle();
    const replaced = s.fake.callsOf('response_url').at(-1)!;
    expect(replaced.params.replace_original).toBe(true);
    expect(JSON.stringify(replaced.params)).toContain('next review');
    const confirmed = await s.deps.db.select().from(reviews).where(eq(reviews.status, 'confirmed'));
    expect(confirmed).toHaveLength(1);
    // The stored card is updated in place and loses its buttons.
    const updated = s.fake.callsOf('chat.update').find((u) => u.params.ts === '4.4');
    expect(JSON.stringify(updated?.params.blocks)).toContain('the review was confirmed');
    expect(JSON.stringify(updated?.params.blocks)).not.toContain('review.confirm');
  });

  it('refuses a review action by someone who is not the owner', async () => {
    s.fake.reset();
    await s.send(blockAction({ actionId: 'review.retire', value: ref, user: USERS.mallory.id, channel: 'C0GENERAL', messageTs: '5.6', responseUrl: `${s.fake.responseBase}/m` }));
    await s.settle();
    expect(s.fake.callsOf('chat.postEphemeral')[0]?.params.text).toContain('Only the owner');
    const [sys] = await s.deps.db.select().from(aiSystems);
    expect(sys?.status).toBe('approved');
  });

  it('snoozes with days 1–30 and a reason', async () => {
    s.fake.reset();
    await s.send(blockAction({ actionId: 'review.snooze', value: ref, user: USERS.alice.id, channel: 'C0GENERAL', messageTs: '5.7', responseUrl: `${s.fake.responseBase}/s` }));
    await s.settle();
    const modal = lastOpenedView(s);
    expect(modal.callback_id).toBe('review.snooze');
    const tooLong = await submit(s, USERS.alice.id, modal, { days: 45, reason: 'audit season' });
    expect(tooLong).toEqual({ response_action: 'errors', errors: { days: expect.stringContaining('30') } });
    const noReason = await submit(s, USERS.alice.id, modal, { days: 10, reason: '' });
    expect(Object.keys(noReason.errors as object)).toEqual(['reason']);
    expect(await submit(s, USERS.alice.id, modal, { days: 10, reason: 'audit season' })).toEqual({});
    expect(s.fake.callsOf('chat.postEphemeral').at(-1)?.params.text).toContain('paused until');
  });

  it('opens the triage prefilled for an update, and retires from the card', async () => {
    s.fake.reset();
    await s.send(blockAction({ actionId: 'review.update', value: ref, user: USERS.alice.id, channel: 'C0GENERAL', messageTs: '5.8', responseUrl: `${s.fake.responseBase}/u` }));
    await s.settle();
    const modal = lastOpenedView(s);
    expect(modal.callback_id).toBe('aims.form');
    // The modal carries only its key; the form (a re-triage of this system) is kept server-side.
    const meta = JSON.parse(modal.private_metadata) as { k: string };
    expect(modal.private_metadata.length).toBeLessThan(80);
    expect(await s.adapter.forms.load(meta.k, USERS.alice.id)).toMatchObject({ data: { mode: 'retriage', ref } });
    expect(JSON.stringify(modal.blocks)).toContain('initial_options');
    await s.send(blockAction({ actionId: 'review.retire', value: ref, user: USERS.alice.id, channel: 'C0GENERAL', messageTs: '5.9', responseUrl: `${s.fake.responseBase}/t` }));
    await s.settle();
    const [sys] = await s.deps.db.select().from(aiSystems);
    expect(sys?.status).toBe('retired');
  });
});
