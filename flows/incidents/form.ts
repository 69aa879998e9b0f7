/**
 * The incident form as data (spec/aims.md `incident.report`): one definition of the fields that
 * Slack modals, Teams cards and the shell conversation render, and one validation of what comes
 * back. `serious` may be left empty: then the default rule of the spec decides (see
 * {@link defaultSerious}).
 */
import { fromZoned } from '../jobs/time';
import { cleanMultiline, multiLineProblem, oneLineProblem } from '../triage/text';
import type { FieldError } from '../triage/types';
import { parseSystemRef } from '../views';

/** The kinds of harm of aims.md, in the order forms offer them. */
export const INCIDENT_HARMS = ['none', 'to_person', 'to_rights', 'to_property_or_environment', 'critical_infrastructure', 'death_or_serious_health'] as const;
/** One kind of harm. */
export type IncidentHarm = (typeof INCIDENT_HARMS)[number];

/** How each harm is named to people. */
export const HARM_LABEL: Readonly<Record<IncidentHarm, string>> = {
  none: 'No harm (a near miss or a malfunction)',
  to_person: 'Harm to a person',
  to_rights: 'Infringement of fundamental rights',
  to_property_or_environment: 'Harm to property or the environment',
  critical_infrastructure: 'Disruption of critical infrastructure',
  death_or_serious_health: 'Death or serious harm to health',
};

/** Harms that make an incident with a high-risk system serious when the reporter does not say (spec clarifications). */
export const SERIOUS_BY_DEFAULT: ReadonlySet<IncidentHarm> = new Set(['to_person', 'to_rights', 'critical_infrastructure', 'death_or_serious_health']);

/** The longest description kept. */
export const INCIDENT_TEXT_MAX = 3000;

/** One choice of a field. */
export interface IncidentFieldOption {
  value: string;
  label: string;
}

/** One field of the incident form. */
export interface IncidentField {
  /** The form field id of aims.md. */
  id: 'system' | 'occurred_at' | 'description' | 'harm' | 'people_affected' | 'serious' | 'widespread';
  label: string;
  /** A system, a date and time, free text, one line, or a pick-one list. */
  kind: 'system' | 'datetime' | 'text' | 'line' | 'one';
  required: boolean;
  help: string;
  options?: IncidentFieldOption[];
}

const YES_NO: IncidentFieldOption[] = [
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
];

/** The fields, in the order forms ask them. */
export const INCIDENT_FIELDS: readonly IncidentField[] = [
  { id: 'system', label: 'AI system', kind: 'system', required: true, help: 'The system involved, e.g. AI-3.' },
  { id: 'occurred_at', label: 'When it happened', kind: 'datetime', required: true, help: 'Date and time (YYYY-MM-DD HH:MM, in the organisation time zone); not in the future.' },
  { id: 'description', label: 'What happened', kind: 'text', required: true, help: 'In plain words: what the system did and what followed.' },
  { id: 'harm', label: 'Harm', kind: 'one', required: true, help: 'The worst harm caused or likely.', options: INCIDENT_HARMS.map((h) => ({ value: h, label: HARM_LABEL[h] })) },
  { id: 'people_affected', label: 'People affected', kind: 'line', required: false, help: 'How many, or who (e.g. 12, or "one applicant").' },
  {
    id: 'serious',
    label: 'Serious incident?',
    kind: 'one',
    required: false,
    help: 'A serious incident (EU AI Act Art. 3(49)). Left empty: harm to a person, to rights, to critical infrastructure, or a death, with a high-risk system, counts as serious.',
    options: YES_NO,
  },
  {
    id: 'widespread',
    label: 'Widespread infringement?',
    kind: 'one',
    required: false,
    help: 'It affects people in several EU countries or many people (Art. 3(61)); the authority must then be told within 2 days.',
    options: YES_NO,
  },
];

/** Raw answers, as adapters collect them. */
export type IncidentFormValues = Partial<Record<string, string | string[] | null | undefined>>;

/** The answers, validated. */
export interface IncidentInput {
  /** `AI-3`, as typed; the flow checks the system exists in this workspace. */
  systemRef: string;
  occurredAt: Date;
  description: string;
  harm: IncidentHarm;
  peopleAffected: string | null;
  /** As the reporter answered; null when left empty (the default rule decides). */
  serious: boolean | null;
  widespread: boolean;
}

function text(v: IncidentFormValues[string]): string {
  if (Array.isArray(v)) return v.join(' ').trim();
  return (v ?? '').trim();
}

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::\d{2}(?:\.\d{1,3})?)?)?$/;
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * When it happened: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` (local time in `tz`) or an ISO time with a
 * zone (what the Slack date-time picker gives once converted). Null when it is none of those.
 */
export function parseOccurredAt(t: string, tz: string): Date | null {
  if (ZONED_TIME.test(t)) {
    const at = new Date(t);
    return Number.isNaN(at.getTime()) ? null : at;
  }
  const m = LOCAL_TIME.exec(t);
  if (!m) return null;
  const [y, mo, d, h = '0', mi = '0'] = m.slice(1).map((x) => x ?? undefined) as string[];
  const probe = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (probe.getUTCMonth() !== Number(mo) - 1 || probe.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59) return null;
  return fromZoned(Number(y), Number(mo), Number(d), Number(h), Number(mi), tz);
}

function yesNo(field: string, v: IncidentFormValues[string], errors: FieldError[]): boolean | null {
  const t = text(v).toLowerCase();
  if (!t) return null;
  if (['yes', 'y', 'true'].includes(t)) return true;
  if (['no', 'n', 'false'].includes(t)) return false;
  errors.push({ field, message: `answer yes or no (got "${t.slice(0, 20)}")` });
  return null;
}

/**
 * Validates the answers. `now` bounds `occurred_at` (not in the future); `tz` reads a time
 * without a zone. Returns the input or every problem found, each naming its field.
 */
export function parseIncidentForm(values: IncidentFormValues, now: Date, tz: string): IncidentInput | FieldError[] {
  const errors: FieldError[] = [];
  const systemText = text(values['system']);
  if (!systemText) errors.push({ field: 'system', message: 'name the AI system, e.g. AI-3' });
  else if (parseSystemRef(systemText) === null) errors.push({ field: 'system', message: `"${systemText.slice(0, 30)}" is not a system reference such as AI-3` });
  const whenText = text(values['occurred_at']);
  const occurredAt = whenText ? parseOccurredAt(whenText, tz) : null;
  if (!whenText) errors.push({ field: 'occurred_at', message: 'say when it happened, e.g. 2026-11-30 14:00' });
  else if (!occurredAt) errors.push({ field: 'occurred_at', message: `"${whenText.slice(0, 30)}" is not a date and time such as 2026-11-30 14:00` });
  else if (occurredAt.getTime() > now.getTime()) errors.push({ field: 'occurred_at', message: 'cannot be in the future' });
  const description = cleanMultiline(text(values['description']));
  if (!description) errors.push({ field: 'description', message: 'describe what happened' });
  else if (multiLineProblem(description)) errors.push({ field: 'description', message: multiLineProblem(description)! });
  else if (description.length > INCIDENT_TEXT_MAX) errors.push({ field: 'description', message: `must be at most ${INCIDENT_TEXT_MAX} characters (it has ${description.length})` });
  const harmText = text(values['harm']).toLowerCase();
  const harm = INCIDENT_HARMS.find((h) => h === harmText) ?? null;
  if (!harm) errors.push({ field: 'harm', message: harmText ? `"${harmText.slice(0, 30)}" is not a kind of harm; choose one of ${INCIDENT_HARMS.join(', ')}` : `choose the harm: one of ${INCIDENT_HARMS.join(', ')}` });
  const people = text(values['people_affected']);
  if (people && oneLineProblem(people)) errors.push({ field: 'people_affected', message: oneLineProblem(people)! });
  else if (people.length > 200) errors.push({ field: 'people_affected', message: `must be at most 200 characters (it has ${people.length})` });
  const serious = yesNo('serious', values['serious'], errors);
  const widespread = yesNo('widespread', values['widespread'], errors) ?? false;
  if (errors.length > 0 || !harm || !occurredAt) return errors;
  return { systemRef: systemText, occurredAt, description, harm, peopleAffected: people || null, serious, widespread };
}

/** The spec's default: with a high-risk system, harm to a person, to rights, to critical infrastructure, or a death, is serious. */
export function defaultSerious(harm: IncidentHarm, riskClass: string | null): boolean {
  return riskClass === 'high' && SERIOUS_BY_DEFAULT.has(harm);
}
