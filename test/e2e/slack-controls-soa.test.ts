/**
 * Slack end to end for the control register and the SoA: `/aims controls` and the
 * `control.edit` modal, `/aims soa` uploading the file through the external upload API, and
 * `soa.approve` clicked by compliance (five times at once, and replayed) and by someone else.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../db/schema';
import { controlStates, soaVersions } from '../../db/schema-aims';
import * as flows from '../../flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { HOSTILE_TEXT } from '../helpers/hostile-text';
import { command, lastOpenedView, submit } from '../helpers/slack-flows';
import { blockAction } from '../helpers/slack-requests';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

describe('Slack: controls and the Statement of Applicability', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer();
    const as = (u: { id: string; name: string; email: string }) =>
      flows.flowContext(s.deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${u.id}`, displayName: u.name, email: u.email });
    const r = await flows.register(await as(USERS.alice), { fields: fieldsFor(`CV <!channel> [x](https://evil.example) \u202Edcba`, 'slack:U0ALICE'), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(JSON.stringify(r));
    for (const u of [USERS.alice, USERS.carol, USERS.dpo]) expect((await flows.decideForSystem(await as(u), r.system.ref, 'approve')).kind).toBe('recorded');
    await s.settle();
  });
  afterAll(async () => s?.close());

  const lastAnswer = () => s.fake.callsOf('response_url').at(-1)!.params;

  it('someone outside compliance is refused the register and the SoA; nothing is uploaded', async () => {
    s.fake.reset();
    await command(s, USERS.mallory.id, 'controls');
    expect(String(lastAnswer().text)).toContain('Only the compliance group can see the control register');
    await command(s, USERS.mallory.id, 'soa');
    expect(String(lastAnswer().text)).toContain('Only the compliance group can see and approve the Statement of Applicability');
    expect(s.fake.callsOf('files.getUploadURLExternal')).toHaveLength(0);
  });

  it('compliance pages the register and edits a control in the modal; a missing justification is shown at the field', async () => {
    await command(s, USERS.carol.id, 'controls excluded 2');
    const page = JSON.stringify(lastAnswer().blocks);
    expect(page).toContain('"action_id":"control.edit"');
    expect(page).toContain('justification needed');
    expect(page).toContain('A.7.2');
    expect(page).toContain('page 2 of 2');

    await s.send(blockAction({ actionId: 'control.edit', value: 'A.7.2', user: USERS.carol.id, channel: 'C0GENERAL', messageTs: '7.1', responseUrl: `${s.fake.responseBase}/e` }));
    await s.settle();
    const view = lastOpenedView(s);
    expect(view.callback_id).toBe('control.edit');
    const refused = await submit(s, USERS.carol.id, view, { status: 'not_applicable', applicable: 'derived' });
    expect(refused).toMatchObject({ response_action: 'errors', errors: { justification: expect.stringContaining('needs a justification') } });
    expect(await s.deps.db.select().from(controlStates)).toHaveLength(0);

    const saved = await submit(s, USERS.carol.id, view, { status: 'not_applicable', applicable: 'derived', owner: 'slack:U0BOB', evidence: 'https://wiki.example/no-training', justification: HOSTILE_TEXT });
    expect(saved).toEqual({});
    const [state] = await s.deps.db.select().from(controlStates).where(eq(controlStates.controlId, 'A.7.2'));
    expect(state).toMatchObject({ status: 'not_applicable', applicableOverride: false, evidence: ['https://wiki.example/no-training'] });
    expect(state!.justification).not.toMatch(/\u202E/);
    const events = await s.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'control.updated'));
    expect(events).toHaveLength(1);

    // The hostile justification is inert in the register's blocks.
    await command(s, USERS.carol.id, 'controls not_applicable');
    const text = JSON.stringify(lastAnswer().blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil.example>');
    expect(text).toContain('&lt;!channel&gt;');
  });

  it('/aims soa uploads the Markdown file to the DM with an Approve button; five clicks and a replay make one version', async () => {
    s.fake.reset();
    await command(s, USERS.carol.id, 'soa');
    expect(String(lastAnswer().text)).toContain('in your direct messages');
    expect(s.fake.callsOf('files.getUploadURLExternal')).toHaveLength(1);
    expect(s.fake.callsOf('file.upload')).toHaveLength(1);
    const file = s.fake.files.at(-1)!;
    expect(file.filename).toMatch(/^statement-of-applicability-[0-9a-f]{12}\.md$/);
    expect(file.bytes!.length).toBe(file.length);
    const md = file.bytes!.toString('utf8');
    expect(md).toContain('# Statement of Applicability — Acme');
    expect(md).toContain('**Version:** draft (not approved)');
    expect(md).not.toContain('<!channel>');
    expect(file.shared).toMatchObject({ channelId: 'DU0COMP', title: 'Statement of Applicability (draft)' });

    const post = s.fake.callsOf('chat.postMessage').find((c) => c.params.channel === 'DU0COMP')!;
    const button = JSON.stringify(post.params.blocks);
    const hash = /"action_id":"soa\.approve","value":"([0-9a-f]{64})"/.exec(button)?.[1];
    expect(hash).toBeDefined();
    expect(md).toContain(hash!);

    const click = (user: string, ts: string) =>
      blockAction({ actionId: 'soa.approve', value: hash!, user, channel: 'DU0COMP', messageTs: ts, responseUrl: `${s.fake.responseBase}/soa-${ts}` });
    const mal = click(USERS.mallory.id, '9.0');
    await s.send(mal);
    await s.settle();
    expect(await s.deps.db.select().from(soaVersions)).toHaveLength(0);

    const first = click(USERS.carol.id, '9.1');
    await Promise.all([first, click(USERS.carol.id, '9.2'), click(USERS.dana.id, '9.3'), click(USERS.carol.id, '9.4'), click(USERS.carol.id, '9.5')].map((r) => s.send(r)));
    await s.settle();
    await s.send(first);
    await s.settle();
    const versions = await s.deps.db.select().from(soaVersions);
    expect(versions).toHaveLength(1);
    expect(versions[0]!.hash).toBe(hash);
    const notes = s.fake.callsOf('chat.postEphemeral').map((c) => String(c.params.text));
    expect(notes.filter((t) => t.startsWith('Approved as SoA-1'))).toHaveLength(1);
    expect(notes.filter((t) => t.includes('already approved as SoA-1')).length).toBeGreaterThanOrEqual(4);
    expect(notes.some((t) => t.includes('Only the compliance group can approve'))).toBe(true);
    // The message that offered the button is updated once, without it.
    const updates = s.fake.callsOf('chat.update');
    expect(updates).toHaveLength(1);
    expect(JSON.stringify(updates[0]!.params.blocks)).toContain('Approved as SoA-1');
    expect(JSON.stringify(updates[0]!.params.blocks)).not.toContain('soa.approve');
    const approved = await s.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'soa.approved'));
    expect(approved).toHaveLength(1);
    expect(approved[0]!.data).toMatchObject({ version: 'SoA-1', hash });
  });
});
