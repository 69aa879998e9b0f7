/**
 * What someone with write access to the database can do to the audit trail, for the tests that
 * show `audit verify` catches it: run SQL with the append-only triggers disabled (as the owner or
 * a superuser can), rewrite events and recompute every later hash, roll the head back.
 */
import type { SQL } from 'drizzle-orm';
import { and, asc, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { auditEvents, workspaces } from '../../db/schema';
import type { AuditKey, HashAlg } from '../../flows/audit';
import { eventHash, keyedEventHash } from '../../flows/audit';

/**
 * The audit trail's guard triggers, as an attacker would name them: those of migration
 * `audit_append_only`, the head's as `audit_head_after` recreated it (same name, now AFTER).
 */
export const TRIGGERS = [
  ['audit_events', 'audit_events_append_only'],
  ['audit_checkpoints', 'audit_checkpoints_append_only'],
  ['audit_checkpoints', 'audit_checkpoints_fixed'],
  ['workspaces', 'workspaces_audit_head_forward'],
] as const;

/** Disables every append-only trigger for the rest of the transaction `tx`. */
export async function disableTriggers(tx: Db): Promise<void> {
  for (const [table, trigger] of TRIGGERS) await tx.execute(sql.raw(`alter table "${table}" disable trigger "${trigger}"`));
}

class Rollback extends Error {}

/** Runs `fn` in a transaction that is always rolled back; returns what `fn` returned. */
export async function inRolledBack<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  let out: T | undefined;
  await db
    .transaction(async (tx) => {
      out = await fn(tx as unknown as Db);
      throw new Rollback();
    })
    .catch((err: unknown) => {
      if (!(err instanceof Rollback)) throw err;
    });
  return out as T;
}

/** The database's own message of a failed statement (drizzle wraps it). */
export function dbMessage(err: unknown): string {
  const e = err as { cause?: { message?: string }; message?: string };
  return `${e.cause?.message ?? ''} ${e.message ?? String(err)}`;
}

/** Runs `statement` in a rolled-back transaction and returns the database's refusal, or null. */
export async function refusal(db: Db, statement: SQL): Promise<string | null> {
  try {
    await inRolledBack(db, (tx) => tx.execute(statement));
    return null;
  } catch (err) {
    return dbMessage(err);
  }
}

/** How the attacker re-hashes a rewritten event. */
export type Rehash = { alg: HashAlg; key?: AuditKey };

/**
 * Rewrites the chain of a workspace from `fromSeq` (after `edit` changed that event's data) and
 * recomputes the hash of every later event, then moves the head to the new last hash: what
 * anyone who can write to the database can do when the hashes are plain SHA-256.
 */
export async function rewriteFrom(
  tx: Db,
  workspaceId: number,
  fromSeq: number,
  edit: (data: Record<string, unknown>) => Record<string, unknown>,
  rehash: (seq: number, current: HashAlg) => Rehash = () => ({ alg: 'sha256' }),
): Promise<void> {
  const rows = await tx
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.workspaceId, workspaceId), gte(auditEvents.seq, fromSeq)))
    .orderBy(asc(auditEvents.seq));
  const [before] = await tx
    .select({ hash: auditEvents.hash })
    .from(auditEvents)
    .where(and(eq(auditEvents.workspaceId, workspaceId), eq(auditEvents.seq, fromSeq - 1)));
  let prevHash = before?.hash ?? '0'.repeat(64);
  for (const row of rows) {
    const data = row.seq === fromSeq ? edit(row.data as Record<string, unknown>) : row.data;
    const how = rehash(row.seq, row.hashAlg as HashAlg);
    const content = { ...row, data, prevHash };
    const hash = how.alg === 'sha256' ? eventHash(content) : keyedEventHash(content, how.key!);
    await tx.update(auditEvents).set({ data, prevHash, hash, hashAlg: how.alg }).where(eq(auditEvents.id, row.id));
    prevHash = hash;
  }
  await tx.update(workspaces).set({ auditHash: prevHash }).where(eq(workspaces.id, workspaceId));
}

/** Deletes a workspace's events from `fromSeq` on and rolls its head back to the event before. */
export async function cutFrom(tx: Db, workspaceId: number, fromSeq: number): Promise<void> {
  await tx.delete(auditEvents).where(and(eq(auditEvents.workspaceId, workspaceId), gte(auditEvents.seq, fromSeq)));
  const [last] = await tx
    .select({ hash: auditEvents.hash })
    .from(auditEvents)
    .where(and(eq(auditEvents.workspaceId, workspaceId), eq(auditEvents.seq, fromSeq - 1)));
  await tx.update(workspaces).set({ auditSeq: fromSeq - 1, auditHash: last?.hash ?? null }).where(eq(workspaces.id, workspaceId));
}

/** Rows of a raw query, whichever driver ran it. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
