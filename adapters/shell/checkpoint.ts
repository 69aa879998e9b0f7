/** The shell "posts" a checkpoint by printing it: the terminal is its digest channel. */
import type { FlowDeps, OutboxRow } from '../../flows';
import { checkpointOf, checkpointPosted } from '../../flows';

/** Records that the checkpoint a printed notification carried (if any) was published in the shell. */
export async function checkpointPrinted(deps: FlowDeps, row: OutboxRow): Promise<void> {
  const checkpoint = checkpointOf(row.payload);
  if (checkpoint) await checkpointPosted(deps.db, checkpoint.id, { platform: 'shell', conversationId: '#digest', messageId: null }, deps.clock.now());
}
