/**
 * The digest's "unregistered tools": tools found by discovery (AI-use surveys, channel
 * discovery) that nobody has registered yet, with how many people named each and when it was
 * first seen. A tool leaves the list once it is registered.
 */
import type { Db } from '../../db/client';
import { localDate } from '../jobs/time';
import { unregisteredTools } from './unregistered';

/** Tools listed by name in the digest; the rest are counted. */
export const DISCOVERY_DIGEST_LIMIT = 15;

/** One unregistered tool in the digest (instants as ISO strings, so the digest stores as JSON). */
export interface DiscoveryDigestItem {
  name: string;
  people: number;
  firstSeenAt: string;
  /** survey | channel */
  source: string;
}

/** The digest's part about discovered, unregistered tools. */
export interface DiscoveryDigest {
  /** How many unregistered tools in all. */
  unregistered: number;
  /** The most named first, at most {@link DISCOVERY_DIGEST_LIMIT}. */
  tools: DiscoveryDigestItem[];
}

/** The unregistered tools of a workspace for the digest; undefined when there are none. */
export async function discoveryDigest(db: Db, workspaceId: number): Promise<DiscoveryDigest | undefined> {
  const all = await unregisteredTools(db, workspaceId, 10_000);
  if (all.length === 0) return undefined;
  return {
    unregistered: all.length,
    tools: all.slice(0, DISCOVERY_DIGEST_LIMIT).map((t) => ({ name: t.name, people: t.people, firstSeenAt: t.firstSeenAt.toISOString(), source: t.source })),
  };
}

const SOURCE: Record<string, string> = { survey: 'AI-use survey', channel: 'channel discovery' };

/** The digest lines (plain text; each adapter escapes them). */
export function discoveryDigestLines(d: DiscoveryDigest | undefined, timezone: string): string[] {
  if (!d || d.unregistered === 0) return [];
  const out = [`Unregistered AI tools found (${d.unregistered}):`];
  for (const t of d.tools) {
    const people = `${t.people} ${t.people === 1 ? 'person' : 'people'}`;
    out.push(`  ${t.name} — ${people}, first seen ${localDate(new Date(t.firstSeenAt), timezone)} (${SOURCE[t.source] ?? t.source})`);
  }
  if (d.unregistered > d.tools.length) out.push(`  …and ${d.unregistered - d.tools.length} more (inventory unregistered)`);
  return out;
}
