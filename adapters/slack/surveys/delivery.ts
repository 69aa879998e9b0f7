/**
 * Delivery of the campaign notifications in Slack. `survey.start` resolves the audience with
 * Slack's user list (or the policy's people and channels) and enrols it through flows, which
 * writes one `survey.ask` per person; nothing is posted. `survey.ask` and `survey.reminder` post
 * the question in the person's DM, addressed by user id (no conversations.open per message); a
 * reminder to someone who answered since is skipped. Each post is recorded, so a retry never
 * posts twice; the pacer keeps the posts under Slack's limits.
 */
import type { DeliveryResult, OutboxRow, SurveyAskPayload } from '../../../flows';
import * as flows from '../../../flows';
import type { SlackDelivererDeps } from '../deliverer';
import { personUserId, postedFor, recipientOf, recordPosted } from '../job-targets';
import { postOnce } from '../post-once';
import { slackAudience } from './audience';
import { renderSurveyAsk } from './render';

const done: DeliveryResult = { ok: true };

/** Delivers `survey.start`, `survey.ask` and `survey.reminder`; null for other kinds. */
export async function deliverSurveyNotification(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult | null> {
  if (!row.kind.startsWith('survey.')) return null;
  const p = row.payload as Partial<SurveyAskPayload>;
  if (typeof p.surveyId !== 'number') return { ok: false, permanent: true, error: `${row.kind}: malformed payload` };
  const survey = await flows.surveyById(d.deps.db, row.workspaceId, p.surveyId);
  if (!survey) return { ok: false, permanent: true, error: `${row.kind}: the survey no longer exists` };
  if (row.kind === 'survey.start') {
    const audience = await flows.resolveAudience(d.deps.policy.discovery.audience, 'slack', slackAudience(d.client));
    await flows.enrollAudience(d.deps, survey, audience.people, audience.skipped);
    return done;
  }
  if (row.kind !== 'survey.ask' && row.kind !== 'survey.reminder') return { ok: false, permanent: true, error: `slack: no delivery for ${row.kind}` };
  const person = recipientOf(row).person;
  if (typeof person !== 'number') return { ok: false, permanent: true, error: `${row.kind}: no person` };
  if ((await postedFor(d.deps, row)).length > 0) return done;
  if (row.kind === 'survey.reminder' && !(await flows.surveyAwaits(d.deps.db, row.workspaceId, survey.id, person))) return done;
  const user = await personUserId(d.deps, person);
  if (!user) return { ok: false, permanent: true, error: 'slack: the recipient is not a Slack user' };
  const channel = await d.directory.dmChannel(user);
  const posted = await postOnce(d, row)({ channel }, renderSurveyAsk(p as SurveyAskPayload));
  d.directory.rememberDm(user, posted.channel);
  await recordPosted(d.deps, row, { role: row.kind === 'survey.ask' ? 'question' : 'reminder', conversationId: posted.channel, messageId: posted.ts });
  return done;
}
