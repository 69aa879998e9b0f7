/**
 * Slack for the control register and the SoA: `/aims controls …` and `/aims soa` (the file is
 * uploaded to the person's direct messages with `files.uploadV2`, followed by the Approve
 * button), the `control.edit` button and modal, and the `soa.approve` button. Rights and input
 * are the flows'; a refusal is told privately and changes nothing.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import * as flows from '../../../flows';
import { replyTargetOf } from '../approval-actions';
import type { SlackMessage } from '../render-request';
import { renderNote } from '../render-system';
import type { SlackRuntime } from '../runtime';
import { slackContext, tellPrivately } from '../runtime';
import { CONTROL_EDIT, controlEditView, renderControlsPage, renderSoaMessage, SOA_APPROVE } from './render';
import { answerInTime } from '../view-deadline';

/** How a command answers privately. */
type Reply = (m: SlackMessage) => Promise<unknown>;

/** `/aims controls [filter] [page]`, `/aims controls add <title>`, `/aims controls edit <id>`. */
export async function controlsCommand(rt: SlackRuntime, ctx: flows.FlowContext, arg: string, triggerId: string, channel: string | undefined, reply: Reply): Promise<void> {
  const [word = '', ...rest] = arg.trim().split(/\s+/);
  if (word.toLowerCase() === 'add') {
    const r = await flows.addControl(ctx, rest.join(' '));
    return void (await reply(renderNote(r.kind === 'refused' ? r.message : `Added ${r.entry.control}: ${r.entry.title}. Edit it with /aims controls edit ${r.entry.control}.`)));
  }
  if (word.toLowerCase() === 'edit') {
    const found = await flows.editableControl(ctx, rest.join(' '));
    if ('kind' in found) return void (await reply(renderNote(found.message)));
    await rt.client.views.open({ trigger_id: triggerId, view: controlEditView(found, channel) });
    return;
  }
  const page = await flows.controlsPage(ctx, arg);
  await reply(page.kind === 'refused' ? renderNote(page.message) : renderControlsPage(page));
}

/** `/aims soa`: the draft as a Markdown file in the person's direct messages, then the Approve button. */
export async function soaCommand(rt: SlackRuntime, ctx: flows.FlowContext, userId: string, reply: Reply): Promise<void> {
  const r = await flows.soaForChat(ctx);
  if (r.kind === 'refused') return void (await reply(renderNote(r.message)));
  const dm = await rt.client.conversations.open({ users: userId });
  const channel = dm.channel?.id;
  if (!channel) throw new Error('conversations.open returned no channel');
  await rt.client.files.uploadV2({
    channel_id: channel,
    file: Buffer.from(flows.soaMarkdown(r.draft), 'utf8'),
    filename: `statement-of-applicability-${r.draft.hash.slice(0, 12)}.md`,
    title: 'Statement of Applicability (draft)',
    initial_comment: 'The Statement of Applicability as it stands (draft).',
  });
  const message = renderSoaMessage(r.draft, r.latest);
  await rt.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
  await reply(renderNote('The Statement of Applicability is in your direct messages with me, with the button to approve it.'));
}

const editMeta = z.object({ control: z.string().max(20), channel: z.string().max(40).optional() });

/** Parsed JSON, or null for text that is not JSON (a damaged or foreign `private_metadata`). */
function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Registers the `control.edit` button and modal and the `soa.approve` button. */
export function registerControlActions(app: App, rt: SlackRuntime): void {
  app.action<BlockAction<ButtonAction>>(CONTROL_EDIT, async ({ ack, body, action, context, respond }) => {
    await ack();
    const target = replyTargetOf(body, respond);
    try {
      const ctx = await slackContext(rt, context.teamId, body.user.id);
      const found = await flows.editableControl(ctx, action.value ?? '');
      if ('kind' in found) return await tellPrivately(rt, target, renderNote(found.message));
      await rt.client.views.open({ trigger_id: body.trigger_id, view: controlEditView(found, target.channelId) });
    } catch (err) {
      rt.logger.error({ err }, 'slack: control.edit failed');
      await tellPrivately(rt, target, renderNote('Something went wrong on our side; nothing was changed. Please try again.')).catch(() => {});
    }
  });

  app.view(CONTROL_EDIT, answerInTime(rt, async ({ ack, body, view, context }) => {
    const meta = editMeta.safeParse(jsonOrNull(view.private_metadata));
    if (!meta.success) return void (await ack({ response_action: 'errors', errors: { justification: 'This form is damaged; close it and click Edit again.' } }));
    const v = view.state.values;
    const owner = v.owner?.owner?.selected_user;
    const raw: Record<string, unknown> = {
      status: v.status?.status?.selected_option?.value ?? '',
      applicable: v.applicable?.applicable?.selected_option?.value ?? 'derived',
      owner: owner ? `slack:${owner}` : '',
      evidence: v.evidence?.evidence?.value ?? '',
      justification: v.justification?.justification?.value ?? '',
    };
    let r: Awaited<ReturnType<typeof flows.editControl>>;
    try {
      const ctx = await slackContext(rt, context.teamId ?? body.team?.id, body.user.id);
      r = await flows.editControl(ctx, meta.data.control, raw);
    } catch (err) {
      rt.logger.error({ err }, 'slack: control edit failed');
      return void (await ack({ response_action: 'errors', errors: { justification: 'Something went wrong on our side; nothing was changed. Please try again.' } }));
    }
    if (r.kind === 'refused' && r.code === 'invalid' && r.errors?.length) {
      const errors: Record<string, string> = {};
      for (const e of r.errors) errors[e.field] = e.message;
      return void (await ack({ response_action: 'errors', errors }));
    }
    await ack();
    const target = { userId: body.user.id, channelId: meta.data.channel };
    if (r.kind === 'refused') return tellPrivately(rt, target, renderNote(r.message));
    await tellPrivately(rt, target, renderNote(`${r.entry.control} saved: ${r.entry.applicable ? 'applicable' : 'not applicable'}, ${flows.CONTROL_STATUS_LABEL[r.entry.status]}.`));
  }));

  app.action<BlockAction<ButtonAction>>(SOA_APPROVE, async ({ ack, body, action, context, respond }) => {
    await ack();
    const target = replyTargetOf(body, respond);
    try {
      const ctx = await slackContext(rt, context.teamId, body.user.id);
      // The button carries the hash of the draft it was sent with: only that draft can be approved.
      const hash = /^[0-9a-f]{64}$/.test(action.value ?? '') ? action.value : 'invalid';
      const r = await flows.approveSoa(ctx, hash);
      await tellPrivately(rt, target, renderNote(r.kind === 'refused' ? r.message : `Approved as ${r.version}. SHA-256 ${r.hash} is in the audit trail.`));
      if (r.kind === 'approved' && target.channelId && body.message?.ts) {
        // The message loses its button: what it offered is done.
        const done = renderNote(`Approved as ${r.version} by ${ctx.actor.displayName ?? ctx.actor.platformId}. SHA-256 ${r.hash}`);
        await rt.client.chat.update({ channel: target.channelId, ts: body.message.ts, text: done.text, blocks: done.blocks }).catch((err: unknown) => rt.logger.warn({ err }, 'slack: SoA message not updated'));
      }
    } catch (err) {
      rt.logger.error({ err }, 'slack: soa.approve failed');
      await tellPrivately(rt, target, renderNote('Something went wrong on our side; nothing was approved. Please try again.')).catch(() => {});
    }
  });
}
