/**
 * Short references of the management-system objects (spec/aims.md): numbers handed out per
 * workspace and scope in the transaction that creates the object, so two concurrent creations
 * never get the same number and a rolled-back one leaves no gap.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { lockWorkspaceHead } from './audit';
import { refCounters } from '../db/schema-aims';

/**
 * Counter scopes: one per workspace (`task`, `soa`, `control`, `nc`, `incident`), per year
 * (`audit:2026`), per system (`risk:<id>`, `ia:<id>`) or per audit (`finding:<audit id>`).
 */
export type RefScope = 'task' | 'soa' | 'control' | 'nc' | 'incident' | `audit:${number}` | `finding:${number}` | `risk:${number}` | `ia:${number}`;

/**
 * Locks the workspace row for this transaction (FOR NO KEY UPDATE, the lock the audit head takes
 * too), so that everything numbered or deduplicated in a workspace is decided one transaction at
 * a time, always taking the workspace lock before a counter's. Cheap to take again.
 */
export async function lockWorkspace(tx: Db, workspaceId: number): Promise<void> {
  // The same statement reads the audit head, which the transaction's audit append then need not.
  await lockWorkspaceHead(tx, workspaceId);
}

/** The next number of `scope` in the workspace; must run inside the creating transaction. */
export async function nextNumber(tx: Db, workspaceId: number, scope: RefScope): Promise<number> {
  await lockWorkspace(tx, workspaceId);
  return takeNumbers(tx, workspaceId, scope, 1);
}

/**
 * Takes `count` consecutive numbers of `scope` at once and returns the first. The caller holds
 * the workspace lock already ({@link lockWorkspace}), as a batch that deduplicates first does.
 */
export async function takeNumbers(tx: Db, workspaceId: number, scope: RefScope, count: number): Promise<number> {
  const [row] = await tx
    .insert(refCounters)
    .values({ workspaceId, scope, last: count })
    .onConflictDoUpdate({ target: [refCounters.workspaceId, refCounters.scope], set: { last: sql`${refCounters.last} + ${count}` } })
    .returning({ last: refCounters.last });
  return row!.last - count + 1;
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

/** `IA-2026-1`, an internal audit (year, then a number per year). */
export const internalAuditRef = (year: number, n: number): string => `IA-${year}-${n}`;
/** `IA-2026-1/F-3`, a finding of an internal audit. */
export const findingRef = (auditRef: string, n: number): string => `${auditRef}/F-${n}`;
/** `NC-7` */
export const ncRef = (n: number): string => `NC-${n}`;
/** `INC-4` */
export const incidentRef = (n: number): string => `INC-${n}`;

/** Parses `IA-2026-1` (case-insensitive) to `{ year: 2026, n: 1 }`, or null. */
export function parseInternalAuditRef(text: string): { year: number; n: number } | null {
  const m = /^\s*ia-(\d{4})-(\d{1,9})\s*$/i.exec(text);
  return m ? { year: Number(m[1]), n: Number(m[2]) } : null;
}

/** Parses `NC-7` (case-insensitive, `7` too) to 7, or null. */
export function parseNcRef(text: string): number | null {
  const m = /^\s*(?:nc-)?(\d{1,9})\s*$/i.exec(text);
  return m ? Number(m[1]) : null;
}

/** Parses `INC-4` (case-insensitive, `4` too) to 4, or null. */
export function parseIncidentRef(text: string): number | null {
  const m = /^\s*(?:inc-)?(\d{1,9})\s*$/i.exec(text);
  return m ? Number(m[1]) : null;
}
