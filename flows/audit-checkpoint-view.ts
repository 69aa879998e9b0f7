/**
 * A published checkpoint of the audit chain as the outside world sees it: the neutral view that
 * the digest and the checkpoint message carry, how it is named in `audit verify`, and the plain
 * text posted (adapters render it for their platform).
 */

/** A checkpoint as published: workspace, head (seq and hash) and when. Stored as JSON in payloads. */
export interface CheckpointView {
  id: number;
  workspaceId: number;
  /** The head published: the newest event's seq and hash. */
  seq: number;
  hash: string;
  /** ISO time it was recorded. */
  createdAt: string;
}

/** What `audit verify` needs to name a recorded checkpoint. */
export interface CheckpointRecord {
  workspaceId: number;
  seq: number;
  createdAt: Date;
  postedPlatform: string | null;
  postedConversation: string | null;
  postedMessage: string | null;
}

/** The command that compares the trail with a checkpoint copied from chat. */
export function verifyCommandFor(c: Pick<CheckpointView, 'seq' | 'hash'>): string {
  return `aimsbot audit verify --checkpoint ${c.seq}:${c.hash}`;
}

/** Where a checkpoint went: `posted to C0COMPLIANCE at 1712345678.000100`, `not posted yet`. */
export function postedWhere(c: Omit<CheckpointRecord, 'seq' | 'workspaceId' | 'createdAt'>): string {
  switch (c.postedPlatform) {
    case null:
      return 'not posted yet';
    case 'slack':
      return `posted to ${c.postedConversation} at ${c.postedMessage}`;
    case 'teams':
      return `posted to ${c.postedConversation} as activity ${c.postedMessage}`;
    case 'shell':
      return 'printed in the shell';
    default:
      return `posted on ${c.postedPlatform} to ${c.postedConversation}`;
  }
}

/** `checkpoint of 2026-11-30 (seq 41, posted to C0COMPLIANCE at 1712345678.000100)`. */
export function checkpointLabel(c: CheckpointRecord, namedWorkspace = false): string {
  const ws = namedWorkspace ? `workspace ${c.workspaceId}, ` : '';
  return `checkpoint of ${c.createdAt.toISOString().slice(0, 10)} (${ws}seq ${c.seq}, ${postedWhere(c)})`;
}

/** The plain text of a posted checkpoint. */
export function checkpointText(c: CheckpointView): string {
  return (
    `Audit trail checkpoint: event ${c.seq}, hash ${c.hash}, recorded ${c.createdAt.replace(/\.\d{3}Z$/, 'Z')} (workspace ${c.workspaceId}). ` +
    `Keep this message: \`${verifyCommandFor(c)}\` shows whether the trail still matches it.`
  );
}
