/**
 * Hostile user text, and checks that walk rendered Adaptive Cards and Block Kit for anything of it
 * that would still act: a live link, bold, italics, code or strike-through, a mention, an HTML
 * entity, a date function, a list or heading started by the user, or a bidirectional control.
 */

/** A markdown link with a harmless-looking label. */
export const LINK = '[x](https://evil.example)';

/** One line of everything a tool name could try (U+202E reverses what follows it). */
export const HOSTILE =
  `${LINK} **b** __i__ \`c\` ~~s~~ <!channel> <@U1> <https://evil.example> &lt; =HYPERLINK("x") ` +
  '\u202Edcba {{DATE(2017-02-14T06:08:00Z, SHORT)}} tail\\*';

/** Lines that would start a heading, list, quote or setext heading in markdown. */
export const HOSTILE_LINES = ['# h', '- i', '1. o', '> q', '+ p', '==='];

/** Multi-line hostile text, for purposes and reasons. */
export const HOSTILE_TEXT = `${HOSTILE}\n${HOSTILE_LINES.join('\n')}`;

/** A 3,000-character link. */
export const LONG_LINK = `[x](https://evil.example/${'a'.repeat(3000 - '[x](https://evil.example/)'.length)})`;

/** Bidirectional controls. */
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;

type Json = Record<string, unknown>;

function walk(node: unknown, visit: (n: Json) => void): void {
  if (Array.isArray(node)) return node.forEach((x) => walk(x, visit));
  if (!node || typeof node !== 'object') return;
  visit(node as Json);
  for (const v of Object.values(node as Json)) walk(v, visit);
}

/** Every string of a card that Teams reads as markdown: TextBlock text, Fact titles and values. */
export function cardMarkdown(card: Json): string[] {
  const out: string[] = [];
  walk(card, (n) => {
    if (n.type === 'TextBlock' && typeof n.text === 'string') out.push(n.text);
    if (n.type === 'FactSet') for (const f of n.facts as Json[]) out.push(String(f.title), String(f.value));
  });
  return out;
}

interface Char {
  c: string;
  /** False when a backslash escapes it. */
  live: boolean;
}

/** The characters markdown shows, each marked live or escaped (CommonMark backslash escapes). */
function chars(md: string): Char[] {
  const out: Char[] = [];
  for (let i = 0; i < md.length; i++) {
    const next = md[i + 1];
    if (md[i] === '\\' && next !== undefined && /[!-/:-@[-`{-~]/.test(next)) {
      out.push({ c: next, live: false });
      i++;
    } else out.push({ c: md[i]!, live: true });
  }
  return out;
}

/** Where `needle` occurs in what the markdown shows. */
function occurrences(shown: Char[], needle: string): Char[][] {
  const text = shown.map((x) => x.c).join('');
  const found: Char[][] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + 1)) found.push(shown.slice(i, i + needle.length));
  return found;
}

/** Everything in one markdown string that would still act, as sentences (empty when none). */
export function markdownHazards(md: string): string[] {
  const problems: string[] = [];
  const shown = chars(md);
  shown.forEach((x, i) => {
    const next = shown[i + 1]?.c;
    if (!x.live) return;
    if (x.c === '[' || x.c === ']') problems.push('a live link bracket');
    if (x.c === '_') problems.push('a live underscore (italics)');
    if (x.c === '<' && next !== undefined && !/\s/.test(next)) problems.push('a live < (autolink, mention or HTML)');
    if (x.c === '&' && /^&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i.test(shown.slice(i, i + 12).map((y) => y.c).join(''))) problems.push('a live HTML entity');
  });
  for (const marked of ['**b**', '`c`', '~~s~~']) {
    for (const o of occurrences(shown, marked)) if (o.some((x) => x.live && /[*`~]/.test(x.c))) problems.push(`live formatting in ${marked}`);
  }
  if (md.includes('{{DATE(')) problems.push('a live {{DATE()}} function');
  if (BIDI.test(md)) problems.push('a bidirectional control');
  let line: Char[] = [];
  for (const x of [...shown, { c: '\n', live: true }]) {
    if (x.c !== '\n' && x.c !== '\r') {
      line.push(x);
      continue;
    }
    const text = line.map((y) => y.c).join('').trim();
    const first = line.find((y) => !/\s/.test(y.c));
    const marker = text === '1. o' ? line.find((y) => y.c === '.') : first;
    if (HOSTILE_LINES.includes(text) && marker?.live) problems.push(`a live block marker in "${text}"`);
    line = [];
  }
  return problems;
}

/** The hazards of every markdown string of a card. */
export function cardHazards(card: Json): string[] {
  return cardMarkdown(card).flatMap((md) => markdownHazards(md).map((p) => `${p}: ${JSON.stringify(md.slice(0, 160))}`));
}

/** What a markdown string shows once its escapes are read. */
export function displayed(md: string): string {
  return chars(md).map((x) => x.c).join('');
}

/** Whether some markdown string of the card shows `text` exactly as typed. */
export function cardShows(card: Json, text: string): boolean {
  return cardMarkdown(card).some((md) => displayed(md).includes(text));
}

/** Every mrkdwn string of a Slack message or view (plain_text is never formatted). */
export function slackMrkdwn(message: { text?: unknown; blocks?: unknown }): string[] {
  const out: string[] = [];
  if (typeof message.text === 'string') out.push(message.text); // a message's text is mrkdwn
  walk(message.blocks, (n) => {
    if (n.type === 'mrkdwn' && typeof n.text === 'string') out.push(n.text);
  });
  return out;
}

/** Everything in Slack mrkdwn that would still act: only `allowed` angle-bracket tokens may remain. */
export function slackHazards(message: { text?: unknown; blocks?: unknown }, allowed: RegExp): string[] {
  const problems: string[] = [];
  for (const text of slackMrkdwn(message)) {
    for (const token of text.match(/<[^>]*>?/g) ?? []) if (!allowed.test(token)) problems.push(`a live ${token.slice(0, 40)} in ${JSON.stringify(text.slice(0, 160))}`);
    if (BIDI.test(text)) problems.push(`a bidirectional control in ${JSON.stringify(text.slice(0, 160))}`);
  }
  return problems;
}
