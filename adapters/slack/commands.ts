/**
 * `/aims` slash command: acknowledged at once, then answered privately through the response
 * URL. `register`, `resubmit` open modals; unknown subcommands get the help.
 */
import type { App } from '@slack/bolt';
import * as flows from '../../flows';
import { reanswerView, registerView } from './form-flow';
import type { SlackMessage } from './render-request';
import { renderReviewCard } from './render-review';
import { renderCheck, renderHelp, renderList, renderNote, renderNotFound, renderPending, renderShow } from './render-system';
import type { SlackRuntime } from './runtime';
import { controlsCommand, soaCommand } from './controls/actions';
import { slackContext } from './runtime';
import { impactCommand, inventoryCommand } from './impact/actions';
import { withImpactLine } from './impact/render';
import { renderTaskList } from './tasks/render-tasks';
import { runRiskCommand } from './risks';
import { incidentCommand, incidentExportCommand } from './incidents';
import { ncCommand, ncExportCommand } from './improvement';
import { runAuditCommand, runAuditExport } from './audits';
import { editCommand, openRegistration, renderCatalogOffer, transferCommand, unwrapSlackLink } from './catalog';
import { runSurveyCommand } from './surveys';
import { runManagementReviewExport } from './management-review/export';
import { mentionsAsIds } from './mrkdwn';
import { createResponseUrlPost } from './response-url';

/** The slash command's name. */
export const SLASH_COMMAND = '/aims';

/** Registers the `/aims` command. */
export function registerCommands(app: App, rt: SlackRuntime): void {
  // Every command is answered through its response URL: a plain HTTP post, lighter than respond()'s fetch.
  const post = createResponseUrlPost();
  app.command(SLASH_COMMAND, async ({ ack, command, respond, context }) => {
    await ack();
    const answer = { response_type: 'ephemeral' } as const;
    const url = command.response_url;
    const reply = url
      ? (m: SlackMessage) => post(url, { ...answer, text: m.text, blocks: m.blocks })
      : (m: SlackMessage) => respond({ ...answer, text: m.text, blocks: m.blocks });
    try {
      const ctx = await slackContext(rt, context.teamId ?? command.team_id, command.user_id);
      const who = { teamId: context.teamId ?? command.team_id, userId: command.user_id, channelId: command.channel_id };
      await run(rt, ctx, command.text ?? '', command.trigger_id, who, reply);
    } catch (err) {
      rt.logger.error({ err }, 'slack: /aims failed');
      await reply(renderNote('Something went wrong on our side; nothing was changed. Please try again.')).catch(() => {});
    }
  });
}

async function run(
  rt: SlackRuntime,
  ctx: flows.FlowContext,
  text: string,
  triggerId: string,
  who: { teamId: string; userId: string; channelId?: string },
  reply: (m: SlackMessage) => Promise<unknown>,
): Promise<void> {
  const [rawSub = '', ...rest] = text.trim().split(/\s+/);
  const sub = rawSub.toLowerCase();
  const arg = rest.join(' ').trim();
  if (sub === 'export' && /^(audits|audit-report)$/i.test(rest[0] ?? '')) return runAuditExport(rt, ctx, arg, reply);
  if (sub === 'export' && /^literacy\b/i.test(arg)) return runSurveyCommand(rt, ctx, 'export', arg, reply);
  switch (sub) {
    case '':
    case 'help':
      await reply(renderHelp());
      return;
    case 'register':
      if (arg) return openRegistration(rt, who.teamId, who.userId, triggerId, arg);
      await rt.client.views.open({ trigger_id: triggerId, view: await registerView(rt.forms, who.teamId, who.userId) });
      return;
    case 'check': {
      if (!arg) return void (await reply(renderNote('Name the tool to check, e.g. /aims check ChatGPT')));
      const r = await flows.check(ctx, unwrapSlackLink(arg));
      if (r.kind === 'refused') return void (await reply(renderNote(r.message)));
      if (r.kind === 'not_found' && r.catalog) return void (await reply(renderCatalogOffer(r.catalog, r.suggestions)));
      await reply(r.kind === 'found' ? renderCheck(r.check) : renderNotFound(r.query, r.suggestions));
      return;
    }
    case 'transfer':
      await reply(await transferCommand(rt, ctx, arg));
      return;
    case 'edit': {
      const note = await editCommand(rt, ctx, arg, triggerId);
      if (note) await reply(note);
      return;
    }
    case 'list':
      await reply(renderList(await flows.listMine(ctx), rt.deps.policy.organization.timezone));
      return;
    case 'show': {
      if (!arg) return void (await reply(renderNote('Which tool? e.g. /aims show AI-1')));
      const r = await flows.show(ctx, arg);
      if (r.kind === 'refused') return void (await reply(renderNote(r.message)));
      const mentions = await rt.directory.mentions(r.request?.steps.flatMap((s) => s.approvers) ?? []);
      const tz = rt.deps.policy.organization.timezone;
      const impact = await flows.impactLineFor(ctx, r.system, (d) => flows.localDay(d, tz));
      await reply(withImpactLine(renderShow(r.system, r.request, mentions, tz), impact));
      return;
    }
    case 'pending':
      await reply(renderPending(await flows.pendingForMe(ctx)));
      return;
    case 'review': {
      if (!arg) return void (await reply(renderNote('Which tool? e.g. /aims review AI-1')));
      // Who may review, and whether the tool has reviews, is checked before the card offers anything.
      const found = await flows.reviewable(ctx, arg, ['approved']);
      if ('kind' in found) return void (await reply(renderNote(found.message)));
      await reply(renderReviewCard(found, rt.deps.policy.organization.timezone));
      return;
    }
    case 'resubmit': {
      if (!arg) return void (await reply(renderNote('Which tool? e.g. /aims resubmit AI-1')));
      const found = await flows.resubmittable(ctx, arg);
      if ('kind' in found) return void (await reply(renderNote(found.message)));
      await rt.client.views.open({ trigger_id: triggerId, view: await reanswerView(ctx, rt.forms, who.teamId, who.userId, 'resubmit', found.ref) });
      return;
    }
    case 'controls':
      return controlsCommand(rt, ctx, arg, triggerId, who.channelId, reply);
    case 'soa':
      return soaCommand(rt, ctx, who.userId, reply);
    case 'impact':
      return impactCommand(rt, ctx, arg, triggerId, reply);
    case 'inventory':
      return inventoryCommand(rt, ctx, arg, reply);
    case 'tasks': {
      const r = await flows.listTasks(ctx, arg);
      await reply('kind' in r ? renderNote(r.message) : renderTaskList(r));
      return;
    }
    case 'incident':
      return incidentCommand(rt, ctx, arg, triggerId, who.channelId, reply);
    case 'nc':
      return ncCommand(rt, ctx, arg, triggerId, who.channelId, reply);
    case 'management-review': {
      const r = await flows.managementReviewCommand(ctx, mentionsAsIds(arg));
      await reply(renderNote(r.text));
      return;
    }
    case 'export':
      if (/^incidents\b/i.test(arg)) return incidentExportCommand(rt, ctx, (arg.split(/\s+/)[1] ?? 'csv').toLowerCase(), reply);
      if (/^nonconformities\b/i.test(arg)) return ncExportCommand(rt, ctx, arg, reply);
      if (/^management-review\b/i.test(arg)) return runManagementReviewExport(rt, ctx, arg, reply);
      await runRiskCommand(rt, ctx, sub, arg, triggerId, reply);
      return;
    case 'risks':
    case 'assess':
      await runRiskCommand(rt, ctx, sub, arg, triggerId, reply);
      return;
    case 'audit':
    case 'finding':
      return runAuditCommand(rt, ctx, sub, arg, triggerId, who.channelId, reply);
    case 'survey':
    case 'policy':
      return runSurveyCommand(rt, ctx, sub, arg, reply);
    default:
      await reply(renderHelp(rawSub));
  }
}

