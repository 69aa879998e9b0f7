/**
 * `aimsbot classify [file|-]`: reads `{"answers": {...}}` from a file or stdin and prints
 * the classification as JSON. Bad input exits 2 with one line naming the problem. With
 * AIMS_POLICY set, the policy's review caps and extra approvers apply.
 */
import { readFile } from 'node:fs/promises';
import type { Answers } from '../../flows/triage/types';
import { classify } from '../../flows/triage/classify';
import { formatFieldErrors, validateAnswers } from '../../flows/triage/validate';
import { triagePolicyOf } from '../../flows/policy';
import { loadPolicy } from '../config';
import type { CliIo } from './io';
import { UsageError, readAll } from './io';

async function readInput(io: CliIo, source: string): Promise<string> {
  if (source === '-') return readAll(io.stdin);
  try {
    return await readFile(source, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'unreadable');
    throw new UsageError(`cannot read ${source}: ${reason}`);
  }
}

/** Parses the request envelope; only an `answers` object is allowed at the top level. */
function parseRequest(text: string, source: string): unknown {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message.replace(/\s+/g, ' ').trim() : 'parse error';
    throw new UsageError(`${source === '-' ? 'stdin' : source} is not valid JSON (${detail}); expected {"answers": {...}}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError('input must be a JSON object {"answers": {...}}');
  }
  const extra = Object.keys(data).filter((k) => k !== 'answers');
  if (extra.length > 0) {
    throw new UsageError(`unknown top-level key "${extra[0]}"; expected only "answers"`);
  }
  const answers = (data as { answers?: unknown }).answers;
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers)) {
    throw new UsageError('input needs an "answers" object: {"answers": {"ai_capabilities": [...], ...}}');
  }
  return answers;
}

/** Runs `classify`; returns the exit code (0 on success, 2 on bad input). */
export async function classifyCommand(io: CliIo): Promise<number> {
  if (io.argv.length > 1) throw new UsageError('expects at most one argument: a file, or - for stdin');
  const source = io.argv[0] ?? '-';
  const checked = validateAnswers(parseRequest(await readInput(io, source), source));
  if (!checked.ok) throw new UsageError(formatFieldErrors(checked.errors));
  // The organisation's policy (AIMS_POLICY) may shorten review intervals and add approvers.
  const policy = io.env.AIMS_POLICY ? triagePolicyOf(loadPolicy({ policyFile: io.env.AIMS_POLICY })) : {};
  const result = classify(checked.answers satisfies Answers, policy);
  io.stdout(JSON.stringify(result, null, 2) + '\n');
  return 0;
}
