/**
 * Small builders for Adaptive Card JSON, and the limits that keep cards inside what Teams shows
 * (a card payload of about 28 KB; long user text is cut).
 */

/** An Adaptive Card element or card, as plain JSON. */
export type CardJson = Record<string, unknown>;

/** Longest text block we put on a card, in characters. */
export const TEXT_MAX = 1500;

/** Cuts text to `max` characters, marking the cut. */
export function truncate(text: string, max = TEXT_MAX): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Escapes the markdown Teams renders in TextBlocks, so user text shows as typed. */
export function md(text: string): string {
  return text.replace(/([\\`*_[\]#>])/g, '\\$1');
}

/** A card with the given body; version 1.5 (Teams desktop and mobile). */
export function adaptiveCard(body: CardJson[], extra: CardJson = {}): CardJson {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...extra,
  };
}

/** A wrapped text block (user text must be passed through `md` by the caller). */
export function textBlock(text: string, opts: CardJson = {}): CardJson {
  return { type: 'TextBlock', text: truncate(text), wrap: true, ...opts };
}

/** A heading. */
export function heading(text: string): CardJson {
  return textBlock(text, { size: 'Medium', weight: 'Bolder' });
}

/** A red line under a field. */
export function errorText(text: string): CardJson {
  return textBlock(text, { color: 'Attention', spacing: 'None', size: 'Small' });
}

/** A fact set from label/value pairs (empty values left out). */
export function facts(pairs: Array<[string, string | null | undefined]>): CardJson {
  return {
    type: 'FactSet',
    facts: pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([title, value]) => ({ title, value: truncate(String(value), 400) })),
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

/** The body of an `adaptiveCard/action` invoke response that shows `card`. */
export function cardResponse(card: CardJson): { statusCode: number; type: string; value: CardJson } {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
}

/** A card with a single message, optionally an error. */
export function messageCard(text: string, opts: { title?: string; error?: boolean } = {}): CardJson {
  const body: CardJson[] = [];
  if (opts.title) body.push(heading(opts.title));
  body.push(textBlock(text, opts.error ? { color: 'Attention' } : {}));
  return adaptiveCard(body);
}

/** Words from an id such as `changes_requested`. */
export function words(id: string): string {
  return id.replace(/_/g, ' ');
}

/** `YYYY-MM-DD`, or a dash. */
export function day(d: Date | null): string {
  return d ? d.toISOString().slice(0, 10) : '—';
}
