/** Turning a typed answer (terminal, chat text) into an answer value. */
import type { AnswerValue } from './types';
import type { Question, QuestionValue } from './question-types';

/** Result of parsing one typed answer. */
export type ParsedAnswer = { ok: true; value: AnswerValue } | { ok: false; message: string };

const URL_PATTERN = /^https?:\/\/[^\s/?#]+[^\s]*$/i;

/** Whether `text` is an absolute http(s) URL with a host. */
export function isHttpUrl(text: string): boolean {
  if (!URL_PATTERN.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function allowedList(values: QuestionValue[]): string {
  return values.map((val, i) => `${i + 1}. ${val.id} (${val.label})`).join(', ');
}

function matchValue(values: QuestionValue[], token: string): QuestionValue | undefined {
  const t = token.trim().toLowerCase();
  if (/^\d+$/.test(t)) return values[Number(t) - 1];
  return values.find((val) => val.id.toLowerCase() === t || val.label.toLowerCase() === t);
}

function parseOne(q: Question, values: QuestionValue[], text: string): ParsedAnswer {
  const match = matchValue(values, text);
  if (match) return { ok: true, value: match.id };
  return { ok: false, message: `"${text.trim()}" is not an answer to ${q.id}; choose one of: ${allowedList(values)}` };
}

function parseMany(q: Question, values: QuestionValue[], text: string): ParsedAnswer {
  const tokens = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (tokens.length === 0) {
    return { ok: false, message: `${q.id} needs at least one value; choose from: ${allowedList(values)}` };
  }
  const ids: string[] = [];
  for (const token of tokens) {
    const match = matchValue(values, token);
    if (!match) {
      return { ok: false, message: `"${token}" is not an answer to ${q.id}; choose from: ${allowedList(values)}` };
    }
    // Typing a value twice is harmless here; keep the first.
    if (!ids.includes(match.id)) ids.push(match.id);
  }
  if (ids.includes('none') && ids.length > 1) {
    return { ok: false, message: `${q.id}: "none" cannot be combined with other values; choose "none" alone or remove it` };
  }
  return { ok: true, value: ids };
}

function parseBool(q: Question, text: string): ParsedAnswer {
  const t = text.trim().toLowerCase();
  if (t === 'yes' || t === 'true' || t === 'y') return { ok: true, value: true };
  if (t === 'no' || t === 'false' || t === 'n') return { ok: true, value: false };
  return { ok: false, message: `${q.id} is a yes/no question; answer yes or no` };
}

function parseText(q: Question, text: string): ParsedAnswer {
  const t = text.trim();
  if (q.required && t === '') return { ok: false, message: `${q.id} is required; type a value` };
  if (q.maxLength !== undefined && t.length > q.maxLength) {
    return { ok: false, message: `${q.id} is ${t.length} characters long; shorten it to at most ${q.maxLength}` };
  }
  if (q.kind === 'url' && t !== '' && !isHttpUrl(t)) {
    return { ok: false, message: `${q.id} must be an http:// or https:// address, e.g. https://example.com` };
  }
  return { ok: true, value: t };
}

/**
 * Parses typed text for a question: a value id, a label (case-insensitive) or a 1-based list
 * number; comma-separated for `many`; yes/no/true/false for `bool`; trimmed text otherwise.
 * Errors say what to type instead.
 */
export function parseAnswerText(question: Question, text: string): ParsedAnswer {
  switch (question.kind) {
    case 'one':
      return parseOne(question, question.values ?? [], text);
    case 'many':
      return parseMany(question, question.values ?? [], text);
    case 'bool':
      return parseBool(question, text);
    case 'text':
    case 'url':
    case 'person':
      return parseText(question, text);
  }
}
