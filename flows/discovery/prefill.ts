/**
 * What a registration starts with when the tool is known: the catalog entry's name, vendor and
 * link, and the triage answers the catalog knows, for the person to confirm or change. Also
 * what a `discovery.register` button carries, parsed at the edge.
 */
import { z } from 'zod';
import type { Answers } from '../triage/types';
import type { CatalogEntry } from './catalog';
import { catalog, catalogTool, matchCatalog } from './catalog';
import { oneLineProblem, stripBidi } from '../triage/text';

/** The starting values of a registration form. */
export interface RegistrationPrefill {
  /** The catalog entry the values come from; null for a tool not in the catalog. */
  catalogId: string | null;
  /** The catalog's version, for the audit event. */
  catalogVersion: number | null;
  /** Registration fields to show filled in (name, vendor, url). */
  fields: { name?: string; vendor?: string; url?: string };
  /** Triage answers the catalog knows (question id → answer). */
  answers: Answers;
  /** What the catalog says about training on inputs, to show beside the form. */
  trainsOnInputs: CatalogEntry['trainsOnInputs'] | null;
  note: string | null;
}

/** The prefill of a catalog entry. */
export function prefillOfEntry(entry: CatalogEntry): RegistrationPrefill {
  return {
    catalogId: entry.id,
    catalogVersion: catalog().version,
    fields: { name: entry.name, vendor: entry.vendor, url: entry.url },
    answers: structuredClone(entry.answers) as Answers,
    trainsOnInputs: entry.trainsOnInputs,
    note: entry.note ?? null,
  };
}

/** A name of at most 80 characters, one line, without bidi controls; undefined when unusable. */
function cleanName(text: string): string | undefined {
  const name = stripBidi(text).trim().replace(/\s+/g, ' ');
  if (!name || name.length > 80 || oneLineProblem(name)) return undefined;
  return name;
}

/**
 * The prefill for `register <name>`: the catalog entry the name means, or just the name typed
 * when it is not in the catalog (nothing when there is no usable name).
 */
export function registrationPrefill(text: string | undefined): RegistrationPrefill {
  const typed = (text ?? '').trim();
  const entry = typed ? matchCatalog(typed) : undefined;
  if (entry) return prefillOfEntry(entry);
  const name = cleanName(typed);
  return { catalogId: null, catalogVersion: null, fields: name ? { name } : {}, answers: {}, trainsOnInputs: null, note: null };
}

/** The value of a `discovery.register` button: a catalog tool, or a name given in a survey. */
export const discoveryValueSchema = z.union([
  z.strictObject({ tool: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/) }),
  z.strictObject({ name: z.string().min(1).max(200) }),
]);

/** A parsed `discovery.register` value. */
export type DiscoveryValue = z.infer<typeof discoveryValueSchema>;

/** Parses a button value (JSON text or an object); null when it is not one of ours. */
export function parseDiscoveryValue(value: unknown): DiscoveryValue | null {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return null;
    }
  }
  const r = discoveryValueSchema.safeParse(v);
  return r.success ? r.data : null;
}

/** The prefill a `discovery.register` value asks for; null when its tool is not (any more) in the catalog. */
export function prefillOfDiscovery(value: DiscoveryValue): RegistrationPrefill | null {
  if ('tool' in value) {
    const entry = catalogTool(value.tool);
    return entry ? prefillOfEntry(entry) : null;
  }
  return registrationPrefill(value.name);
}

/** The JSON value of a `discovery.register` button for a catalog tool or a name. */
export function discoveryButtonValue(tool: { catalogId: string } | { name: string }): string {
  return JSON.stringify('catalogId' in tool ? { tool: tool.catalogId } : { name: tool.name.slice(0, 200) });
}

/** Which prefilled answers the submitted answers kept and which they changed (for the audit event). */
export function prefillOutcome(prefilled: Answers, submitted: Answers): { kept: string[]; changed: string[] } {
  const kept: string[] = [];
  const changed: string[] = [];
  for (const [id, value] of Object.entries(prefilled)) {
    if (!(id in submitted)) continue;
    (sameAnswer(value, submitted[id]) ? kept : changed).push(id);
  }
  return { kept, changed };
}

function sameAnswer(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
  return a === b;
}
