/**
 * Slack waits 3 seconds for the answer to a view submission; past that Bolt answers 404 and the
 * person sees an error while the work goes on. A last page whose registration waits (here
 * behind a lock another connection holds on the workspace row for 4 s) is answered in time with
 * "working on it"; the modal then shows the registration, the submitter gets the direct message,
 * and the tool is registered once, also when the last page is sent twice at once. Every other
 * modal gets the same promise (view-deadline.ts): a reason given to reject a step, whose decision
 * waits the same way, is answered in time, the modal then says the work is finished, and the step
 * is rejected once although the modal was submitted twice at once.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import postgres from 'postgres';
import { aiSystems, approvalSteps, auditEvents, workspaces } from '../../db/schema';
import { VIEW_ANSWER_MS } from '../../adapters/slack/form-handler';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';
import { viewSubmission, fillView } from '../helpers/slack-requests';
import { clickStep, command, completeForm, lastOpenedView, seedRequest, submit } from '../helpers/slack-flows';
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

describe('Slack: a slow modal is answered within 3 seconds', () => {
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

  /**
   * Sends a view submission twice at once, while the work behind it waits: both get a 200 within
   * Slack's 3 s, no sooner than VIEW_ANSWER_MS, and the answer says "working on it".
   */
  async function twiceInTime(payload: () => ReturnType<typeof viewSubmission>): Promise<void> {
    s.fake.reset();
    const t0 = performance.now();
    const [res, again] = await Promise.all([s.send(payload()), s.send(payload())]);
    const took = performance.now() - t0;
    expect(res.status).toBe(200);
    expect(again.status).toBe(200);
    expect(took).toBeLessThan(3_000);
    expect(took).toBeGreaterThanOrEqual(VIEW_ANSWER_MS - 50);
    const answer = JSON.parse(await res.text()) as { response_action: string; view: View };
    expect(answer.response_action).toBe('update');
    expect(answer.view.title.text).toBe('Working on it');
    expect(JSON.stringify(answer.view.blocks)).toContain('taking longer than usual');
  }

  /** Locks the workspace row from another connection for 4 s; resolves once it is held. */
  async function holdWorkspace(id: number): Promise<{ released: Promise<unknown> }> {
    let locked!: () => void;
    const taken = new Promise<void>((r) => (locked = r));
    const holding = other.begin(async (tx) => {
      await tx`select 1 from workspaces where id = ${id} for update`;
      locked();
      await tx`select pg_sleep(4)`;
    });
    await taken;
    return { released: holding };
  }

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
    const holding = await holdWorkspace(ws!.id);
    // The last page submitted twice at once (a double click: two payloads): both answered in time.
    await twiceInTime(() => viewSubmission({ user, callbackId: view.callback_id, privateMetadata: view.private_metadata, values: fillView(view, slow), blocks: view.blocks }));
    await holding.released;

    // The modal is brought up to date in place, and the submitter is told by DM.
    const update = await until('modal update', () => s.fake.callsOf('views.update').find((c) => c.params.view_id === 'V0VIEW'));
    expect((update.params.view as View).title.text).toMatch(/^Registered AI-\d+$/);
    await until('summary DM', () => s.fake.callsOf('chat.postMessage').find((c) => [user, `D${user}`].includes(String(c.params.channel)) && JSON.stringify(c.params).includes('Slow Tool')));
    await s.settle();
    expect(await s.deps.db.select().from(aiSystems).where(eq(aiSystems.name, 'Slow Tool'))).toHaveLength(1);
  });

  it('says "working on it" in time for a reason modal, then "finished", and the step is rejected once', async () => {
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('Slow Reject', 'slack:U0BOB'), highAnswers);
    const compliance = seeded.steps.find((st) => st.role === 'compliance')!;
    await clickStep(s, USERS.carol.id, 'approval.reject', compliance);
    const modal = lastOpenedView(s) as View;
    expect(modal.callback_id).toBe('approval.reason');

    const holding = await holdWorkspace(seeded.workspaceId);
    // Submitted twice at once (two payloads, as a double click sends).
    await twiceInTime(() => viewSubmission({ user: USERS.carol.id, callbackId: modal.callback_id, privateMetadata: modal.private_metadata, values: fillView(modal, { reason: 'No DPA *yet*' }), blocks: modal.blocks }));
    await holding.released;

    const update = await until('modal update', () => s.fake.callsOf('views.update').find((c) => c.params.view_id === 'V0VIEW'));
    expect((update.params.view as View).title.text).toBe('Finished');
    await s.settle();
    const [step] = await s.deps.db.select().from(approvalSteps).where(eq(approvalSteps.id, compliance.id));
    expect(step?.status).toBe('rejected');
    expect(step?.reason).toBe('No DPA *yet*');
    const [sys] = await s.deps.db.select().from(aiSystems).where(eq(aiSystems.id, seeded.system.id));
    expect(sys?.status).toBe('rejected');
    const decided = await s.deps.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, seeded.workspaceId), eq(auditEvents.action, 'step.rejected'), eq(auditEvents.subjectId, String(compliance.id))));
    expect(decided).toHaveLength(1);
  });
});
