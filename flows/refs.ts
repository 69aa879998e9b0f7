/**
 * Short references of the management-system objects (spec/aims.md): numbers handed out per
 * workspace and scope in the transaction that creates the object, so two concurrent creations
 * never get the same number and a rolled-back one leaves no gap.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { refCounters } from '../db/schema-aims';

/** Counter scopes: one per workspace (`task`, `soa`, `control`) or per system (`risk:<id>`, `ia:<id>`). */
export type RefScope = 'task' | 'soa' | 'control' | `risk:${number}` | `ia:${number}`;

/** The next number of `scope` in the workspace; must run inside the creating transaction. */
export async function nextNumber(tx: Db, workspaceId: number, scope: RefScope): Promise<number> {
  const [row] = await tx
    .insert(refCounters)
    .values({ workspaceId, scope, last: 1 })
    .onConflictDoUpdate({ target: [refCounters.workspaceId, refCounters.scope], set: { last: sql`${refCounters.last} + 1` } })
    .returning({ last: refCounters.last });
  return row!.last;
}

/** `T-12` */
export const taskRef = (n: number): string => `T-${n}`;
/** `SoA-4` */
export const soaRef = (n: number): string => `SoA-${n}`;
/** `X-2`, an organisation-defined control. */
export const customControlRef = (n: number): string => `X-${n}`;
/** `AI-3/R-1` */
export const riskRef = (systemRef: string, n: number): string => `${systemRef}/R-${n}`;
/** `AI-3/IA-1` */
export const impactRef = (systemRef: string, n: number): string => `${systemRef}/IA-${n}`;

/** Parses `T-12` (case-insensitive, `#12` and `12` too) to 12, or null. */
export function parseTaskRef(text: string): number | null {
  const m = /^\s*(?:t-|#)?(\d{1,9})\s*$/i.exec(text);
  return m ? Number(m[1]) : null;
}

/** Parses `AI-3/R-1` to `{ systemRef: 'AI-3', n: 1 }` (case-insensitive), or null. */
export function parseRiskRef(text: string): { systemRef: string; n: number } | null {
  const m = /^\s*ai-(\d{1,9})\s*\/\s*r-(\d{1,9})\s*$/i.exec(text);
  return m ? { systemRef: `AI-${Number(m[1])}`, n: Number(m[2]) } : null;
}
