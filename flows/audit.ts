/**
 * The audit trail: append-only and hash-chained per workspace. Each event stores the hash of the
 * previous event and the SHA-256 of its own canonical content (which includes that previous
 * hash), so changing, removing or reordering any row breaks the chain from there on.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditEvents, workspaces } from '../db/schema';

/** The hash a workspace's first event points back to. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a caller records. */
export interface AuditInput {
  workspaceId: number;
  /** Person platform id, or `system`. */
  actor: string;
  /** Dotted verb, e.g. `system.registered`, `step.decided`. */
  action: string;
  subjectType: string;
  subjectId: string | number;
  data: Record<string, unknown>;
  at: Date;
}

/** JSON with object keys sorted at every level, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

interface HashedContent {
  workspaceId: number;
  seq: number;
  occurredAt: Date;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  data: unknown;
  prevHash: string;
}

/** The hash of one event's content. */
export function eventHash(e: HashedContent): string {
  // Only the listed fields: a row read back also has `id` and `hash`, which are not content.
  const content = canonicalJson({
    workspaceId: e.workspaceId,
    seq: e.seq,
    occurredAt: e.occurredAt.toISOString(),
    actor: e.actor,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    data: e.data,
    prevHash: e.prevHash,
  });
  return createHash('sha256').update(content).digest('hex');
}

/**
 * Appends an event. Must run inside the transaction of the change it records; it locks the
 * workspace row so concurrent appends in one workspace form one chain.
 */
export async function appendAudit(tx: Db, input: AuditInput): Promise<void> {
  const [head] = await tx
    .select({ seq: workspaces.auditSeq, hash: workspaces.auditHash })
    .from(workspaces)
    .where(eq(workspaces.id, input.workspaceId))
    .for('update');
  if (!head) throw new Error(`workspace ${input.workspaceId} does not exist`);
  const last = head.seq > 0 ? { seq: head.seq, hash: head.hash ?? GENESIS_HASH } : undefined;
  // Round-trip the data through JSON so what is hashed is exactly what jsonb gives back.
  const data = JSON.parse(JSON.stringify(input.data)) as Record<string, unknown>;
  const content: HashedContent = {
    workspaceId: input.workspaceId,
    seq: (last?.seq ?? 0) + 1,
    occurredAt: new Date(input.at.getTime()),
    actor: input.actor,
    action: input.action,
    subjectType: input.subjectType,
    subjectId: String(input.subjectId),
    data,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const hash = eventHash(content);
  await tx.insert(auditEvents).values({ ...content, hash });
  await tx.update(workspaces).set({ auditSeq: content.seq, auditHash: hash }).where(eq(workspaces.id, input.workspaceId));
}

/** The result of recomputing the chains. */
export type AuditVerification =
  | { ok: true; events: number; workspaces: number }
  /** `eventId` is null when the break is events missing after the last one present. */
  | { ok: false; eventId: number | null; workspaceId: number; seq: number; problem: string };

/** Recomputes every workspace's chain and reports the first broken event. */
export async function verifyAudit(db: Db, batchSize = 1000): Promise<AuditVerification> {
  const wsRows = await db
    .select({ id: workspaces.id, headSeq: workspaces.auditSeq, headHash: workspaces.auditHash })
    .from(workspaces)
    .orderBy(asc(workspaces.id));
  let count = 0;
  for (const ws of wsRows) {
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    for (let offset = 0; ; offset += batchSize) {
      // In insertion order (appends are serialised per workspace, so ids rise with seq): a row
      // whose seq was changed is then named itself, not the row that now sorts after it.
      const rows = await db
        .select({
          row: auditEvents,
          // Hashes cover milliseconds; a sub-millisecond change to the stored time is still a change.
          subMs: sql<boolean>`${auditEvents.occurredAt} <> date_trunc('milliseconds', ${auditEvents.occurredAt})`,
        })
        .from(auditEvents)
        .where(eq(auditEvents.workspaceId, ws.id))
        .orderBy(asc(auditEvents.id))
        .limit(batchSize)
        .offset(offset);
      for (const { row, subMs } of rows) {
        const broken = (problem: string) =>
          ({ ok: false, eventId: row.id, workspaceId: ws.id, seq: row.seq, problem }) as const;
        if (row.seq !== expectedSeq) return broken(`sequence ${row.seq} where ${expectedSeq} was expected (an event is missing or was moved)`);
        if (row.prevHash !== prevHash) return broken('previous-hash link does not match the event before it');
        const recomputed = eventHash(row);
        if (subMs || recomputed !== row.hash) return broken('content does not match its hash (the event was changed)');
        prevHash = row.hash;
        expectedSeq += 1;
        count += 1;
      }
      if (rows.length < batchSize) break;
    }
    // The head, moved with every append, catches what a chain alone cannot: its newest events
    // deleted, or events appended outside the bot.
    const lastSeq = expectedSeq - 1;
    if (lastSeq < ws.headSeq) {
      return {
        ok: false,
        eventId: null,
        workspaceId: ws.id,
        seq: lastSeq + 1,
        problem: `events ${lastSeq + 1} to ${ws.headSeq} are missing (the chain ends at ${lastSeq}, the workspace's audit head at ${ws.headSeq})`,
      };
    }
    if (lastSeq > ws.headSeq || (lastSeq > 0 && prevHash !== ws.headHash)) {
      const [extra] = await db
        .select({ id: auditEvents.id })
        .from(auditEvents)
        .where(and(eq(auditEvents.workspaceId, ws.id), eq(auditEvents.seq, Math.min(ws.headSeq + 1, lastSeq))));
      return {
        ok: false,
        eventId: extra?.id ?? null,
        workspaceId: ws.id,
        seq: Math.min(ws.headSeq + 1, lastSeq),
        problem: 'the event was not written by the bot (it is not in the workspace\'s audit head)',
      };
    }
  }
  return { ok: true, events: count, workspaces: wsRows.length };
}
