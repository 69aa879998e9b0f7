/**
 * `audit verify`: recomputes every workspace's chain (plain SHA-256 or, with the key, HMAC),
 * checks it against the workspace's head, and compares it with every published checkpoint, the
 * outside witness of rewrites that the database alone cannot show.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditCheckpoints, auditEvents, workspaces } from '../db/schema';
import { AimsError } from './errors';
import type { AuditKey } from './audit-hash';
import { eventHash, GENESIS_HASH, KEYED, keyedEventHash, PLAIN } from './audit-hash';
import { checkpointLabel } from './audit-checkpoint-view';

/** A head value copied from a posted checkpoint (`--checkpoint <seq>:<hash>`). */
export interface GivenCheckpoint {
  seq: number;
  hash: string;
}

/** What to verify with. */
export interface VerifyOptions {
  /** The audit key; without it keyed events are linked up but cannot be authenticated. */
  key?: AuditKey | null | undefined;
  /** Head values copied from chat, for when the checkpoints table itself may have been rewritten. */
  given?: GivenCheckpoint[];
  /** Events read per query. Default 1000. */
  batchSize?: number;
}

/** One workspace's chain as found. */
export interface ChainStatus {
  workspaceId: number;
  /** Events checked (up to a break). */
  events: number;
  /** Seq of the first keyed (HMAC-SHA-256) event, or null when none is keyed. */
  keyedFrom: number | null;
  /** False when keyed events were found but no key was given, so their content was not checked. */
  authenticated: boolean;
}

/** One checkpoint compared with the chain. */
export interface CheckpointCheck {
  /** The recorded checkpoint, or null for a value given on the command line. */
  checkpointId: number | null;
  workspaceId: number | null;
  seq: number;
  hash: string;
  /** How to name it: `checkpoint of 2026-11-30 (seq 41, posted to C0COMPLIANCE at 1712.5)`. */
  label: string;
  matches: boolean;
  /** Why it does not match, e.g. `the chain was rewritten`; null when it matches. */
  problem: string | null;
  /** The event now at that seq (null when there is none, or for a given value that matches none). */
  eventId: number | null;
}

interface Common {
  /** Events checked in every chain. */
  events: number;
  workspaces: number;
  chains: ChainStatus[];
  checkpoints: CheckpointCheck[];
  /** False when some chain is keyed and no key was given: links checked, authenticity not. */
  authenticated: boolean;
}

/** A break: the first event that does not hold, or the first checkpoint that no longer matches. */
interface Break {
  /** Null when the break is events missing after the last one present (or a checkpoint beyond the end). */
  eventId: number | null;
  workspaceId: number | null;
  seq: number;
  problem: string;
}

/**
 * The result of verifying. `ok` is false when a chain is broken or a checkpoint no longer
 * matches (the first such break is named); `authenticated` is false when a keyed chain was
 * verified without the key.
 */
export type AuditVerification = (({ ok: true } & Common) | ({ ok: false } & Break & Common));

/** Recomputes every workspace's chain and compares it with every checkpoint. */
export async function verifyAudit(db: Db, options: VerifyOptions = {}): Promise<AuditVerification> {
  const wsRows = await db
    .select({ id: workspaces.id, headSeq: workspaces.auditSeq, headHash: workspaces.auditHash })
    .from(workspaces)
    .orderBy(asc(workspaces.id));
  const chains: ChainStatus[] = [];
  let first: Break | null = null;
  for (const ws of wsRows) {
    const { status, broken } = await verifyChain(db, ws, options.key ?? null, options.batchSize ?? 1000);
    chains.push(status);
    first ??= broken;
  }
  const checkpoints = [...(await recordedCheckpoints(db, wsRows.length > 1)), ...(await givenCheckpoints(db, options.given ?? []))];
  const mismatch = checkpoints.find((c) => !c.matches);
  if (!first && mismatch) {
    first = { eventId: mismatch.eventId, workspaceId: mismatch.workspaceId, seq: mismatch.seq, problem: `${mismatch.label} no longer matches: ${mismatch.problem}` };
  }
  const common: Common = {
    events: chains.reduce((n, c) => n + c.events, 0),
    workspaces: wsRows.length,
    chains,
    checkpoints,
    authenticated: chains.every((c) => c.authenticated),
  };
  return first ? { ok: false, ...first, ...common } : { ok: true, ...common };
}

/** One workspace's chain, up to its first break. */
async function verifyChain(
  db: Db,
  ws: { id: number; headSeq: number; headHash: string | null },
  key: AuditKey | null,
  batchSize: number,
): Promise<{ status: ChainStatus; broken: Break | null }> {
  const status: ChainStatus = { workspaceId: ws.id, events: 0, keyedFrom: null, authenticated: true };
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (let offset = 0; ; offset += batchSize) {
    // In insertion order (appends are serialised per workspace, so ids rise with seq): a row
    // whose seq was changed is then named itself, not the row that now sorts after it.
    const rows = await db
      .select({
        row: auditEvents,
        // Hashes cover milliseconds; a sub-millisecond change to the stored time is still a change.
        subMs: sql<boolean>`${auditEvents.occurredAt} <> date_trunc('milliseconds', ${auditEvents.occurredAt})`,
      })
      .from(auditEvents)
      .where(eq(auditEvents.workspaceId, ws.id))
      .orderBy(asc(auditEvents.id))
      .limit(batchSize)
      .offset(offset);
    for (const { row, subMs } of rows) {
      const broken = (problem: string) => ({ status, broken: { eventId: row.id, workspaceId: ws.id, seq: row.seq, problem } });
      if (row.seq !== expectedSeq) return broken(`sequence ${row.seq} where ${expectedSeq} was expected (an event is missing or was moved)`);
      if (row.prevHash !== prevHash) return broken('previous-hash link does not match the event before it');
      if (row.hashAlg === KEYED) {
        status.keyedFrom ??= row.seq;
        if (!key) status.authenticated = false;
        else if (subMs || keyedEventHash(row, key) !== row.hash) {
          return broken('content does not match its HMAC (the event was changed, or AIMS_AUDIT_KEY is not the key that chained it)');
        }
      } else if (row.hashAlg === PLAIN) {
        if (status.keyedFrom !== null) {
          return broken(`the event is not keyed although event ${status.keyedFrom} before it is: a keyed chain never goes back to plain SHA-256, so the events from here were rewritten`);
        }
        if (subMs || eventHash(row) !== row.hash) return broken('content does not match its hash (the event was changed)');
      } else {
        return broken(`unknown hash algorithm "${row.hashAlg}" (the event was changed)`);
      }
      prevHash = row.hash;
      expectedSeq += 1;
      status.events += 1;
    }
    if (rows.length < batchSize) break;
  }
  // The head, moved with every append, catches what a chain alone cannot: its newest events
  // deleted, or events appended outside the bot.
  const lastSeq = expectedSeq - 1;
  if (lastSeq < ws.headSeq) {
    const problem = `events ${lastSeq + 1} to ${ws.headSeq} are missing (the chain ends at ${lastSeq}, the workspace's audit head at ${ws.headSeq})`;
    return { status, broken: { eventId: null, workspaceId: ws.id, seq: lastSeq + 1, problem } };
  }
  if (lastSeq > ws.headSeq || (lastSeq > 0 && prevHash !== ws.headHash)) {
    const seq = Math.min(ws.headSeq + 1, lastSeq);
    const [extra] = await db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, ws.id), eq(auditEvents.seq, seq)));
    const problem = "the event was not written by the bot (it is not in the workspace's audit head)";
    return { status, broken: { eventId: extra?.id ?? null, workspaceId: ws.id, seq, problem } };
  }
  return { status, broken: null };
}

/** Every recorded checkpoint compared with the event now at its seq. */
async function recordedCheckpoints(db: Db, namedWorkspace: boolean): Promise<CheckpointCheck[]> {
  const rows = await db.select().from(auditCheckpoints).orderBy(asc(auditCheckpoints.id));
  const out: CheckpointCheck[] = [];
  for (const c of rows) {
    const [event] = await db
      .select({ id: auditEvents.id, hash: auditEvents.hash })
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, c.workspaceId), eq(auditEvents.seq, c.seq)));
    const problem = !event
      ? `the chain was rewritten (it has no event ${c.seq} any more)`
      : event.hash !== c.hash
        ? 'the chain was rewritten'
        : null;
    out.push({
      checkpointId: c.id,
      workspaceId: c.workspaceId,
      seq: c.seq,
      hash: c.hash,
      label: checkpointLabel(c, namedWorkspace),
      matches: problem === null,
      problem,
      eventId: event?.id ?? null,
    });
  }
  return out;
}

/** Values copied from chat: each must be the hash of the event at its seq in some workspace. */
async function givenCheckpoints(db: Db, given: GivenCheckpoint[]): Promise<CheckpointCheck[]> {
  const out: CheckpointCheck[] = [];
  for (const g of given) {
    const events = await db
      .select({ id: auditEvents.id, workspaceId: auditEvents.workspaceId, hash: auditEvents.hash })
      .from(auditEvents)
      .where(eq(auditEvents.seq, g.seq));
    const match = events.find((e) => e.hash === g.hash);
    const problem = match
      ? null
      : events.length === 0
        ? `the chain was rewritten (it has no event ${g.seq} any more)`
        : 'the chain was rewritten (or the value was copied wrong)';
    out.push({
      checkpointId: null,
      workspaceId: match?.workspaceId ?? (events.length === 1 ? events[0]!.workspaceId : null),
      seq: g.seq,
      hash: g.hash,
      label: `checkpoint ${g.seq}:${g.hash.slice(0, 12)}… given on the command line`,
      matches: !!match,
      problem,
      eventId: match?.id ?? (events.length === 1 ? events[0]!.id : null),
    });
  }
  return out;
}

/** Parses `<seq>:<hash>` as posted in a checkpoint message. */
export function parseCheckpointArg(text: string): GivenCheckpoint {
  const m = /^\s*(\d{1,9}):([0-9a-fA-F]{64})\s*$/.exec(text);
  if (!m || Number(m[1]) < 1) {
    throw new AimsError('invalid_input', `--checkpoint: expected <seq>:<hash> as posted in the checkpoint message (a number, a colon and 64 hex characters), got "${text.slice(0, 80)}"`);
  }
  return { seq: Number(m[1]), hash: m[2]!.toLowerCase() };
}
