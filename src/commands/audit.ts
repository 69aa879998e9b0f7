/**
 * `aimsbot audit verify [--checkpoint <seq>:<hash>]...`: recomputes every audit hash chain and
 * compares it with the published checkpoints; exit 1 naming the first break, or when a keyed
 * chain cannot be authenticated without AIMS_AUDIT_KEY. `aimsbot audit checkpoint` publishes
 * the heads (audit-checkpoint.ts).
 */
import { loadConfig } from '../config';
import { openExistingDatabase } from '../open-database';
import { verifyAudit } from '../../flows/audit';
import { checkpointCommand } from './audit-checkpoint';
import { parseVerifyArgs, printVerification } from './audit-report';
import type { CliIo } from './io';
import { UsageError } from './io';

export async function auditCommand(io: CliIo): Promise<number> {
  const [sub, ...rest] = io.argv;
  if (sub === 'checkpoint') return checkpointCommand({ ...io, argv: rest });
  if (sub !== 'verify') throw new UsageError(`expected "audit verify" or "audit checkpoint", got "${io.argv.join(' ') || '(nothing)'}"`);
  const args = parseVerifyArgs(rest);
  const config = loadConfig(io.env);
  // Read-only: checks the schema, never migrates.
  const database = await openExistingDatabase(config);
  try {
    const result = await verifyAudit(database.db, { key: config.auditKey, given: args.checkpoints });
    return printVerification(io, result, { keyGiven: config.auditKey !== null });
  } finally {
    await database.close();
  }
}
