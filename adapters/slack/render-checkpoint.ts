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
import { localDateTime } from '../../flows/display';
import type { SlackMessage } from './render-request';

/** `2026-11-30 10:00 (Europe/Berlin)`: the time in the policy's time zone `tz`. */
function when(iso: string, tz: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? esc(iso) : esc(localDateTime(at, tz));
}

function headLine(c: CheckpointView, tz: string): string {
  return `event *${c.seq}*, hash \`${esc(c.hash)}\`, recorded ${when(c.createdAt, tz)}`;
}

/** The checkpoint line at the foot of the digest (nothing without a checkpoint). */
export function digestCheckpointBlocks(c: CheckpointView | null | undefined, tz: string): Block[] {
  if (!c) return [];
  return [context(`:lock: Audit trail checkpoint: ${headLine(c, tz)}. To check the trail against it later: \`${esc(verifyCommandFor(c))}\``)];
}

/** The checkpoint as a message of its own. */
export function renderCheckpoint(c: CheckpointView, tz: string): SlackMessage {
  return {
    text: `Audit trail checkpoint: event ${c.seq}, hash ${c.hash}`,
    blocks: [
      section(`:lock: *Audit trail checkpoint*: ${headLine(c, tz)}.`),
      context(`Keep this message: \`${esc(verifyCommandFor(c))}\` shows whether the audit trail still matches it.`),
    ],
  };
}
