/**
 * Incident cards for Teams: the `incident.report` form rendered from the flows' field list
 * (input ids as aims.md), the incident with both due times and the step buttons (the notice to
 * compliance and `incident INC-4`), and the reporter's confirmation. Every plain string goes
 * through the card kit, which escapes it.
 */
import type { IncidentFormValues, IncidentRecord, IncidentView, OutboxRow } from '../../../flows';
import { INCIDENT_FIELDS } from '../../../flows';
import { localDateTime } from '../../../flows/display';
import type { CardJson } from '../card-kit';
import { adaptiveCard, errorText, executeAction, facts, heading, textBlock } from '../card-kit';

/** The card action ids. */
export const INCIDENT_ACTIONS = { report: 'incident.report', providerInformed: 'incident.provider_informed', authorityReported: 'incident.authority_reported' } as const;

const when = (iso: string | null, tz: string) => (iso ? localDateTime(new Date(iso), tz) : '—');
const first = (v: IncidentFormValues[string]) => (Array.isArray(v) ? v.join(' ') : (v ?? ''));

/**
 * The form. `named` is the system the command named (carried in the submit data, not asked);
 * otherwise the reporter picks one of `systems` (or types a reference when there are many).
 */
export function incidentFormCard(named: { ref: string; name: string } | null, systems: Array<{ ref: string; name: string }>, values: IncidentFormValues, errors: Record<string, string> = {}, key?: string): CardJson {
  const body: CardJson[] = [heading(named ? `Report an incident with ${named.ref}` : 'Report an incident'), textBlock(named ? named.name : 'Compliance is told at once.')];
  for (const f of INCIDENT_FIELDS) {
    if (f.id === 'system' && named) continue;
    const base = { id: f.id, label: `${f.label}${f.required ? '' : ' (optional)'}`, value: first(values[f.id]) };
    if (f.kind === 'one') body.push({ type: 'Input.ChoiceSet', ...base, style: 'compact', choices: (f.options ?? []).map((o) => ({ title: o.label, value: o.value })) });
    else if (f.kind === 'system' && systems.length > 0 && systems.length <= 100) body.push({ type: 'Input.ChoiceSet', ...base, style: 'compact', choices: systems.map((s) => ({ title: `${s.ref} ${s.name}`, value: s.ref })) });
    else body.push({ type: 'Input.Text', ...base, isMultiline: f.kind === 'text', maxLength: f.kind === 'text' ? 3000 : 200 });
    body.push(textBlock(f.help, { isSubtle: true, size: 'Small', spacing: 'None' }));
    if (errors[f.id]) body.push(errorText(errors[f.id]!));
  }
  if (errors['_']) body.push(errorText(errors['_']));
  return adaptiveCard(body, { actions: [executeAction('Report', { action: INCIDENT_ACTIONS.report, submit: true, ...(named ? { system: named.ref, named: true } : {}), ...(key ? { key } : {}) }, { style: 'positive' })] });
}

/** The incident with its clocks, notes and, while a step is open, the buttons to record it. */
export function incidentCard(v: IncidentView, tz: string, notes: readonly string[] = [], title = `Incident ${v.ref}`): CardJson {
  const body: CardJson[] = [
    heading(title),
    facts([
      ['System', `${v.system.ref} ${v.system.name} (${v.system.riskClass ?? 'not classified'})`],
      ['Owner', v.system.owner],
      ['Serious', v.serious ? 'yes' : 'no'],
      ['Harm', v.harmLabel],
      ['People affected', v.peopleAffected],
      ['Happened', when(v.occurredAt, tz)],
      ['Reported', `${when(v.reportedAt, tz)}${v.reportedBy ? ` by ${v.reportedBy}` : ''}`],
      ['Inform the provider (Art. 26(5))', v.providerInformDueAt ? `immediately — due ${when(v.providerInformDueAt, tz)}${v.providerInformedAt ? `; done ${when(v.providerInformedAt, tz)}` : ''}` : null],
      [`Report to the authority (${v.reportArticle ?? 'Art. 73'})`, v.authorityReportDueAt ? `due ${when(v.authorityReportDueAt, tz)}${v.authorityReportedAt ? `; done ${when(v.authorityReportedAt, tz)}` : ''}` : null],
      ['Nonconformity', v.nc ? `${v.nc} (major)` : null],
    ]),
    textBlock(v.description),
  ];
  if (v.serious && !v.authorityReportDueAt) body.push(textBlock('No EU AI Act reporting clock: the system is not high-risk.', { isSubtle: true }));
  for (const n of notes) body.push(textBlock(n, { isSubtle: true, size: 'Small', spacing: 'Small' }));
  const actions = [
    ...(v.providerInformDueAt && !v.providerInformedAt ? [executeAction('Provider informed', { action: INCIDENT_ACTIONS.providerInformed, ref: v.ref }, { style: 'positive' })] : []),
    ...(v.authorityReportDueAt && !v.authorityReportedAt ? [executeAction('Authority report sent', { action: INCIDENT_ACTIONS.authorityReported, ref: v.ref })] : []),
  ];
  return adaptiveCard(body, { actions });
}

/** The reporter's confirmation. */
export function incidentConfirmationCard(v: IncidentView, tz: string): CardJson {
  const lines = [textBlock(`✅ Thank you. Your report is ${v.ref}; compliance has been told.`, { weight: 'Bolder' })];
  if (v.authorityReportDueAt) lines.push(textBlock(`It is a serious incident with a high-risk system: the provider must be informed now, and the authority's report is due ${when(v.authorityReportDueAt, tz)}.`));
  if (v.nc) lines.push(textBlock(`Nonconformity ${v.nc} was opened for the follow-up.`));
  return adaptiveCard(lines);
}

/** The card of an `incident.reported` notice, or null for other kinds. */
export function incidentNoticeCard(row: OutboxRow, tz: string): CardJson | null {
  if (row.kind !== 'incident.reported') return null;
  const p = row.payload as { incident?: IncidentView; notes?: string[] };
  if (!p.incident) return null;
  return incidentCard(p.incident, tz, p.notes ?? [], `${p.incident.serious ? 'Serious incident' : 'Incident'} reported: ${p.incident.ref}`);
}

/**
 * `export incidents` in Teams (compliance): the incidents as a card, at most 30 (a card holds
 * about 28 KB; Teams bots here send no files), with the command that writes the whole file.
 */
export function incidentExportCard(records: ReadonlyArray<Pick<IncidentRecord, 'ref' | 'system_ref' | 'harm' | 'serious' | 'authority_report_due_at_local' | 'authority_reported_at' | 'nc'>>, format: string): CardJson {
  const body: CardJson[] = [heading(`Incidents: ${records.length}`)];
  for (const r of records.slice(0, 30)) {
    const due = r.authority_report_due_at_local ? `; authority report due ${r.authority_report_due_at_local}${r.authority_reported_at ? ' (sent)' : ''}` : '';
    body.push(textBlock(`${r.ref} ${r.system_ref}: ${r.harm}${r.serious ? ', serious' : ''}${due}${r.nc ? `; ${r.nc}` : ''}`, { spacing: 'Small' }));
  }
  if (records.length > 30) body.push(textBlock(`…and ${records.length - 30} more.`));
  body.push(textBlock(`The whole export as a file: aimsbot export incidents --format ${format === 'json' ? 'json' : 'csv'}`, { isSubtle: true, size: 'Small' }));
  return adaptiveCard(body);
}
