/**
 * Slack waits 3 seconds for the answer to a view submission; past that Bolt answers 404 and the
 * person sees an error while the registration goes on. A last page whose registration waits (here
 * behind a lock another connection holds on the workspace row for 4 s) is answered in time with
 * "working on it"; the modal then shows the registration, the submitter gets the direct message,
 * and the tool is registered once, also when the last page is sent twice at once.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { aiSystems, workspaces } from '../../db/schema';
import { VIEW_ANSWER_MS } from '../../adapters/slack/form-handler';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import { viewSubmission, fillView } from '../helpers/slack-requests';
import { command, completeForm, lastOpenedView, submit } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';

type View = { callback_id: string; private_metadata: string; blocks: unknown[]; title: { text: string } };

async function until<T>(what: string, fn: () => T | undefined, ms = 20_000): Promise<T> {
  const end = performance.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (performance.now() > end) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('Slack: a slow last page is answered within 3 seconds', () => {
  let s: SlackTestServer;
  let other: postgres.Sql;
  beforeAll(async () => {
    s = await startSlackServer({ db: 'postgres' });
    other = postgres(s.database.url!, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await other?.end();
    await s?.close();
  });

  it('says "working on it" in time, then shows the registration in the modal and by DM, once', async () => {
    const user = USERS.alice.id;
    const answers = { ...fieldsFor('Quick Tool', `slack:${user}`), ...minimalAnswers };
    // A first registration, unhindered, tells how many pages the form has.
    expect(await command(s, user, 'register')).toBe(200);
    const first = await completeForm(s, user, lastOpenedView(s), answers);
    const pages = first.views.filter((v) => v.callback_id === 'aims.form').length;
    expect((first.last.view as View).title.text).toMatch(/^Registered AI-\d+$/);

    const slow = { ...fieldsFor('Slow Tool', `slack:${user}`), ...minimalAnswers };
    expect(await command(s, user, 'register')).toBe(200);
    let view = lastOpenedView(s) as View;
    for (let i = 1; i < pages; i++) {
      const r = await submit(s, user, view, slow);
      expect(r.response_action).toBe('update');
      view = r.view as View;
    }
    const [ws] = await s.deps.db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.externalId, 'T0TEAM'));
    // Another connection holds the workspace row for 4 s: the registration's inserts wait for it.
    let locked!: () => void;
    const taken = new Promise<void>((r) => (locked = r));
    const holding = other.begin(async (tx) => {
      await tx`select 1 from workspaces where id = ${ws!.id} for update`;
      locked();
      await tx`select pg_sleep(4)`;
    });
    await taken;
    s.fake.reset();
    const t0 = performance.now();
    const page = () => viewSubmission({ user, callbackId: view.callback_id, privateMetadata: view.private_metadata, values: fillView(view, slow), blocks: view.blocks });
    // The last page submitted twice at once (a double click: two payloads): both answered in time.
    const [res, again] = await Promise.all([s.send(page()), s.send(page())]);
    const took = performance.now() - t0;
    expect(again.status).toBe(200);
    expect(res.status).toBe(200);
    expect(took).toBeLessThan(3_000);
    expect(took).toBeGreaterThanOrEqual(VIEW_ANSWER_MS - 50);
    const answer = JSON.parse(await res.text()) as { response_action: string; view: View };
    expect(answer.response_action).toBe('update');
    expect(answer.view.title.text).toBe('Working on it');
    expect(JSON.stringify(answer.view.blocks)).toContain('taking longer than usual');
    await holding;

    // The modal is brought up to date in place, and the submitter is told by DM.
    const update = await until('modal update', () => s.fake.callsOf('views.update').find((c) => c.params.view_id === 'V0VIEW'));
    expect((update.params.view as View).title.text).toMatch(/^Registered AI-\d+$/);
    await until('summary DM', () => s.fake.callsOf('chat.postMessage').find((c) => [user, `D${user}`].includes(String(c.params.channel)) && JSON.stringify(c.params).includes('Slow Tool')));
    await s.settle();
    expect(await s.deps.db.select().from(aiSystems).where(eq(aiSystems.name, 'Slow Tool'))).toHaveLength(1);
  });
});
