/** What `aimsbot audit verify` accepts and prints. */
import type { AuditVerification, ChainStatus, GivenCheckpoint } from '../../flows/audit';
import { parseCheckpointArg } from '../../flows/audit';
import type { CliIo } from './io';
import { UsageError } from './io';

/** Parses `[--checkpoint <seq>:<hash>]...`. */
export function parseVerifyArgs(argv: string[]): { checkpoints: GivenCheckpoint[] } {
  const checkpoints: GivenCheckpoint[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--checkpoint') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError('--checkpoint needs a value: <seq>:<hash> as posted in the checkpoint message');
      checkpoints.push(parseCheckpointArg(value));
    } else if (a.startsWith('--checkpoint=')) checkpoints.push(parseCheckpointArg(a.slice('--checkpoint='.length)));
    else throw new UsageError(`unexpected argument "${a}"`);
  }
  return { checkpoints };
}

const NOT_KEYED = 'not keyed: anyone with write access to the database can recompute it';

/** How one workspace's chain is protected. */
function keyLine(c: ChainStatus, keyGiven: boolean): string {
  const ws = `workspace ${c.workspaceId}`;
  if (c.events === 0 && c.keyedFrom === null) return `${ws}: no events yet`;
  if (c.keyedFrom === null) {
    return keyGiven
      ? `${ws}: ${NOT_KEYED}; AIMS_AUDIT_KEY is set, so the events the bot appends with it are keyed (if the bot already ran with the key, the chain was rewritten: compare the checkpoints)`
      : `${ws}: ${NOT_KEYED}; set AIMS_AUDIT_KEY`;
  }
  const before = c.keyedFrom > 1 ? ` (events 1 to ${c.keyedFrom - 1}, from before the key, are plain SHA-256)` : '';
  if (!c.authenticated) return `${ws}: keyed (HMAC-SHA-256) from event ${c.keyedFrom}, but AIMS_AUDIT_KEY is not set: cannot check authenticity`;
  return `${ws}: keyed (HMAC-SHA-256) from event ${c.keyedFrom}${before}`;
}

/** Prints the result; returns the exit code (0 only when intact, matching and authenticated). */
export function printVerification(io: CliIo, result: AuditVerification, opts: { keyGiven: boolean }): number {
  const out = (line: string) => io.stdout(`${line}\n`);
  const counted = `${result.events} events in ${result.workspaces} workspace(s)`;
  if (!result.ok) {
    const where = result.eventId === null ? `seq ${result.seq}` : `event ${result.eventId} (workspace ${result.workspaceId ?? '?'}, seq ${result.seq})`;
    const ofWs = result.eventId === null && result.workspaceId !== null ? ` of workspace ${result.workspaceId}` : '';
    out(`audit trail broken at ${where}${ofWs}: ${result.problem}`);
  } else if (!result.authenticated) {
    out(`audit trail not verified: the links of ${counted} hold, but the chain is keyed (HMAC-SHA-256) and AIMS_AUDIT_KEY is not set, so verify cannot check authenticity; run it with the key the bot uses`);
  } else {
    out(`audit trail intact: ${counted}`);
  }
  for (const chain of result.chains) out(keyLine(chain, opts.keyGiven));
  const recorded = result.checkpoints.filter((c) => c.checkpointId !== null);
  for (const c of result.checkpoints) {
    if (!c.matches) out(`${c.label} no longer matches: ${c.problem}`);
    else if (c.checkpointId === null) out(`${c.label} matches`);
  }
  if (recorded.length === 0) out('checkpoints: none recorded yet (the weekly digest and "aimsbot audit checkpoint" publish them)');
  else if (recorded.every((c) => c.matches)) out(`checkpoints: ${recorded.length} recorded, all match`);
  return result.ok && result.authenticated ? 0 : 1;
}
