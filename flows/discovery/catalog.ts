/**
 * The AI tool catalog (ai-tools.yaml): tools people use for work that are, or contain, AI. Used
 * to pre-fill a registration, to tell `check` that a known tool is not registered, to offer the
 * tools in the AI-use survey and to notice them in channel messages (discovery).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { nameKey } from '../views';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** What the vendor states about training on customer inputs for a plan. */
const trains = z.enum(['yes', 'no', 'opt_out', 'opt_in', 'unknown']);

const entrySchema = z.strictObject({
  /** Stable id (`chatgpt`), the `tool_key` of a discovered catalog tool. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  name: z.string().min(1).max(80),
  vendor: z.string().min(1).max(120),
  url: z.url({ protocol: /^https$/ }),
  /** Host names whose links mean this tool (subdomains match too). */
  domains: z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/)).default([]),
  /** Other names people use for it. */
  aliases: z.array(z.string().min(1).max(80)).default([]),
  /** What kind of tool it is (used to group the survey's choices). */
  category: z.enum(['assistant', 'meeting_notes', 'writing', 'translation', 'code', 'image', 'video', 'voice', 'hr', 'crm', 'support', 'other']),
  /** Default answers to triage questions (question id → answer) the user confirms or changes. */
  answers: z.record(z.string(), z.unknown()).default({}),
  trainsOnInputs: z.strictObject({
    consumer: trains,
    business: trains,
    /** Where the vendor says so. */
    source: z.url(),
    /** When that statement was last checked. */
    checkedAt: day,
  }),
  /** What is uncertain or worth knowing: an unconfirmed vendor statement, a deep-fake risk, plan differences. */
  note: z.string().min(1).max(400).optional(),
});

const catalogSchema = z.strictObject({
  version: z.number().int().positive(),
  reviewedAt: day,
  tools: z.array(entrySchema).min(1),
});

/** One catalog tool. */
export type CatalogEntry = z.output<typeof entrySchema>;
/** The whole catalog. */
export type Catalog = z.output<typeof catalogSchema>;

let loaded: Catalog | null = null;

/** The catalog shipped with the bot (read and validated once). */
export function catalog(): Catalog {
  if (!loaded) {
    const text = readFileSync(new URL('./ai-tools.yaml', import.meta.url), 'utf8');
    loaded = catalogSchema.parse(parseYaml(text));
  }
  return loaded;
}

/** The catalog tool with this id, or undefined. */
export function catalogTool(id: string): CatalogEntry | undefined {
  return catalog().tools.find((t) => t.id === id);
}

/** Words for a plan or edition that may follow a tool's name ("ChatGPT Plus", "Claude for Work"). */
const PLAN_WORDS = new Set([
  'plus', 'pro', 'premium', 'enterprise', 'business', 'team', 'teams', 'free', 'edu', 'education',
  'max', 'ultra', 'advanced', 'personal', 'starter', 'standard', 'basic', 'individual', 'for', 'work',
  'app', 'subscription', 'plan', 'account', 'license', 'licence', 'trial', 'paid',
]);

/** Lower-cased words of a text with accents and punctuation gone (`Le Chat – Pro` → `le chat pro`). */
export function foldWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

interface IndexEntry {
  /** Folded, without spaces (`chatgpt`). */
  key: string;
  entry: CatalogEntry;
}

let index: { byKey: Map<string, CatalogEntry>; keys: IndexEntry[] } | null = null;

/** Every folded name, id and alias of every tool, for exact and prefix look-ups. */
function nameIndex(): { byKey: Map<string, CatalogEntry>; keys: IndexEntry[] } {
  if (index) return index;
  const byKey = new Map<string, CatalogEntry>();
  const keys: IndexEntry[] = [];
  for (const entry of catalog().tools) {
    for (const n of [entry.name, entry.id, ...entry.aliases]) {
      const key = nameKey(n);
      if (!key || byKey.has(key)) continue;
      byKey.set(key, entry);
      keys.push({ key, entry });
    }
  }
  index = { byKey, keys };
  return index;
}

/**
 * The catalog tool a name (as typed in `register`, `check` or a survey's "other") means: by
 * name, id or alias with case, spaces, punctuation and accents ignored, with a plan or edition
 * after it ("ChatGPT Plus", "chatgpt enterprise", "Claude for Work"), or by a link to one of its
 * domains (`www.` and subdomains included). Whole names only: a short alias never matches
 * inside another word ("Fin" is not "Finance").
 */
export function matchCatalog(text: string): CatalogEntry | undefined {
  const t = text.trim();
  if (!t || t.length > 300) return undefined;
  const host = hostOf(t);
  const byDomain = host ? byHost(host) : undefined;
  if (byDomain) return byDomain;
  const { byKey } = nameIndex();
  const exact = byKey.get(nameKey(t));
  if (exact) return exact;
  // Drop plan words from the end, one at a time, and try again; never down to nothing.
  const words = foldWords(t);
  while (words.length > 1 && PLAN_WORDS.has(words.at(-1)!)) {
    words.pop();
    const hit = byKey.get(words.join(''));
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Catalog tools for a picker: those whose name, id or alias, or one of whose name's words, starts
 * with `prefix` (folded as in matching), names starting with it first, then by name; at most
 * `limit` (default 20). An empty prefix gives none.
 */
export function searchCatalog(prefix: string, limit = 20): CatalogEntry[] {
  const key = nameKey(prefix);
  if (!key) return [];
  const scored = new Map<CatalogEntry, number>();
  for (const { key: k, entry } of nameIndex().keys) {
    if (k.startsWith(key)) scored.set(entry, nameKey(entry.name).startsWith(key) ? 0 : 1);
  }
  for (const entry of catalog().tools) {
    if (!scored.has(entry) && foldWords(entry.name).some((w) => w.startsWith(key))) scored.set(entry, 2);
  }
  return [...scored.entries()]
    .sort((a, b) => a[1] - b[1] || a[0].name.localeCompare(b[0].name, 'en'))
    .slice(0, Math.max(0, limit))
    .map(([entry]) => entry);
}

/** The host name of a URL or bare domain (`https://www.chatgpt.com/x`, `otter.ai`), lower-cased, without `www.`. */
function hostOf(text: string): string | undefined {
  const m = /^(?:https?:\/\/)?(?:[^\s/@]+@)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)\.?(?::\d+)?(?:[/?#]\S*)?$/i.exec(text);
  if (!m || !/\.[a-z]{2,}$/i.test(m[1]!)) return undefined;
  return m[1]!.toLowerCase().replace(/^www\./, '');
}

/** The tool whose domain is `host` or a parent of it; the longest (most specific) domain wins. */
function byHost(host: string): CatalogEntry | undefined {
  let best: { entry: CatalogEntry; length: number } | undefined;
  for (const entry of catalog().tools) {
    for (const d of entry.domains) {
      if ((host === d || host.endsWith(`.${d}`)) && (!best || d.length > best.length)) best = { entry, length: d.length };
    }
  }
  return best?.entry;
}
