/**
 * The weekly digest's small chart: the inventory by risk class and status now, and the number of
 * systems in the inventory at the end of each of the last {@link DIGEST_TREND_WEEKS} weeks.
 * Built at delivery time from the workspace's rows (like the inventory CSV), so the outbox row
 * stays small; a deliverer that cannot render it sends the digest without it.
 */
import { and, count, eq, gte, lt, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems } from '../../db/schema';
import { digestInventoryChart } from '../charts/specs';
import type { ChartDef } from '../charts/specs';
import type { RenderedChart } from '../charts/render';
import { renderChart } from '../charts/render';
import { DAY_MS, localDate } from './time';

/** Weeks of the trend. */
export const DIGEST_TREND_WEEKS = 8;

/** The chart's data as of `now`. */
export async function digestChartData(db: Db, workspaceId: number, now: Date, tz: string): Promise<ChartDef> {
  const live = and(eq(aiSystems.workspaceId, workspaceId), ne(aiSystems.status, 'retired'));
  const rows = await db
    .select({ riskClass: sql<string>`coalesce(${aiSystems.riskClass}, 'unclassified')`, status: aiSystems.status, n: count() })
    .from(aiSystems)
    .where(live)
    .groupBy(sql`1`, aiSystems.status);
  const trend: Array<{ week: string; count: number }> = [];
  for (let k = DIGEST_TREND_WEEKS - 1; k >= 0; k--) {
    const end = new Date(now.getTime() - k * 7 * DAY_MS);
    const [r] = await db
      .select({ n: count() })
      .from(aiSystems)
      .where(and(eq(aiSystems.workspaceId, workspaceId), lt(aiSystems.createdAt, end), or(ne(aiSystems.status, 'retired'), gte(aiSystems.updatedAt, end))));
    trend.push({ week: localDate(end, tz).slice(5), count: r?.n ?? 0 });
  }
  const now_ = rows.map((r) => ({ riskClass: r.riskClass, status: r.status.replace(/_/g, ' '), count: r.n })).sort((a, b) => a.riskClass.localeCompare(b.riskClass) || a.status.localeCompare(b.status));
  return digestInventoryChart(now_, trend);
}

/** The digest chart rendered to PNG at `scale` (below 1 keeps it small enough for a Teams card). */
export async function digestChartPng(db: Db, workspaceId: number, now: Date, tz: string, scale = 2): Promise<RenderedChart> {
  return renderChart(await digestChartData(db, workspaceId, now, tz), scale);
}
