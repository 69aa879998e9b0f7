/**
 * Rendering of chart specs: Vega-Lite compiles the spec, Vega renders it headless to SVG (no
 * canvas), and resvg rasterises the SVG to PNG with the system's fonts (DejaVu Sans or any
 * sans-serif present). Rendering is presentation only; it reads no file and no network.
 */
import type { ChartDef, ChartSpec } from './specs';

// The chart libraries are loaded on the first chart, not with the bot: a server that never draws
// one (most hours of most days) does not pay their start-up time and memory.
const libraries = async () => {
  const [{ Resvg }, { parse: parseVega, View }, { compile }] = await Promise.all([import('@resvg/resvg-js'), import('vega'), import('vega-lite')]);
  return { Resvg, parseVega, View, compile };
};

/** A rendered chart: the PNG bytes and its pixel size. */
export interface RenderedChart {
  name: string;
  alt: string;
  title: string;
  png: Buffer;
  width: number;
  height: number;
}

/** The PNG's scale over the SVG's CSS pixels (2 gives crisp text on high-density screens). */
const SCALE = 2;

/** Renders a spec to SVG. */
export async function chartSvg(spec: ChartSpec): Promise<string> {
  const { parseVega, View, compile } = await libraries();
  const compiled = compile(spec as never).spec;
  const view = new View(parseVega(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders a chart to PNG, `scale` PNG pixels per SVG pixel (default {@link SCALE}). */
export async function renderChart(chart: ChartDef, scale = SCALE): Promise<RenderedChart> {
  const svg = await chartSvg(chart.spec);
  const { Resvg } = await libraries();
  const image = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  }).render();
  return { name: chart.name, alt: chart.alt, title: chart.spec.title, png: image.asPng(), width: image.width, height: image.height };
}

/** Renders several charts, one after the other (each is small; rendering is CPU-bound). */
export async function renderCharts(charts: readonly ChartDef[]): Promise<RenderedChart[]> {
  const out: RenderedChart[] = [];
  for (const c of charts) out.push(await renderChart(c));
  return out;
}

/** The width and height in a PNG's IHDR chunk, or null when the bytes are not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } | null {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || sig.some((b, i) => png[i] !== b)) return null;
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (buf.toString('ascii', 12, 16) !== 'IHDR') return null;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}
