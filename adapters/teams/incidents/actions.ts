/**
 * Incidents in Teams: `incident [AI-3 | INC-4 [informed|reported]]` typed in chat, the
 * `incident.report` form (a bad answer comes back under its input), and the step buttons.
 * Rights and state are checked by flows.
 */
import { randomUUID } from 'node:crypto';
import type { IncidentFormValues } from '../../../flows';
import * as flows from '../../../flows';
import { localDateTime } from '../../../flows/display';
import type { CardJson } from '../card-kit';
import { messageCard } from '../card-kit';
import type { FormTurn } from '../form-flow';
import { inputValue } from '../parse-activity';
import { incidentCard, incidentConfirmationCard, incidentExportCard, incidentFormCard } from './cards';

/** A parsed incident action (see parse-activity.ts). */
export interface IncidentAction {
  action: 'incident.report' | 'incident.provider_informed' | 'incident.authority_reported';
  ref?: string | undefined;
  system?: string | undefined;
  submit?: boolean | undefined;
  /** The system was named by the command (carried, not an input). */
  named?: boolean | undefined;
}

const STEP_WORDS: Record<string, flows.IncidentStep> = { informed: 'provider_informed', 'provider-informed': 'provider_informed', reported: 'authority_reported', 'authority-reported': 'authority_reported' };

async function record(turn: FormTurn, ref: string, step: flows.IncidentStep): Promise<CardJson> {
  const r = await flows.recordIncidentStep(turn.ctx, ref, step);
  if (r.kind === 'refused') return messageCard(r.message, { error: true });
  if (!r.already) turn.afterChange();
  return messageCard(flows.stepRecordedText(r));
}

async function form(turn: FormTurn, systemRef: string, values: IncidentFormValues = {}, errors: Record<string, string> = {}, key: string = randomUUID()): Promise<CardJson> {
  const { ctx } = turn;
  const now = localDateTime(ctx.deps.clock.now(), ctx.deps.policy.organization.timezone).slice(0, 16);
  const filled = { occurred_at: now, ...values };
  if (systemRef) {
    const s = await flows.systemByRef(ctx, systemRef);
    if ('kind' in s) return messageCard(s.message, { error: true });
    return incidentFormCard({ ref: s.ref, name: s.name }, [], filled, errors, key);
  }
  const systems = await flows.incidentSystemChoices(ctx, 101);
  if (systems.length === 0) return messageCard('There are no AI systems registered here yet; register one first.', { error: true });
  return incidentFormCard(null, systems, filled, errors, key);
}

/** `incident …` typed in chat. */
export async function incidentCommand(turn: FormTurn, arg: string): Promise<CardJson> {
  const [first = '', word = ''] = arg.split(/\s+/);
  if (/^inc-/i.test(first)) {
    if (word) {
      const step = STEP_WORDS[word.toLowerCase()];
      if (!step) return messageCard(`Say what was done: incident ${first} informed (the provider) or incident ${first} reported (the authority).`, { error: true });
      return record(turn, first, step);
    }
    const v = await flows.incidentByRef(turn.ctx, first);
    return 'kind' in v ? messageCard(v.message, { error: true }) : incidentCard(v, turn.ctx.deps.policy.organization.timezone);
  }
  return form(turn, first);
}

/** Handles one incident card action. */
export async function handleIncidentAction(turn: FormTurn, a: IncidentAction, data: Record<string, unknown>): Promise<CardJson> {
  if (a.action === 'incident.provider_informed') return record(turn, a.ref ?? '', 'provider_informed');
  if (a.action === 'incident.authority_reported') return record(turn, a.ref ?? '', 'authority_reported');
  const named = a.named ? (a.system ?? '') : '';
  if (!a.submit) return form(turn, named);
  const values: IncidentFormValues = {};
  for (const f of flows.INCIDENT_FIELDS) values[f.id] = inputValue(data, f.id);
  // The form's key makes a resubmitted or raced card report one incident.
  const key = typeof data['key'] === 'string' ? data['key'] : undefined;
  const r = await flows.reportIncident(turn.ctx, values, key);
  if (r.kind === 'refused') {
    if (r.code !== 'invalid') return messageCard(r.message, { error: true });
    const errors: Record<string, string> = {};
    for (const e of r.errors ?? []) errors[e.field] = errors[e.field] ? `${errors[e.field]}; ${e.message}` : e.message;
    // A named system is not an input: its problem goes under the form.
    if (errors['system'] && named) errors['_'] = errors['system'];
    return form(turn, named, values, errors, key);
  }
  turn.afterChange();
  return incidentConfirmationCard(r.incident, turn.ctx.deps.policy.organization.timezone);
}

/** `export incidents [csv|json]` typed in chat (compliance). */
export async function incidentExportCommand(turn: FormTurn, format: string): Promise<CardJson> {
  const file = await flows.incidentExportFile(turn.ctx, format);
  if (file.kind === 'refused') return messageCard(file.message, { error: true });
  const records = await flows.incidentRecords(turn.ctx.deps.db, { workspaceId: turn.ctx.workspace.id, timezone: turn.ctx.deps.policy.organization.timezone });
  return incidentExportCard(records, format);
}
