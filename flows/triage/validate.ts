/**
 * Validation of triage answers and registration fields at the edge (triage.md §1–§2).
 * Every error names the field and says what to do; errors come in questionnaire order.
 */
import { z } from 'zod';
import type { Answers, FieldError, RegistrationFields } from './types';
import type { Question, QuestionnaireDef } from './question-types';
import { REGISTRATION_FIELDS } from './registration-fields';
import { QUESTIONNAIRE_V2 } from './questionnaire';
import { isHttpUrl } from './parse-answer';
import { multiLineProblem, oneLineProblem, stripBidi } from './text';

/** Outcome of validating triage answers. */
export type AnswersResult = { ok: true; answers: Answers } | { ok: false; errors: FieldError[] };
/** Outcome of validating registration fields. */
export type RegistrationResult = { ok: true; fields: RegistrationFields } | { ok: false; errors: FieldError[] };

const REGISTRATION_IDS = new Set(REGISTRATION_FIELDS.map((f) => f.id));
/** Version 1 questions that version 2 replaced, with their successor. */
const V1_ONLY = new Map([['public_service_provider', 'public_sector']]);

function valueIds(q: Question): string[] {
  return (q.values ?? []).map((x) => x.id);
}

function unknownValue(q: Question, value: string): string {
  return `unknown value "${value}"; allowed: ${valueIds(q).join(', ')}`;
}

/** The zod schema of one answer, with messages a person can act on. */
function answerSchema(q: Question): z.ZodType {
  const ids = valueIds(q);
  switch (q.kind) {
    case 'bool':
      return z.boolean({ error: 'must be true or false' });
    case 'one':
      return z.string({ error: `must be one value; allowed: ${ids.join(', ')}` }).superRefine((val, ctx) => {
        if (!ids.includes(val)) ctx.addIssue({ code: 'custom', message: unknownValue(q, val) });
      });
    default:
      return z
        .array(z.string({ error: 'every value must be a value id in quotes' }), {
          error: `must be a list of values, e.g. ["${ids[0] ?? ''}"]; allowed: ${ids.join(', ')}`,
        })
        .superRefine((vals, ctx) => manyChecks(q, vals, (message) => ctx.addIssue({ code: 'custom', message })));
  }
}

function manyChecks(q: Question, vals: string[], report: (message: string) => void): void {
  if (vals.length === 0) report('choose at least one value, or "none"');
  for (const val of vals) if (!valueIds(q).includes(val)) report(unknownValue(q, val));
  const dupes = [...new Set(vals.filter((val, i) => vals.indexOf(val) !== i))];
  for (const val of dupes) report(`"${val}" is listed more than once; list each value once`);
  if (vals.includes('none') && vals.length > 1 && dupes.length === 0) {
    report('"none" cannot be combined with other values; choose "none" alone or remove it');
  }
}

const schemaCache = new WeakMap<Question, z.ZodType>();

function schemaOf(q: Question): z.ZodType {
  let schema = schemaCache.get(q);
  if (!schema) schemaCache.set(q, (schema = answerSchema(q)));
  return schema;
}

const AnswersObject = z.record(z.string(), z.unknown());

/**
 * Validates triage answers against a questionnaire version (default: the current one): shapes
 * and values of each answer, then which questions must be answered and which must not, then
 * the checks across answers. A question whose condition reads an invalid or missing answer is
 * not checked for presence, so one mistake does not cascade into many errors.
 */
export function validateAnswers(input: unknown, def: QuestionnaireDef = QUESTIONNAIRE_V2): AnswersResult {
  const parsed = AnswersObject.safeParse(input);
  if (!parsed.success || Array.isArray(input)) {
    return { ok: false, errors: [{ field: 'answers', message: 'must be an object of question id to answer' }] };
  }
  const raw = parsed.data;
  const errors: FieldError[] = [];
  const clean: Answers = {};
  const unsettled = new Set<string>();

  for (const q of def.questions) {
    const present = Object.hasOwn(raw, q.id);
    const blocked = q.dependsOn.some((dep) => unsettled.has(dep));
    if (present) {
      const result = schemaOf(q).safeParse(raw[q.id]);
      if (!result.success) {
        for (const issue of result.error.issues) errors.push({ field: q.id, message: issue.message });
        unsettled.add(q.id);
        continue;
      }
    }
    if (blocked) {
      unsettled.add(q.id);
      continue;
    }
    const asked = def.isAsked(q.id, clean);
    if (asked && !present && q.required) {
      const why = q.when ? ` when ${q.when}` : '';
      errors.push({ field: q.id, message: `is required${why}; give an answer` });
      unsettled.add(q.id);
    } else if (!asked && present) {
      errors.push({ field: q.id, message: `is not asked because the condition "${q.when}" does not hold; remove it` });
    } else if (present) {
      clean[q.id] = raw[q.id] as Answers[string];
    }
  }

  if (errors.length === 0) errors.push(...def.crossChecks(clean));
  const known = new Set(def.questions.map((q) => q.id));
  for (const key of Object.keys(raw).filter((k) => !known.has(k)).sort()) {
    const message = REGISTRATION_IDS.has(key)
      ? 'is a registration field, not a triage answer; remove it from the answers'
      : def.version === 2 && V1_ONLY.has(key)
        ? `is a question of questionnaire version 1; answer ${V1_ONLY.get(key)} instead, or send {"questionnaireVersion": 1, "answers": …}`
        : 'is not a question of this questionnaire; check the spelling or remove it';
    errors.push({ field: key, message });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, answers: clean };
}

// Bidirectional controls are dropped before anything else, so they neither count nor get stored.
const requiredText = () =>
  z.string({ error: (iss) => (iss.input === undefined ? 'is required; give a value' : 'must be text') }).overwrite(stripBidi).trim();

/** Refuses what `problem` finds (line breaks in a name, control characters anywhere). */
const without = (problem: (text: string) => string | null) => (text: string, ctx: z.RefinementCtx) => {
  const message = problem(text);
  if (message) ctx.addIssue({ code: 'custom', message });
};

const text = (min: number, max: number, lines: 'one' | 'many' = 'one') =>
  requiredText()
    .superRefine(without(lines === 'one' ? oneLineProblem : multiLineProblem))
    .min(min, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters; shorten it` });

const RegistrationSchema = z.strictObject({
  name: text(1, 80),
  vendor: text(0, 80).default(''),
  url: z
    .string({ error: 'must be text' })
    .overwrite(stripBidi)
    .trim()
    .superRefine(without(oneLineProblem))
    .refine((u) => u === '' || isHttpUrl(u), { error: 'must be an http:// or https:// address, e.g. https://example.com' })
    .transform((u) => (u === '' ? undefined : u))
    .optional(),
  purpose: text(1, 1000, 'many'),
  owner: requiredText().min(1, { error: 'must name a person, e.g. slack:U123' }),
  department: text(0, 80).default(''),
  usage_status: z.enum(['planned', 'piloting', 'in_use'], {
    error: (iss) =>
      iss.input === undefined ? 'is required; choose planned, piloting or in_use' : `unknown value "${String(iss.input)}"; allowed: planned, piloting, in_use`,
  }),
});

/** Validates and trims registration fields (triage.md §1). Unknown keys are errors. */
export function validateRegistration(input: unknown): RegistrationResult {
  const result = RegistrationSchema.safeParse(input);
  if (result.success) return { ok: true, fields: result.data };
  const errors: FieldError[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ field: key, message: 'is not a registration field; remove it' });
    } else if (issue.path.length === 0) {
      errors.push({ field: 'registration', message: 'must be an object of registration fields' });
    } else {
      errors.push({ field: String(issue.path[0]), message: issue.message });
    }
  }
  const order = (f: string) => {
    const i = REGISTRATION_FIELDS.findIndex((q) => q.id === f);
    return i === -1 ? REGISTRATION_FIELDS.length : i;
  };
  // Stable sort keeps zod's order for several errors of one field and for unknown keys.
  return { ok: false, errors: errors.sort((a, b) => order(a.field) - order(b.field)) };
}

/** One line naming each field and its problem, e.g. for a CLI or a chat reply. */
export function formatFieldErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.field}: ${e.message}`).join('; ');
}
