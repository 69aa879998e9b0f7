/**
 * A checkpoint of the audit chain on a Teams card: the head (event, hash, time) and the command
 * that compares the trail with it later. Posted on its own (`aimsbot audit checkpoint`) or at the
 * foot of the weekly digest. Everything shown is numbers, hex and a fixed command: no user text.
 */
import type { CheckpointView } from '../../flows';
import { verifyCommandFor } from '../../flows';
import type { CardJson } from './card-kit';
import { adaptiveCard, heading, textBlock } from './card-kit';

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

const head = (c: CheckpointView) => `event ${c.seq}, hash ${c.hash}, recorded ${when(c.createdAt)}`;

/** The checkpoint lines at the foot of the digest card (nothing without a checkpoint). */
export function digestCheckpointBlocks(c: CheckpointView | null | undefined): CardJson[] {
  if (!c) return [];
  return [
    textBlock(`Audit trail checkpoint: ${head(c)}.`, { isSubtle: true, size: 'Small', separator: true }),
    textBlock(`To check the trail against it later: ${verifyCommandFor(c)}`, { isSubtle: true, size: 'Small', spacing: 'None' }),
  ];
}

/** The checkpoint as a card of its own. */
export function checkpointCard(c: CheckpointView): CardJson {
  return adaptiveCard([
    heading('Audit trail checkpoint'),
    textBlock(`${head(c)}.`),
    textBlock(`Keep this message: ${verifyCommandFor(c)} shows whether the audit trail still matches it.`, { isSubtle: true }),
  ]);
}
