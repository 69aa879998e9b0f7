/** Multi-request Slack conversations used by several e2e tests. */
import { expect } from 'vitest';
import type { SlackTestServer } from './slack-server';
import * as flows from '../../flows';
import { blockAction, fillView, slashCommand, viewSubmission } from './slack-requests';

type View = { callback_id: string; private_metadata: string; blocks: unknown[]; title: { text: string } };

/** Runs `/aims <text>` as a user and returns the HTTP status. */
export async function command(s: SlackTestServer, user: string, text: string): Promise<number> {
  const res = await s.send(slashCommand({ text, user, responseUrl: `${s.fake.responseBase}/cmd-${user}` }));
  await s.settle();
  return res.status;
}

/** The last view opened with views.open. */
export function lastOpenedView(s: SlackTestServer): View {
  const open = s.fake.callsOf('views.open').at(-1);
  expect(open, 'a modal was opened').toBeDefined();
  return open!.params.view as View;
}

/** What a form view stands for: the stored form state its small `private_metadata` key names. */
export async function formOfView(s: SlackTestServer, view: { private_metadata: string }, user: string): Promise<unknown> {
  const meta = JSON.parse(view.private_metadata) as { k: string };
  const form = await s.adapter.forms.load(meta.k, user);
  return 'data' in form ? form.data : form;
}

/** Submits a view filled with answers and returns Slack's response body. */
export async function submit(s: SlackTestServer, user: string, view: View, answers: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await s.send(
    viewSubmission({ user, callbackId: view.callback_id, privateMetadata: view.private_metadata, values: fillView(view, answers), blocks: view.blocks }),
  );
  expect(res.status).toBe(200);
  const text = await res.text();
  await s.settle();
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/**
 * Fills the modal that is open now and every page that follows with `answers` until the form
 * ends; returns every view shown and the final response.
 */
export async function completeForm(s: SlackTestServer, user: string, first: View, answers: Record<string, unknown>): Promise<{ views: View[]; last: Record<string, unknown> }> {
  const views: View[] = [first];
  let view = first;
  for (let i = 0; i < 10; i += 1) {
    const r = await submit(s, user, view, answers);
    if (r.response_action !== 'update') return { views, last: r };
    view = r.view as View;
    views.push(view);
    if (view.callback_id !== 'aims.form') return { views, last: r };
  }
  throw new Error('the form did not end');
}

/** Registers a tool through `/aims register` and the modal pages. */
export async function registerTool(s: SlackTestServer, user: string, fields: Record<string, unknown>, answers: Record<string, unknown>) {
  expect(await command(s, user, 'register')).toBe(200);
  return completeForm(s, user, lastOpenedView(s), { ...fields, ...answers });
}

/** Registers a tool directly through the flows (as `user`) and delivers its thread. */
export async function seedRequest(s: SlackTestServer, user: string, fields: Record<string, unknown>, answers: Record<string, unknown>) {
  const ctx = await flows.flowContext(s.deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: `slack:${user}` });
  const r = await flows.register(ctx, { fields, answers });
  if (r.kind !== 'registered') throw new Error(`seed failed: ${JSON.stringify(r)}`);
  await s.settle();
  const copies = await flows.messagesOf(s.deps.db, ctx.workspace.id, 'approval_request', r.request.id);
  const parent = copies.find((c) => c.role === 'parent')!;
  const steps = r.request.steps.map((st) => ({ ...st, copy: copies.find((c) => c.role === 'step' && c.stepId === st.id)! }));
  return { request: r.request, system: r.system, parent, steps, workspaceId: ctx.workspace.id };
}

/** Clicks a button on a stored step message as `user`. */
export async function clickStep(s: SlackTestServer, user: string, actionId: string, step: { id: number; copy: { conversationId: string; messageId: string; threadId: string | null } }) {
  const res = await s.send(
    blockAction({
      actionId,
      value: String(step.id),
      user,
      channel: step.copy.conversationId,
      messageTs: step.copy.messageId,
      threadTs: step.copy.threadId ?? undefined,
      responseUrl: `${s.fake.responseBase}/click-${user}`,
    }),
  );
  expect(res.status).toBe(200);
  await s.settle();
}
