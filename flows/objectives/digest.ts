/**
 * The objectives part of the weekly digest: each objective of the policy with its metric's
 * current value, target, met or missed, and the last 8 weekly snapshots as a trend. Metrics
 * without an objective are not shown.
 */
import type { Db } from '../../db/client';
import type { Policy } from '../policy';
import type { MetricId } from './metric-ids';
import { METRIC_DIRECTION } from './metric-ids';
import { computeMetrics, metricTrend } from './metrics';

/** How each metric is named and what unit its value has. */
export const METRIC_LABEL: Readonly<Record<MetricId, { name: string; unit: '%' | ' days' | '' }>> = {
  reviews_on_time_pct: { name: 'Reviews done on time', unit: '%' },
  approval_lead_time_days_p50: { name: 'Approval lead time (median)', unit: ' days' },
  open_major_nc: { name: 'Open major nonconformities', unit: '' },
  overdue_tasks: { name: 'Overdue tasks', unit: '' },
  policy_ack_pct: { name: 'AI policy acknowledged', unit: '%' },
  literacy_pct: { name: 'AI literacy attested', unit: '%' },
  unregistered_tools: { name: 'Unregistered AI tools found', unit: '' },
};

/** One objective as the digest shows it. */
export interface ObjectiveLine {
  metric: MetricId;
  name: string;
  target: number;
  direction: 'at_least' | 'at_most';
  /** Null when there is nothing to measure yet. */
  value: number | null;
  /** Null when there is no value. */
  met: boolean | null;
  /** The last weekly values, oldest first (this week's last). */
  trend: Array<number | null>;
}

/** The objectives of a digest. */
export interface ObjectiveDigest {
  objectives: ObjectiveLine[];
}

/** Whether `value` meets the target in `direction`. */
export function objectiveMet(value: number | null, target: number, direction: 'at_least' | 'at_most'): boolean | null {
  if (value === null) return null;
  return direction === 'at_least' ? value >= target : value <= target;
}

/** The objectives of the policy with their values and trends; undefined when the policy sets none. */
export async function objectiveDigest(db: Db, policy: Policy, workspaceId: number, now: Date, weeks = 8): Promise<ObjectiveDigest | undefined> {
  if (policy.objectives.length === 0) return undefined;
  const values = await computeMetrics(db, workspaceId, now, policy);
  const objectives: ObjectiveLine[] = [];
  for (const o of policy.objectives) {
    const direction = o.direction ?? METRIC_DIRECTION[o.metric];
    const value = values[o.metric];
    const trend = (await metricTrend(db, workspaceId, o.metric, weeks)).map((p) => p.value);
    objectives.push({ metric: o.metric, name: o.name ?? METRIC_LABEL[o.metric].name, target: o.target, direction, value, met: objectiveMet(value, o.target, direction), trend });
  }
  return { objectives };
}

const fmt = (v: number | null, unit: string) => (v === null ? '—' : `${Number.isInteger(v) ? v : v.toFixed(1)}${unit}`);

/** `82 → 91 → 95`: the trend as text (a missing week as `—`). */
export function trendText(trend: ReadonlyArray<number | null>): string {
  return trend.map((v) => fmt(v, '')).join(' → ');
}

/** One objective as a plain line (adapters escape it). */
export function objectiveText(o: ObjectiveLine): string {
  const unit = METRIC_LABEL[o.metric].unit;
  const status = o.met === null ? 'no data yet' : o.met ? 'met' : 'missed';
  const target = `${o.direction === 'at_least' ? '≥' : '≤'} ${fmt(o.target, unit)}`;
  return `${o.name}: ${fmt(o.value, unit)} (target ${target}) — ${status}${o.trend.length > 1 ? ` · last ${o.trend.length} weeks: ${trendText(o.trend)}` : ''}`;
}

/** The objectives as plain lines for the digest: a heading, then one line each; none without objectives. */
export function objectiveDigestLines(d: ObjectiveDigest | undefined): string[] {
  if (!d || d.objectives.length === 0) return [];
  return [`Objectives (${d.objectives.filter((o) => o.met === true).length} of ${d.objectives.length} met):`, ...d.objectives.map((o) => `  ${o.met === false ? '✗' : o.met ? '✓' : '·'} ${objectiveText(o)}`)];
}
