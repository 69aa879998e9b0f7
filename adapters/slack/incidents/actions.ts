/**
 * `/aims incident [AI-3 | INC-4 [informed|reported]]`, the incident modal and the buttons that
 * record the steps. Rights and state are checked by flows; every answer is told privately.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { randomUUID } from 'node:crypto';
import type { FlowContext, Refusal } from '../../../flows';
import * as flows from '../../../flows';
import { localDateTime } from '../../../flows/display';
import { replyTargetOf } from '../approval-actions';
import type { SlackMessage } from '../render-request';
import { renderNote } from '../render-system';
import type { SlackRuntime } from '../runtime';
import { slackContext, tellPrivately } from '../runtime';
import { incidentMeta, incidentModal, incidentValues } from './modal';
import { INCIDENT_ACTIONS, INCIDENT_CALLBACK, renderIncident, renderIncidentConfirmation } from './render';
import { answerInTime } from '../view-deadline';

function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The local time now as the form pre-fills it (`2026-11-30 14:05`). */
function localNow(ctx: FlowContext): string {
  return localDateTime(ctx.deps.clock.now(), ctx.deps.policy.organization.timezone).slice(0, 16);
}

const STEP_WORDS: Record<string, flows.IncidentStep> = { informed: 'provider_informed', 'provider-informed': 'provider_informed', reported: 'authority_reported', 'authority-reported': 'authority_reported' };

/** Runs `incident …`: opens the form, shows an incident, or records a step. */
export async function incidentCommand(rt: SlackRuntime, ctx: FlowContext, arg: string, triggerId: string, channel: string | undefined, reply: (m: SlackMessage) => Promise<unknown>): Promise<void> {
  const [first = '', word = ''] = arg.split(/\s+/);
  const tz = ctx.deps.policy.organization.timezone;
  if (/^inc-/i.test(first)) {
    if (word) {
      const step = STEP_WORDS[word.toLowerCase()];
      if (!step) return void (await reply(renderNote(`Say what was done: /aims incident ${first} informed (the provider) or /aims incident ${first} reported (the authority).`)));
      const r = await flows.recordIncidentStep(ctx, first, step);
      if (r.kind === 'refused') return void (await reply(renderNote(r.message)));
      if (!r.already) rt.afterChange();
      return void (await reply(renderNote(flows.stepRecordedText(r))));
    }
    const v = await flows.incidentByRef(ctx, first);
    return void (await reply('kind' in v ? renderNote(v.message) : renderIncident(v, tz)));
  }
  let named: { ref: string; name: string } | null = null;
  let systems: Array<{ ref: string; name: string }> = [];
  if (first) {
    const s = await flows.systemByRef(ctx, first);
    if ('kind' in s) return void (await reply(renderNote(s.message)));
    named = { ref: s.ref, name: s.name };
  } else {
    systems = await flows.incidentSystemChoices(ctx, 101);
    if (systems.length === 0) return void (await reply(renderNote('There are no AI systems registered here yet; register one with /aims register first.')));
  }
  await rt.client.views.open({ trigger_id: triggerId, view: incidentModal({ system: named?.ref, channel, key: randomUUID() }, named, systems, localNow(ctx)) });
}

/** Field problems keyed by block id; a problem of no field goes to the description. */
function fieldErrors(r: Refusal, hasSystemBlock: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of r.errors ?? []) {
    const field = e.field === 'system' && !hasSystemBlock ? 'description' : e.field;
    out[field] = out[field] ? `${out[field]}; ${e.message}` : e.message;
  }
  return Object.keys(out).length ? out : { description: r.message };
}

/** Registers the incident modal and buttons. */
export function registerIncidentActions(app: App, rt: SlackRuntime): void {
  const onStep = (actionId: string, step: flows.IncidentStep) =>
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, context, respond }) => {
      await ack();
      const target = replyTargetOf(body, respond);
      try {
        const ctx = await slackContext(rt, context.teamId, body.user.id);
        const r = await flows.recordIncidentStep(ctx, action.value ?? '', step);
        if (r.kind === 'refused') return void (await tellPrivately(rt, target, renderNote(r.message)));
        if (!r.already) rt.afterChange();
        await tellPrivately(rt, target, renderNote(flows.stepRecordedText(r)));
      } catch (err) {
        rt.logger.error({ err }, 'slack: incident action failed');
        await tellPrivately(rt, target, renderNote('Something went wrong on our side; nothing was changed. Please try again.')).catch(() => {});
      }
    });
  onStep(INCIDENT_ACTIONS.providerInformed, 'provider_informed');
  onStep(INCIDENT_ACTIONS.authorityReported, 'authority_reported');

  app.view(INCIDENT_CALLBACK, answerInTime(rt, async ({ ack, body, view, context }) => {
    const meta = incidentMeta.safeParse(jsonOrNull(view.private_metadata));
    if (!meta.success) return void (await ack({ response_action: 'errors', errors: { description: 'This form is damaged; close it and open it again.' } }));
    const values = incidentValues(view.state.values as Record<string, Record<string, unknown>>, meta.data);
    let r: flows.IncidentReported | Refusal;
    let tz = 'UTC';
    try {
      const ctx = await slackContext(rt, context.teamId ?? body.team?.id, body.user.id);
      tz = ctx.deps.policy.organization.timezone;
      r = await flows.reportIncident(ctx, values, meta.data.key);
    } catch (err) {
      rt.logger.error({ err }, 'slack: incident form failed');
      return void (await ack({ response_action: 'errors', errors: { description: 'Something went wrong on our side; nothing was saved. Please try again.' } }));
    }
    if (r.kind === 'refused' && r.code === 'invalid') return void (await ack({ response_action: 'errors', errors: fieldErrors(r, !meta.data.system) }));
    await ack();
    const target = { userId: body.user.id, channelId: meta.data.channel };
    if (r.kind === 'refused') return tellPrivately(rt, target, renderNote(r.message));
    rt.afterChange();
    await tellPrivately(rt, target, renderIncidentConfirmation(r.incident, tz));
  }));
}

/** `/aims export incidents [csv|json]` (compliance): the file in a DM. */
export async function incidentExportCommand(rt: SlackRuntime, ctx: FlowContext, format: string, reply: (m: SlackMessage) => Promise<unknown>): Promise<void> {
  const file = await flows.incidentExportFile(ctx, format);
  if (file.kind === 'refused') return void (await reply(renderNote(file.message)));
  const user = /^slack:([A-Z0-9]+)$/.exec(ctx.actor.platformId)?.[1];
  if (!user) return void (await reply(renderNote('This export goes to a Slack direct message; you are not a Slack user here.')));
  await rt.client.filesUploadV2({ channel_id: await rt.directory.dmChannel(user), content: file.content, filename: file.filename, title: file.filename, initial_comment: `The incidents: ${file.rows}.` });
  await reply(renderNote(`Sent ${file.filename} (${file.rows} incident${file.rows === 1 ? '' : 's'}) to you in a direct message.`));
}
