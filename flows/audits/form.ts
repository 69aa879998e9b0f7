/**
 * The audit forms as data (spec/aims.md ids): `audit.plan` and `finding.record`. One definition
 * of the fields, rendered by every adapter (Slack modal, Teams card, shell questions), and one
 * validation here. Values arrive as strings keyed by field id (lists as arrays or separated text).
 */
import { ANNEX_A_CONTROLS } from '../annex-a';
import { parseDay } from '../risks/form';
import { cleanMultiline, multiLineProblem, oneLineProblem, stripBidi } from '../triage/text';
import type { FieldError } from '../triage/types';
import { parseSystemRef } from '../views';
import { normaliseClause } from './criteria';
import { PERSON_ID } from '../identity';

/** One choice of a field. */
export interface AuditFieldOption {
  value: string;
  label: string;
}

/** One field of an audit form. */
export interface AuditField {
  /** The field id (Slack `block_id`/`action_id`, Teams input id, shell question). */
  id: string;
  label: string;
  /** How to ask: one line, free text, a whole number, a date, several people, one pick, several picks. */
  kind: 'line' | 'text' | 'number' | 'date' | 'people' | 'one' | 'many';
  required: boolean;
  help: string;
  options?: AuditFieldOption[];
}

/** What a finding says about its subject. */
export const FINDING_KINDS = ['conformity', 'observation', 'ofi', 'minor_nc', 'major_nc'] as const;
/** A finding's kind. */
export type FindingKind = (typeof FINDING_KINDS)[number];
/** How people read the kinds. */
export const FINDING_KIND_LABEL: Readonly<Record<FindingKind, string>> = {
  conformity: 'Conformity',
  observation: 'Observation',
  ofi: 'Opportunity for improvement',
  minor_nc: 'Minor nonconformity',
  major_nc: 'Major nonconformity',
};

/** The largest sample per class, the most auditors, the longest texts. */
export const SAMPLE_MAX = 200;
export const AUDITORS_MAX = 10;
export const AUDIT_TITLE_MAX = 200;
export const FINDING_TEXT_MAX = 2000;
export const FINDING_EVIDENCE_MAX = 1000;

/** The fields of `audit.plan`, in order. */
export const AUDIT_PLAN_FIELDS: readonly AuditField[] = [
  { id: 'title', label: 'Title', kind: 'line', required: true, help: 'e.g. Internal audit of the AI risk process, Q1' },
  { id: 'scope_clauses', label: 'Clauses in scope', kind: 'line', required: false, help: 'ISO/IEC 42001 clauses, comma-separated, e.g. 6.1.2, 8.2, 9.2' },
  { id: 'scope_controls', label: 'Controls in scope', kind: 'line', required: false, help: 'Annex A controls (A.6.2.4) or our own (X-1), comma-separated' },
  { id: 'sample_high', label: 'Sample: high-risk systems', kind: 'number', required: true, help: 'How many approved high-risk systems to sample (0 or more)' },
  { id: 'sample_limited', label: 'Sample: limited-risk systems', kind: 'number', required: true, help: 'How many approved limited-risk systems to sample (0 or more)' },
  { id: 'sample_minimal', label: 'Sample: minimal-risk systems', kind: 'number', required: true, help: 'How many approved minimal-risk systems to sample (0 or more)' },
  { id: 'auditors', label: 'Auditors', kind: 'people', required: true, help: 'At least one; nobody who owns or approved a sampled system (9.2.2)' },
  { id: 'planned_for', label: 'Audit date', kind: 'date', required: true, help: 'YYYY-MM-DD; owners are asked for evidence before it' },
];

/** The fields of `finding.record`, in order; the subject's choices come from the audit. */
export const FINDING_FIELDS: readonly AuditField[] = [
  { id: 'subject', label: 'Subject', kind: 'one', required: true, help: 'A clause (9.2), a control (A.6.2.4) or a sampled system (AI-3)' },
  { id: 'kind', label: 'Kind', kind: 'one', required: true, help: 'A minor or major nonconformity opens an NC', options: FINDING_KINDS.map((k) => ({ value: k, label: FINDING_KIND_LABEL[k] })) },
  { id: 'text', label: 'Finding', kind: 'text', required: true, help: 'What was found, against which requirement' },
  { id: 'evidence', label: 'Evidence', kind: 'text', required: false, help: 'What was seen: a link, a document, a record' },
];

/** Raw answers of an audit form, as adapters collect them. */
export type AuditFormValues = Partial<Record<string, string | string[] | null | undefined>>;

/** A validated `audit.plan`. */
export interface AuditPlanInput {
  title: string;
  clauses: string[];
  /** Annex A ids and `X-n`; whether an `X-n` exists is checked against the register by the plan. */
  controls: string[];
  sizes: { high: number; limited: number; minimal: number };
  /** Platform ids (`slack:U…`, `teams:…`, `shell:…`, `email:…`). */
  auditors: string[];
  /** `YYYY-MM-DD` */
  plannedFor: string;
}

/** A validated `finding.record`. */
export interface FindingInput {
  subjectType: 'clause' | 'control' | 'system';
  /** `9.2`, `A.6.2.4`, `AI-3` */
  subject: string;
  kind: FindingKind;
  text: string;
  evidence: string | null;
}

const EMAIL = /^[^@\s:]{1,100}@[^@\s]{1,200}$/;

function text(v: AuditFormValues[string]): string {
  if (Array.isArray(v)) return v.join(', ').trim();
  return (v ?? '').trim();
}

function list(v: AuditFormValues[string]): string[] {
  const parts = Array.isArray(v) ? v : text(v).split(/[\s,;]+/);
  return parts.map((p) => stripBidi(p).trim()).filter(Boolean);
}

const short = (s: string) => s.slice(0, 30);

function size(field: string, v: AuditFormValues[string], errors: FieldError[]): number {
  const t = text(v);
  if (!/^\d{1,9}$/.test(t)) {
    errors.push({ field, message: t ? `"${short(t)}" is not a whole number of 0 or more` : 'give a whole number of 0 or more' });
    return 0;
  }
  const n = Number(t);
  if (n > SAMPLE_MAX) errors.push({ field, message: `at most ${SAMPLE_MAX}` });
  return n;
}

/** A control id as typed to the register's id (`a.6.2.4` → `A.6.2.4`, `x-1` → `X-1`), or null. */
export function controlIdOf(t: string): string | null {
  const annex = ANNEX_A_CONTROLS.find((c) => c.id.toLowerCase() === t.toLowerCase());
  if (annex) return annex.id;
  const m = /^x-(\d{1,6})$/i.exec(t);
  return m ? `X-${Number(m[1])}` : null;
}

/** Validates an `audit.plan` submission; `today` (`YYYY-MM-DD`) bounds the date. */
export function parseAuditPlan(values: AuditFormValues, today: string): AuditPlanInput | FieldError[] {
  const errors: FieldError[] = [];
  const title = stripBidi(text(values['title']));
  const titleProblem = oneLineProblem(title);
  if (!title) errors.push({ field: 'title', message: 'give the audit a title' });
  else if (titleProblem) errors.push({ field: 'title', message: titleProblem });
  else if (title.length > AUDIT_TITLE_MAX) errors.push({ field: 'title', message: `at most ${AUDIT_TITLE_MAX} characters (it has ${title.length})` });
  const clauses: string[] = [];
  for (const c of list(values['scope_clauses'])) {
    const id = normaliseClause(c);
    if (!id) errors.push({ field: 'scope_clauses', message: `"${short(c)}" is not a clause of ISO/IEC 42001 with requirements (4 to 10.2, e.g. 9.2)` });
    else if (!clauses.includes(id)) clauses.push(id);
  }
  const controls: string[] = [];
  for (const c of list(values['scope_controls'])) {
    const id = controlIdOf(c);
    if (!id) errors.push({ field: 'scope_controls', message: `"${short(c)}" is not an Annex A control such as A.6.2.4 (or one of ours such as X-1)` });
    else if (!controls.includes(id)) controls.push(id);
  }
  const sizes = { high: size('sample_high', values['sample_high'], errors), limited: size('sample_limited', values['sample_limited'], errors), minimal: size('sample_minimal', values['sample_minimal'], errors) };
  const auditors: string[] = [];
  for (const a of list(values['auditors'])) {
    const id = EMAIL.test(a) ? `email:${a.toLowerCase()}` : a;
    if (!PERSON_ID.test(id)) errors.push({ field: 'auditors', message: `"${short(a)}" is not a person (pick one, or give an email)` });
    else if (!auditors.includes(id)) auditors.push(id);
  }
  if (auditors.length === 0 && !errors.some((e) => e.field === 'auditors')) errors.push({ field: 'auditors', message: 'name at least one auditor' });
  if (auditors.length > AUDITORS_MAX) errors.push({ field: 'auditors', message: `at most ${AUDITORS_MAX} auditors` });
  const dayText = text(values['planned_for']);
  const plannedFor = dayText ? parseDay(dayText) : null;
  if (!dayText) errors.push({ field: 'planned_for', message: 'give the date of the audit (YYYY-MM-DD)' });
  else if (!plannedFor) errors.push({ field: 'planned_for', message: `"${short(dayText)}" is not a date such as 2027-01-31` });
  else if (plannedFor < today) errors.push({ field: 'planned_for', message: `must be today (${today}) or later` });
  if (errors.length > 0 || !plannedFor) return errors;
  return { title, clauses, controls, sizes, auditors, plannedFor };
}

/** Reads the subject of a finding: a clause, a control or a system (`AI-3`). */
export function parseSubject(t: string): { subjectType: FindingInput['subjectType']; subject: string } | null {
  const s = stripBidi(t).trim();
  const clause = normaliseClause(s);
  if (clause) return { subjectType: 'clause', subject: clause };
  const control = controlIdOf(s);
  if (control) return { subjectType: 'control', subject: control };
  if (/^ai-\d{1,9}$/i.test(s)) return { subjectType: 'system', subject: `AI-${parseSystemRef(s)}` };
  return null;
}

/** Validates a `finding.record` submission (whether the subject belongs to the audit is the finding's check). */
export function parseFinding(values: AuditFormValues): FindingInput | FieldError[] {
  const errors: FieldError[] = [];
  const subjectText = text(values['subject']);
  const subject = subjectText ? parseSubject(subjectText) : null;
  if (!subjectText) errors.push({ field: 'subject', message: 'choose what the finding is about: a clause, a control or a system' });
  else if (!subject) errors.push({ field: 'subject', message: `"${short(subjectText)}" is not a clause (9.2), a control (A.6.2.4, X-1) or a system (AI-3)` });
  const kindText = text(values['kind']).toLowerCase().replace(/[\s-]+/g, '_');
  const kind = (FINDING_KINDS as readonly string[]).includes(kindText) ? (kindText as FindingKind) : null;
  if (!kind) errors.push({ field: 'kind', message: `choose one of ${FINDING_KINDS.join(', ')}` });
  const body = cleanMultiline(text(values['text']));
  if (!body) errors.push({ field: 'text', message: 'say what was found' });
  else if (multiLineProblem(body)) errors.push({ field: 'text', message: multiLineProblem(body)! });
  else if (body.length > FINDING_TEXT_MAX) errors.push({ field: 'text', message: `at most ${FINDING_TEXT_MAX} characters (it has ${body.length})` });
  const evidence = cleanMultiline(text(values['evidence']));
  if (evidence.length > FINDING_EVIDENCE_MAX) errors.push({ field: 'evidence', message: `at most ${FINDING_EVIDENCE_MAX} characters (it has ${evidence.length})` });
  if (errors.length > 0 || !subject || !kind) return errors;
  return { ...subject, kind, text: body, evidence: evidence || null };
}
