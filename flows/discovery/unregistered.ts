/**
 * Whether a catalog tool is registered, and the tools found by discovery that are not: a tool
 * counts as registered while a live (not retired) system carries its catalog id or one of its
 * names (folded as `nameKey` folds them), or once its discovered row names the system made of it.
 */
import { and, asc, eq, inArray, isNull, ne, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems } from '../../db/schema';
import { discoveredTools } from '../../db/schema-discovery';
import { nameKey } from '../views';
import type { CatalogEntry } from './catalog';
import { catalogTool } from './catalog';

/** The folded names a catalog tool may be registered under. */
function namesOf(entry: CatalogEntry): string[] {
  return [...new Set([entry.name, entry.id, ...entry.aliases].map(nameKey).filter(Boolean))];
}

/** The catalog tools among `entries` that have no live system in the workspace. */
export async function unregisteredOf(db: Db, workspaceId: number, entries: readonly CatalogEntry[]): Promise<CatalogEntry[]> {
  if (entries.length === 0) return [];
  const ids = entries.map((e) => e.id);
  const names = entries.flatMap(namesOf);
  const live = await db
    .select({ catalogId: aiSystems.catalogId, nameKey: aiSystems.nameKey })
    .from(aiSystems)
    .where(and(eq(aiSystems.workspaceId, workspaceId), ne(aiSystems.status, 'retired'), or(inArray(aiSystems.catalogId, ids), inArray(aiSystems.nameKey, names))));
  const ids_ = new Set(live.map((s) => s.catalogId).filter((x): x is string => !!x));
  const keys = new Set(live.map((s) => s.nameKey));
  return entries.filter((e) => !ids_.has(e.id) && !namesOf(e).some((k) => keys.has(k)));
}

/** A tool found by discovery (survey or channel) that is not registered yet. */
export interface UnregisteredToolView {
  /** Catalog id or `name:<folded name>`. */
  toolKey: string;
  name: string;
  /** The catalog entry's vendor, when the tool is in the catalog. */
  vendor: string | null;
  /** How many distinct people named it. */
  people: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** `survey` or `channel`: how it was first found. */
  source: string;
}

/** Unregistered discovered tools of a workspace, most people first (at most `limit`). */
export async function unregisteredTools(db: Db, workspaceId: number, limit = 200): Promise<UnregisteredToolView[]> {
  const rows = await db
    .select()
    .from(discoveredTools)
    .where(and(eq(discoveredTools.workspaceId, workspaceId), isNull(discoveredTools.registeredSystemId)))
    .orderBy(asc(discoveredTools.firstSeenAt));
  if (rows.length === 0) return [];
  const catalogIds = rows.map((r) => r.catalogId).filter((x): x is string => !!x);
  const nameKeys = rows.map((r) => (r.toolKey.startsWith('name:') ? r.toolKey.slice(5) : nameKey(r.name)));
  const entries = catalogIds.map((id) => catalogTool(id)).filter((e): e is CatalogEntry => !!e);
  const live = await db
    .select({ catalogId: aiSystems.catalogId, nameKey: aiSystems.nameKey })
    .from(aiSystems)
    .where(
      and(
        eq(aiSystems.workspaceId, workspaceId),
        ne(aiSystems.status, 'retired'),
        or(inArray(aiSystems.catalogId, catalogIds.length ? catalogIds : ['']), inArray(aiSystems.nameKey, [...nameKeys, ...entries.flatMap(namesOf)])),
      ),
    );
  const liveIds = new Set(live.map((s) => s.catalogId).filter((x): x is string => !!x));
  const liveKeys = new Set(live.map((s) => s.nameKey));
  const open = rows.filter((r, i) => {
    const entry = r.catalogId ? catalogTool(r.catalogId) : undefined;
    if (entry) return !liveIds.has(entry.id) && !namesOf(entry).some((k) => liveKeys.has(k));
    return !liveKeys.has(nameKeys[i]!);
  });
  return open
    .map((r) => ({
      toolKey: r.toolKey,
      name: r.catalogId ? (catalogTool(r.catalogId)?.name ?? r.name) : r.name,
      vendor: r.catalogId ? (catalogTool(r.catalogId)?.vendor ?? null) : null,
      people: r.reporters,
      firstSeenAt: r.firstSeenAt,
      lastSeenAt: r.lastSeenAt,
      source: r.firstSource,
    }))
    .sort((a, b) => b.people - a.people || a.firstSeenAt.getTime() - b.firstSeenAt.getTime())
    .slice(0, limit);
}

const SOURCE_LABEL: Record<string, string> = { survey: 'AI-use survey', channel: 'channel discovery' };

/** One line about an unregistered tool (plain text; each adapter escapes it). */
export function unregisteredToolLine(t: UnregisteredToolView, timezone: string): string {
  const who = `${t.people} ${t.people === 1 ? 'person' : 'people'}`;
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(t.firstSeenAt);
  return `${t.name}${t.vendor ? ` (${t.vendor})` : ''} — ${who}, first seen ${day} by ${SOURCE_LABEL[t.source] ?? t.source}`;
}
