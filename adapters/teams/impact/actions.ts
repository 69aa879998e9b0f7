/**
 * Teams commands and card actions of the impact area: `impact <ref>` and "Assess impact" answer
 * with the impact card (who may assess is checked first); "Save" validates in flows and shows
 * each problem under its input; `inventory [filter]` and "Next page"; `home` the dashboard.
 */
import type { FlowContext, SystemView } from '../../../flows';
import * as flows from '../../../flows';
import { timezoneOf } from '../../../flows/display';
import type { CardJson } from '../card-kit';
import { day, messageCard, textBlock } from '../card-kit';
import type { FormTurn } from '../form-flow';
import { dashboardCard, impactCard, inventoryCard } from './cards';

/** `impact <ref>` and the "Assess impact" action: the card, or why not. */
export async function startImpact(ctx: FlowContext, ref: string): Promise<CardJson> {
  if (!ref) return messageCard('Usage: impact <ref>, e.g. impact AI-1');
  const form = await flows.impactForm(ctx, ref);
  return 'kind' in form ? messageCard(form.message, { error: true }) : impactCard(form);
}

/** "Save" on the impact card: the inputs arrive merged into `data`. */
export async function submitImpact(turn: FormTurn, ref: string, data: Record<string, unknown>): Promise<CardJson> {
  const ctx = turn.ctx;
  const form = await flows.impactForm(ctx, ref);
  if ('kind' in form) return messageCard(form.message, { error: true });
  // Only the questions' inputs are answers; the action's own keys are not.
  const answers: Record<string, string> = {};
  for (const q of form.questions) answers[q.id] = typeof data[q.id] === 'string' ? (data[q.id] as string) : '';
  const r = await flows.assessImpact(ctx, ref, answers);
  if (r.kind === 'refused') {
    if (r.code !== 'invalid' || !r.errors?.length) return messageCard(r.message, { error: true });
    return impactCard(form, Object.fromEntries(r.errors.map((e) => [e.field, e.message])), answers);
  }
  turn.afterChange();
  const due = r.impact.dueAt ? ` The next one falls due with the review on ${day(r.impact.dueAt, timezoneOf(ctx.deps.policy))}.` : '';
  return messageCard(
    r.created ? `Impact assessment ${r.impact.ref} recorded${r.impact.fria ? ', with the Art. 27 elements (FRIA)' : ''}.${due}` : `${r.impact.ref} already has these answers; nothing new was recorded.`,
  );
}

/** `inventory [filter]` and "Next page". */
export async function inventory(ctx: FlowContext, filter: string): Promise<CardJson> {
  const r = await flows.inventoryPage(ctx, filter);
  return r.kind === 'refused' ? messageCard(r.message, { error: true }) : inventoryCard(r, timezoneOf(ctx.deps.policy));
}

/** `home`: the personal compliance dashboard. */
export async function home(ctx: FlowContext): Promise<CardJson> {
  const d = await flows.complianceDashboard(ctx);
  return 'kind' in d ? messageCard(d.message, { error: true }) : dashboardCard(flows.dashboardSections(d, timezoneOf(ctx.deps.policy)));
}

/** The system card of `show` with the impact line at its end. */
export async function withImpactLine(ctx: FlowContext, system: SystemView, card: CardJson): Promise<CardJson> {
  const line = await flows.impactLineFor(ctx, system, (d) => day(d, timezoneOf(ctx.deps.policy)));
  if (!line) return card;
  return { ...card, body: [...(card.body as CardJson[]), textBlock(line, { isSubtle: true })] };
}
