/**
 * `aimsbot audit checkpoint`: publishes the audit head of every workspace (seq, hash, time) to
 * its compliance (digest) channel through the outbox, records it, delivers what this process can
 * and prints each checkpoint with where it was posted.
 */
import { eq } from 'drizzle-orm';
import { notifications } from '../../db/schema';
import { CHECKPOINT_KIND, checkpointsByIds, postedWhere, publishCheckpoints, verifyCommandFor } from '../../flows/audit-checkpoints';
import { createCore } from '../app';
import { loadConfig } from '../config';
import { createDispatcherFor } from '../deliverers';
import type { CliIo } from './io';
import { UsageError } from './io';

export async function checkpointCommand(io: CliIo): Promise<number> {
  if (io.argv.length > 0) throw new UsageError(`unexpected argument "${io.argv[0]}"`);
  const config = loadConfig(io.env);
  const core = await createCore(config);
  try {
    const published = await publishCheckpoints(core.deps);
    if (published.length === 0) {
      io.stdout('nothing to checkpoint: the audit trail has no events yet\n');
      return 0;
    }
    const dispatcher = await createDispatcherFor(core, (t) => io.stdout(`${t}\n`));
    await dispatcher.drain();
    for (const c of await checkpointsByIds(core.deps.db, published.map((p) => p.id))) {
      let where = postedWhere(c);
      if (c.postedAt === null) {
        const [row] = await core.deps.db
          .select({ status: notifications.status, lastError: notifications.lastError })
          .from(notifications)
          .where(eq(notifications.dedupeKey, `${CHECKPOINT_KIND}:${c.id}`));
        where += row?.lastError ? ` (${row.lastError})` : ': queued for the digest channel; a running aimsbot with that platform configured posts it';
      }
      io.stdout(`checkpoint ${c.id} of workspace ${c.workspaceId}: seq ${c.seq}, hash ${c.hash}, ${c.createdAt.toISOString()}, ${where}\n`);
      io.stdout(`  compare later with: ${verifyCommandFor(c)}\n`);
    }
    return 0;
  } finally {
    await core.close();
  }
}
