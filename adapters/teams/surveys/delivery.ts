/**
 * What the Teams deliverer does for campaigns: `survey.start` resolves the audience (stored
 * personal chats and the rosters of installed teams, or the policy's people and channels) and
 * enrols it through flows, posting nothing; `survey.ask` and `survey.reminder` go the generic
 * way to the person, as the campaign's card; a reminder to someone who answered since is skipped.
 */
import type { Db } from '../../../db/client';
import type { DeliveryResult, FlowDeps, OutboxRow, SurveyAskPayload } from '../../../flows';
import * as flows from '../../../flows';
import type { CardJson } from '../card-kit';
import type { TeamsTransport } from '../teams-transport';
import { teamsAudience } from './audience';
import { surveyAskCard } from './cards';

/** The card of a `survey.ask` or `survey.reminder`, or null for other kinds. */
export function surveyNotificationCard(row: OutboxRow): CardJson | null {
  return row.kind === 'survey.ask' || row.kind === 'survey.reminder' ? surveyAskCard(row.payload as SurveyAskPayload) : null;
}

/** Whether the row is a reminder to someone who has answered since. */
export async function surveyAnsweredSince(db: Db, row: OutboxRow): Promise<boolean> {
  if (row.kind !== 'survey.reminder') return false;
  const p = row.payload as { surveyId?: unknown };
  const person = (row.recipient as { person?: unknown }).person;
  if (typeof p.surveyId !== 'number' || typeof person !== 'number') return false;
  return !(await flows.surveyAwaits(db, row.workspaceId, p.surveyId, person));
}

/** `survey.start`: resolves and enrols the audience. */
export async function enrolTeamsAudience(deps: FlowDeps, transport: Pick<TeamsTransport, 'proactive'>, row: OutboxRow): Promise<DeliveryResult> {
  const id = (row.payload as { surveyId?: unknown }).surveyId;
  if (typeof id !== 'number') return { ok: false, permanent: true, error: 'survey.start: malformed payload' };
  const survey = await flows.surveyById(deps.db, row.workspaceId, id);
  if (!survey) return { ok: false, permanent: true, error: 'survey.start: the survey no longer exists' };
  const audience = await flows.resolveAudience(deps.policy.discovery.audience, 'teams', teamsAudience(deps, transport, row.workspaceId));
  await flows.enrollAudience(deps, survey, audience.people, audience.skipped);
  return { ok: true };
}
