/**
 * What people read in Slack: statuses, roles and people as words (never `changes_requested`,
 * `pending_approval` or `shell:carol`), "changes were requested", and dates in the policy's time
 * zone. And what cannot succeed is refused before anything is offered: `/aims review` by a
 * stranger or of a tool that is not approved, and a snooze with a bad number of days.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { reviews } from '../../db/schema';
import { localDay } from '../../flows/display';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';
import { clickStep, command, lastOpenedView, seedRequest, submit } from '../helpers/slack-flows';
import { blockAction } from '../helpers/slack-requests';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, TEST_POLICY, USERS } from '../helpers/slack-server';

const TZ = 'Pacific/Auckland';
/** 15:00 UTC is already the next day in Auckland (UTC+13 in November). */
const NOW = '2026-11-02T15:00:00Z';
const POLICY = {
  ...TEST_POLICY,
  organization: { name: 'Acme', timezone: TZ },
  groups: { ...TEST_POLICY.groups, privacy: ['email:dpo@acme.example', 'shell:carol'] },
};
const INTERNAL = /pending_approval|changes_requested|out_of_scope|shell:carol/;

describe('Slack: plain words and local dates', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer({ policy: POLICY });
    s.clock.set(NOW);
  });
  afterAll(async () => {
    await s.close();
  });

  const lastReply = () => JSON.stringify(s.fake.callsOf('response_url').at(-1)?.params ?? {});

  it('says changes were requested, names roles and people, and dates in the policy time zone', async () => {
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('Words Tool', 'slack:U0BOB'), highAnswers);
    const thread = JSON.stringify(s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === 'C0APPROVALS').map((c) => [c.params.text, c.params.blocks]));
    expect(thread).not.toMatch(INTERNAL);
    expect(thread).toContain('business owner');
    expect(thread).toContain('carol');
    expect(thread).toContain('waiting for approval');

    s.fake.reset();
    await clickStep(s, USERS.bob.id, 'approval.request_changes', seeded.steps[0]!);
    await submit(s, USERS.bob.id, lastOpenedView(s), { reason: 'Say which data goes in' });
    const dm = s.fake.callsOf('chat.postMessage').find((c) => [USERS.alice.id, `D${USERS.alice.id}`].includes(String(c.params.channel)))!;
    const said = JSON.stringify([dm.params.text, dm.params.blocks]);
    expect(dm.params.text).toContain('changes were requested');
    expect(said).not.toMatch(INTERNAL);
    expect(said).toContain('2026-11-03');
    expect(said).not.toContain('2026-11-02');
    const updates = JSON.stringify(s.fake.callsOf('chat.update').map((c) => [c.params.text, c.params.blocks]));
    expect(updates).not.toMatch(INTERNAL);
    expect(updates).toContain('changes were requested');

    s.fake.reset();
    expect(await command(s, USERS.alice.id, `show ${seeded.system.ref}`)).toBe(200);
    const shown = lastReply();
    expect(shown).not.toMatch(INTERNAL);
    expect(shown).toContain('changes requested');
    expect(shown).toContain('business owner');
    expect(shown).toContain('on 2026-11-03');
    expect(await command(s, USERS.alice.id, 'list')).toBe(200);
    expect(lastReply()).not.toMatch(INTERNAL);
  });

  it('refuses /aims review before the card when the person may not review or the tool has no reviews', async () => {
    const approved = await seedRequest(s, USERS.alice.id, fieldsFor('Reviewed Tool', 'slack:U0ALICE'), minimalAnswers);
    await clickStep(s, USERS.alice.id, 'approval.approve', approved.steps[0]!);
    const waiting = await seedRequest(s, USERS.alice.id, fieldsFor('Waiting Tool', 'slack:U0BOB'), minimalAnswers);

    s.fake.reset();
    expect(await command(s, USERS.mallory.id, `review ${approved.system.ref}`)).toBe(200);
    expect(lastReply()).toContain('Only the owner');
    expect(lastReply()).not.toContain('review.confirm');
    expect(await command(s, USERS.alice.id, `review ${waiting.system.ref}`)).toBe(200);
    expect(lastReply()).not.toContain('review.confirm');
    expect(lastReply()).not.toMatch(INTERNAL);
    expect(s.fake.callsOf('views.open')).toHaveLength(0);

    expect(await command(s, USERS.alice.id, `review ${approved.system.ref}`)).toBe(200);
    const card = lastReply();
    expect(card).toContain('review.confirm');
    const [system] = await s.deps.db.select().from(reviews).where(eq(reviews.systemId, approved.system.id));
    const due = system!.dueAt;
    expect(localDay(due, TZ)).not.toBe(due.toISOString().slice(0, 10));
    expect(card).toContain(`due ${localDay(due, TZ)}`);
  });

  it('checks the days of a snooze as given, next to the input, and changes nothing until they are right', async () => {
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('Snoozed Tool', 'slack:U0ALICE'), minimalAnswers);
    await clickStep(s, USERS.alice.id, 'approval.approve', seeded.steps[0]!);
    s.fake.reset();
    await s.send(blockAction({ actionId: 'review.snooze', value: seeded.system.ref, user: USERS.alice.id, channel: 'C0GENERAL', messageTs: '7.1', responseUrl: `${s.fake.responseBase}/s` }));
    await s.settle();
    const modal = lastOpenedView(s);
    const cases: Array<[string, RegExp]> = [
      ['0', /at least 1 day/],
      ['-3', /at least 1 day/],
      ['2.5', /not a whole number/],
      ['abc', /not a whole number/],
      ['45', /at most 30 days/],
    ];
    for (const [days, message] of cases) {
      const r = await submit(s, USERS.alice.id, modal, { days, reason: 'audit season' });
      expect(r.response_action, days).toBe('errors');
      const errors = r.errors as Record<string, string>;
      expect(Object.keys(errors), days).toEqual(['days']);
      expect(errors.days, days).toMatch(message);
    }
    const open = async () => (await s.deps.db.select().from(reviews).where(eq(reviews.systemId, seeded.system.id)))[0]!;
    expect((await open()).snoozedUntil).toBeNull();

    expect(await submit(s, USERS.alice.id, modal, { days: '10', reason: 'audit season' })).toEqual({});
    const until = (await open()).snoozedUntil!;
    expect(s.fake.callsOf('chat.postEphemeral').at(-1)?.params.text).toContain(`paused until ${localDay(until, TZ)}`);
  });
});
