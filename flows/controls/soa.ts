/**
 * The Statement of Applicability (ISO/IEC 42001 6.1.3 d): the control register frozen into a
 * document with the organisation and the AIMS scope. Compliance approves the current draft as
 * `SoA-n`: the snapshot and the SHA-256 of its canonical JSON go into `soa_versions`, the hash
 * into the `soa.approved` audit event, in one transaction. Approving a draft equal to the latest
 * version (a replay, a double click, five concurrent clicks) adds nothing.
 */
import { createHash } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { people, workspaces } from '../../db/schema';
import { soaVersions } from '../../db/schema-aims';
import { appendAudit, canonicalJson } from '../audit';
import type { Policy } from '../policy';
import type { FlowContext } from '../ports';
import { nextNumber, soaRef } from '../refs';
import type { Refusal } from '../results';
import { refuse } from '../results';
import { controlsRefusal, mayManageControls } from './edit';
import type { ControlEntry, SystemLink } from './register';
import { controlRegister, plannedSystems } from './register';

/** What is frozen and hashed: the same content `export soa` writes below its header. */
export interface SoaSnapshot {
  organisation: string;
  aims_scope: string | null;
  /** Systems waiting for approval: their controls are planned, not yet applicable. */
  planned_systems: SystemLink[];
  controls: ControlEntry[];
}

/** A Statement of Applicability with its header: an approved version or the draft. */
export interface SoaDocument {
  /** `SoA-4`, or `draft`. */
  version: string;
  approved_by: string | null;
  approved_by_id: string | null;
  /** ISO time of the approval, or null for the draft. */
  approved_at: string | null;
  /** SHA-256 (hex) of the canonical JSON of `snapshot`. */
  hash: string;
  snapshot: SoaSnapshot;
}

/** SHA-256 of the canonical JSON (keys sorted at every level) of a snapshot. */
export function soaHash(snapshot: unknown): string {
  return createHash('sha256').update(canonicalJson(snapshot)).digest('hex');
}

/** The current draft of a workspace's Statement of Applicability. */
export async function soaDraft(db: Db, policy: Policy, workspaceId: number): Promise<SoaDocument> {
  const snapshot: SoaSnapshot = {
    organisation: policy.organization.name ?? (await workspaceLabel(db, workspaceId)),
    aims_scope: policy.organization.aimsScope ?? null,
    planned_systems: await plannedSystems(db, workspaceId),
    controls: await controlRegister(db, workspaceId),
  };
  return { version: 'draft', approved_by: null, approved_by_id: null, approved_at: null, hash: soaHash(snapshot), snapshot };
}

async function workspaceLabel(db: Db, workspaceId: number): Promise<string> {
  const [w] = await db.select({ name: workspaces.name, platform: workspaces.platform, externalId: workspaces.externalId }).from(workspaces).where(eq(workspaces.id, workspaceId));
  return w?.name ?? (w ? `${w.platform}:${w.externalId}` : '');
}

/** The latest approved version of a workspace (or version `SoA-<number>` when given), or null. */
export async function latestSoa(db: Db, workspaceId: number, number?: number): Promise<SoaDocument | null> {
  const [row] = await db
    .select({ v: soaVersions, name: people.displayName, platformId: people.platformId })
    .from(soaVersions)
    .innerJoin(people, eq(people.id, soaVersions.approvedById))
    .where(and(eq(soaVersions.workspaceId, workspaceId), number === undefined ? undefined : eq(soaVersions.number, number)))
    .orderBy(desc(soaVersions.number))
    .limit(1);
  if (!row) return null;
  return {
    version: soaRef(row.v.number),
    approved_by: row.name ?? row.platformId,
    approved_by_id: row.platformId,
    approved_at: row.v.approvedAt.toISOString(),
    hash: row.v.hash,
    snapshot: row.v.snapshot as SoaSnapshot,
  };
}

/** The `soa` command: the draft (compliance only), with the latest approved version for comparison. */
export async function soaForChat(ctx: FlowContext): Promise<{ kind: 'soa'; draft: SoaDocument; latest: SoaDocument | null } | Refusal> {
  if (!mayManageControls(ctx)) return controlsRefusal('see and approve the Statement of Applicability');
  const draft = await soaDraft(ctx.deps.db, ctx.deps.policy, ctx.workspace.id);
  return { kind: 'soa', draft, latest: await latestSoa(ctx.deps.db, ctx.workspace.id) };
}

/** The outcome of `soa.approve`. */
export type SoaApproval = { kind: 'approved'; version: string; hash: string } | Refusal;

/**
 * Approves the current draft as the next `SoA-n` (compliance only). `shownHash` is the hash of
 * the draft the approver was shown (the button's value): when the register changed since, the
 * approval is refused, so nobody signs what they did not see. A draft equal to the latest
 * version is answered "already approved as SoA-n".
 */
export async function approveSoa(ctx: FlowContext, shownHash?: string): Promise<SoaApproval> {
  if (!mayManageControls(ctx)) return controlsRefusal('approve the Statement of Applicability');
  const ws = ctx.workspace.id;
  const now = ctx.deps.clock.now();
  return ctx.deps.db.transaction(async (tx) => {
    // Approvals of one workspace queue here, so the check below sees the version a concurrent click made.
    await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, ws)).for('update');
    const draft = await soaDraft(tx, ctx.deps.policy, ws);
    const [latest] = await tx
      .select({ number: soaVersions.number, hash: soaVersions.hash })
      .from(soaVersions)
      .where(eq(soaVersions.workspaceId, ws))
      .orderBy(desc(soaVersions.number))
      .limit(1);
    const shown = shownHash ?? draft.hash;
    if (latest && (latest.hash === shown || (shownHash === undefined && latest.hash === draft.hash))) {
      const [by] = await tx
        .select({ name: people.displayName, platformId: people.platformId, at: soaVersions.approvedAt })
        .from(soaVersions)
        .innerJoin(people, eq(people.id, soaVersions.approvedById))
        .where(and(eq(soaVersions.workspaceId, ws), eq(soaVersions.number, latest.number)));
      const when = by ? ` by ${by.name ?? by.platformId} on ${by.at.toISOString().slice(0, 10)}` : '';
      return refuse('already_decided', `This Statement of Applicability is already approved as ${soaRef(latest.number)}${when}; nothing new was approved.`);
    }
    if (shown !== draft.hash) {
      return refuse('closed', 'The control register changed since this Statement of Applicability was sent; nothing was approved. Run soa again and approve the new draft.');
    }
    const n = await nextNumber(tx, ws, 'soa');
    await tx.insert(soaVersions).values({ workspaceId: ws, number: n, snapshot: draft.snapshot, hash: draft.hash, approvedById: ctx.actor.id, approvedAt: now });
    await appendAudit(tx, {
      workspaceId: ws,
      actor: ctx.actor.platformId,
      action: 'soa.approved',
      subjectType: 'soa',
      subjectId: soaRef(n),
      data: { version: soaRef(n), hash: draft.hash, controls: draft.snapshot.controls.length, applicable: draft.snapshot.controls.filter((c) => c.applicable).length },
      at: now,
    });
    return { kind: 'approved' as const, version: soaRef(n), hash: draft.hash };
  });
}

/** The SoA with this hash in a workspace: an approved version (the newest with it), else the current draft; null when neither. */
export async function soaByHash(db: Db, policy: Policy, workspaceId: number, hash: string): Promise<SoaDocument | null> {
  const [row] = await db
    .select({ v: soaVersions, name: people.displayName, platformId: people.platformId })
    .from(soaVersions)
    .innerJoin(people, eq(people.id, soaVersions.approvedById))
    .where(and(eq(soaVersions.workspaceId, workspaceId), eq(soaVersions.hash, hash)))
    .orderBy(desc(soaVersions.number))
    .limit(1);
  if (row) {
    return { version: soaRef(row.v.number), approved_by: row.name ?? row.platformId, approved_by_id: row.platformId, approved_at: row.v.approvedAt.toISOString(), hash: row.v.hash, snapshot: row.v.snapshot as SoaSnapshot };
  }
  const draft = await soaDraft(db, policy, workspaceId);
  return draft.hash === hash ? draft : null;
}
