/**
 * The management review in Teams, end to end: compliance types `management-review`, the pack card
 * is posted once to the compliance (digest) channel with the three charts as images and buttons
 * to the PDF and the Markdown, all served by signed links on our HTTP server (the PNGs decoded,
 * the PDF opened); a tampered link is refused; the quarterly job run twice posts nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resvg } from '@resvg/resvg-js';
import type { FlowDeps } from '../../flows';
import * as flows from '../../flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import type { TeamsBench } from '../helpers/teams-harness';
import { APPROVALS, TENANT, cardOf, cardText, people, startTeamsBench, teamsPolicy } from '../helpers/teams-harness';

const DIGEST = '19:compliance@thread.tacv2';

type Json = Record<string, unknown>;

describe('Teams: management review', () => {
  let bench: TeamsBench;
  let deps: FlowDeps;
  const packCards = () =>
    bench.fake
      .sent(DIGEST)
      .map((c) => cardOf(c.body))
      .filter((card) => cardText(card).includes('Management review pack'));

  beforeAll(async () => {
    bench = await startTeamsBench('pglite', teamsPolicy({ organization: { name: 'Acme', timezone: 'UTC' }, channels: { approvals: { teams: APPROVALS }, digest: { teams: DIGEST } } }));
    deps = { db: bench.db.db, policy: bench.policy, clock: bench.clock };
    bench.clock.set('2026-11-02T09:00:00Z');
    await bench.installChannel();
    const ctx = await flows.flowContext(deps, { platform: 'teams', externalId: TENANT }, { platformId: `teams:${people.alice.aad}`, displayName: 'Alice' });
    const r = await flows.register(ctx, { fields: fieldsFor('CV Screen', `teams:${people.alice.aad}`), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(r.kind);
    await bench.drain();
    bench.clock.set('2026-12-01T09:00:00Z');
  });
  afterAll(async () => bench?.close());

  it('refuses someone outside compliance', async () => {
    const reply = await bench.say(people.mallory, 'management-review');
    expect(cardText(reply)).toContain('Only the compliance group can generate a management review');
  });

  it('posts the pack card once with the charts as images and the PDF and Markdown behind signed links', async () => {
    const reply = await bench.say(people.compliance, 'management-review');
    expect(cardText(reply)).toContain('Management review MR-2026-Q4 generated');
    await bench.drain();
    await bench.drain();
    const cards = packCards();
    expect(cards).toHaveLength(1);
    const card = cards[0]!;
    expect(cardText(card)).toContain('Management review pack MR-2026-Q4');
    expect(cardText(card)).toContain('Inventory: 1 systems');
    const images = (card.body as Json[]).filter((b) => b.type === 'Image');
    expect(images).toHaveLength(3);
    for (const img of images) {
      const res = await fetch(String(img.url));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      const png = Buffer.from(await res.arrayBuffer());
      const size = flows.pngSize(png);
      expect(size!.width).toBeGreaterThan(400);
      const drawn = new Resvg(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="8" height="8"><image width="8" height="8" xlink:href="data:image/png;base64,${png.toString('base64')}"/></svg>`).render();
      expect(drawn.width).toBe(8);
      expect(String(img.altText)).toMatch(/inventory|Review timeliness|nonconformities/i);
    }
    const actions = card.actions as Json[];
    const pdfUrl = String(actions.find((a) => a.title === 'Open the PDF')!.url);
    const pdf = Buffer.from(await (await fetch(pdfUrl)).arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain('%%EOF');
    const md = await (await fetch(String(actions.find((a) => a.title === 'Markdown')!.url))).text();
    expect(md).toContain('## 3. Objectives and measurements');
    // A link whose signature does not match is not found.
    const tampered = pdfUrl.replace(/\.pdf\./, '.md.');
    expect((await fetch(tampered)).status).toBe(404);
    const forged = pdfUrl.slice(0, -3) + (pdfUrl.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await fetch(forged)).status).toBe(404);
  });

  it('export management-review in chat gives compliance the pack card again; others and unknown refs are refused', async () => {
    const refused = await bench.say(people.mallory, 'export management-review MR-2026-Q4');
    expect(cardText(refused)).toContain('Only the compliance group can export a management review');
    const unknown = await bench.say(people.compliance, 'export management-review MR-1999-Q1');
    expect(cardText(unknown)).toContain('There is no management review "MR-1999-Q1" in this workspace');
    const card = await bench.say(people.compliance, 'export management-review mr-2026-q4');
    expect(cardText(card)).toContain('Management review pack MR-2026-Q4');
    const actions = card.actions as Json[];
    const pdf = Buffer.from(await (await fetch(String(actions.find((a) => a.title === 'Open the PDF')!.url))).arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect((card.body as Json[]).filter((b) => b.type === 'Image')).toHaveLength(3);
  });

  it('the quarterly job run twice posts nothing more this quarter', async () => {
    await flows.runManagementReview(deps, bench.clock.now());
    await flows.runManagementReview(deps, bench.clock.now());
    await bench.drain();
    expect(packCards()).toHaveLength(1);
  });

  it('records a decision from Teams as a task', async () => {
    const reply = await bench.say(people.compliance, 'management-review decide MR-2026-Q4 Review **the** vendor contracts by 2027-01-31');
    expect(cardText(reply)).toMatch(/Decision recorded at MR-2026-Q4 as task T-\d+ for compliance, due 2027-01-31/);
  });
});
