/**
 * The `control.edit` form as data: one definition of its fields, rendered by every adapter
 * (Slack modal, Teams card, shell conversation) and validated once here.
 */
import type { FieldError } from '../triage/types';
import { cleanMultiline, oneLineProblem, stripBidi } from '../triage/text';
import type { ControlStatus } from './register';
import { CONTROL_STATUSES } from './register';

/** Longest justification kept. */
export const JUSTIFICATION_MAX = 2000;
/** Most evidence items per control, and the longest one. */
export const EVIDENCE_MAX_ITEMS = 20;
export const EVIDENCE_ITEM_MAX = 500;
/** Longest title of an organisation-defined control. */
export const CONTROL_TITLE_MAX = 200;

/** How people read the implementation states. */
export const CONTROL_STATUS_LABEL: Readonly<Record<ControlStatus, string>> = {
  not_started: 'not started',
  in_progress: 'in progress',
  implemented: 'implemented',
  not_applicable: 'not applicable',
};

/** The applicability choice: follow the derivation, or override it (with a justification). */
export const APPLICABILITY_CHOICES = ['derived', 'yes', 'no'] as const;
export type ApplicabilityChoice = (typeof APPLICABILITY_CHOICES)[number];
export const APPLICABILITY_LABEL: Readonly<Record<ApplicabilityChoice, string>> = {
  derived: 'as derived from the systems',
  yes: 'applicable (override)',
  no: 'not applicable (override)',
};

/** One field of the form. */
export interface ControlFormField {
  /** The field id (Slack `block_id`/`action_id`, Teams input id, shell question). */
  id: 'status' | 'applicable' | 'owner' | 'evidence' | 'justification';
  label: string;
  kind: 'choice' | 'person' | 'lines' | 'text';
  choices?: ReadonlyArray<{ value: string; label: string }>;
  hint: string;
  optional: boolean;
}

/** The fields of `control.edit`, in order. */
export const CONTROL_EDIT_FIELDS: readonly ControlFormField[] = [
  { id: 'status', label: 'Implementation status', kind: 'choice', choices: CONTROL_STATUSES.map((v) => ({ value: v, label: CONTROL_STATUS_LABEL[v] })), hint: '', optional: false },
  {
    id: 'applicable',
    label: 'Applicability',
    kind: 'choice',
    choices: APPLICABILITY_CHOICES.map((v) => ({ value: v, label: APPLICABILITY_LABEL[v] })),
    hint: 'An override needs a justification.',
    optional: true,
  },
  { id: 'owner', label: 'Owner', kind: 'person', hint: 'Who implements and maintains the control.', optional: true },
  { id: 'evidence', label: 'Evidence', kind: 'lines', hint: 'Links or notes, one per line.', optional: true },
  { id: 'justification', label: 'Justification', kind: 'text', hint: 'Why the control applies or not; required to exclude a control or override.', optional: true },
];

/** What a submitted form says, parsed. `owner`: a platform id or an email; null clears it. */
export interface ControlEdit {
  status: ControlStatus;
  applicable: ApplicabilityChoice;
  owner: string | null;
  evidence: string[];
  justification: string | null;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/**
 * Validates raw form values (every adapter passes strings, keyed by field id). A field left out
 * (undefined) keeps `current`; an empty one clears it.
 */
export function parseControlEdit(raw: Record<string, unknown>, current: ControlEdit): { ok: true; edit: ControlEdit } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const edit: ControlEdit = { ...current };
  if (raw.status !== undefined) {
    const s = text(raw.status).trim().toLowerCase().replace(/[\s-]+/g, '_');
    if ((CONTROL_STATUSES as readonly string[]).includes(s)) edit.status = s as ControlStatus;
    else errors.push({ field: 'status', message: `must be one of ${CONTROL_STATUSES.join(', ')}` });
  }
  if (raw.applicable !== undefined && text(raw.applicable).trim() !== '') {
    const a = text(raw.applicable).trim().toLowerCase();
    if ((APPLICABILITY_CHOICES as readonly string[]).includes(a)) edit.applicable = a as ApplicabilityChoice;
    else errors.push({ field: 'applicable', message: `must be one of ${APPLICABILITY_CHOICES.join(', ')}` });
  }
  if (raw.owner !== undefined) {
    const o = stripBidi(text(raw.owner)).trim();
    if (!o) edit.owner = null;
    else if (/^(slack|teams|shell|email):\S{1,200}$/.test(o) || /^[^\s@:]{1,100}@[^\s@]{1,200}$/.test(o)) edit.owner = o;
    else errors.push({ field: 'owner', message: 'must be a person (an email such as ana@example.com, or a mention)' });
  }
  if (raw.evidence !== undefined) {
    const items = text(raw.evidence)
      .split(/\r?\n|\u2028|\u2029/)
      .map((l) => stripBidi(l).trim())
      .filter(Boolean);
    const bad = items.map(oneLineProblem).find((p) => p);
    if (bad) errors.push({ field: 'evidence', message: `each line ${bad}` });
    else if (items.length > EVIDENCE_MAX_ITEMS) errors.push({ field: 'evidence', message: `at most ${EVIDENCE_MAX_ITEMS} items (got ${items.length})` });
    else if (items.some((i) => i.length > EVIDENCE_ITEM_MAX)) errors.push({ field: 'evidence', message: `each item at most ${EVIDENCE_ITEM_MAX} characters` });
    else edit.evidence = items;
  }
  if (raw.justification !== undefined) {
    const j = cleanMultiline(text(raw.justification)).trim();
    if (j.length > JUSTIFICATION_MAX) errors.push({ field: 'justification', message: `at most ${JUSTIFICATION_MAX} characters (got ${j.length})` });
    else edit.justification = j || null;
  }
  // Not applicable as a status excludes the control, unless an explicit override says otherwise.
  if (edit.status === 'not_applicable' && edit.applicable === 'derived') edit.applicable = 'no';
  if (edit.applicable !== 'derived' && !edit.justification && !errors.some((e) => e.field === 'justification')) {
    errors.push({ field: 'justification', message: 'an override of the derived applicability (or the status not applicable) needs a justification' });
  }
  return errors.length ? { ok: false, errors } : { ok: true, edit };
}

/** Validates the title of a new organisation-defined control; returns the clean title or the problem. */
export function parseControlTitle(raw: string): { ok: true; title: string } | { ok: false; message: string } {
  const title = stripBidi(raw).trim();
  if (!title) return { ok: false, message: 'give the new control a title, e.g. controls add Prompt library review' };
  const p = oneLineProblem(title);
  if (p) return { ok: false, message: `the title ${p}` };
  if (title.length > CONTROL_TITLE_MAX) return { ok: false, message: `the title must be at most ${CONTROL_TITLE_MAX} characters (got ${title.length})` };
  return { ok: true, title };
}
