/**
 * Small builders for Adaptive Card JSON, and the limits that keep cards inside what Teams shows
 * (a card payload of about 28 KB; long user text is cut).
 *
 * Every builder that puts text on a card (text blocks, headings, facts, message cards) takes
 * `CardText`: a plain string is user text and is escaped (see markdown.ts); formatting of our own
 * is `Markdown`, written with the `markdown` tag. Button titles, input labels and values and
 * choice titles are not markdown and take plain strings.
 */
import type { CardText } from './markdown';
import { Markdown, markdownOf } from './markdown';
import { localDay } from '../../flows/display';

export type { CardText } from './markdown';
export { Markdown, markdown } from './markdown';

/** An Adaptive Card element or card, as plain JSON. */
export type CardJson = Record<string, unknown>;

/** Longest text block we put on a card, in characters. */
export const TEXT_MAX = 1500;

/**
 * Cuts text to `max` characters, marking the cut. On markdown, a backslash left alone at the
 * end (its escaped character cut off) is dropped, so it cannot escape the ellipsis.
 */
export function truncate(text: string, max = TEXT_MAX): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const slashes = /\\*$/.exec(cut)![0].length;
  return `${slashes % 2 === 1 ? cut.slice(0, -1) : cut}…`;
}

/**
 * The schema version of our cards: 1.5 has Universal Actions (`Action.Execute`, `refresh`), the
 * labels and `errorMessage` of inputs; the people picker (`choices.data` with `Data.Query`) is 1.6.
 */
export const CARD_VERSION = '1.5';
/** The version of a card that holds the people picker. */
export const PEOPLE_PICKER_CARD_VERSION = '1.6';

/** Whether a card body holds an input with `choices.data` (the people picker). */
function hasPeoplePicker(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasPeoplePicker);
  if (!node || typeof node !== 'object') return false;
  const n = node as CardJson;
  if (n['choices.data'] !== undefined) return true;
  return Object.values(n).some((v) => typeof v === 'object' && hasPeoplePicker(v));
}

/**
 * A card with the given body; version 1.5 (Teams desktop and mobile), or 1.6 when the body
 * holds the people picker, the version that defines `choices.data`.
 */
export function adaptiveCard(body: CardJson[], extra: CardJson = {}): CardJson {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: hasPeoplePicker(body) ? PEOPLE_PICKER_CARD_VERSION : CARD_VERSION,
    body,
    ...extra,
  };
}

/** A wrapped text block; a plain string is escaped, `Markdown` is used as it is. */
export function textBlock(text: CardText, opts: CardJson = {}): CardJson {
  return { type: 'TextBlock', text: truncate(markdownOf(text)), wrap: true, ...opts };
}

/** A heading. */
export function heading(text: CardText): CardJson {
  return textBlock(text, { size: 'Medium', weight: 'Bolder' });
}

/** A red line under a field. */
export function errorText(text: CardText): CardJson {
  return textBlock(text, { color: 'Attention', spacing: 'None', size: 'Small' });
}

/** Longest fact value, in characters. */
const FACT_MAX = 400;

/** A fact set from title/value pairs (empty values left out); plain strings are escaped. */
export function facts(pairs: Array<[CardText, CardText | null | undefined]>): CardJson {
  const shown = pairs.filter((p): p is [CardText, CardText] => {
    const v = p[1];
    return v !== null && v !== undefined && (v instanceof Markdown ? v.source !== '' : v !== '');
  });
  return {
    type: 'FactSet',
    facts: shown.map(([title, value]) => ({ title: truncate(markdownOf(title), FACT_MAX), value: truncate(markdownOf(value), FACT_MAX) })),
  };
}

/** A Universal Action button; `data.action` carries the action name and the verb mirrors it. */
export function executeAction(title: string, data: CardJson & { action: string }, opts: CardJson = {}): CardJson {
  return { type: 'Action.Execute', title, verb: data.action, data, ...opts };
}

/** The attachment that carries a card in an activity. */
export function cardAttachment(card: CardJson): { contentType: string; content: CardJson } {
  return { contentType: 'application/vnd.microsoft.card.adaptive', content: card };
}

/** The body of an `adaptiveCard/action` invoke response that tells Teams the action failed. */
export function errorResponse(statusCode: number, code: string, message: string): { statusCode: number; type: string; value: { code: string; message: string } } {
  return { statusCode, type: 'application/vnd.microsoft.error', value: { code, message } };
}

/** The body of an `adaptiveCard/action` invoke response that shows `card`. */
export function cardResponse(card: CardJson): { statusCode: number; type: string; value: CardJson } {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
}

/** A card with a single message, optionally an error; plain strings are escaped. */
export function messageCard(text: CardText, opts: { title?: CardText; error?: boolean } = {}): CardJson {
  const body: CardJson[] = [];
  if (opts.title) body.push(heading(opts.title));
  body.push(textBlock(text, opts.error ? { color: 'Attention' } : {}));
  return adaptiveCard(body);
}

/** Words from an id such as `changes_requested`. */
export function words(id: string): string {
  return id.replace(/_/g, ' ');
}

/** `YYYY-MM-DD` of `d` in the time zone `tz` (the policy's), or a dash. */
export function day(d: Date | null | undefined, tz: string): string {
  return localDay(d, tz);
}
