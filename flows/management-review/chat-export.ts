/**
 * `export management-review <ref>` in chat (compliance): the stored pack's files again, made from
 * the review as it was generated (the Markdown, the PDF and the chart PNGs), for the adapter to
 * hand to the person who asked. Reading them changes nothing.
 */
import type { FlowContext } from '../ports';
import type { Refusal } from '../results';
import { refuse } from '../results';
import { managementReviewRefusal, mayRunManagementReview } from './generate';
import type { ReviewFiles } from './record';
import { findManagementReview, managementReviewFiles } from './record';

/** The files of review `refText` of the actor's workspace, with the review's id (for links). */
export async function managementReviewForChat(ctx: FlowContext, refText: string): Promise<(ReviewFiles & { id: number; workspaceId: number }) | Refusal> {
  if (!mayRunManagementReview(ctx)) return managementReviewRefusal('export a management review');
  const text = refText.trim();
  if (!text) return refuse('invalid', 'Which review? e.g. export management-review MR-2026-Q4');
  const row = await findManagementReview(ctx.deps.db, ctx.workspace.id, text);
  if (!row) return refuse('not_found', `There is no management review "${text.slice(0, 40)}" in this workspace; its reference looks like MR-2026-Q4.`);
  return { id: row.id, workspaceId: row.workspaceId, ...(await managementReviewFiles(ctx.deps.db, row)) };
}
