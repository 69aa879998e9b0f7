/**
 * `aimsbot classify [file|-]`: reads `{"questionnaireVersion": 1|2, "answers": {...}}` (the
 * version is optional and defaults to 2) from a file or stdin and prints the classification as
 * JSON. Bad input exits 2 with one line naming the problem. With AIMS_POLICY set, the policy's
 * review caps, extra approvers, public-sector default and legal dates apply.
 */
import { readFile } from 'node:fs/promises';
import type { QuestionnaireVersion } from '../../flows/triage/types';
import { classifyVersion } from '../../flows/triage/classify';
import { formatFieldErrors } from '../../flows/triage/validate';
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

/** The parsed request envelope. */
interface ClassifyRequest {
  version: QuestionnaireVersion;
  answers: unknown;
}

/** Parses the request envelope: an `answers` object and an optional `questionnaireVersion`. */
function parseRequest(text: string, source: string): ClassifyRequest {
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
  const extra = Object.keys(data).filter((k) => k !== 'answers' && k !== 'questionnaireVersion');
  if (extra.length > 0) {
    throw new UsageError(`unknown top-level key "${extra[0]}"; expected only "answers" and optionally "questionnaireVersion"`);
  }
  const { answers, questionnaireVersion } = data as { answers?: unknown; questionnaireVersion?: unknown };
  if (questionnaireVersion !== undefined && questionnaireVersion !== 1 && questionnaireVersion !== 2) {
    throw new UsageError(`questionnaireVersion must be 1 or 2 (a number), not ${JSON.stringify(questionnaireVersion)}; leave it out for version 2`);
  }
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers)) {
    throw new UsageError('input needs an "answers" object: {"answers": {"technique": "...", "ai_capabilities": [...], ...}}');
  }
  return { version: questionnaireVersion ?? 2, answers };
}

/** Runs `classify`; returns the exit code (0 on success, 2 on bad input). */
export async function classifyCommand(io: CliIo): Promise<number> {
  if (io.argv.length > 1) throw new UsageError('expects at most one argument: a file, or - for stdin');
  const source = io.argv[0] ?? '-';
  const request = parseRequest(await readInput(io, source), source);
  // The organisation's policy (AIMS_POLICY) may shorten review intervals, add approvers and correct dates.
  const policy = io.env.AIMS_POLICY ? triagePolicyOf(loadPolicy({ policyFile: io.env.AIMS_POLICY })) : {};
  const outcome = classifyVersion(request.version, request.answers, policy);
  if (!outcome.ok) throw new UsageError(formatFieldErrors(outcome.errors));
  io.stdout(JSON.stringify(outcome.result, null, 2) + '\n');
  return 0;
}
