/** `aimsbot audit verify`: recomputes every audit hash chain; exit 1 naming the first broken event. */
import { loadConfig } from '../config';
import { openExistingDatabase } from '../open-database';
import { verifyAudit } from '../../flows/audit';
import type { CliIo } from './io';
import { UsageError } from './io';

export async function auditCommand(io: CliIo): Promise<number> {
  const [sub, ...rest] = io.argv;
  if (sub !== 'verify') throw new UsageError(`expected "audit verify", got "${io.argv.join(' ') || '(nothing)'}"`);
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const config = loadConfig(io.env);
  // Read-only: checks the schema, never migrates.
  const database = await openExistingDatabase(config);
  try {
    const result = await verifyAudit(database.db);
    if (result.ok) {
      io.stdout(`audit trail intact: ${result.events} events in ${result.workspaces} workspace(s)\n`);
      return 0;
    }
    const where = result.eventId === null ? `seq ${result.seq}` : `event ${result.eventId} (workspace ${result.workspaceId}, seq ${result.seq})`;
    io.stdout(`audit trail broken at ${where}${result.eventId === null ? ` of workspace ${result.workspaceId}` : ''}: ${result.problem}\n`);
    return 1;
  } finally {
    await database.close();
  }
}
