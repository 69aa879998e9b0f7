/**
 * The registration modal keeps its answers server-side: a long link and a long purpose go through
 * every page, a link over 2,000 characters is refused on its own block, Back returns to the page
 * before with the answers kept, an expired or unknown form says so, and two submissions of the
 * last page register once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { aiSystems, slackFormStates } from '../../db/schema';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';
import { fillView, viewBlockAction, viewSubmission } from '../helpers/slack-requests';
import { command, completeForm, lastOpenedView, submit } from '../helpers/slack-flows';
import { nextPage } from '../../adapters/slack/form-views';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

type View = { callback_id: string; private_metadata: string; blocks: unknown[]; title: { text: string } };

const inputIds = (v: View) => (v.blocks as Array<{ type: string; block_id?: string }>).filter((b) => b.type === 'input').map((b) => b.block_id);
const link = (n: number) => {
  const base = 'https://vendor.example/docs?q=';
  return base + 'x'.repeat(n - base.length);
};

describe('Slack: form state between pages', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer();
  });
  afterAll(async () => {
    await s.close();
  });
  beforeEach(() => s.fake.reset());

  it('carries a 1,100-character link and a 1,000-character purpose through every page', async () => {
    expect(await command(s, USERS.alice.id, 'register')).toBe(200);
    const fields = { ...fieldsFor('Long Link Tool', 'slack:U0ALICE'), url: link(1100), purpose: 'p'.repeat(1000) };
    const { views, last } = await completeForm(s, USERS.alice.id, lastOpenedView(s), { ...fields, ...highAnswers });
    const formPages = views.filter((v) => v.callback_id === 'aims.form');
    expect(formPages.length).toBeGreaterThanOrEqual(4);
    // Only a small key travels with the view.
    for (const v of formPages) expect(v.private_metadata.length).toBeLessThan(80);
    expect(JSON.stringify(last)).not.toContain('too long');
    expect((last.view as View).title.text).toMatch(/^Registered AI-\d+$/);
    const [system] = await s.deps.db.select().from(aiSystems).where(eq(aiSystems.name, 'Long Link Tool'));
    expect(system?.url).toBe(link(1100));
    expect(system?.purpose).toHaveLength(1000);
  });

  it('refuses a link over 2,000 characters on the url block, and takes one of exactly 2,000', async () => {
    expect(await command(s, USERS.alice.id, 'register')).toBe(200);
    const page1 = lastOpenedView(s);
    const url = (page1.blocks as Array<{ block_id?: string; element?: { max_length?: number } }>).find((b) => b.block_id === 'url');
    expect(url?.element?.max_length).toBe(2000);
    const fields = { ...fieldsFor('Link Limit Tool', 'slack:U0ALICE'), purpose: 'q'.repeat(1000) };
    const tooLong = await submit(s, USERS.alice.id, page1, { ...fields, url: link(2001) });
    expect(tooLong.response_action).toBe('errors');
    const errors = tooLong.errors as Record<string, string>;
    expect(Object.keys(errors)).toEqual(['url']);
    expect(errors.url).toContain('2,000');
    expect(await s.deps.db.select().from(aiSystems).where(eq(aiSystems.name, 'Link Limit Tool'))).toHaveLength(0);

    const ok = await submit(s, USERS.alice.id, page1, { ...fields, url: link(2000) });
    expect(ok.response_action).toBe('update');
    expect(inputIds(ok.view as View)).toContain('technique');
  });

  it('goes back a page with every answer kept, then on to the end', async () => {
    expect(await command(s, USERS.bob.id, 'register')).toBe(200);
    const page1 = lastOpenedView(s);
    expect(JSON.stringify(page1.blocks)).not.toContain('form.back');
    const fields = { ...fieldsFor('Back And Forth', 'slack:U0BOB'), department: 'Legal' };
    const page2 = (await submit(s, USERS.bob.id, page1, { ...fields, ...highAnswers })).view as View;
    expect(JSON.stringify(page2.blocks)).toContain('form.back');
    const page3 = (await submit(s, USERS.bob.id, page2, highAnswers)).view as View;
    expect(inputIds(page3)).not.toContain('technique');

    // Back from page 3, with something typed there already: page 2 shows the answers given.
    const typed = fillView(page3, { ...highAnswers, ai_act_exclusion: 'none' });
    const res = await s.send(viewBlockAction({ actionId: 'form.back', value: '3', user: USERS.bob.id, view: page3, values: typed }));
    expect(res.status).toBe(200);
    await s.settle();
    const back = s.fake.callsOf('views.update').at(-1)!;
    expect(back.params.view_id).toBe('V0VIEW');
    const shown2 = back.params.view as View;
    expect(inputIds(shown2)).toEqual(inputIds(page2));
    expect(JSON.stringify(shown2.blocks)).toContain('"initial_option":{"text":{"type":"plain_text","text":"');
    expect(JSON.stringify(shown2.blocks)).toContain('"value":"machine_learning"');

    // Back again: page 1 with the fields as given.
    await s.send(viewBlockAction({ actionId: 'form.back', value: '2', user: USERS.bob.id, view: shown2, values: fillView(shown2, highAnswers) }));
    await s.settle();
    const shown1 = s.fake.callsOf('views.update').at(-1)!.params.view as View;
    expect(inputIds(shown1)).toEqual(inputIds(page1));
    expect(JSON.stringify(shown1.blocks)).toContain('"initial_value":"Back And Forth"');
    expect(JSON.stringify(shown1.blocks)).toContain('"initial_value":"Legal"');
    expect(JSON.stringify(shown1.blocks)).toContain('"initial_user":"U0BOB"');

    // Forward again from page 1, changing the name; the triage answers are still there.
    const again = (await submit(s, USERS.bob.id, shown1, { ...fields, name: 'Back And Forth 2', ...highAnswers })).view as View;
    expect(JSON.stringify(again.blocks)).toContain('"value":"machine_learning"');
    const { last } = await completeForm(s, USERS.bob.id, again, highAnswers);
    expect((last.view as View).title.text).toMatch(/^Registered AI-\d+$/);
    const [system] = await s.deps.db.select().from(aiSystems).where(eq(aiSystems.name, 'Back And Forth 2'));
    expect(system?.department).toBe('Legal');
    expect(system?.riskClass).toBe('high');
  });

  it('says a form expired after 24 hours, and registers nothing', async () => {
    expect(await command(s, USERS.alice.id, 'register')).toBe(200);
    const page1 = lastOpenedView(s);
    const page2 = (await submit(s, USERS.alice.id, page1, { ...fieldsFor('Stale Tool', 'slack:U0ALICE'), ...minimalAnswers })).view as View;
    s.clock.advance(25 * 60 * 60_000);
    const r = await submit(s, USERS.alice.id, page2, minimalAnswers);
    expect(r).toMatchObject({ response_action: 'update', view: { title: { text: 'Form expired' } } });
    expect(JSON.stringify(r)).toContain('24 hours');
    expect(await s.deps.db.select().from(aiSystems).where(eq(aiSystems.name, 'Stale Tool'))).toHaveLength(0);
    // Back on an expired form says so too, instead of failing silently.
    await s.send(viewBlockAction({ actionId: 'form.back', value: '2', user: USERS.alice.id, view: page2 }));
    await s.settle();
    expect(JSON.stringify(s.fake.callsOf('views.update').at(-1)?.params.view)).toContain('expired');
    // Starting a new form clears forms that expired.
    expect(await command(s, USERS.alice.id, 'register')).toBe(200);
    const rows = await s.deps.db.select().from(slackFormStates);
    expect(rows.every((row) => row.expiresAt > s.clock.now())).toBe(true);
  });

  it('registers once when the last page is submitted twice at the same time, and tells the late one', async () => {
    expect(await command(s, USERS.alice.id, 'register')).toBe(200);
    let view = lastOpenedView(s);
    const answers = { ...fieldsFor('Twice Submitted', 'slack:U0ALICE'), ...minimalAnswers };
    // Walk to the last page (the one after which no page asks anything).
    const pageOf = (v: View) => (JSON.parse(v.private_metadata) as { p: number }).p;
    while (pageOf(view) === 1 || nextPage(minimalAnswers, pageOf(view)) !== null) {
      view = (await submit(s, USERS.alice.id, view, answers)).view as View;
    }
    expect(view.callback_id).toBe('aims.form');
    const send = () =>
      s.send(viewSubmission({ user: USERS.alice.id, callbackId: view.callback_id, privateMetadata: view.private_metadata, values: fillView(view, answers), blocks: view.blocks }));
    const [a, b] = await Promise.all([send(), send()]);
    const bodies = [await a.text(), await b.text()].map((t) => JSON.parse(t) as { view: View });
    await s.settle();
    expect(await s.deps.db.select().from(aiSystems).where(eq(aiSystems.name, 'Twice Submitted'))).toHaveLength(1);
    const titles = bodies.map((x) => x.view.title.text).sort();
    expect(titles[0]).toBe('Already submitted');
    expect(titles[1]).toMatch(/^Registered AI-\d+$/);
    // A replay after the end names what the form registered.
    const late = JSON.stringify(JSON.parse(await (await send()).text()));
    await s.settle();
    expect(late).toMatch(/already submitted: AI-\d+ was registered/);
    expect(await s.deps.db.select().from(aiSystems).where(eq(aiSystems.name, 'Twice Submitted'))).toHaveLength(1);
  });
});

describe('Slack: form state across replicas (Postgres)', () => {
  let a: SlackTestServer;
  let b: SlackTestServer;
  beforeAll(async () => {
    a = await startSlackServer({ db: 'postgres' });
    b = await startSlackServer({ shareDatabase: a.database });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('takes each page on whichever replica gets it, and registers once when both get the last page', async () => {
    expect(await command(a, USERS.alice.id, 'register')).toBe(200);
    const answers = { ...fieldsFor('Two Replicas', 'slack:U0ALICE'), url: link(1500), purpose: 'r'.repeat(900), ...minimalAnswers };
    const pageOf = (v: View) => (JSON.parse(v.private_metadata) as { p: number }).p;
    let view = lastOpenedView(a);
    // Pages alternate between the replicas.
    for (let i = 0; pageOf(view) === 1 || nextPage(minimalAnswers, pageOf(view)) !== null; i += 1) {
      view = (await submit(i % 2 === 0 ? b : a, USERS.alice.id, view, answers)).view as View;
      expect(view.callback_id).toBe('aims.form');
    }
    const send = (s: SlackTestServer) =>
      s.send(viewSubmission({ user: USERS.alice.id, callbackId: view.callback_id, privateMetadata: view.private_metadata, values: fillView(view, answers), blocks: view.blocks }));
    const replies = await Promise.all([send(a), send(b)]);
    const titles = (await Promise.all(replies.map((r) => r.text()))).map((t) => (JSON.parse(t) as { view: View }).view.title.text).sort();
    await a.settle();
    await b.settle();
    expect(titles[0]).toBe('Already submitted');
    expect(titles[1]).toMatch(/^Registered AI-\d+$/);
    const systems = await a.deps.db.select().from(aiSystems).where(eq(aiSystems.name, 'Two Replicas'));
    expect(systems).toHaveLength(1);
    expect(systems[0]?.url).toBe(link(1500));
  });

  it('reads the answers afresh when another replica changed them since this one saved them', async () => {
    expect(await command(a, USERS.alice.id, 'register')).toBe(200);
    const page1 = lastOpenedView(a);
    const onA = { ...fieldsFor('Named On A', 'slack:U0ALICE'), ...minimalAnswers };
    const onB = { ...fieldsFor('Named On B', 'slack:U0ALICE'), ...minimalAnswers };
    // Replica a saves the first page and remembers it; the same page answered again on b renames the tool.
    expect((await submit(a, USERS.alice.id, page1, onA)).response_action).toBe('update');
    let view = (await submit(b, USERS.alice.id, page1, onB)).view as View;
    // The remaining pages all go to a, which still remembers the first name.
    const { last } = await completeForm(a, USERS.alice.id, view, onB);
    view = last.view as View;
    await a.settle();
    expect(view.title.text).toMatch(/^Registered AI-\d+$/);
    expect(await a.deps.db.select().from(aiSystems).where(eq(aiSystems.name, 'Named On B'))).toHaveLength(1);
    expect(await a.deps.db.select().from(aiSystems).where(eq(aiSystems.name, 'Named On A'))).toHaveLength(0);
  });
});
