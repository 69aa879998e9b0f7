/**
 * `management_review.pack` in Teams: one card in the compliance (digest) channel with the pack's
 * summary, the three charts as images and buttons to open the PDF and the Markdown, served by
 * signed links (pack-link.ts). Without a public URL the card says how to export the pack instead.
 * The post is recorded against the notification, so a retry never posts it twice.
 */
import type { CardJson } from '../card-kit';
import { adaptiveCard, heading, textBlock } from '../card-kit';

/** The link of one of a review's files, or null without a public URL. */
export type PackLink = (file: string) => string | null;

/** The pack card. */
export function packCard(files: { ref: string; summary: string; charts: ReadonlyArray<{ name: string; alt: string }> }, link: PackLink): CardJson {
  const lines = files.summary.split('\n');
  const body: CardJson[] = [heading(`Management review pack ${files.ref}`), textBlock(lines[0] ?? '', { isSubtle: true })];
  for (const l of lines.slice(1)) body.push(textBlock(`• ${l}`, { spacing: 'None' }));
  const pdf = link('pdf');
  for (const c of files.charts) {
    const url = link(c.name);
    if (url) body.push({ type: 'Image', url, altText: c.alt.slice(0, 400), size: 'Stretch' });
  }
  if (!pdf) body.push(textBlock(`The PDF, the Markdown and the charts: aimsbot export management-review ${files.ref} --out ${files.ref.toLowerCase()}.md`));
  body.push(textBlock(`Record decisions with: management-review decide ${files.ref} <decision>. Mark it held with: management-review held ${files.ref} <attendees>.`, { isSubtle: true }));
  const md = link('md');
  const actions = [
    ...(pdf ? [{ type: 'Action.OpenUrl', title: 'Open the PDF', url: pdf }] : []),
    ...(md ? [{ type: 'Action.OpenUrl', title: 'Markdown', url: md }] : []),
  ];
  return adaptiveCard(body, actions.length ? { actions } : {});
}
