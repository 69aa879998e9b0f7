/**
 * Which catalog tools a chat message mentions (channel discovery): by name, id or alias as whole
 * words (case, spaces and punctuation ignored, so "otter" never matches inside "botter"), or by a
 * link to one of the tool's domains or a subdomain of one (plain URLs, bare domains and Slack's
 * `<https://…|label>` link syntax). Pure: the text is read here and nowhere kept.
 */
import type { CatalogEntry } from './catalog';
import { catalog } from './catalog';

/** Longest message text examined (characters); Slack allows 40,000, mentions sit anywhere in it. */
const MAX_TEXT = 40_000;

/** A catalog name as a sequence of folded words, e.g. `Otter.ai` → `otter ai`. */
interface NameKey {
  words: string[];
  entry: CatalogEntry;
}

let keys: { catalogRef: object; list: NameKey[] } | null = null;

/** Folds text into lower-case words of letters and digits (accents removed). */
function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** The folded names (name, id, aliases) of every catalog tool, longest first. */
function nameKeys(): NameKey[] {
  const c = catalog();
  if (keys?.catalogRef !== c) {
    const list: NameKey[] = [];
    for (const entry of c.tools) {
      const seen = new Set<string>();
      for (const n of [entry.name, entry.id, ...entry.aliases]) {
        const w = words(n);
        const k = w.join(' ');
        // A one-word name under three characters ("ai", "x") says nothing in running text.
        if (w.length === 0 || (w.length === 1 && w[0]!.length < 3) || seen.has(k)) continue;
        seen.add(k);
        list.push({ words: w, entry });
      }
    }
    keys = { catalogRef: c, list: list.sort((a, b) => b.words.length - a.words.length) };
  }
  return keys.list;
}

/** Slack's `<…>` markup: links become their URL and label; user, channel and special mentions go. */
function unwrapSlackMarkup(text: string): string {
  return text.replace(/<([^<>]*)>/g, (_m, inner: string) => {
    if (/^[@#!]/.test(inner)) return ' ';
    const bar = inner.indexOf('|');
    return bar < 0 ? ` ${inner} ` : ` ${inner.slice(0, bar)} ${inner.slice(bar + 1)} `;
  });
}

/** URLs (`https://host/…`) and bare domains (`otter.ai`, `www.otter.ai/x`). */
const LINK = /\b(?:https?:\/\/)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}[a-z]{2,63})\b(?::\d+)?(?:[/?#][^\s<>|]*)?/giu;

/** The tool whose domain is `host` or a parent of it. */
function byHost(host: string): CatalogEntry | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  return catalog().tools.find((t) => t.domains.some((d) => h === d || h.endsWith(`.${d}`)));
}

/** Whether `needle` occurs as consecutive whole words in `hay`. */
function containsWords(hay: readonly string[], needle: readonly string[]): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * The catalog tools `text` mentions, each once, in catalog order. Links count by their host;
 * the rest of the text by whole words of a tool's name, id or aliases.
 */
export function findToolMentions(text: string): CatalogEntry[] {
  const plain = unwrapSlackMarkup(text.slice(0, MAX_TEXT));
  const found = new Set<CatalogEntry>();
  // Links first, then the words around them (a link's path is not a mention of a name).
  // A bare name with a dot that is no catalog domain ("Character.AI") stays text for the names.
  const rest = plain.replace(LINK, (m: string, host: string) => {
    const tool = byHost(host);
    if (tool) found.add(tool);
    return tool || /^https?:/i.test(m) ? ' ' : m;
  });
  const hay = words(rest);
  if (hay.length > 0) {
    for (const k of nameKeys()) {
      if (!found.has(k.entry) && containsWords(hay, k.words)) found.add(k.entry);
    }
  }
  return catalog().tools.filter((t) => found.has(t));
}
