/**
 * Opening a nonconformity (`NC-7`, spec/aims.md): shared by everything that raises one — a
 * `minor_nc`/`major_nc` audit finding, a serious incident, anyone's `nc raise`. Runs inside the
 * caller's transaction with its `nc.raised` audit event; with a `dedupeKey` (`finding:<id>`,
 * `incident:<id>`) a second opening for the same source returns the existing NC unchanged.
 * A new NC's owner (unless they raised it themselves) is told through the outbox (`nc.assigned`).
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { nonconformities } from '../../db/schema-improve';
import { appendAudit } from '../audit';
import { enqueue } from '../outbox';
import { lockWorkspace, ncRef, takeNumbers } from '../refs';

/** Where a nonconformity comes from. */
export type NcSource = 'audit' | 'incident' | 'review' | 'complaint' | 'other';
/** How bad it is. */
export type NcSeverity = 'minor' | 'major';
/** A nonconformity row as stored. */
export type NcRow = typeof nonconformities.$inferSelect;

/** What a caller gives to open a nonconformity. */
export interface NewNonconformity {
  workspaceId: number;
  source: NcSource;
  severity: NcSeverity;
  description: string;
  /** people.id of the owner (who contains, finds the cause and plans the actions), if known. */
  ownerId?: number | null;
  findingId?: number | null;
  incidentId?: number | null;
  systemId?: number | null;
  dedupeKey?: string | null;
  /** people.id of who raised it; null for the bot itself. */
  createdById?: number | null;
  /** Platform id of who caused it, or `system`. */
  actor: string;
  at: Date;
}

/** Opens the NC (or returns the one with the same `dedupeKey`) with an `nc.raised` event. */
export async function openNonconformity(tx: Db, input: NewNonconformity): Promise<{ nc: NcRow; created: boolean }> {
  await lockWorkspace(tx, input.workspaceId);
  if (input.dedupeKey) {
    const [existing] = await tx
      .select()
      .from(nonconformities)
      .where(and(eq(nonconformities.workspaceId, input.workspaceId), eq(nonconformities.dedupeKey, input.dedupeKey)));
    if (existing) return { nc: existing, created: false };
  }
  const number = await takeNumbers(tx, input.workspaceId, 'nc', 1);
  const [nc] = await tx
    .insert(nonconformities)
    .values({
      workspaceId: input.workspaceId,
      number,
      source: input.source,
      findingId: input.findingId ?? null,
      incidentId: input.incidentId ?? null,
      systemId: input.systemId ?? null,
      dedupeKey: input.dedupeKey ?? null,
      severity: input.severity,
      description: input.description,
      ownerId: input.ownerId ?? null,
      createdById: input.createdById ?? null,
      createdAt: input.at,
      updatedAt: input.at,
    })
    .returning();
  await appendAudit(tx, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: 'nc.raised',
    subjectType: 'nonconformity',
    subjectId: ncRef(number),
    data: {
      source: input.source,
      severity: input.severity,
      description: input.description,
      owner_id: input.ownerId ?? null,
      finding_id: input.findingId ?? null,
      incident_id: input.incidentId ?? null,
      system_id: input.systemId ?? null,
    },
    at: input.at,
  });
  if (nc!.ownerId !== null && nc!.ownerId !== nc!.createdById) await tellOwner(tx, nc!, input.at);
  return { nc: nc!, created: true };
}

/** Payload of the NC notices (`nc.assigned`, `nc.verification_due`, `nc.reminder`): adapters show `text`. */
export interface NcNoticePayload {
  [key: string]: unknown;
  ncId: number;
  /** `NC-7` */
  ref: string;
  /** `nc.reminder` only: containment | root_cause | verification | closure */
  stage?: string;
  /** Plain text; adapters escape it. */
  text: string;
}

async function tellOwner(tx: Db, nc: NcRow, at: Date): Promise<void> {
  const ref = ncRef(nc.number);
  const payload: NcNoticePayload = {
    ncId: nc.id,
    ref,
    text:
      `You own the ${nc.severity} nonconformity ${ref} (source: ${nc.source}): ${nc.description.slice(0, 500)}. ` +
      `Record the containment and the root cause, then plan corrective actions: nc ${ref}`,
  };
  await enqueue(tx, { workspaceId: nc.workspaceId, dedupeKey: `nc.assigned:${nc.id}:${nc.ownerId}`, kind: 'nc.assigned', recipient: { person: nc.ownerId! }, payload, notBefore: at });
}
