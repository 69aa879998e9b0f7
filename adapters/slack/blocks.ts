/**
 * Block Kit building blocks that respect Slack's limits: 3,000 characters per section text,
 * 150 per header, 75 per button or option label, 50 blocks per message (100 per view).
 */
import type { types } from '@slack/bolt';
import { clip, clipMrkdwn } from './mrkdwn';

/** A Block Kit block. */
export type Block = types.KnownBlock;

/** Block Kit limits, in characters or items. */
export const LIMITS = {
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  optionText: 75,
  optionDescription: 75,
  options: 100,
  messageBlocks: 50,
  viewBlocks: 100,
  modalTitle: 24,
  submitText: 24,
  label: 2000,
  hint: 2000,
  contextElements: 10,
  privateMetadata: 3000,
  actionValue: 2000,
  messageText: 4000,
} as const;

/** A section of mrkdwn text (already escaped), cut to 3,000 characters. */
export function section(mrkdwn: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: clipMrkdwn(mrkdwn || ' ', LIMITS.sectionText) } };
}

/** A header in plain text (no escaping needed), cut to 150 characters. */
export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: clip(text, LIMITS.headerText), emoji: false } };
}

/** A context line of mrkdwn (already escaped). */
export function context(mrkdwn: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clipMrkdwn(mrkdwn || ' ', LIMITS.sectionText) }] };
}

/** A divider. */
export function divider(): Block {
  return { type: 'divider' };
}

/** A plain-text object cut to `max` characters. */
export function plain(text: string, max: number): types.PlainTextElement {
  return { type: 'plain_text', text: clip(text, max), emoji: false };
}

/** A button. */
export function button(
  text: string,
  actionId: string,
  value: string,
  style?: 'primary' | 'danger',
  confirm?: { title: string; text: string; ok: string },
): types.Button {
  return {
    type: 'button',
    text: plain(text, LIMITS.buttonText),
    action_id: actionId,
    value: clip(value, LIMITS.actionValue),
    ...(style ? { style } : {}),
    ...(confirm
      ? {
          confirm: {
            title: plain(confirm.title, 100),
            text: { type: 'mrkdwn', text: clipMrkdwn(confirm.text, 300) },
            confirm: plain(confirm.ok, 30),
            deny: plain('Cancel', 30),
          },
        }
      : {}),
  };
}

/**
 * Lines of mrkdwn as sections, several lines per section so long lists need fewer blocks,
 * each section under the 3,000-character limit.
 */
export function sectionsOf(lines: string[]): Block[] {
  const out: Block[] = [];
  let current = '';
  for (const raw of lines) {
    const line = clipMrkdwn(raw, LIMITS.sectionText);
    if (current && current.length + 1 + line.length > LIMITS.sectionText) {
      out.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(section(current));
  return out;
}

/** Keeps at most `max` blocks; when some are dropped, the last one says how many. */
export function limitBlocks(blocks: Block[], max: number = LIMITS.messageBlocks): Block[] {
  if (blocks.length <= max) return blocks;
  const kept = blocks.slice(0, max - 1);
  return [...kept, context(`…and ${blocks.length - kept.length} more not shown here.`)];
}
