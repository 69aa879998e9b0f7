/**
 * Campaign commands and buttons in Slack: `/aims survey [ai-use|policy|literacy]` (compliance),
 * `/aims policy` (anyone), `/aims export literacy [csv|json]` (compliance, the file in a DM);
 * `survey.answer` (button → the AI-use form; submission recorded by flows, replied to with a
 * `discovery.register` button per unregistered tool), `policy.acknowledge` (value: the version)
 * and `literacy.attest` (button → the `evidence` form). Replays and double clicks are answered
 * by flows ("already acknowledged on …"); bad input is shown next to the field.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { FlowContext } from '../../../flows';
import * as flows from '../../../flows';
import { replyTargetOf } from '../approval-actions';
import { slackUserId } from '../mrkdwn';
import type { SlackMessage } from '../render-request';
import { renderNote } from '../render-system';
import type { SlackRuntime } from '../runtime';
import { slackContext, tellPrivately } from '../runtime';
import { literacyModal, renderAnswered, renderPolicy, SURVEY_ACTIONS, surveyModal } from './render';
import { answerInTime } from '../view-deadline';

const FAILED = 'Something went wrong on our side; nothing was changed. Please try again.';
const meta = z.object({ ref: z.string().max(40), channel: z.string().max(40).optional() });

function metaOf(text: string): z.infer<typeof meta> | null {
  try {
    const parsed = meta.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Runs `survey`, `policy` and `export literacy`. */
export async function runSurveyCommand(
  rt: SlackRuntime,
  ctx: FlowContext,
  sub: 'survey' | 'policy' | 'export',
  arg: string,
  reply: (m: SlackMessage) => Promise<unknown>,
): Promise<void> {
  if (sub === 'policy') {
    const v = await flows.policyView(ctx);
    await reply('kind' in v ? renderNote(v.message) : renderPolicy(v, rt.deps.policy.organization.timezone));
    return;
  }
  if (sub === 'export') {
    const [, format = 'csv'] = arg.split(/\s+/);
    const file = await flows.literacyExportFile(ctx, format);
    if (file.kind === 'refused') return void (await reply(renderNote(file.message)));
    const user = slackUserId(ctx.actor.platformId);
    if (!user) return void (await reply(renderNote('This export goes to a Slack direct message; you are not a Slack user here.')));
    await rt.client.filesUploadV2({ channel_id: await rt.directory.dmChannel(user), content: file.content, filename: file.filename, title: file.filename, initial_comment: `AI policy acknowledgements and literacy: ${file.rows} people.` });
    await reply(renderNote(`Sent ${file.filename} (${file.rows} people) to you in a direct message.`));
    return;
  }
  const r = await flows.startSurveyCommand(ctx, arg);
  if (r.kind === 'refused') return void (await reply(renderNote(r.message)));
  rt.afterChange();
  const what = r.survey.kind === 'ai_use' ? 'AI-use survey' : r.survey.kind === 'policy_ack' ? 'AI policy acknowledgement' : 'AI literacy round';
  await reply(renderNote(`Started ${what} ${r.survey.ref}: everyone in the audience gets one direct message, and one reminder if they have not answered.`));
}

/** Registers the campaign buttons and forms. */
export function registerSurveyActions(app: App, rt: SlackRuntime): void {
  app.action<BlockAction<ButtonAction>>(SURVEY_ACTIONS.answer, async ({ ack, body, action, respond }) => {
    await ack();
    const target = replyTargetOf(body, respond);
    try {
      const ref = flows.parseSurveyRef(action.value ?? '');
      if (!ref) return await tellPrivately(rt, target, renderNote('This survey button is damaged; nothing was recorded.'));
      await rt.client.views.open({ trigger_id: body.trigger_id, view: surveyModal(ref, flows.surveyChoices(), { channel: target.channelId }) });
    } catch (err) {
      rt.logger.error({ err }, 'slack: survey button failed');
      await tellPrivately(rt, target, renderNote(FAILED)).catch(() => {});
    }
  });

  app.view(SURVEY_ACTIONS.answer, answerInTime(rt, async ({ ack, body, view, context }) => {
    const m = metaOf(view.private_metadata ?? '');
    if (!m) return void (await ack({ response_action: 'errors', errors: { tools: 'This form is damaged; close it and click the button again.' } }));
    const tools = (view.state.values.tools?.tools?.selected_options ?? []).map((o) => o.value ?? '');
    const otherTools = view.state.values.other_tools?.other_tools?.value ?? '';
    let r: flows.SurveyAnswered | flows.Refusal;
    try {
      const ctx = await slackContext(rt, context.teamId ?? body.team?.id, body.user.id);
      r = await flows.answerSurvey(ctx, m.ref, { tools, otherTools });
    } catch (err) {
      rt.logger.error({ err }, 'slack: recording a survey answer failed');
      return void (await ack({ response_action: 'errors', errors: { tools: FAILED } }));
    }
    if (r.kind === 'refused' && r.code === 'invalid') {
      const e = r.errors?.[0];
      return void (await ack({ response_action: 'errors', errors: { [e?.field === 'other_tools' ? 'other_tools' : 'tools']: e?.message ?? r.message } }));
    }
    await ack();
    const to = { userId: body.user.id };
    if (r.kind === 'refused') return tellPrivately(rt, to, renderNote(r.message));
    rt.afterChange();
    await tellPrivately(rt, to, renderAnswered(r));
  }));

  app.action<BlockAction<ButtonAction>>(SURVEY_ACTIONS.acknowledge, async ({ ack, body, action, context, respond }) => {
    await ack();
    const target = replyTargetOf(body, respond);
    try {
      const ctx = await slackContext(rt, context.teamId ?? body.team?.id, body.user.id);
      const r = await flows.acknowledgePolicy(ctx, action.value ?? '');
      if (r.kind === 'refused') return await tellPrivately(rt, target, renderNote(r.message));
      const tz = rt.deps.policy.organization.timezone;
      const note = r.fresh ? `Thank you: your acknowledgement of the AI policy, version ${r.version}, is recorded.` : `You already acknowledged version ${r.version} of the AI policy on ${flows.localDay(r.at, tz)}.`;
      await tellPrivately(rt, target, renderNote(note));
    } catch (err) {
      rt.logger.error({ err }, 'slack: policy acknowledgement failed');
      await tellPrivately(rt, target, renderNote(FAILED)).catch(() => {});
    }
  });

  app.action<BlockAction<ButtonAction>>(SURVEY_ACTIONS.attest, async ({ ack, body, action, respond }) => {
    await ack();
    const target = replyTargetOf(body, respond);
    try {
      await rt.client.views.open({ trigger_id: body.trigger_id, view: literacyModal({ ref: (action.value ?? '').slice(0, 40), channel: target.channelId }) });
    } catch (err) {
      rt.logger.error({ err }, 'slack: literacy button failed');
      await tellPrivately(rt, target, renderNote(FAILED)).catch(() => {});
    }
  });

  app.view(SURVEY_ACTIONS.attest, answerInTime(rt, async ({ ack, body, view, context }) => {
    const text = view.state.values.evidence?.evidence?.value ?? '';
    let r: flows.Attested | flows.Refusal;
    try {
      const ctx = await slackContext(rt, context.teamId ?? body.team?.id, body.user.id);
      r = await flows.attestLiteracy(ctx, text);
    } catch (err) {
      rt.logger.error({ err }, 'slack: literacy attestation failed');
      return void (await ack({ response_action: 'errors', errors: { evidence: FAILED } }));
    }
    if (r.kind === 'refused') return void (await ack({ response_action: 'errors', errors: { evidence: r.errors?.[0]?.message ?? r.message } }));
    await ack();
    const note = r.fresh ? 'Thank you: your AI literacy training is recorded.' : `You already recorded this AI literacy training on ${flows.localDay(r.at, rt.deps.policy.organization.timezone)}.`;
    await tellPrivately(rt, { userId: body.user.id }, renderNote(note));
  }));
}
