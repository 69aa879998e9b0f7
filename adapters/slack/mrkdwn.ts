/**
 * Text for Slack: escaping user text for mrkdwn (so `<!channel>` or a fake `<@U…>` in a tool
 * name stays inert), mentions of people we know, and truncation to Block Kit limits.
 */
import { stripBidi } from '../../flows';
import { localDay } from '../../flows/display';

/**
 * Escapes the three characters Slack's mrkdwn treats as control characters, and drops
 * bidirectional controls, which would reorder the text around the user's.
 */
export function esc(text: string): string {
  return stripBidi(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts text to `max` characters, ending with an ellipsis when it was longer. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * Cuts already-escaped mrkdwn without splitting an entity such as `&amp;` or a `<@U…>` mention
 * in half (half an entity would show as garbage; half a mention as a broken link).
 */
export function clipMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  const lt = cut.lastIndexOf('<');
  if (lt >= 0 && !cut.slice(lt).includes('>')) cut = cut.slice(0, lt);
  return `${cut}…`;
}

/** The Slack user id of a person id `slack:U…`, or null. */
export function slackUserId(platformId: string): string | null {
  const m = /^slack:([A-Z0-9]+)$/.exec(platformId);
  return m ? m[1]! : null;
}

/** Command text with each Slack user mention (`<@U123>`, `<@U123|name>`) as the person id `slack:U123`. */
export function mentionsAsIds(text: string): string {
  return text.replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, 'slack:$1');
}

/** A mention of a Slack person, or their escaped name when they are not on Slack. */
export function mention(person: { platformId: string; name: string }): string {
  const id = slackUserId(person.platformId);
  return id ? `<@${id}>` : esc(person.name);
}

/** `2026-11-02`: the calendar day in the policy's time zone `tz`, or an em dash. */
export function day(d: Date | null | undefined, tz: string): string {
  return localDay(d, tz);
}

/** A policy member who is not on Slack, as people read it: `shell:carol` → `carol`, never a raw id. */
export function memberLabel(memberId: string): string {
  if (memberId.startsWith('teams:')) return 'a member on Microsoft Teams';
  const rest = memberId.replace(/^[a-z]+:/, '');
  return rest || 'someone';
}

/** `changes_requested` → `changes requested`. */
export function words(s: string): string {
  return s.replace(/_/g, ' ');
}
