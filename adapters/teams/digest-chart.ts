/**
 * The weekly digest's chart in Teams: an Adaptive Card Image with the PNG as a data URI, rendered
 * at 0.75× so the card stays within Teams' message size. When the chart cannot be rendered, or is
 * too large, the digest card goes out without it (logged).
 */
import type { FlowDeps, WeeklyDigest } from '../../flows';
import { digestChartPng } from '../../flows';
import type { CardJson } from './card-kit';

/** Largest PNG put on a card as a data URI (bytes): Teams refuses messages over about 28 KB. */
export const DIGEST_CHART_MAX_BYTES = 16_000;
/** PNG pixels per SVG pixel on the card: small enough to fit, still legible. */
const TEAMS_SCALE = 0.75;

/** The card with the chart appended to its body, or the card unchanged. */
export async function withDigestChart(deps: FlowDeps, workspaceId: number, digest: WeeklyDigest, card: CardJson, warn: (err: unknown, msg: string) => void = () => {}): Promise<CardJson> {
  try {
    const asOf = new Date(digest.periodEnd);
    const chart = await digestChartPng(deps.db, workspaceId, Number.isNaN(asOf.getTime()) ? deps.clock.now() : asOf, deps.policy.organization.timezone, TEAMS_SCALE);
    if (chart.png.length > DIGEST_CHART_MAX_BYTES) {
      warn(null, `teams: the digest chart is ${chart.png.length} bytes, too large for a card; the digest goes without it`);
      return card;
    }
    const image = { type: 'Image', url: `data:image/png;base64,${chart.png.toString('base64')}`, altText: chart.alt.slice(0, 400), size: 'Stretch' };
    return { ...card, body: [...((card.body as CardJson[] | undefined) ?? []), image] };
  } catch (err) {
    warn(err, 'teams: the digest chart could not be rendered; the digest goes without it');
    return card;
  }
}
