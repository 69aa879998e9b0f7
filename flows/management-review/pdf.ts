/**
 * The management review pack as a PDF (pdfkit): the Markdown document's text with its headings,
 * then the charts as images. A TrueType sans-serif font of the system is used when present (so
 * every character prints); otherwise the built-in Helvetica with the few symbols it lacks spelt out.
 */
import { existsSync } from 'node:fs';
import type { RenderedChart } from '../charts/render';

/** Fonts tried in order; the first that exists is embedded. */
const FONT_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
];

/** Markdown's backslash escapes removed: the PDF shows the text as typed. */
function plain(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/** Helvetica (WinAnsi) lacks these: spelt in ASCII instead. */
function winAnsi(text: string): string {
  return text.replace(/≥/g, '>=').replace(/≤/g, '<=').replace(/→/g, '->').replace(/[^\x20-\x7e\u00a0-\u00ff\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2022]/g, '?');
}

/** Renders the document and its charts to PDF bytes. */
export async function packPdf(title: string, markdown: string, charts: readonly RenderedChart[]): Promise<Buffer> {
  const fontFile = FONT_FILES.find((f) => existsSync(f));
  // Loaded with the first pack, not with the bot.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: title, Creator: 'aimsbot' } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  if (fontFile) doc.registerFont('body', fontFile);
  const font = fontFile ? 'body' : 'Helvetica';
  const text = (s: string) => (fontFile ? plain(s) : winAnsi(plain(s)));
  doc.font(font);
  for (const raw of markdown.split('\n')) {
    if (raw.startsWith('![')) continue;
    const h = /^(#{1,3}) (.*)$/.exec(raw);
    if (h) {
      doc.moveDown(0.5).fontSize(h[1]!.length === 1 ? 18 : h[1]!.length === 2 ? 14 : 12).text(text(h[2]!));
      doc.fontSize(10);
      continue;
    }
    if (/^\|---/.test(raw)) continue;
    doc.fontSize(10).text(raw.startsWith('|') ? text(raw.replace(/^\|\s*|\s*\|$/g, '').split(/\s*(?<!\\)\|\s*/).join('  ·  ')) : text(raw) || ' ');
  }
  for (const c of charts) {
    doc.addPage();
    doc.fontSize(14).text(text(c.title));
    doc.moveDown(0.5);
    doc.image(c.png, { fit: [495, 600] });
    doc.moveDown(0.5).fontSize(8).text(text(c.alt));
  }
  doc.end();
  return done;
}
