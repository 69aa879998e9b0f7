/**
 * Delivery of `incident.reported` to compliance (the digest channel of the policy, else the
 * approvals channel): the incident with both due times and the buttons to record the steps.
 * Rendered from the incident as it is now; recorded, so a retry never posts twice.
 */
import type { DeliveryResult, IncidentReportedPayload, OutboxRow } from '../../../flows';
import * as flows from '../../../flows';
import type { SlackDelivererDeps } from '../deliverer';
import { policyChannel, postedFor, recordPosted } from '../job-targets';
import { postOnce } from '../post-once';
import { renderIncident } from './render';

/** Posts the incident notice. */
export async function deliverIncidentNotice(d: SlackDelivererDeps, row: OutboxRow): Promise<DeliveryResult> {
  const p = row.payload as Partial<IncidentReportedPayload>;
  if (typeof p.incidentId !== 'number' || !p.incident) return { ok: false, permanent: true, error: `${row.kind}: malformed payload` };
  if ((await postedFor(d.deps, row)).length > 0) return { ok: true };
  const where = await policyChannel(d.deps, 'digest', row.workspaceId);
  if ('failure' in where) return where.failure;
  const current = await flows.incidentOf(d.deps.db, row.workspaceId, flows.parseIncidentRef(p.incident.ref ?? '') ?? 0);
  const view = current ? await flows.incidentViewOf(d.deps.db, current) : p.incident;
  const tz = d.deps.policy.organization.timezone;
  const posted = await postOnce(d, row)({ channel: where.channel }, renderIncident(view, tz, p.notes ?? [], `${view.serious ? 'Serious incident' : 'Incident'} reported: ${view.ref}`));
  await recordPosted(d.deps, row, { role: 'notice', conversationId: posted.channel, messageId: posted.ts });
  return { ok: true };
}
