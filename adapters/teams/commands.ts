/** Text commands in personal chat and channels: each answers with a card. */
import * as flows from '../../flows';
import type { Answers } from '../../flows/triage/types';
import type { CardJson } from './card-kit';
import { messageCard } from './card-kit';
import type { FormTurn } from './form-flow';
import { startForm } from './form-flow';
import { firstPage } from './form-cards';
import type { Command } from './parse-activity';
import { checkCard, helpCard, listCard, notFoundCard, pendingCard, systemCard } from './render-views';
import { startReview } from './review-actions';
import { timezoneOf } from '../../flows/display';
import { teamsControlsCommand, teamsSoaCommand } from './controls/actions';
import { home, inventory, startImpact, withImpactLine } from './impact/actions';
import { taskListCard } from './tasks/cards';
import { riskCommand } from './risks';
import { incidentCommand, incidentExportCommand } from './incidents';
import { ncCommand, ncExportCommand } from './improvement';
import { auditCommand, auditExportCommand } from './audits';
import { catalogOfferCard, editCommand, startRegistration, transferCommand, unwrapTeamsLink } from './catalog';
import { surveyCommand } from './surveys';
import { managementReviewExportCard } from './management-review/export';

const usage = (text: string) => messageCard(`Usage: ${text}`);

/** Runs a command and returns the card to reply with. */
export async function runCommand(turn: FormTurn, command: Command): Promise<CardJson> {
  const { ctx } = turn;
  const { arg } = command;
  if (command.name === 'export' && /^literacy\b/i.test(arg)) return surveyCommand(turn, 'export', arg);
  switch (command.name) {
    case 'help':
      return helpCard();
    case 'register':
      if (arg) return startRegistration(turn, arg);
      return startForm(turn, { flow: 'register', page: 1, fields: {}, answers: {} });
    case 'check': {
      if (!arg) return usage('check <name>, e.g. check ChatGPT');
      const r = await flows.check(ctx, unwrapTeamsLink(arg));
      if (r.kind === 'refused') return messageCard(r.message, { error: true });
      if (r.kind === 'not_found' && r.catalog) return catalogOfferCard(r.catalog, r.suggestions);
      return r.kind === 'found' ? checkCard(r.check) : notFoundCard(r.query, r.suggestions);
    }
    case 'transfer':
      return transferCommand(turn, arg);
    case 'edit':
      return editCommand(turn, arg);
    case 'list':
      return listCard(await flows.listMine(ctx), timezoneOf(ctx.deps.policy));
    case 'show': {
      if (!arg) return usage('show <ref>, e.g. show AI-1');
      const r = await flows.show(ctx, arg);
      if (r.kind === 'refused') return messageCard(r.message, { error: true });
      return withImpactLine(ctx, r.system, systemCard(r.system, r.request, undefined, timezoneOf(ctx.deps.policy)));
    }
    case 'impact':
      return startImpact(ctx, arg);
    case 'inventory':
      return inventory(ctx, arg);
    case 'home':
    case 'dashboard':
      return home(ctx);
    case 'pending':
      return pendingCard(await flows.pendingForMe(ctx));
    case 'review': {
      if (!arg) return usage('review <ref>, e.g. review AI-1');
      return startReview(ctx, arg);
    }
    case 'resubmit': {
      if (!arg) return usage('resubmit <ref>, e.g. resubmit AI-1');
      const found = await flows.resubmittable(ctx, arg);
      if ('kind' in found) return messageCard(found.message, { error: true });
      return startForm(turn, { flow: 'resubmit', ref: found.ref, page: firstPage('resubmit'), fields: {}, answers: {} }, (found.assessment?.answers ?? {}) as Answers);
    }
    case 'controls':
      return teamsControlsCommand(turn, arg);
    case 'soa':
      return teamsSoaCommand(turn);
    case 'management-review': {
      const r = await flows.managementReviewCommand(ctx, arg);
      return messageCard(r.text, r.ok ? {} : { error: true });
    }
    case 'tasks': {
      const r = await flows.listTasks(ctx, arg);
      return 'kind' in r ? messageCard(r.message, { error: true }) : taskListCard(r);
    }
    case 'risks':
    case 'assess':
      return riskCommand(turn, command.name, arg);
    case 'incident':
      return incidentCommand(turn, arg);
    case 'nc':
      return ncCommand(turn, arg);
    case 'export': {
      const [what = '', format = 'csv'] = arg.toLowerCase().split(/\s+/);
      if (what === 'incidents') return incidentExportCommand(turn, format);
      if (what === 'nonconformities') return ncExportCommand(turn, arg);
      if (what === 'audit-report' || what === 'audits') return auditExportCommand(turn, arg);
      if (what === 'management-review') return managementReviewExportCard(turn, arg);
      return usage('In chat (compliance): export incidents|nonconformities|audits|literacy [csv|json], export audit-report <id>, export management-review <id>. Other exports: aimsbot export on the command line.');
    }
    case 'audit':
    case 'finding':
      return auditCommand(turn, command.name, arg);
    case 'survey':
    case 'policy':
      return surveyCommand(turn, command.name, arg);
    default: {
      const card = helpCard(`Unknown command "${command.name}". `);
      return card;
    }
  }
}
