/**
 * The management review in Slack, end to end: compliance sends `/aims management-review`, the
 * pack is posted to the compliance (digest) channel with the PDF, the Markdown and the chart PNGs
 * uploaded into its thread through the external upload flow (bytes checked by decoding them); a
 * rate-limited upload is retried without posting twice; the quarterly job run twice posts
 * nothing more; decisions and holding are recorded; others are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Resvg } from '@resvg/resvg-js';
import { tasks } from '../../db/schema-aims';
import { managementReviews } from '../../db/schema-improve';
import * as flows from '../../flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { command, seedRequest } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, TEST_POLICY, USERS } from '../helpers/slack-server';

const COMPLIANCE = 'C0COMPLIANCE';

/** Decodes a PNG by drawing it into a small SVG: throws on bytes that are not a whole image. */
function decodePng(png: Buffer): { width: number; height: number } {
  const size = flows.pngSize(png);
  if (!size) throw new Error('not a PNG');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20" height="20"><image width="20" height="20" xlink:href="data:image/png;base64,${png.toString('base64')}"/></svg>`;
  const drawn = new Resvg(svg).render();
  // A decoded chart leaves non-white pixels in the drawing.
  const pixels = drawn.pixels;
  let coloured = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i]! < 250 || pixels[i + 1]! < 250 || pixels[i + 2]! < 250) coloured += 1;
  if (coloured === 0) throw new Error('blank image');
  return size;
}

describe('Slack: management review', () => {
  let s: SlackTestServer;
  const lastReply = () => String(s.fake.callsOf('response_url').at(-1)!.params.text);

  beforeAll(async () => {
    s = await startSlackServer({ policy: { ...TEST_POLICY, organization: { name: 'Acme', timezone: 'UTC' }, channels: { ...TEST_POLICY.channels, digest: { slack: COMPLIANCE } } } });
    s.clock.set('2026-11-02T09:00:00Z');
    await seedRequest(s, USERS.alice.id, fieldsFor('CV Screen', 'slack:U0BOB'), highAnswers);
    s.clock.set('2026-12-01T09:00:00Z');
  });
  afterAll(async () => s?.close());

  it('refuses someone outside compliance and changes nothing', async () => {
    expect(await command(s, USERS.mallory.id, 'management-review')).toBe(200);
    expect(lastReply()).toContain('Only the compliance group can generate a management review');
    expect(await s.deps.db.select().from(managementReviews)).toHaveLength(0);
  });

  it('posts the pack to the compliance channel with the PDF, the Markdown and three decoded PNG charts; a rate-limited upload is retried once', async () => {
    s.fake.reset();
    // The second file's completion is rate limited: the retry uploads what is missing only.
    s.fake.rateLimitOnce('files.completeUploadExternal', 1, 1);
    expect(await command(s, USERS.carol.id, 'management-review')).toBe(200);
    expect(lastReply()).toContain('Management review MR-2026-Q4 generated');
    s.clock.advance(1500);
    await s.settle();
    const posts = s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === COMPLIANCE);
    expect(posts).toHaveLength(1);
    const blocks = JSON.stringify(posts[0]!.params.blocks);
    expect(blocks).toContain('Management review pack MR-2026-Q4');
    expect(blocks).toContain('Inventory: 1 systems');
    const shared = s.fake.files.filter((f) => f.shared);
    expect(shared.map((f) => f.filename).sort()).toEqual(['mr-2026-q4-inventory-by-class.png', 'mr-2026-q4-nc-ageing.png', 'mr-2026-q4-review-timeliness.png', 'mr-2026-q4.md', 'mr-2026-q4.pdf']);
    const thread = s.fake.messages(COMPLIANCE).find((m) => JSON.stringify(m).includes('Management review pack'))!;
    for (const f of shared) expect(f.shared).toMatchObject({ channelId: COMPLIANCE, threadTs: thread.ts });
    const byName = (n: string) => shared.find((f) => f.filename === n)!.bytes!;
    for (const png of shared.filter((f) => f.filename.endsWith('.png'))) {
      const size = decodePng(png.bytes!);
      expect(size.width).toBeGreaterThan(400);
    }
    expect(byName('mr-2026-q4.pdf').subarray(0, 5).toString()).toBe('%PDF-');
    expect(byName('mr-2026-q4.pdf').toString('latin1')).toContain('%%EOF');
    const md = byName('mr-2026-q4.md').toString('utf8');
    expect(md).toContain('# Management review MR-2026-Q4');
    expect(md).toContain('## 7. Opportunities for improvement');
    expect(s.fake.limitedCalls.map((c) => c.method)).toEqual(['files.completeUploadExternal']);
  });

  it('export management-review in chat sends compliance the PDF, the Markdown and the charts in a DM; others and unknown refs are refused', async () => {
    s.fake.reset();
    const before = s.fake.files.length;
    expect(await command(s, USERS.mallory.id, 'export management-review MR-2026-Q4')).toBe(200);
    expect(lastReply()).toContain('Only the compliance group can export a management review');
    expect(await command(s, USERS.carol.id, 'export management-review MR-1999-Q1')).toBe(200);
    expect(lastReply()).toContain('There is no management review');
    expect(s.fake.files).toHaveLength(before);
    expect(await command(s, USERS.carol.id, 'export management-review mr-2026-q4')).toBe(200);
    expect(lastReply()).toContain('Sent the files of MR-2026-Q4 to you in a direct message');
    const shared = s.fake.files.slice(before).filter((f) => f.shared);
    expect(shared.map((f) => f.filename).sort()).toEqual(['mr-2026-q4-inventory-by-class.png', 'mr-2026-q4-nc-ageing.png', 'mr-2026-q4-review-timeliness.png', 'mr-2026-q4.md', 'mr-2026-q4.pdf']);
    for (const f of shared) expect(f.shared!.channelId).not.toBe(COMPLIANCE);
    expect(shared.find((f) => f.filename === 'mr-2026-q4.pdf')!.bytes!.subarray(0, 5).toString()).toBe('%PDF-');
    decodePng(shared.find((f) => f.filename === 'mr-2026-q4-nc-ageing.png')!.bytes!);
  });

  it('the quarterly job run twice posts nothing more this quarter', async () => {
    s.fake.reset();
    await flows.runManagementReview(s.deps, s.clock.now());
    await flows.runManagementReview(s.deps, s.clock.now());
    await s.settle();
    expect(s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === COMPLIANCE)).toHaveLength(0);
    expect(await s.deps.db.select().from(managementReviews)).toHaveLength(1);
  });

  it('records a decision as a task and the review as held, with hostile text answered inertly', async () => {
    expect(await command(s, USERS.carol.id, 'management-review decide MR-2026-Q4 Retrain <!channel> *owners* by 2027-01-31')).toBe(200);
    expect(lastReply()).toMatch(/Decision recorded at MR-2026-Q4 as task T-\d+ for compliance, due 2027-01-31/);
    const [task] = await s.deps.db.select().from(tasks).where(eq(tasks.kind, 'review_action'));
    expect(task).toMatchObject({ title: 'Retrain <!channel> *owners*', subjectType: 'review', assigneeGroup: 'compliance' });
    // Mallory is known to the bot (she tried the command); @mallory as Slack sends it unescaped.
    expect(await command(s, USERS.carol.id, `management-review held MR-2026-Q4 <@${USERS.dana.id}|dana> @mallory @nobody-known`)).toBe(200);
    expect(lastReply()).toContain('"@nobody-known" is not a person the bot knows');
    expect(await command(s, USERS.carol.id, `management-review held MR-2026-Q4 <@${USERS.dana.id}|dana> @mallory`)).toBe(200);
    expect(lastReply()).toBe('MR-2026-Q4 marked held with 3 attendee(s).');
    expect(await command(s, USERS.carol.id, 'management-review held MR-2026-Q4 <!channel>')).toBe(200);
    expect(lastReply()).toContain('is not a person');
    expect(lastReply()).not.toContain('<!channel>');
  });
});
