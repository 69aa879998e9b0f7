/**
 * Teams end to end for the control register and the SoA: `controls` and the `control.edit`
 * card, `soa` with its signed download link served by our HTTP server, and `soa.approve`
 * clicked by compliance (five at once) and by someone else.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../db/schema';
import { controlStates, soaVersions } from '../../db/schema-aims';
import * as flows from '../../flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { cardMarkdown, HOSTILE_TEXT } from '../helpers/hostile-text';
import type { TeamsBench, TeamsUser } from '../helpers/teams-harness';
import { buttons, cardText, inputs, people, startTeamsBench, TENANT } from '../helpers/teams-harness';

type Json = Record<string, unknown>;

describe('Teams: controls and the Statement of Applicability', () => {
  let bench: TeamsBench;
  beforeAll(async () => {
    bench = await startTeamsBench('pglite');
    const deps = { db: bench.db.db, policy: bench.policy, clock: bench.clock };
    const as = (u: TeamsUser) => flows.flowContext(deps, { platform: 'teams', externalId: TENANT }, { platformId: `teams:${u.aad}`, displayName: u.name, email: u.email });
    const r = await flows.register(await as(people.alice), { fields: fieldsFor('CV Screen', `teams:${people.bob.aad}`), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(JSON.stringify(r));
    for (const u of [people.bob, people.compliance, people.dpo]) expect((await flows.decideForSystem(await as(u), r.system.ref, 'approve')).kind).toBe('recorded');
  });
  afterAll(async () => bench?.close());

  it('someone outside compliance is refused the register and the SoA', async () => {
    expect(cardText(await bench.say(people.alice, 'controls'))).toContain('Only the compliance group can see the control register');
    expect(cardText(await bench.say(people.alice, 'soa'))).toContain('Only the compliance group can see and approve the Statement of Applicability');
  });

  it('compliance edits a control on its card: a missing justification is shown at the field, then it is saved', async () => {
    const page = await bench.say(people.compliance, 'controls excluded 2');
    const edit = buttons(page).find((b) => b.data.action === 'control.edit' && b.data.control === 'A.7.2');
    expect(edit).toBeDefined();
    const form = await bench.execute(people.compliance, edit!.data);
    expect(inputs(form).map((i) => i.id)).toEqual(['status', 'applicable', 'owner', 'evidence', 'justification']);
    const save = buttons(form).find((b) => b.data.save === true)!;
    const again = await bench.execute(people.compliance, { ...save.data, status: 'not_applicable', applicable: 'derived', owner: '', evidence: '', justification: '' });
    expect(cardText(again)).toContain('needs a justification');
    expect(await bench.db.db.select().from(controlStates)).toHaveLength(0);

    const saved = await bench.execute(people.compliance, { ...save.data, status: 'not_applicable', applicable: 'derived', owner: people.bob.email, evidence: 'https://wiki.example/x', justification: HOSTILE_TEXT });
    expect(cardText(saved)).toContain('A.7.2 saved: not applicable');
    const [state] = await bench.db.db.select().from(controlStates).where(eq(controlStates.controlId, 'A.7.2'));
    expect(state).toMatchObject({ status: 'not_applicable', applicableOverride: false, evidence: ['https://wiki.example/x'] });

    // The hostile justification is inert on the register card.
    const shown = await bench.say(people.compliance, 'controls not_applicable');
    const text = cardMarkdown(shown).join('\n');
    expect(text).not.toContain('[x](https://evil.example)');
    expect(text).not.toMatch(/\u202E/);
  });

  it('soa in a channel points to the personal chat and shows no link', async () => {
    const card = await bench.sayInChannel(people.compliance, 'soa');
    expect(cardText(card)).toContain('only in a personal chat');
    expect(JSON.stringify(card)).not.toContain('/api/soa/');
  });

  it('soa sends a card with a signed download link and the Approve button; five clicks make one version', async () => {
    const card = await bench.say(people.compliance, 'soa');
    const open = ((card.actions as Json[]) ?? []).find((a) => a.type === 'Action.OpenUrl') as { url: string } | undefined;
    expect(open?.url).toMatch(/\/api\/soa\/\d+\.[0-9a-f]{64}\.\d+\.[A-Za-z0-9_-]{43}$/);
    const res = await fetch(open!.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/markdown');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="statement-of-applicability-[0-9a-f]{12}\.md"/);
    const md = await res.text();
    expect(md).toContain('**Version:** draft (not approved)');
    const approve = buttons(card).find((b) => b.data.action === 'soa.approve')!;
    expect(md).toContain(String(approve.data.hash));
    // A forged or tampered token gets nothing.
    const forged = open!.url.replace(/\.([A-Za-z0-9_-])([A-Za-z0-9_-]{42})$/, (_, c: string, rest: string) => `.${c === 'A' ? 'B' : 'A'}${rest}`);
    expect((await fetch(forged)).status).toBe(404);

    const refused = await bench.execute(people.mallory, approve.data);
    expect(cardText(refused)).toContain('Only the compliance group can approve');
    const clicks = await Promise.all([people.compliance, people.compliance, people.compliance2, people.compliance, people.compliance2].map((u) => bench.execute(u, approve.data)));
    const texts = clicks.map(cardText);
    expect(texts.filter((t) => t.includes('Approved as SoA-1'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('already approved as SoA-1'))).toHaveLength(4);
    const versions = await bench.db.db.select().from(soaVersions);
    expect(versions).toHaveLength(1);
    expect(versions[0]!.hash).toBe(approve.data.hash);
    expect(await bench.db.db.select().from(auditEvents).where(eq(auditEvents.action, 'soa.approved'))).toHaveLength(1);
    // The link still serves what it named: now the approved SoA-1.
    expect(await (await fetch(open!.url)).text()).toContain('**Version:** SoA-1');
  });
});
