/**
 * The nonconformity forms as data (spec/aims.md ids): `nc.raise` (fields `source`, `severity`,
 * `description`, `owner`), `nc.containment` (`containment`), `nc.root_cause` (`root_cause`),
 * `nc.add_action` (`title`, `assignee`, `due_date`) and `nc.verify` (`effective`). One
 * definition every adapter renders, one validation of what comes back.
 */
import { parseDay } from '../risks/form';
import { cleanMultiline, multiLineProblem, oneLineProblem } from '../triage/text';
import type { FieldError } from '../triage/types';
import type { NcSeverity, NcSource } from './open-nc';
import { PERSON_ID } from '../identity';

/** The button and form ids of aims.md. */
export const NC_ACTIONS = {
  raise: 'nc.raise',
  containment: 'nc.containment',
  rootCause: 'nc.root_cause',
  addAction: 'nc.add_action',
  verify: 'nc.verify',
  close: 'nc.close',
} as const;

/** Where a nonconformity comes from, in the order forms offer them. */
export const NC_SOURCES: readonly NcSource[] = ['audit', 'incident', 'review', 'complaint', 'other'];
/** How bad it is. */
export const NC_SEVERITIES: readonly NcSeverity[] = ['minor', 'major'];
/** The longest description, containment, root cause, in characters. */
export const NC_TEXT_MAX = 2000;
/** The longest action title. */
export const NC_TITLE_MAX = 200;

/** One field of an NC form. */
export interface NcField {
  id: string;
  label: string;
  /** A pick-one list, one line, free text, a person, a date. */
  kind: 'one' | 'line' | 'text' | 'person' | 'date';
  required: boolean;
  help: string;
  options?: Array<{ value: string; label: string }>;
}

const SOURCE_LABEL: Record<NcSource, string> = { audit: 'Internal audit', incident: 'Incident', review: 'Management review', complaint: 'Complaint', other: 'Other' };

/** `nc.raise` */
export const NC_RAISE_FIELDS: readonly NcField[] = [
  { id: 'source', label: 'Source', kind: 'one', required: true, help: 'Where the nonconformity was found.', options: NC_SOURCES.map((s) => ({ value: s, label: SOURCE_LABEL[s] })) },
  { id: 'severity', label: 'Severity', kind: 'one', required: true, help: 'Major: the system does not work as required; minor: a lapse.', options: NC_SEVERITIES.map((s) => ({ value: s, label: s === 'major' ? 'Major' : 'Minor' })) },
  { id: 'description', label: 'What is wrong', kind: 'text', required: true, help: 'The requirement that is not met, and the evidence.' },
  { id: 'owner', label: 'Owner', kind: 'person', required: true, help: 'Who contains it, finds the root cause and plans the corrective actions.' },
];
/** `nc.containment` */
export const NC_CONTAINMENT_FIELDS: readonly NcField[] = [{ id: 'containment', label: 'Immediate correction', kind: 'text', required: true, help: 'What was done at once to contain it.' }];
/** `nc.root_cause` */
export const NC_ROOT_CAUSE_FIELDS: readonly NcField[] = [{ id: 'root_cause', label: 'Root cause', kind: 'text', required: true, help: 'Why it happened; corrective actions address this.' }];
/** `nc.add_action` */
export const NC_ACTION_FIELDS: readonly NcField[] = [
  { id: 'title', label: 'Corrective action', kind: 'line', required: true, help: 'What will be done to remove the cause.' },
  { id: 'assignee', label: 'Assignee', kind: 'person', required: true, help: 'Who does it.' },
  { id: 'due_date', label: 'Due date', kind: 'date', required: true, help: 'YYYY-MM-DD, today or later.' },
];
/** `nc.verify` */
export const NC_VERIFY_FIELDS: readonly NcField[] = [
  {
    id: 'effective',
    label: 'Were the actions effective?',
    kind: 'one',
    required: true,
    help: 'No reopens the nonconformity: the root cause is kept and new actions are needed.',
    options: [
      { value: 'yes', label: 'Yes: the nonconformity has not recurred' },
      { value: 'no', label: 'No: reopen it' },
    ],
  },
];

/** Raw answers as adapters collect them. */
export type NcFormValues = Partial<Record<string, string | null | undefined>>;

/** A person as forms give it: `slack:U1`, `teams:<id>`, `shell:alice`, `email:a@b`. */

const str = (v: NcFormValues[string]): string => (v ?? '').trim();

/** Free text cleaned (bidi controls dropped), or a problem. */
export function ncText(field: string, v: NcFormValues[string], errors: FieldError[], what: string): string {
  const t = cleanMultiline(str(v)).trim();
  if (!t) errors.push({ field, message: what });
  const problem = t ? multiLineProblem(t) : null;
  if (problem) errors.push({ field, message: problem });
  if (t.length > NC_TEXT_MAX) errors.push({ field, message: `must be at most ${NC_TEXT_MAX} characters (it has ${t.length})` });
  return t;
}

function person(field: string, v: NcFormValues[string], errors: FieldError[], what: string): string {
  const t = str(v);
  if (!t) errors.push({ field, message: what });
  else if (oneLineProblem(t) || !PERSON_ID.test(t)) errors.push({ field, message: 'must be a person such as slack:U123, teams:<id> or shell:alice' });
  return t;
}

/** A validated `nc.raise`. */
export interface NcRaiseInput {
  source: NcSource;
  severity: NcSeverity;
  description: string;
  /** Platform id of the owner. */
  owner: string;
}

/** Validates `nc.raise`; every problem names its field. */
export function parseNcRaise(values: NcFormValues): NcRaiseInput | FieldError[] {
  const errors: FieldError[] = [];
  const source = str(values['source']).toLowerCase();
  if (!NC_SOURCES.includes(source as NcSource)) errors.push({ field: 'source', message: `choose one of ${NC_SOURCES.join(', ')}` });
  const severity = str(values['severity']).toLowerCase();
  if (!NC_SEVERITIES.includes(severity as NcSeverity)) errors.push({ field: 'severity', message: 'choose minor or major' });
  const description = ncText('description', values['description'], errors, 'say what is wrong');
  const owner = person('owner', values['owner'], errors, 'choose who owns it');
  if (errors.length) return errors;
  return { source: source as NcSource, severity: severity as NcSeverity, description, owner };
}

/** A validated `nc.add_action`. */
export interface NcActionInput {
  title: string;
  /** Platform id of the assignee. */
  assignee: string;
  /** `YYYY-MM-DD` */
  dueDate: string;
}

/** Validates `nc.add_action`; `today` (policy zone) bounds the due date. */
export function parseNcAction(values: NcFormValues, today: string): NcActionInput | FieldError[] {
  const errors: FieldError[] = [];
  const title = cleanMultiline(str(values['title'])).replace(/\s+/g, ' ').trim();
  if (!title) errors.push({ field: 'title', message: 'say what will be done' });
  else if (title.length > NC_TITLE_MAX) errors.push({ field: 'title', message: `must be at most ${NC_TITLE_MAX} characters (it has ${title.length})` });
  const assignee = person('assignee', values['assignee'], errors, 'choose who does it');
  const dueText = str(values['due_date']);
  const dueDate = dueText ? parseDay(dueText) : null;
  if (!dueText) errors.push({ field: 'due_date', message: 'give a due date such as 2027-01-31' });
  else if (!dueDate) errors.push({ field: 'due_date', message: `"${dueText.slice(0, 20)}" is not a date such as 2027-01-31` });
  else if (dueDate < today) errors.push({ field: 'due_date', message: `must be today (${today}) or later` });
  if (errors.length || !dueDate) return errors;
  return { title, assignee, dueDate };
}

/** `effective`: yes/no (true/false too), or a problem. */
export function parseEffective(v: NcFormValues[string]): boolean | FieldError[] {
  const t = str(v).toLowerCase();
  if (['yes', 'y', 'true', 'effective'].includes(t)) return true;
  if (['no', 'n', 'false', 'not_effective'].includes(t)) return false;
  return [{ field: 'effective', message: 'answer yes (effective) or no (not effective: reopens it)' }];
}
