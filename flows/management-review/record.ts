/**
 * A stored management review: finding it by ref (workspace-scoped), its decisions (tasks of kind
 * `review_action` with subject `review`), and the files of its pack (Markdown, chart PNGs, PDF)
 * rendered from the stored pack, so a later export shows what was reviewed.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { people } from '../../db/schema';
import { tasks } from '../../db/schema-aims';
import { managementReviews } from '../../db/schema-improve';
import { inventoryByClassChart, ncAgeingChart, reviewTimelinessChart } from '../charts/specs';
import type { ChartDef } from '../charts/specs';
import type { RenderedChart } from '../charts/render';
import { renderChart, renderCharts } from '../charts/render';
import { taskRef } from '../refs';
import type { ReviewRecordView } from './markdown';
import { chartFileName, packMarkdown, packSummary } from './markdown';
import type { ReviewPack } from './pack';
import { parseManagementReviewRef } from './period';
import { packPdf } from './pdf';

/** A review row as stored. */
export type ManagementReviewRow = typeof managementReviews.$inferSelect;

/** The review with `ref` in the workspace, or null (another workspace's refs are not found). */
export async function findManagementReview(db: Db, workspaceId: number, text: string): Promise<ManagementReviewRow | null> {
  const ref = parseManagementReviewRef(text);
  if (!ref) return null;
  const [row] = await db.select().from(managementReviews).where(and(eq(managementReviews.workspaceId, workspaceId), eq(managementReviews.ref, ref)));
  return row ?? null;
}

/** The review by id within the workspace. */
export async function managementReviewById(db: Db, workspaceId: number, id: number): Promise<ManagementReviewRow | null> {
  const [row] = await db.select().from(managementReviews).where(and(eq(managementReviews.workspaceId, workspaceId), eq(managementReviews.id, id)));
  return row ?? null;
}

const personName = sql<string | null>`coalesce(${people.displayName}, ${people.platformId})`;

/** Decisions, attendees and status of a review. */
export async function reviewRecordView(db: Db, row: ManagementReviewRow): Promise<ReviewRecordView> {
  const decisions = await db
    .select({ number: tasks.number, title: tasks.title, status: tasks.status, dueDate: tasks.dueDate, assignee: personName, group: tasks.assigneeGroup })
    .from(tasks)
    .leftJoin(people, eq(people.id, tasks.assigneeId))
    .where(and(eq(tasks.workspaceId, row.workspaceId), eq(tasks.kind, 'review_action'), eq(tasks.subjectType, 'review'), eq(tasks.subjectId, row.id)))
    .orderBy(asc(tasks.number));
  const attendees = row.attendeeIds.length
    ? await db.select({ id: people.id, name: personName }).from(people).where(and(eq(people.workspaceId, row.workspaceId), inArray(people.id, row.attendeeIds)))
    : [];
  return {
    ref: row.ref,
    status: row.status,
    heldAt: row.heldAt?.toISOString() ?? null,
    attendees: row.attendeeIds.map((id) => attendees.find((a) => a.id === id)?.name ?? `person ${id}`),
    decisions: decisions.map((d) => ({ ref: taskRef(d.number), title: d.title, status: d.status, dueDate: d.dueDate, assignee: d.assignee ?? (d.group ? `group ${d.group}` : 'nobody') })),
  };
}

/** The chart definitions of a pack. */
export function packCharts(pack: ReviewPack): ChartDef[] {
  return [inventoryByClassChart(pack.charts.inventoryByClass), reviewTimelinessChart(pack.charts.reviewTimeliness), ncAgeingChart(pack.charts.ncAgeing)];
}

/** The files of a review: Markdown, chart PNGs (named as the Markdown links them), PDF. */
export interface ReviewFiles {
  ref: string;
  summary: string;
  markdown: string;
  charts: Array<RenderedChart & { fileName: string }>;
  pdf: Buffer;
  pdfName: string;
  markdownName: string;
}

/** Renders one chart of a stored review by name (`nc-ageing` …), or null when it has none such. */
export async function managementReviewChart(row: ManagementReviewRow, name: string): Promise<(RenderedChart & { fileName: string }) | null> {
  const pack = row.pack as unknown as ReviewPack;
  const def = packCharts(pack).find((c) => c.name === name);
  if (!def) return null;
  return { ...(await renderChart(def)), fileName: chartFileName(pack.ref, def.name) };
}

/** Renders the files of a stored review. */
export async function managementReviewFiles(db: Db, row: ManagementReviewRow): Promise<ReviewFiles> {
  const pack = row.pack as unknown as ReviewPack;
  const record = await reviewRecordView(db, row);
  const markdown = packMarkdown(pack, record);
  const charts = (await renderCharts(packCharts(pack))).map((c) => ({ ...c, fileName: chartFileName(pack.ref, c.name) }));
  const pdf = await packPdf(`Management review ${pack.ref}`, markdown, charts);
  const base = pack.ref.toLowerCase();
  return { ref: pack.ref, summary: packSummary(pack), markdown, charts, pdf, pdfName: `${base}.pdf`, markdownName: `${base}.md` };
}
