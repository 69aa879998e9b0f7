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
  /** assistant | meeting_notes | writing | translation | code | image | video | voice | hr | crm | support | other */
  category: z.string().min(1).max(40),
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

/** The folded keys (name and aliases) of every tool, longest first. */
function nameIndex(): Array<{ key: string; entry: CatalogEntry }> {
  const out: Array<{ key: string; entry: CatalogEntry }> = [];
  for (const entry of catalog().tools) {
    for (const n of [entry.name, entry.id, ...entry.aliases]) out.push({ key: nameKey(n), entry });
  }
  return out.sort((a, b) => b.key.length - a.key.length);
}

/**
 * The catalog tool a name (as typed in `register`, `check` or a survey's "other") means:
 * by name, id or alias with case, spaces and punctuation ignored, or by a link to its domain.
 */
export function matchCatalog(text: string): CatalogEntry | undefined {
  const host = hostOf(text);
  if (host) return byHost(host);
  const key = nameKey(text);
  if (!key) return undefined;
  return nameIndex().find((n) => n.key === key)?.entry;
}

/** The host name of a URL or bare domain (`https://chat.openai.com/x`, `otter.ai`), lower-cased. */
function hostOf(text: string): string | undefined {
  const t = text.trim();
  const m = /^(?:https?:\/\/)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d+)?(?:[/?#]\S*)?$/i.exec(t);
  if (!m || !/\.[a-z]{2,}$/i.test(m[1]!)) return undefined;
  if (!/^https?:\/\//i.test(t) && !t.includes('.')) return undefined;
  return m[1]!.toLowerCase();
}

/** The tool whose domain is `host` or a parent of it. */
function byHost(host: string): CatalogEntry | undefined {
  return catalog().tools.find((t) => t.domains.some((d) => host === d || host.endsWith(`.${d}`)));
}
