/**
 * Campaign commands and card actions in Teams: `survey [ai-use|policy|literacy]` (compliance),
 * `policy` (anyone), `export literacy [csv|json]` (compliance: the file's text in the chat);
 * `survey.answer` (inputs `tools`, a comma-separated multi-select, and `other_tools`),
 * `policy.acknowledge` (`version`) and `literacy.attest` (input `evidence`). A refused answer
 * comes back as the form with the problem; a second click hears it was already done.
 */
import * as flows from '../../../flows';
import type { CardJson } from '../card-kit';
import { messageCard } from '../card-kit';
import type { FormTurn } from '../form-flow';
import type { CardAction } from '../parse-activity';
import { answeredCard, literacyCard, policyCard, surveyAnswerCard } from './cards';

type SurveyAction = Extract<CardAction, { action: 'survey.answer' | 'policy.acknowledge' | 'literacy.attest' }>;

const text = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? v.filter((x) => typeof x === 'string').join(',') : '');

/** Runs `survey`, `policy` and `export literacy`. */
export async function surveyCommand(turn: FormTurn, name: 'survey' | 'policy' | 'export', arg: string): Promise<CardJson> {
  const { ctx } = turn;
  if (name === 'policy') {
    const v = await flows.policyView(ctx);
    return 'kind' in v ? messageCard(v.message, { error: true }) : policyCard(v, ctx.deps.policy.organization.timezone);
  }
  if (name === 'export') {
    const [, format = 'csv'] = arg.split(/\s+/);
    const file = await flows.literacyExportFile(ctx, format);
    if (file.kind === 'refused') return messageCard(file.message, { error: true });
    return messageCard(`${file.filename} (${file.rows} people):\n\n${file.content.replace(/^\uFEFF/, '')}`, { title: 'AI policy acknowledgements and literacy' });
  }
  const r = await flows.startSurveyCommand(ctx, arg);
  if (r.kind === 'refused') return messageCard(r.message, { error: true });
  turn.afterChange();
  const what = r.survey.kind === 'ai_use' ? 'AI-use survey' : r.survey.kind === 'policy_ack' ? 'AI policy acknowledgement' : 'AI literacy round';
  return messageCard(`Started ${what} ${r.survey.ref}: everyone in the audience gets one personal message, and one reminder if they have not answered.`);
}

/** Handles a campaign card action; returns the card for the person who clicked. */
export async function handleSurveyAction(turn: FormTurn, action: SurveyAction, data: Record<string, unknown>): Promise<CardJson> {
  const { ctx } = turn;
  if (action.action === 'survey.answer') {
    const tools = text(data.tools)
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const r = await flows.answerSurvey(ctx, action.survey, { tools, otherTools: text(data.other_tools) });
    if (r.kind === 'refused') return r.code === 'invalid' ? surveyAnswerCard(action.survey, `Survey ${action.survey}`, r.errors?.[0]?.message ?? r.message) : messageCard(r.message, { error: true });
    turn.afterChange();
    return answeredCard(r);
  }
  if (action.action === 'policy.acknowledge') {
    const r = await flows.acknowledgePolicy(ctx, action.version);
    if (r.kind === 'refused') return messageCard(r.message, { error: r.code !== 'closed' });
    const tz = ctx.deps.policy.organization.timezone;
    return messageCard(r.fresh ? `Thank you: your acknowledgement of the AI policy, version ${r.version}, is recorded.` : `You already acknowledged version ${r.version} of the AI policy on ${flows.localDay(r.at, tz)}.`);
  }
  const ref = action.survey ?? 'policy';
  if (action.submit !== true) return literacyCard(ref);
  const r = await flows.attestLiteracy(ctx, text(data.evidence));
  if (r.kind === 'refused') return literacyCard(ref, r.errors?.[0]?.message ?? r.message);
  if (!r.fresh) return messageCard(`You already recorded this AI literacy training on ${flows.localDay(r.at, ctx.deps.policy.organization.timezone)}.`);
  return messageCard('Thank you: your AI literacy training is recorded.');
}
