/** The shell's lines for campaigns: `survey.start` enrols everyone the workspace knows; a question names the command that answers it. */
import type { FlowDeps, OutboxRow, SurveyAskPayload } from '../../../flows';
import * as flows from '../../../flows';

/** `survey.start`: enrols the audience (people the shell has met, or the policy's) and says so; null when the survey is gone. */
export async function surveyStartedLine(deps: FlowDeps, row: OutboxRow): Promise<string | null> {
  const id = (row.payload as { surveyId?: unknown }).surveyId;
  const survey = typeof id === 'number' ? await flows.surveyById(deps.db, row.workspaceId, id) : null;
  if (!survey) return null;
  const audience = await flows.resolveAudience(deps.policy.discovery.audience, 'shell', flows.knownPeopleDirectory(deps.db, row.workspaceId, 'shell'));
  const r = await flows.enrollAudience(deps, survey, audience.people, audience.skipped);
  return `[#digest] campaign ${survey.ref} started: ${r.asked} ${r.asked === 1 ? 'person' : 'people'} asked`;
}

/** What answers a campaign's question in the shell. */
export function surveyHint(p: Partial<SurveyAskPayload>): string {
  if (p.kind === 'ai_use') return ` — /aims survey answer ${p.ref ?? ''} none | <tools>`;
  if (p.kind === 'policy_ack') return ` — /aims policy acknowledge ${p.policy?.version ?? ''}`;
  return ' — /aims literacy <link or note>';
}
