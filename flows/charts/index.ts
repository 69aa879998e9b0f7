/** Charts as neutral Vega-Lite specs, and their rendering to SVG and PNG. */
export { inventoryByClassChart, reviewTimelinessChart, ncAgeingChart, digestInventoryChart, NC_AGE_BUCKETS as CHART_NC_AGE_BUCKETS, CLASS_ORDER } from './specs';
export type { ChartDef, ChartSpec } from './specs';
export { chartSvg, renderChart, renderCharts, pngSize } from './render';
export type { RenderedChart } from './render';
