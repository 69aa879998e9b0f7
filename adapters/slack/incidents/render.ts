/**
 * Incidents in Block Kit: the notice to compliance and `incident INC-4` (the incident with both
 * due times, the NC, the notes on the law's judgement calls, and the buttons recording that the
 * provider was informed and the authority reported), and the reporter's confirmation. User text
 * goes through `esc`.
 */
import type { IncidentView } from '../../../flows';
import { localDateTime } from '../../../flows/display';
import type { Block } from '../blocks';
import { button, context, header, LIMITS, section } from '../blocks';
import { clipMrkdwn, esc } from '../mrkdwn';
import type { SlackMessage } from '../render-request';

/** The button ids (aims.md names `incident.report`; these record the steps the clocks ask for). */
export const INCIDENT_ACTIONS = { providerInformed: 'incident.provider_informed', authorityReported: 'incident.authority_reported' } as const;
/** Callback id of the incident modal (the form id of aims.md). */
export const INCIDENT_CALLBACK = 'incident.report';

const when = (iso: string | null, tz: string) => (iso ? localDateTime(new Date(iso), tz) : '—');

/** The lines of an incident in mrkdwn. */
export function incidentMrkdwn(v: IncidentView, tz: string): string[] {
  const lines = [
    `*${esc(v.ref)}* · ${v.serious ? ':rotating_light: *serious*' : 'not serious'} · ${esc(v.system.ref)} _${esc(v.system.name)}_ (${esc(v.system.riskClass ?? 'not classified')}) · owner ${esc(v.system.owner)}`,
    `*Harm:* ${esc(v.harmLabel)}${v.peopleAffected ? ` · *people affected:* ${esc(v.peopleAffected)}` : ''}`,
    `*Happened:* ${when(v.occurredAt, tz)} · *reported:* ${when(v.reportedAt, tz)}${v.reportedBy ? ` by ${esc(v.reportedBy)}` : ''}`,
    esc(v.description),
  ];
  if (v.providerInformDueAt) lines.push(`:alarm_clock: *Inform the provider* (Art. 26(5)): immediately — due ${when(v.providerInformDueAt, tz)}${v.providerInformedAt ? ` · :white_check_mark: done ${when(v.providerInformedAt, tz)}` : ''}`);
  if (v.authorityReportDueAt) lines.push(`:alarm_clock: *Report to the market surveillance authority* (${esc(v.reportArticle ?? 'Art. 73')}): due ${when(v.authorityReportDueAt, tz)}${v.authorityReportedAt ? ` · :white_check_mark: done ${when(v.authorityReportedAt, tz)}` : ''}`);
  if (v.serious && !v.authorityReportDueAt) lines.push('No EU AI Act reporting clock: the system is not high-risk.');
  if (v.nc) lines.push(`Nonconformity *${esc(v.nc)}* opened (major).`);
  return lines;
}

/** The incident with its notes and, while a step is open, the buttons to record it. */
export function renderIncident(v: IncidentView, tz: string, notes: readonly string[] = [], title = `Incident ${v.ref}`): SlackMessage {
  const blocks: Block[] = [header(title), section(clipMrkdwn(incidentMrkdwn(v, tz).join('\n'), LIMITS.sectionText))];
  if (notes.length) blocks.push(context(clipMrkdwn(notes.map(esc).join('\n'), LIMITS.sectionText)));
  const elements = [
    ...(v.providerInformDueAt && !v.providerInformedAt ? [button('Provider informed', INCIDENT_ACTIONS.providerInformed, v.ref, 'primary')] : []),
    ...(v.authorityReportDueAt && !v.authorityReportedAt ? [button('Authority report sent', INCIDENT_ACTIONS.authorityReported, v.ref)] : []),
  ];
  if (elements.length) blocks.push({ type: 'actions', block_id: 'incident', elements });
  const due = v.authorityReportDueAt ? ` — report due ${when(v.authorityReportDueAt, tz)}` : '';
  return { text: clipMrkdwn(`${title}: ${esc(v.system.ref)} ${esc(v.harmLabel)}${due}`, LIMITS.messageText), blocks };
}

/** The reporter's confirmation. */
export function renderIncidentConfirmation(v: IncidentView, tz: string): SlackMessage {
  const lines = [`:white_check_mark: Thank you. Your report is *${esc(v.ref)}*; compliance has been told.`];
  if (v.authorityReportDueAt) lines.push(`It is a serious incident with a high-risk system: the provider must be informed now, and the authority's report is due ${when(v.authorityReportDueAt, tz)}.`);
  if (v.nc) lines.push(`Nonconformity ${esc(v.nc)} was opened for the follow-up.`);
  return { text: `Reported as ${esc(v.ref)}`, blocks: [section(lines.join('\n'))] };
}
