/**
 * A checkpoint of the audit chain in Block Kit: the head (event, hash, time) and the command
 * that compares the trail with it later. Posted on its own (`aimsbot audit checkpoint`) or at
 * the foot of the weekly digest.
 */
import type { CheckpointView } from '../../flows';
import { verifyCommandFor } from '../../flows';
import type { Block } from './blocks';
import { context, section } from './blocks';
import { esc } from './mrkdwn';
import type { SlackMessage } from './render-request';

/** `2026-11-30 09:00 UTC`. */
function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function headLine(c: CheckpointView): string {
  return `event *${c.seq}*, hash \`${esc(c.hash)}\`, recorded ${when(c.createdAt)}`;
}

/** The checkpoint line at the foot of the digest (nothing without a checkpoint). */
export function digestCheckpointBlocks(c: CheckpointView | null | undefined): Block[] {
  if (!c) return [];
  return [context(`:lock: Audit trail checkpoint: ${headLine(c)}. To check the trail against it later: \`${esc(verifyCommandFor(c))}\``)];
}

/** The checkpoint as a message of its own. */
export function renderCheckpoint(c: CheckpointView): SlackMessage {
  return {
    text: `Audit trail checkpoint: event ${c.seq}, hash ${c.hash}`,
    blocks: [
      section(`:lock: *Audit trail checkpoint*: ${headLine(c)}.`),
      context(`Keep this message: \`${esc(verifyCommandFor(c))}\` shows whether the audit trail still matches it.`),
    ],
  };
}
