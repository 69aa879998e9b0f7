/**
 * Slack for internal audits: `/aims audit plan` (the `audit.plan` modal, compliance),
 * `/aims audit <id>`, `/aims finding <id>` and the `finding.record` button (the modal, the
 * audit's auditors), `/aims export audit-report <id>` and `/aims export audits [csv|json]` (the
 * file in the person's DM, compliance). Rights and input are the flows'; each opened form
 * carries a token, so a replayed or raced submission writes nothing twice.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { AuditFormValues, FlowContext, Refusal } from '../../../flows';
import * as flows from '../../../flows';
import { replyTargetOf } from '../approval-actions';
import { slackUserId } from '../mrkdwn';
import type { SlackMessage } from '../render-request';
import { renderNote } from '../render-system';
import type { SlackRuntime } from '../runtime';
import { slackContext, tellPrivately } from '../runtime';
import { AUDIT_IDS, auditPlanModal, findingModal, renderAudit } from './render';
import { answerInTime } from '../view-deadline';

type Reply = (m: SlackMessage) => Promise<unknown>;

const planMeta = z.object({ token: z.string().min(8).max(40), channel: z.string().max(40).optional() });
const findingMeta = planMeta.extend({ audit: z.string().max(40) });

function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Opens the finding modal of an audit, or says why not. */
async function openFinding(rt: SlackRuntime, ctx: FlowContext, auditText: string, triggerId: string, channel?: string): Promise<Refusal | null> {
  const audit = await flows.findingAudit(ctx, auditText);
  if ('kind' in audit) return audit;
  const subjects = await flows.findingSubjects(ctx.deps.db, audit);
  await rt.client.views.open({ trigger_id: triggerId, view: findingModal({ audit: flows.auditRefOf(audit), token: flows.newFormToken(), channel }, subjects, audit.title) });
  return null;
}

/** `/aims audit plan`, `/aims audit <id>`, `/aims finding <id>`. */
export async function runAuditCommand(rt: SlackRuntime, ctx: FlowContext, sub: 'audit' | 'finding', arg: string, triggerId: string, channel: string | undefined, reply: Reply): Promise<void> {
  if (sub === 'finding') {
    if (!arg) return void (await reply(renderNote('Which audit? e.g. /aims finding IA-2026-1')));
    const refused = await openFinding(rt, ctx, arg, triggerId, channel);
    if (refused) await reply(renderNote(refused.message));
    return;
  }
  if (arg.toLowerCase() === 'plan') {
    const refused = flows.planAccess(ctx);
    if (refused) return void (await reply(renderNote(refused.message)));
    await rt.client.views.open({ trigger_id: triggerId, view: auditPlanModal({ token: flows.newFormToken(), channel }) });
    return;
  }
  if (!arg) return void (await reply(renderNote('Use /aims audit plan (compliance), or /aims audit IA-2026-1 to see one.')));
  const v = await flows.auditView(ctx, arg);
  await reply(v.kind === 'refused' ? renderNote(v.message) : renderAudit(v));
}

/** `/aims export audit-report <id>` and `/aims export audits [csv|json]`: the file in a DM. */
export async function runAuditExport(rt: SlackRuntime, ctx: FlowContext, arg: string, reply: Reply): Promise<void> {
  const [what = '', param = ''] = arg.trim().split(/\s+/);
  const file =
    what.toLowerCase() === 'audit-report'
      ? param
        ? await flows.auditReportForChat(ctx, param)
        : ({ kind: 'refused', code: 'invalid', message: 'Which audit? e.g. /aims export audit-report IA-2026-1' } as Refusal)
      : await flows.auditsExportFile(ctx, (param || 'csv').toLowerCase());
  if (file.kind === 'refused') return void (await reply(renderNote(file.message)));
  const user = slackUserId(ctx.actor.platformId);
  if (!user) return void (await reply(renderNote('This export goes to a Slack direct message; you are not a Slack user here.')));
  const content = file.kind === 'report' ? file.markdown : file.content;
  const comment = file.kind === 'report' ? `The report of internal audit ${file.ref}${file.reported ? '; the audit is now reported' : ''}.` : `The internal audits: ${file.rows} rows.`;
  await rt.client.filesUploadV2({ channel_id: await rt.directory.dmChannel(user), content, filename: file.filename, title: file.filename, initial_comment: comment });
  if (file.kind === 'report' && file.reported) rt.afterChange();
  await reply(renderNote(`Sent ${file.filename} to you in a direct message.`));
}

/** Field problems keyed by block id; a problem of no field goes to the first field. */
function fieldErrors(r: Refusal, first: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of r.errors ?? []) out[e.field] = out[e.field] ? `${out[e.field]}; ${e.message}` : e.message;
  return Object.keys(out).length ? out : { [first]: r.message };
}

/** The submitted values by field id, as flows expect them. */
function valuesOf(state: Record<string, Record<string, unknown>>, ids: readonly string[]): AuditFormValues {
  const values: AuditFormValues = {};
  for (const id of ids) {
    const el = (state[id]?.[id] ?? {}) as {
      value?: string | null;
      selected_option?: { value?: string } | null;
      selected_users?: string[] | null;
      selected_date?: string | null;
    };
    if (el.selected_users) values[id] = el.selected_users.map((u) => `slack:${u}`);
    else if (el.selected_date !== undefined) values[id] = el.selected_date ?? '';
    else if (el.selected_option !== undefined) values[id] = el.selected_option?.value ?? '';
    else values[id] = el.value ?? '';
  }
  return values;
}

/** Registers the `finding.record` button and the two modals. */
export function registerAuditActions(app: App, rt: SlackRuntime): void {
  app.action<BlockAction<ButtonAction>>(AUDIT_IDS.finding, async ({ ack, body, action, context, respond }) => {
    await ack();
    const target = replyTargetOf(body, respond);
    try {
      const ctx = await slackContext(rt, context.teamId, body.user.id);
      const refused = await openFinding(rt, ctx, action.value ?? '', body.trigger_id, target.channelId);
      if (refused) await tellPrivately(rt, target, renderNote(refused.message));
    } catch (err) {
      rt.logger.error({ err }, 'slack: finding.record failed');
      await tellPrivately(rt, target, renderNote('Something went wrong on our side; nothing was changed. Please try again.')).catch(() => {});
    }
  });

  app.view(AUDIT_IDS.plan, answerInTime(rt, async ({ ack, body, view, context }) => {
    const meta = planMeta.safeParse(jsonOrNull(view.private_metadata));
    if (!meta.success) return void (await ack({ response_action: 'errors', errors: { title: 'This form is damaged; close it and open it again.' } }));
    const values = valuesOf(view.state.values as Record<string, Record<string, unknown>>, flows.AUDIT_PLAN_FIELDS.map((f) => f.id));
    let r: flows.AuditPlanned | Refusal;
    try {
      const ctx = await slackContext(rt, context.teamId ?? body.team?.id, body.user.id);
      r = await flows.planAudit(ctx, values, { token: meta.data.token });
    } catch (err) {
      rt.logger.error({ err }, 'slack: audit.plan failed');
      return void (await ack({ response_action: 'errors', errors: { title: 'Something went wrong on our side; nothing was planned. Please try again.' } }));
    }
    if (r.kind === 'refused' && r.errors?.length) return void (await ack({ response_action: 'errors', errors: fieldErrors(r, 'title') }));
    await ack();
    const target = { userId: body.user.id, channelId: meta.data.channel };
    if (r.kind === 'refused') return tellPrivately(rt, target, renderNote(r.message));
    if (!r.created) return tellPrivately(rt, target, renderNote(`${r.ref} was already planned from this form; nothing new was planned.`));
    rt.afterChange();
    const sample = r.audit.sample.length;
    await tellPrivately(rt, target, renderNote(`Planned ${r.ref} for ${r.audit.plannedFor}: ${sample} system${sample === 1 ? '' : 's'} sampled (seed ${r.audit.sampleSeed}); evidence requested from their owners (${r.tasks.join(', ') || 'none'}). See it with /aims audit ${r.ref}.`));
  }));

  app.view(AUDIT_IDS.finding, answerInTime(rt, async ({ ack, body, view, context }) => {
    const meta = findingMeta.safeParse(jsonOrNull(view.private_metadata));
    if (!meta.success) return void (await ack({ response_action: 'errors', errors: { text: 'This form is damaged; close it and open it again.' } }));
    const values = valuesOf(view.state.values as Record<string, Record<string, unknown>>, flows.FINDING_FIELDS.map((f) => f.id));
    let r: flows.FindingRecorded | Refusal;
    try {
      const ctx = await slackContext(rt, context.teamId ?? body.team?.id, body.user.id);
      r = await flows.recordFinding(ctx, meta.data.audit, values, { token: meta.data.token });
    } catch (err) {
      rt.logger.error({ err }, 'slack: finding.record failed');
      return void (await ack({ response_action: 'errors', errors: { text: 'Something went wrong on our side; nothing was recorded. Please try again.' } }));
    }
    if (r.kind === 'refused' && r.code === 'invalid' && r.errors?.length) return void (await ack({ response_action: 'errors', errors: fieldErrors(r, 'text') }));
    await ack();
    const target = { userId: body.user.id, channelId: meta.data.channel };
    if (r.kind === 'refused') return tellPrivately(rt, target, renderNote(r.message));
    if (!r.created) return tellPrivately(rt, target, renderNote(`${r.ref} was already recorded from this form; nothing new was recorded.`));
    rt.afterChange();
    await tellPrivately(rt, target, renderNote(`Recorded ${r.ref}${r.nc ? ` and opened nonconformity ${r.nc.ref}` : ''}.`));
  }));
}
