/**
 * The risk form as data (spec/aims.md field ids): one definition of the fields that Slack
 * modals, Teams cards and the shell conversation render, and one validation of what comes back.
 */
import { ANNEX_A_CONTROLS } from '../annex-a';
import { cleanMultiline, multiLineProblem, oneLineProblem } from '../triage/text';
import type { FieldError } from '../triage/types';
import { IMPACT_LEVELS, LIKELIHOOD_LEVELS, RISK_CATALOG, catalogEntry } from './catalog';
import type { RiskSource } from './catalog';

/** How a risk is treated. */
export type RiskTreatment = 'mitigate' | 'accept' | 'avoid' | 'transfer';
/** The treatments, in the order forms offer them. */
export const RISK_TREATMENTS: readonly RiskTreatment[] = ['mitigate', 'transfer', 'avoid', 'accept'];
/** Treatments that are work to do, and so become a task. */
export const TASK_TREATMENTS: ReadonlySet<string> = new Set(['mitigate', 'transfer', 'avoid']);

/** The longest description and measures text kept. */
export const RISK_TEXT_MAX = 1500;

/** One choice of a field. */
export interface RiskFieldOption {
  value: string;
  label: string;
}

/** One field of the risk form. */
export interface RiskField {
  /** The form field id of aims.md (`likelihood`, `treatment_owner`, …). */
  id: string;
  label: string;
  /** How to ask: a pick-one list, several picks, one line, free text, a person, or a date. */
  kind: 'one' | 'many' | 'line' | 'text' | 'person' | 'date';
  required: boolean;
  help: string;
  options?: RiskFieldOption[];
}

const levels = (texts: readonly string[]): RiskFieldOption[] => texts.map((t, i) => ({ value: String(i + 1), label: `${i + 1} ${t}` }));
const TREATMENT_LABEL: Record<RiskTreatment, string> = {
  mitigate: 'Mitigate: reduce it with controls and measures',
  transfer: 'Transfer: share it, e.g. by contract or insurance',
  avoid: 'Avoid: stop or change the activity that causes it',
  accept: 'Accept: keep it as it is',
};

/** The fields of one risk, in the order forms ask them. */
export const RISK_FIELDS: readonly RiskField[] = [
  { id: 'source', label: 'Kind of risk', kind: 'one', required: true, help: 'Pick from the catalog; "Other" for anything else.', options: RISK_CATALOG.map((e) => ({ value: e.id, label: e.label })) },
  { id: 'description', label: 'What could go wrong', kind: 'text', required: true, help: 'In plain words, for this system.' },
  { id: 'likelihood', label: 'Likelihood (1–5)', kind: 'one', required: true, help: 'How likely it is before any treatment.', options: levels(LIKELIHOOD_LEVELS) },
  { id: 'impact', label: 'Impact (1–5)', kind: 'one', required: true, help: 'How bad it would be before any treatment.', options: levels(IMPACT_LEVELS) },
  { id: 'treatment', label: 'Treatment', kind: 'one', required: true, help: 'What we do about it. Mitigate, transfer and avoid become a task.', options: RISK_TREATMENTS.map((t) => ({ value: t, label: TREATMENT_LABEL[t] })) },
  { id: 'controls', label: 'Annex A controls', kind: 'many', required: false, help: 'The ISO/IEC 42001 Annex A controls that treat it, e.g. A.6.2.4.', options: ANNEX_A_CONTROLS.map((c) => ({ value: c.id, label: `${c.id} ${c.title}` })) },
  { id: 'measures', label: 'Measures', kind: 'text', required: false, help: 'What will be done; needed unless the treatment is accept.' },
  { id: 'treatment_owner', label: 'Treatment owner', kind: 'person', required: false, help: 'Who carries out the treatment; the system owner when left empty.' },
  { id: 'due_date', label: 'Due date', kind: 'date', required: false, help: 'When the treatment is done (YYYY-MM-DD); in the default number of task days when left empty.' },
  { id: 'residual_likelihood', label: 'Residual likelihood (1–5)', kind: 'one', required: false, help: 'How likely it is after the treatment.', options: levels(LIKELIHOOD_LEVELS) },
  { id: 'residual_impact', label: 'Residual impact (1–5)', kind: 'one', required: false, help: 'How bad it would be after the treatment.', options: levels(IMPACT_LEVELS) },
];

/** Raw answers of one risk form, as adapters collect them (strings, or lists for `controls`). */
export type RiskFormValues = Partial<Record<string, string | string[] | null | undefined>>;

/** One risk's answers, validated. */
export interface RiskInput {
  source: RiskSource;
  description: string;
  likelihood: number;
  impact: number;
  treatment: RiskTreatment;
  controls: string[];
  measures: string;
  /** Platform id (`slack:U…`, `teams:…`, `shell:…`), or null for the system owner. */
  treatmentOwner: string | null;
  /** `YYYY-MM-DD`, or null for the default. */
  dueDate: string | null;
  residualLikelihood: number | null;
  residualImpact: number | null;
}

const PERSON = /^(slack:[A-Z0-9]+|teams:[\w:.-]+|shell:[\w.-]+|email:[^@\s]+@[^@\s]+)$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function text(v: RiskFormValues[string]): string {
  if (Array.isArray(v)) return v.join(' ').trim();
  return (v ?? '').trim();
}

function level(field: string, v: RiskFormValues[string], required: boolean, errors: FieldError[]): number | null {
  const t = text(v);
  if (!t) {
    if (required) errors.push({ field, message: 'choose a level from 1 to 5' });
    return null;
  }
  // Accept "3" and "3 Possible: …" (a level picked from a list that echoes its label).
  const m = /^([1-5])(?:\s|$)/.exec(t);
  if (!m) {
    errors.push({ field, message: `"${t.slice(0, 20)}" is not a level; choose a whole number from 1 to 5` });
    return null;
  }
  return Number(m[1]);
}

/** A real calendar date `YYYY-MM-DD`, or null. */
export function parseDay(t: string): string | null {
  const m = DAY.exec(t);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().startsWith(t) ? t : null;
}

function controlList(v: RiskFormValues[string], errors: FieldError[]): string[] {
  const parts = (Array.isArray(v) ? v : text(v).split(/[\s,;]+/)).map((s) => s.trim()).filter(Boolean);
  const known = new Set(ANNEX_A_CONTROLS.map((c) => c.id));
  const out: string[] = [];
  for (const p of parts) {
    const id = /^x-\d{1,6}$/i.test(p) ? p.toUpperCase() : p.replace(/^a\./i, 'A.');
    if (!known.has(id) && !/^X-\d{1,6}$/.test(id)) {
      errors.push({ field: 'controls', message: `"${p.slice(0, 20)}" is not an Annex A control such as A.6.2.4 (or an organisation control X-1)` });
      continue;
    }
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

function freeText(field: string, v: RiskFormValues[string], errors: FieldError[]): string {
  const t = cleanMultiline(text(v));
  const problem = multiLineProblem(t);
  if (problem) errors.push({ field, message: problem });
  if (t.length > RISK_TEXT_MAX) errors.push({ field, message: `must be at most ${RISK_TEXT_MAX} characters (it has ${t.length})` });
  return t;
}

/**
 * Validates one risk's answers. `today` (`YYYY-MM-DD`, the policy's zone) bounds the due date.
 * Returns the input or every problem found, each naming its field.
 */
export function parseRiskForm(values: RiskFormValues, today: string): RiskInput | FieldError[] {
  const errors: FieldError[] = [];
  const sourceText = text(values['source']);
  const entry = catalogEntry(sourceText);
  if (!entry) errors.push({ field: 'source', message: sourceText ? `"${sourceText.slice(0, 30)}" is not a kind of risk; choose one of ${RISK_CATALOG.map((e) => e.id).join(', ')}` : 'choose the kind of risk' });
  let description = freeText('description', values['description'], errors);
  if (!description) {
    if (entry && entry.id !== 'other') description = entry.description;
    else errors.push({ field: 'description', message: 'describe the risk' });
  }
  const likelihood = level('likelihood', values['likelihood'], true, errors);
  const impact = level('impact', values['impact'], true, errors);
  const treatmentText = text(values['treatment']).toLowerCase();
  const treatment = RISK_TREATMENTS.find((t) => t === treatmentText) ?? null;
  if (!treatment) errors.push({ field: 'treatment', message: `choose one of ${RISK_TREATMENTS.join(', ')}` });
  const controls = controlList(values['controls'], errors);
  const measures = freeText('measures', values['measures'], errors);
  if (treatment && TASK_TREATMENTS.has(treatment) && !measures) errors.push({ field: 'measures', message: `say what will be done to ${treatment} the risk` });
  const ownerText = text(values['treatment_owner']);
  if (ownerText && (oneLineProblem(ownerText) || !PERSON.test(ownerText))) {
    errors.push({ field: 'treatment_owner', message: 'must be a person such as slack:U123, teams:<id> or shell:alice' });
  }
  const dueText = text(values['due_date']);
  const dueDate = dueText ? parseDay(dueText) : null;
  if (dueText && !dueDate) errors.push({ field: 'due_date', message: `"${dueText.slice(0, 20)}" is not a date such as 2027-01-31` });
  else if (dueDate && dueDate < today) errors.push({ field: 'due_date', message: `must be today (${today}) or later` });
  const rl = level('residual_likelihood', values['residual_likelihood'], false, errors);
  const ri = level('residual_impact', values['residual_impact'], false, errors);
  if ((rl === null) !== (ri === null)) {
    errors.push({ field: rl === null ? 'residual_likelihood' : 'residual_impact', message: 'give both residual likelihood and residual impact, or neither' });
  } else if (rl !== null && ri !== null && likelihood !== null && impact !== null && rl * ri > likelihood * impact) {
    errors.push({ field: 'residual_impact', message: `the residual score (${rl * ri}) cannot be higher than the score before treatment (${likelihood * impact})` });
  }
  if (errors.length > 0 || !entry || likelihood === null || impact === null || !treatment) return errors;
  return {
    source: entry.id,
    description,
    likelihood,
    impact,
    treatment,
    controls,
    measures,
    treatmentOwner: ownerText || null,
    dueDate,
    residualLikelihood: rl,
    residualImpact: ri,
  };
}
