/** The App Home tab: my tools, what waits for my decision, reviews coming due. */
import type { types } from '@slack/bolt';
import type { PendingItem, SystemView } from '../../flows';
import type { Block } from './blocks';
import { LIMITS, context, divider, header, section, sectionsOf } from './blocks';
import { day } from './mrkdwn';
import { pendingLine, systemLine } from './render-system';

/** What the home tab shows. */
export interface HomeData {
  mine: SystemView[];
  waiting: PendingItem[];
  due: SystemView[];
  /** How far ahead "due" looks, in days. */
  dueWithinDays: number;
}

/** Caps one part of the home tab so all three parts fit in Slack's 100 blocks. */
function part(title: string, lines: string[], empty: string, maxBlocks: number): Block[] {
  if (lines.length === 0) return [header(title), context(empty)];
  const body = sectionsOf(lines);
  const kept = body.slice(0, maxBlocks);
  const more = body.length > kept.length ? [context('…more than fit here; use /aims list or /aims pending.')] : [];
  return [header(title), ...kept, ...more];
}

/** Renders the home tab view. */
export function renderHome(d: HomeData, tz: string): types.HomeView {
  const blocks: Block[] = [
    section('Register AI tools with `/aims register`, check one with `/aims check &lt;name&gt;`. Everything here is audit evidence.'),
    divider(),
    ...part('My tools', d.mine.map((s) => systemLine(s, tz)), 'You own or registered no tools yet.', 25),
    divider(),
    ...part('Waiting for me', d.waiting.map(pendingLine), 'Nothing waits for your decision.', 25),
    divider(),
    ...part(
      `Reviews due (next ${d.dueWithinDays} days)`,
      d.due.map((s) => `${systemLine(s, tz)} — due *${day(s.nextReviewAt, tz)}* · \`/aims review ${s.ref}\``),
      'No reviews due.',
      25,
    ),
  ];
  return { type: 'home', blocks: blocks.slice(0, LIMITS.viewBlocks) };
}
