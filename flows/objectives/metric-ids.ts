/**
 * The metrics the bot computes for the objectives of the policy (spec/aims.md, issue "improvement
 * loop"): each is measured weekly per workspace into `metric_snapshots`.
 */
export const METRIC_IDS = [
  'reviews_on_time_pct',
  'approval_lead_time_days_p50',
  'open_major_nc',
  'overdue_tasks',
  'policy_ack_pct',
  'literacy_pct',
  'unregistered_tools',
] as const;

/** One metric id. */
export type MetricId = (typeof METRIC_IDS)[number];

/** Whether a higher value is better: percentages must reach their target, counts stay at or under it. */
export const METRIC_DIRECTION: Record<MetricId, 'at_least' | 'at_most'> = {
  reviews_on_time_pct: 'at_least',
  approval_lead_time_days_p50: 'at_most',
  open_major_nc: 'at_most',
  overdue_tasks: 'at_most',
  policy_ack_pct: 'at_least',
  literacy_pct: 'at_least',
  unregistered_tools: 'at_most',
};
