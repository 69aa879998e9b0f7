/**
 * Asking the questionnaire in the terminal: each field and question in table order, skipping
 * those whose condition does not hold; a bad answer is explained and asked again.
 */
import type { Answers, AnswerValue } from '../../flows/triage/types';
import type { Question } from '../../flows/triage/questionnaire';
import { isAsked, parseAnswerText, questionnaire } from '../../flows/triage/questionnaire';
import { techniqueWarnings } from '../../flows/triage/warnings-v2';
import type { LineSource } from './line-source';

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

/** Reads one answer line; throws InputEnded at end of input. */
export async function readAnswer(io: Prompter, prompt: string): Promise<string> {
  io.print(prompt);
  const line = await io.lines.next();
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

/** Asks one triage question until the answer parses; undefined when an optional one is skipped. */
async function askQuestion(io: Prompter, q: Question, current?: AnswerValue): Promise<AnswerValue | undefined> {
  for (;;) {
    const text = await readAnswer(io, describe(q, current));
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
  if (q.kind === 'person' && text && !/^[\w.-]+$/.test(text)) return 'Give a person as one word, e.g. bob (or "me").';
  return null;
}

/**
 * Asks the registration fields. `afterName` may stop the conversation (duplicate name) by
 * returning false. A person is typed as a name (`bob` or `shell:bob` → `shell:bob`; `me` is the speaker).
 */
export async function askRegistration(
  io: Prompter,
  speaker: string,
  afterName: (name: string) => Promise<boolean>,
): Promise<Record<string, string> | null> {
  const fields: Record<string, string> = {};
  for (const q of questionnaire.fields) {
    let value: string;
    for (;;) {
      const text = await readAnswer(io, describe(q));
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
      // A person may be typed as `bob` or as the id `shell:bob`.
      const typed = q.kind === 'person' ? text.replace(/^shell:/, '') : text;
      const problem = checkField(q, typed);
      if (!problem) {
        value = typed;
        break;
      }
      io.print(`  ✗ ${problem}`);
    }
    if (q.kind === 'person' && value) value = `shell:${value === 'me' ? speaker : value}`;
    if (value !== '' || q.id === 'vendor' || q.id === 'department') fields[q.id] = value;
    if (q.id === 'name' && !(await afterName(value))) return null;
  }
  return fields;
}
