/**
 * `export management-review <ref>`: finds the review by ref across workspaces (`--workspace`
 * names one when the ref exists in several, as every workspace has its `MR-2026-Q4`) and renders
 * its files from the stored pack.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { workspaces } from '../../db/schema';
import { managementReviews } from '../../db/schema-improve';
import { parseManagementReviewRef } from './period';
import type { ReviewFiles } from './record';
import { managementReviewFiles } from './record';

/** The files, or why not. */
export type ReviewExport = { kind: 'files'; files: ReviewFiles } | { kind: 'refused'; message: string };

/** The files of the review `refText` (in `workspace`, a Slack team id, Teams tenant id or `local`, when given). */
export async function managementReviewExport(db: Db, refText: string, workspace?: string): Promise<ReviewExport> {
  const ref = parseManagementReviewRef(refText);
  if (!ref) return { kind: 'refused', message: `"${refText.slice(0, 40)}" is not a management review reference such as MR-2026-Q4` };
  const found = await db
    .select({ review: managementReviews, externalId: workspaces.externalId })
    .from(managementReviews)
    .innerJoin(workspaces, eq(workspaces.id, managementReviews.workspaceId))
    .where(and(eq(managementReviews.ref, ref), ...(workspace ? [eq(workspaces.externalId, workspace)] : [])));
  if (found.length === 0) return { kind: 'refused', message: `no management review ${ref}${workspace ? ` in workspace ${workspace}` : ''}` };
  if (found.length > 1) return { kind: 'refused', message: `${ref} exists in ${found.length} workspaces (${found.map((f) => f.externalId).join(', ')}); name one with --workspace.` };
  return { kind: 'files', files: await managementReviewFiles(db, found[0]!.review) };
}
