/**
 * Text on Adaptive Cards. Teams reads TextBlock text and FactSet titles and values as markdown:
 * **bold**, _italic_, `- ` and `1. ` lists and [links](url) everywhere; clients built on
 * markdown-it also read `code`, ~~strike~~, # headings, > quotes, <autolinks> and &entities;
 * and every client expands {{DATE(…)}} and {{TIME(…)}} before the markdown. So user text on a
 * card is escaped by `escapeMarkdown`, which puts a backslash (CommonMark's escape, which the
 * Adaptive Card renderers honour) before exactly the characters that would start one of those.
 * `[x](https://evil.example)` then shows as typed instead of as a live link.
 *
 * The card kit escapes every plain string it is given. Our own formatting is `Markdown`, built
 * with the `markdown` template tag: its literal parts are ours, its values are escaped unless they
 * are `Markdown` themselves — so user text cannot be formatted by forgetting to escape it.
 */
import { stripBidi } from '../../flows';

/** An HTML entity or character reference, which markdown-it would decode (`&lt;` → `<`). */
const ENTITY = /^&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/;

/** An ordered-list marker at the start of a line: digits, then `.` or `)`. */
const ORDERED = /^\d{1,9}[.)]/;

/** ASCII punctuation: a backslash before one is an escape in CommonMark. */
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

/** Characters that start a block (heading, quote, list, setext underline) at the start of a line. */
const BLOCK_START = new Set(['#', '>', '+', '-', '=']);

/** Characters that format text wherever they are. */
const INLINE = new Set(['*', '_', '`', '[', ']', '~']);

/**
 * Escapes user text for an Adaptive Card TextBlock or Fact so it renders literally. Bidirectional
 * controls are dropped (they would reorder the text around it). `midLine`: the text follows
 * other text on its line, so its first character cannot start a block.
 */
export function escapeMarkdown(text: string, opts: { midLine?: boolean } = {}): string {
  const t = stripBidi(text);
  let out = '';
  let lineStart = !opts.midLine;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    const next = t[i + 1];
    if (c === '\n' || c === '\r') {
      out += c;
      lineStart = true;
      continue;
    }
    if (lineStart && (c === ' ' || c === '\t')) {
      out += c;
      continue;
    }
    if (lineStart) {
      lineStart = false;
      const ordered = ORDERED.exec(t.slice(i));
      if (ordered) {
        out += `${ordered[0].slice(0, -1)}\\${ordered[0].slice(-1)}`;
        i += ordered[0].length - 1;
        continue;
      }
      if (BLOCK_START.has(c)) {
        out += `\\${c}`;
        continue;
      }
    }
    if (INLINE.has(c)) out += `\\${c}`;
    else if (c === '\\') out += next === undefined || next === '\n' || next === '\r' || ASCII_PUNCTUATION.test(next) ? '\\\\' : '\\';
    else if (c === '<') out += next !== undefined && !/\s/.test(next) ? '\\<' : '<';
    else if (c === '&') out += ENTITY.test(t.slice(i)) ? '\\&' : '&';
    else if (c === '{' && (t.startsWith('{{DATE(', i) || t.startsWith('{{TIME(', i))) {
      out += '{\\{';
      i += 1;
    } else out += c;
  }
  return out;
}

/**
 * Markdown that may go on a card as it is: our own formatting, with any user text in it already
 * escaped. Turning it back into a string (`${…}` in an ordinary template) throws, because the
 * card kit would then escape it a second time; interpolate it with the `markdown` tag instead.
 */
export class Markdown {
  private constructor(readonly source: string) {}

  /** Markdown we wrote ourselves. Never pass user text here. */
  static ours(source: string): Markdown {
    return new Markdown(source);
  }

  /** `parts` joined with `separator` (ours, e.g. a line break); plain strings are escaped. */
  static join(parts: ReadonlyArray<CardText>, separator: string): Markdown {
    let out = '';
    parts.forEach((p, i) => {
      if (i > 0) out += separator;
      out += sourceAfter(out, p);
    });
    return new Markdown(out);
  }

  [Symbol.toPrimitive](): never {
    throw new TypeError('Markdown cannot become a plain string; interpolate it with the markdown`…` tag');
  }
}

/** Text for a card: a plain string is user text and is escaped; `Markdown` is used as it is. */
export type CardText = string | Markdown;

/**
 * Markdown from a template: the literal parts are our formatting; each value is escaped user
 * text, unless it is `Markdown`. E.g. markdown`**${ref}** ${name} waits for you`.
 */
export function markdown(strings: TemplateStringsArray, ...values: ReadonlyArray<CardText | number>): Markdown {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += sourceAfter(out, typeof v === 'number' ? String(v) : v);
    out += strings[i + 1] ?? '';
  });
  return Markdown.ours(out);
}

/** The markdown of a card text: escaped when it is a plain string. */
export function markdownOf(text: CardText): string {
  return text instanceof Markdown ? text.source : escapeMarkdown(text);
}

/**
 * The markdown of `text` written after `before`. Only list and quote markers may precede it on
 * its line and it still starts a block (`- # x` is a heading in a list item); after other text it
 * is mid-line.
 */
function sourceAfter(before: string, text: CardText): string {
  if (text instanceof Markdown) return text.source;
  const line = before.slice(Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1);
  return escapeMarkdown(text, { midLine: /[^\s\-+*>#\d.)]/.test(line) });
}
