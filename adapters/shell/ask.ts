/**
 * Asking the questionnaire in the terminal: each field and question in table order, skipping
 * those whose condition does not hold; a bad answer is explained and asked again.
 */
import type { Answers, AnswerValue } from '../../flows/triage/types';
import type { Question } from '../../flows/triage/questionnaire';
import { isAsked, parseAnswerText, questionnaire } from '../../flows/triage/questionnaire';
import { techniqueWarnings } from '../../flows/triage/warnings-v2';
import type { LineSource } from './line-source';
import type { PersonResult, ShellPerson } from './people';

/** Thrown when input ends in the middle of a conversation. */
export class InputEnded extends Error {}

/** Thrown when a command (a line starting with `/`) is typed instead of an answer. */
export class Interrupted extends Error {
  constructor(readonly line: string) {
    super('conversation interrupted by a command');
  }
}

/** Terminal I/O of a conversation. */
export interface Prompter {
  lines: LineSource;
  print: (text: string) => void;
  /** Echo answers (when input is piped, so a transcript reads like a session). */
  echo: boolean;
}

/**
 * Prints a question and reads one answer line; throws InputEnded at end of input. On a terminal
 * `prompt` is shown where the answer is typed, so the person sees what is being asked.
 */
export async function readAnswer(io: Prompter, question: string, prompt = 'answer> '): Promise<string> {
  io.print(question);
  const line = await io.lines.next(prompt);
  if (line === null) throw new InputEnded();
  // An empty answer is echoed without the prompt's trailing space, so the next output starts its own line.
  if (io.echo) io.print(line.trim() ? `  > ${line}` : '  >');
  // A command instead of an answer ends the conversation, so a stray line cannot be taken as
  // an answer and nothing half-answered is submitted.
  if (line.trim().startsWith('/')) throw new Interrupted(line.trim());
  return line.trim();
}

function describe(q: Question, current?: AnswerValue): string {
  const lines = [`${q.label}${q.required ? '' : ' (optional: empty line to skip)'} [${q.id}]`, `  ${q.help}`];
  if (q.values) q.values.forEach((v, i) => lines.push(`  ${i + 1}) ${v.id} — ${v.label}`));
  if (q.kind === 'many') lines.push('  (several allowed, comma-separated)');
  if (q.kind === 'bool') lines.push('  (yes / no)');
  if (current !== undefined) lines.push(`  (empty line keeps: ${Array.isArray(current) ? current.join(', ') : String(current)})`);
  return lines.join('\n');
}

/** The terminal prompt of a question: its id and the choices, e.g. `usage_status [1-3]> `. */
function promptOf(q: Question): string {
  const n = q.values?.length ?? 0;
  const choices = q.kind === 'bool' ? ' [yes/no]' : q.kind === 'one' && n ? ` [1-${n}]` : q.kind === 'many' && n ? ` [1-${n}, comma-separated]` : '';
  return `${q.id}${choices}> `;
}

/** Asks one triage question until the answer parses; undefined when an optional one is skipped. */
async function askQuestion(io: Prompter, q: Question, current?: AnswerValue): Promise<AnswerValue | undefined> {
  for (;;) {
    const text = await readAnswer(io, describe(q, current), promptOf(q));
    if (text === '' && current !== undefined) return current;
    if (text === '' && !q.required) return undefined;
    const parsed = parseAnswerText(q, text);
    if (parsed.ok) return parsed.value;
    io.print(`  ✗ ${parsed.message}`);
  }
}

/**
 * Asks every triage question whose condition holds, in table order. `previous` answers are
 * offered as defaults (re-triage and resubmission).
 */
export async function askTriage(io: Prompter, previous: Answers = {}): Promise<Answers> {
  const answers: Answers = {};
  for (const q of questionnaire.questions) {
    if (!isAsked(q.id, answers)) continue;
    const value = await askQuestion(io, q, stillValid(q, previous[q.id]));
    if (value !== undefined) answers[q.id] = value;
    // "Is it AI?" is settled by the first two questions: say so before anything is submitted.
    if (q.id === 'ai_capabilities') for (const w of techniqueWarnings(answers)) io.print(`  ! ${w.message} (${w.ref})`);
  }
  return answers;
}

/** A previous answer offered as the default only when the current questionnaire still accepts it. */
function stillValid(q: Question, value: AnswerValue | undefined): AnswerValue | undefined {
  if (value === undefined) return undefined;
  const ids = (q.values ?? []).map((x) => x.id);
  if (q.kind === 'bool') return typeof value === 'boolean' ? value : undefined;
  if (q.kind === 'one') return typeof value === 'string' && ids.includes(value) ? value : undefined;
  if (q.kind === 'many') return Array.isArray(value) && value.length > 0 && value.every((x) => ids.includes(x)) ? value : undefined;
  return value;
}

/** Field checks done while asking, so a mistake is caught at the field rather than at the end. */
function checkField(q: Question, text: string): string | null {
  if (q.required && text === '') return 'This field is required.';
  if (q.maxLength && text.length > q.maxLength) return `At most ${q.maxLength} characters (you typed ${text.length}).`;
  if (q.kind === 'url' && text && !/^https?:\/\/[^\s/$.?#].[^\s]*$/i.test(text)) return 'Give a web address starting with http:// or https://.';
  return null;
}

/** The registration fields as typed, and the owner they name. */
export interface RegistrationAnswers {
  fields: Record<string, string>;
  owner: ShellPerson | null;
}

/**
 * Asks the registration fields. `afterName` may stop the conversation (duplicate name) by
 * returning false. The owner is typed as a person (`bob`, `@bob`, `Bob`, `shell:bob`, `me`, or
 * an `email:` member of the policy) and `person` says whom it means.
 */
export async function askRegistration(
  io: Prompter,
  person: (typed: string) => PersonResult,
  afterName: (name: string) => Promise<boolean>,
  /** Values offered as defaults (an empty line keeps them), e.g. from the AI tool catalog. */
  defaults: Record<string, string> = {},
): Promise<RegistrationAnswers | null> {
  const fields: Record<string, string> = {};
  let owner: ShellPerson | null = null;
  for (const q of questionnaire.fields) {
    let value: string;
    for (;;) {
      const offered = defaults[q.id] || undefined;
      const typed = await readAnswer(io, describe(q, offered), promptOf(q));
      const text = typed === '' && offered !== undefined ? offered : typed;
      if (q.kind === 'one') {
        if (text === '' && !q.required) {
          value = '';
          break;
        }
        const parsed = parseAnswerText(q, text);
        if (parsed.ok) {
          value = String(parsed.value);
          break;
        }
        io.print(`  ✗ ${parsed.message}`);
        continue;
      }
      const problem = checkField(q, text);
      if (problem) {
        io.print(`  ✗ ${problem}`);
        continue;
      }
      if (q.kind === 'person' && text) {
        const found = person(text);
        if (!found.ok) {
          io.print(`  ✗ ${found.message}`);
          continue;
        }
        owner = found.person;
        value = found.person.platformId;
        break;
      }
      value = text;
      break;
    }
    if (value !== '' || q.id === 'vendor' || q.id === 'department') fields[q.id] = value;
    if (q.id === 'name' && !(await afterName(value))) return null;
  }
  return { fields, owner };
}
