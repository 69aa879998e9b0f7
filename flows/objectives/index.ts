/** Objectives and their measurement (ISO/IEC 42001 6.2, 9.1): the metrics, weekly snapshots, trends and the digest lines. */
export { METRIC_DIRECTION, METRIC_IDS } from './metric-ids';
export type { MetricId } from './metric-ids';
export { computeMetrics, isoWeekMonday, metricTrend, METRIC_WINDOW_DAYS, snapshotMetrics } from './metrics';
export type { MetricPolicy, MetricValues, TrendPoint } from './metrics';
export { METRIC_LABEL, objectiveDigest, objectiveDigestLines, objectiveMet, objectiveText, trendText } from './digest';
export type { ObjectiveDigest, ObjectiveLine } from './digest';
