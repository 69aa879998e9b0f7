/**
 * Forged and replayed Slack requests against the nonconformity, incident and finding buttons
 * and modals: other refs, huge strings and JSON junk as button values, damaged private_metadata,
 * a stranger's submission. Each request is acknowledged, answered politely and briefly, opens no
 * modal and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../db/schema';
import { incidents, nonconformities } from '../../db/schema-improve';
import * as flows from '../../flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { blockAction, viewSubmission } from '../helpers/slack-requests';
import { command, lastOpenedView, seedRequest, submit } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

const FORGED = ['x'.repeat(20_000), '{"ref":"NC-1","__proto__":{"admin":true}}', 'AI-1', 'INC-1', 'IA-2026-1', 'NC-1/../NC-2', '<!channel>', ''];

describe('Slack: forged improvement requests', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer({ db: 'pglite' });
  });
  afterAll(async () => {
    await s?.close();
  });

  const said = () => [...s.fake.callsOf('chat.postEphemeral'), ...s.fake.callsOf('response_url')].map((c) => JSON.stringify(c.params));
  const state = async () => ({ ncs: await s.deps.db.select().from(nonconformities), events: (await s.deps.db.select().from(auditEvents)).length });

  it('raises NC-1 for the forgeries to aim at', async () => {
    s.clock.set(new Date('2026-11-02T10:00:00Z'));
    expect(await command(s, USERS.alice.id, 'nc raise')).toBe(200);
    await submit(s, USERS.alice.id, lastOpenedView(s), { source: 'other', severity: 'minor', description: 'No model card', owner: USERS.bob.id });
    expect(await s.deps.db.select().from(nonconformities)).toHaveLength(1);
  });

  it('button values that are not this NC, or not a ref at all, open nothing and change nothing', async () => {
    const before = await state();
    const ids = ['nc.containment', 'nc.root_cause', 'nc.add_action', 'nc.verify', 'nc.close', 'incident.provider_informed', 'incident.authority_reported', 'finding.record'];
    for (const actionId of ids) {
      for (const value of FORGED) {
        s.fake.reset();
        const res = await s.send(blockAction({ actionId, value, user: USERS.carol.id, channel: 'C0GENERAL', messageTs: '9.9', responseUrl: `${s.fake.responseBase}/forged` }));
        expect(res.status, `${actionId} ${value.slice(0, 20)}`).toBe(200);
        await s.settle();
        expect(s.fake.callsOf('views.open'), `${actionId} ${value.slice(0, 20)}`).toHaveLength(0);
        const replies = said();
        expect(replies.length, `${actionId} ${value.slice(0, 20)} is answered`).toBeGreaterThan(0);
        for (const r of replies) {
          expect(r.length, `${actionId} ${value.slice(0, 20)} answer is short`).toBeLessThan(4_000);
          expect(r).not.toContain('<!channel>');
          expect(r).not.toMatch(/went wrong/);
        }
      }
    }
    expect(await state()).toEqual(before);
  });

  it('a stranger clicking the owner\'s buttons is refused; a damaged or foreign modal submission changes nothing', async () => {
    const before = await state();
    s.fake.reset();
    await s.send(blockAction({ actionId: 'nc.containment', value: 'NC-1', user: USERS.mallory.id, channel: 'C0GENERAL', messageTs: '9.9', responseUrl: `${s.fake.responseBase}/m` }));
    await s.settle();
    expect(s.fake.callsOf('views.open')).toHaveLength(0);
    expect(said().join('')).toContain('Only the owner of NC-1 or compliance');
    // The owner's containment modal, submitted by someone else.
    s.fake.reset();
    await s.send(blockAction({ actionId: 'nc.containment', value: 'NC-1', user: USERS.bob.id, channel: 'C0GENERAL', messageTs: '9.9', responseUrl: `${s.fake.responseBase}/b` }));
    await s.settle();
    const view = lastOpenedView(s);
    s.fake.reset();
    const stolen = await submit(s, USERS.mallory.id, view, { containment: 'I paused nothing' });
    expect(stolen.response_action).toBeUndefined();
    expect(said().join('')).toContain('Only the owner of NC-1 or compliance');
    for (const privateMetadata of ['not json', '{"ref":5}', '[]', JSON.stringify({ ref: 'x'.repeat(5000) }), '{}']) {
      const res = await s.send(viewSubmission({ user: USERS.bob.id, callbackId: 'nc.containment', privateMetadata, values: { containment: { containment: { type: 'plain_text_input', value: 'Paused' } } } }));
      expect(res.status).toBe(200);
      const body = JSON.parse((await res.text()) || '{}') as { response_action?: string; errors?: Record<string, string> };
      expect(body, privateMetadata.slice(0, 20)).toEqual({ response_action: 'errors', errors: { containment: 'This form is damaged; close it and open it again.' } });
    }
    await s.settle();
    expect(await state()).toEqual(before);
  });

  it('an incident form submitted twice, or twice at once, reports one incident and says so', async () => {
    const { system } = await seedRequest(s, USERS.alice.id, fieldsFor('CV Screen', 'slack:U0BOB'), highAnswers);
    await s.settle();
    const local = (at: Date) => flows.localDateTime(at, 'UTC').slice(0, 16);
    const answers = { occurred_at: local(new Date(s.clock.now().getTime() - 3_600_000)), description: 'Ranked applicants by surname', harm: 'to_rights' };
    s.fake.reset();
    expect(await command(s, USERS.mallory.id, `incident ${system.ref}`)).toBe(200);
    const view = lastOpenedView(s);
    expect(await submit(s, USERS.mallory.id, view, answers)).toEqual({});
    s.fake.reset();
    expect(await submit(s, USERS.mallory.id, view, answers)).toEqual({});
    expect(said().join('')).toContain('This form already reported INC-1; nothing new was recorded.');
    expect(await command(s, USERS.mallory.id, `incident ${system.ref}`)).toBe(200);
    const second = lastOpenedView(s);
    const other = { ...answers, description: 'Rejected every applicant over 50' };
    await Promise.all([submit(s, USERS.mallory.id, second, other), submit(s, USERS.mallory.id, second, other)]);
    const rows = await s.deps.db.select().from(incidents);
    expect(rows.map((r) => r.number).sort()).toEqual([1, 2]);
    // One nonconformity per serious incident, one report event each.
    expect((await s.deps.db.select().from(nonconformities)).filter((n) => n.source === 'incident')).toHaveLength(2);
    expect((await s.deps.db.select().from(auditEvents)).filter((e) => e.action === 'incident.reported')).toHaveLength(2);
  });
});
