/**
 * Generating a management review: the `management-review` job (once per quarter and workspace,
 * policy `managementReview.cron`) and compliance's `management-review` command (on demand, any
 * time: the second in a quarter is `MR-2026-Q4-2`). The review row, its `management_review.generated`
 * audit event and the `management_review.pack` notification to the compliance (digest) channel
 * are written in one transaction; the notification's dedupe key names the review, so it posts once.
 */
import { createHash } from 'node:crypto';
import { and, eq, like, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { managementReviews } from '../../db/schema-improve';
import { appendAudit, auditedTransaction } from '../audit';
import type { JobDeps, JobReport } from '../jobs/common';
import { allWorkspaces, auditTime } from '../jobs/common';
import { localDate, nextAllowedTime } from '../jobs/time';
import { enqueue } from '../outbox';
import { isGroupMember } from '../policy';
import type { Policy } from '../policy';
import type { FlowContext } from '../ports';
import { lockWorkspace } from '../refs';
import type { Refusal } from '../results';
import { refuse } from '../results';
import { assemblePack } from './assemble';
import { packMarkdown, packSummary } from './markdown';
import type { ReviewPack } from './pack';
import { managementReviewRef, quarterOf, threeMonthsBefore } from './period';

/** The notification kind that delivers a pack. */
export const PACK_KIND = 'management_review.pack';

/** Payload of `management_review.pack` → `{channel: 'digest'}`. */
export interface ManagementReviewPayload {
  [key: string]: unknown;
  reviewId: number;
  ref: string;
  /** Plain summary of the pack. */
  text: string;
}

/** A generated review. */
export interface GeneratedReview {
  id: number;
  ref: string;
  pack: ReviewPack;
}

/** Whether the actor is in the compliance group. */
export function mayRunManagementReview(ctx: FlowContext): boolean {
  return isGroupMember(ctx.deps.policy, 'compliance', ctx.actor.platformId, ctx.actor.email);
}

/** The refusal for anyone outside compliance. */
export function managementReviewRefusal(what: string): Refusal {
  return refuse('not_authorised', `Only the compliance group can ${what}; nothing was changed.`);
}

/** Refs of the workspace's reviews in the quarter of `ref` (`MR-2026-Q4`, `MR-2026-Q4-2`, …). */
async function refsOfQuarter(tx: Db, workspaceId: number, base: string): Promise<string[]> {
  const rows = await tx
    .select({ ref: managementReviews.ref })
    .from(managementReviews)
    .where(and(eq(managementReviews.workspaceId, workspaceId), or(eq(managementReviews.ref, base), like(managementReviews.ref, `${base}-%`))));
  return rows.map((r) => r.ref);
}

/**
 * Writes a review of the quarter of `now` with its pack, audit event and notification. With
 * `onlyFirst` (the job) nothing is written when the quarter has a review already.
 */
async function generate(
  db: Db,
  policy: Policy,
  workspaceId: number,
  now: Date,
  opts: { onlyFirst: boolean; actor: string; createdById: number | null; auditAt: Date },
): Promise<GeneratedReview | null> {
  const today = localDate(now, policy.organization.timezone);
  const { year, quarter } = quarterOf(today);
  const base = managementReviewRef(year, quarter);
  return auditedTransaction(db, async (tx) => {
    // One writer per workspace at a time: two runs cannot take the same ref.
    await lockWorkspace(tx, workspaceId);
    const taken = await refsOfQuarter(tx, workspaceId, base);
    if (opts.onlyFirst && taken.length > 0) return null;
    let n = 1;
    while (taken.includes(managementReviewRef(year, quarter, n))) n += 1;
    const ref = managementReviewRef(year, quarter, n);
    const pack = await assemblePack(tx, policy, workspaceId, ref, now);
    const packHash = createHash('sha256').update(packMarkdown(pack)).digest('hex');
    const [row] = await tx
      .insert(managementReviews)
      .values({ workspaceId, ref, periodStart: threeMonthsBefore(today), periodEnd: today, pack: pack as unknown as Record<string, unknown>, packHash, createdById: opts.createdById, createdAt: opts.auditAt })
      .returning({ id: managementReviews.id });
    await appendAudit(tx, {
      workspaceId,
      actor: opts.actor,
      action: 'management_review.generated',
      subjectType: 'management_review',
      subjectId: ref,
      data: { periodStart: pack.periodStart, periodEnd: pack.periodEnd, packHash, trigger: opts.onlyFirst ? 'schedule' : 'on_demand', asOf: now.toISOString() },
      at: opts.auditAt,
    });
    const payload: ManagementReviewPayload = { reviewId: row!.id, ref, text: packSummary(pack) };
    await enqueue(tx, {
      workspaceId,
      dedupeKey: `${PACK_KIND}:${workspaceId}:${ref}`,
      kind: PACK_KIND,
      recipient: { channel: 'digest' },
      payload,
      notBefore: opts.onlyFirst ? nextAllowedTime(policy, now) : now,
    });
    return { id: row!.id, ref, pack };
  });
}

/** The `management-review` job: the quarter's review for every workspace that has none yet. */
export async function runManagementReview(deps: JobDeps, now: Date): Promise<JobReport> {
  const spaces = await allWorkspaces(deps.db);
  let enqueued = 0;
  for (const ws of spaces) {
    const made = await generate(deps.db, deps.policy, ws.id, now, { onlyFirst: true, actor: 'system', createdById: null, auditAt: auditTime(deps) });
    if (made) enqueued += 1;
  }
  return { enqueued, examined: spaces.length };
}

/** `management-review` in chat (compliance): generates a review now and posts its pack. */
export async function generateManagementReview(ctx: FlowContext): Promise<GeneratedReview | Refusal> {
  if (!mayRunManagementReview(ctx)) return managementReviewRefusal('generate a management review');
  const now = ctx.deps.clock.now();
  const made = await generate(ctx.deps.db, ctx.deps.policy, ctx.workspace.id, now, { onlyFirst: false, actor: ctx.actor.platformId, createdById: ctx.actor.id, auditAt: now });
  return made!;
}
