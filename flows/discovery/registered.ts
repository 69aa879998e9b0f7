/**
 * A registration takes its tool off the "unregistered tools" list: any `discovered_tools` row of
 * the workspace whose catalog id or folded name is the new system's is marked registered, in the
 * registration's transaction, whatever path the registration came from.
 */
import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { discoveredTools } from '../../db/schema-discovery';
import { appendAudit } from '../audit';
import { nameKey } from '../views';

/** Marks the discovered tools a new system registers; the function it returns audits each with the system's reference. */
export async function markDiscoveredRegistered(
  tx: Db,
  o: { workspaceId: number; actor: string; systemId: number; catalogId: string | null; name: string; now: Date },
): Promise<(systemRef: string) => Promise<void>> {
  // A tool outside the catalog is keyed `name:<folded name>` (survey answers); older rows by the bare folded name.
  const folded = nameKey(o.name);
  const keys = [...new Set([...(folded ? [folded, `name:${folded}`] : []), ...(o.catalogId ? [o.catalogId] : [])])];
  const matches = o.catalogId
    ? or(inArray(discoveredTools.toolKey, keys), eq(discoveredTools.catalogId, o.catalogId))
    : inArray(discoveredTools.toolKey, keys);
  // Only rows not registered yet: a replay or a second system of the same name changes nothing.
  const rows = await tx
    .update(discoveredTools)
    .set({ registeredSystemId: o.systemId, registeredAt: o.now })
    .where(and(eq(discoveredTools.workspaceId, o.workspaceId), isNull(discoveredTools.registeredSystemId), matches))
    .returning({ id: discoveredTools.id, toolKey: discoveredTools.toolKey });
  // The audit events name the system's reference, which the registration learns last.
  return async (systemRef) => {
    for (const r of rows) {
      await appendAudit(tx, {
        workspaceId: o.workspaceId,
        actor: o.actor,
        action: 'discovery.tool_registered',
        subjectType: 'discovered_tool',
        subjectId: r.id,
        data: { toolKey: r.toolKey, system: systemRef },
        at: o.now,
      });
    }
  };
}
