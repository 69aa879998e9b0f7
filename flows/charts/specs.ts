/**
 * Neutral chart specifications (Vega-Lite) for the management review pack and the weekly digest.
 * Each function takes plain numbers and returns a spec; `render.ts` turns a spec into SVG and PNG.
 * The specs carry their data inline, so rendering never reads a file or the network.
 */

/** A Vega-Lite specification with its data inline. */
export type ChartSpec = Record<string, unknown> & { title: string };

/** A chart to render: a file-friendly name, an alt text, and the spec. */
export interface ChartDef {
  /** e.g. `inventory-by-class`; the PNG is written as `<name>.png`. */
  name: string;
  /** Alternative text for the image (what the chart shows, in words). */
  alt: string;
  spec: ChartSpec;
}

/** Risk classes in the order they stack (most severe at the bottom). */
export const CLASS_ORDER = ['prohibited', 'high', 'limited', 'minimal', 'out_of_scope', 'excluded', 'unclassified'] as const;
/** One colour per class (colour-blind-safe palette, high risk in red). */
const CLASS_COLORS = ['#7b2d26', '#d62728', '#ff7f0e', '#2ca02c', '#7f7f7f', '#bcbd22', '#9edae5'];

const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

function base(title: string, width: number, height: number): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width,
    height,
    background: 'white',
    padding: 8,
    config: { font: FONT, view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12 }, title: { fontSize: 14 } },
  };
}

const classScale = { domain: [...CLASS_ORDER], range: CLASS_COLORS };

/** Systems in the inventory at the end of each period, stacked by risk class. */
export function inventoryByClassChart(rows: ReadonlyArray<{ period: string; riskClass: string; count: number }>): ChartDef {
  const title = 'AI systems in the inventory by risk class';
  return {
    name: 'inventory-by-class',
    alt: `${title}: ${summarise(rows.map((r) => [`${r.period} ${r.riskClass}`, r.count]))}`,
    spec: {
      ...base(title, 420, 220),
      title,
      data: { values: rows.map((r) => ({ period: r.period, class: r.riskClass, systems: r.count, order: CLASS_ORDER.indexOf(r.riskClass as never) })) },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'period', type: 'ordinal', title: 'Month end', axis: { labelAngle: 0 } },
        y: { field: 'systems', type: 'quantitative', title: 'Systems', stack: 'zero', axis: { tickMinStep: 1 } },
        color: { field: 'class', type: 'nominal', title: 'Risk class', scale: classScale },
        order: { field: 'order', type: 'quantitative' },
      },
    },
  };
}

/** Reviews that fell due each month: done on time, done late, or still open past their due date. */
export function reviewTimelinessChart(rows: ReadonlyArray<{ period: string; onTime: number; late: number; overdue: number }>): ChartDef {
  const title = 'Review timeliness (reviews by the month they fell due)';
  const values = rows.flatMap((r) => [
    { period: r.period, outcome: 'on time', reviews: r.onTime },
    { period: r.period, outcome: 'late', reviews: r.late },
    { period: r.period, outcome: 'still overdue', reviews: r.overdue },
  ]);
  return {
    name: 'review-timeliness',
    alt: `${title}: ${summarise(rows.map((r) => [r.period, `${r.onTime} on time, ${r.late} late, ${r.overdue} overdue`]))}`,
    spec: {
      ...base(title, 420, 220),
      title,
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'period', type: 'ordinal', title: 'Month due', axis: { labelAngle: 0 } },
        y: { field: 'reviews', type: 'quantitative', title: 'Reviews', stack: 'zero', axis: { tickMinStep: 1 } },
        color: { field: 'outcome', type: 'nominal', title: 'Outcome', scale: { domain: ['on time', 'late', 'still overdue'], range: ['#2ca02c', '#ff7f0e', '#d62728'] } },
      },
    },
  };
}

/** Age buckets of open nonconformities, youngest first. */
export const NC_AGE_BUCKETS = ['0–30 days', '31–60 days', '61–90 days', 'over 90 days'] as const;

/** Open nonconformities by age bucket, split by severity. */
export function ncAgeingChart(rows: ReadonlyArray<{ bucket: string; severity: string; count: number }>): ChartDef {
  const title = 'Open nonconformities by age';
  return {
    name: 'nc-ageing',
    alt: `${title}: ${summarise(rows.map((r) => [`${r.bucket} ${r.severity}`, r.count]))}`,
    spec: {
      ...base(title, 420, 200),
      title,
      data: { values: rows.map((r) => ({ bucket: r.bucket, severity: r.severity, ncs: r.count })) },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'bucket', type: 'ordinal', title: 'Age', sort: [...NC_AGE_BUCKETS], scale: { domain: [...NC_AGE_BUCKETS] }, axis: { labelAngle: 0 } },
        y: { field: 'ncs', type: 'quantitative', title: 'Open NCs', stack: 'zero', axis: { tickMinStep: 1 } },
        color: { field: 'severity', type: 'nominal', title: 'Severity', scale: { domain: ['major', 'minor'], range: ['#d62728', '#ff7f0e'] } },
      },
    },
  };
}

/** The digest's small chart: the inventory by class and status now, and its total over recent weeks. */
export function digestInventoryChart(
  now: ReadonlyArray<{ riskClass: string; status: string; count: number }>,
  trend: ReadonlyArray<{ week: string; count: number }>,
): ChartDef {
  const title = 'AI inventory by risk class and status';
  const bars = {
    title: 'Now',
    width: 220,
    height: 110,
    data: { values: now.map((r) => ({ class: r.riskClass, status: r.status, systems: r.count })) },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'class', type: 'nominal', title: 'Risk class', sort: [...CLASS_ORDER] },
      x: { field: 'systems', type: 'quantitative', title: 'Systems', stack: 'zero', axis: { tickMinStep: 1 } },
      color: { field: 'status', type: 'nominal', title: 'Status' },
    },
  };
  const line = {
    title: 'Systems in the inventory, by week',
    width: 220,
    height: 110,
    data: { values: trend.map((t) => ({ week: t.week, systems: t.count })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'week', type: 'ordinal', title: 'Week', axis: { labelAngle: -40 } },
      y: { field: 'systems', type: 'quantitative', title: 'Systems', axis: { tickMinStep: 1 } },
    },
  };
  const { width: _w, height: _h, ...top } = base(title, 300, 160);
  return {
    name: 'digest-inventory',
    alt: `${title}: ${summarise(now.map((r) => [`${r.riskClass} ${r.status}`, r.count]))}; trend ${trend.map((t) => `${t.week}: ${t.count}`).join(', ')}`,
    spec: { ...top, title, hconcat: [bars, line], resolve: { scale: { color: 'independent' } } },
  };
}

function summarise(pairs: ReadonlyArray<[string, string | number]>): string {
  return pairs.length ? pairs.map(([k, v]) => `${k}: ${v}`).join('; ') : 'no data';
}
