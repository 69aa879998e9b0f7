/**
 * The audit trail: append-only and hash-chained per workspace. Each event stores the hash of the
 * previous event and the hash of its own canonical content (which includes that previous hash),
 * so changing, removing or reordering any row breaks the chain from there on. With an audit key
 * the hashes are HMACs that only the key holder can recompute (audit-hash.ts); the database
 * refuses updates and deletes (migration `audit_append_only`); published checkpoints are the
 * outside witness (audit-checkpoints.ts); `verifyAudit` checks all three (audit-verify.ts).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditEvents, workspaces } from '../db/schema';
import { AimsError } from './errors';
import type { HashedContent } from './audit-hash';
import { currentAuditKey, eventHash, GENESIS_HASH, KEYED, keyedEventHash, PLAIN } from './audit-hash';
import { rowsOf } from '../db/rows';
import type { NotificationInput } from './outbox';
import { enqueue, enqueueMany } from './outbox';

export { canonicalJson, eventHash, keyedEventHash, GENESIS_HASH, PLAIN, KEYED, AUDIT_KEY_MIN_LENGTH, auditKey, setAuditKey, currentAuditKey } from './audit-hash';
export type { AuditKey, HashAlg, HashedContent } from './audit-hash';
export { verifyAudit, parseCheckpointArg } from './audit-verify';
export type { AuditVerification, ChainStatus, CheckpointCheck, GivenCheckpoint, VerifyOptions } from './audit-verify';

/** What a caller records. */
export interface AuditInput {
  workspaceId: number;
  /** Person platform id, or `system`. */
  actor: string;
  /** Dotted verb, e.g. `system.registered`, `step.decided`. */
  action: string;
  subjectType: string;
  subjectId: string | number;
  data: Record<string, unknown>;
  at: Date;
}

/** A workspace's audit head: seq and hash of its newest event. */
export interface AuditHead {
  seq: number;
  hash: string;
}

/**
 * Appends an event, keyed when this process has an audit key. Must run inside the transaction
 * of the change it records; it locks the workspace row so concurrent appends in one workspace
 * form one chain. Inside an {@link auditedTransaction} the event is only queued: the chain is
 * locked and written once, right before that transaction commits.
 */
export async function appendAudit(tx: Db, input: AuditInput): Promise<void> {
  const queued = deferred.get(tx);
  if (queued) {
    queued.events.push(input);
    return;
  }
  await appendChain(tx, input.workspaceId, [input]);
}

/**
 * Writes a notification (unless one with the same dedupe key exists) in the transaction of the
 * change that causes it. Inside an {@link auditedTransaction} it is only queued and written right
 * before commit, by the statement that appends the transaction's audit events: one round trip
 * fewer per notification. Elsewhere it is written at once, as `enqueue` does.
 */
export async function enqueueWithAudit(tx: Db, n: NotificationInput): Promise<void> {
  const queued = deferred.get(tx);
  if (queued) {
    queued.notes.push(n);
    return;
  }
  await enqueue(tx, n);
}

/** The events and notifications queued by each running audited transaction, in the order they were recorded. */
const deferred = new WeakMap<Db, { events: AuditInput[]; notes: NotificationInput[]; heads: Map<number, HeadRow> }>();

/** A workspace row's audit head as read under its lock: seq, hash, and the kind of its newest event (null when not seen). */
export interface HeadRow {
  seq: number;
  hash: string | null;
  alg: string | null;
}

/** The kind of a workspace's newest event, for a statement that locks the workspace row and returns its head. */
export const headAlg = sql<string | null>`(select e.hash_alg from ${auditEvents} e where e.workspace_id = ${workspaces.id} and e.seq = ${workspaces.auditSeq})`;

/**
 * Tells an {@link auditedTransaction} the audit head of a workspace whose row this transaction has
 * just locked (FOR NO KEY UPDATE or stronger, e.g. by updating it) and read: the append at commit
 * then writes after it without locking and reading the row again, one round trip fewer while the
 * workspace is held. Nothing else can move the head until this transaction ends. Outside an
 * audited transaction it does nothing.
 */
export function knownAuditHead(tx: Db, workspaceId: number, head: HeadRow): void {
  deferred.get(tx)?.heads.set(workspaceId, head);
}

/**
 * Runs `fn` in one transaction whose audit events are appended last, right before commit, in one
 * batch per workspace (same order and hashes as one by one). The workspace's audit head is then
 * locked for two statements and the commit instead of for the whole transaction, so concurrent
 * flows in one workspace no longer queue behind each other's reads and writes.
 */
export async function auditedTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    const queued = { events: [] as AuditInput[], notes: [] as NotificationInput[], heads: new Map<number, HeadRow>() };
    deferred.set(tx, queued);
    try {
      const out = await fn(tx);
      const notes = queued.notes.splice(0);
      if (queued.events.length > 0) await appendAuditBatch(tx, queued.events.splice(0), notes);
      else if (notes.length > 0) await enqueueMany(tx, notes);
      return out;
    } finally {
      deferred.delete(tx);
    }
  });
}

/**
 * Locks a workspace's audit head for this transaction and returns it with this process's key.
 * Refuses to go on without a key where the chain is keyed: an unkeyed event after keyed ones
 * would read as a downgrade, and break the chain for good. The head and the kind of its newest
 * event come back in one statement. The lock is FOR NO KEY UPDATE: it serialises appends (and
 * anything else moving the head) but not the foreign-key checks of rows inserted into the
 * workspace, which take KEY SHARE on its row; FOR UPDATE would wait for those, and a transaction
 * that inserted first and appends last would deadlock with another doing the same.
 */
async function lockHead(tx: Db, workspaceId: number): Promise<{ seq: number; prevHash: string; key: ReturnType<typeof currentAuditKey>; checkKind: boolean }> {
  const head = await selectHeadForUpdate(tx, workspaceId);
  if (!head) throw new Error(`workspace ${workspaceId} does not exist`);
  return headFrom(head);
}

/** Locks a workspace's row FOR NO KEY UPDATE (see {@link lockHead}) and reads its audit head in the same statement. */
async function selectHeadForUpdate(tx: Db, workspaceId: number): Promise<HeadRow | undefined> {
  const result = await tx.execute(sql`
    select ${workspaces.auditSeq} as seq, ${workspaces.auditHash} as hash, ${headAlg} as alg
    from ${workspaces} where ${workspaces.id} = ${workspaceId} for no key update`);
  return rowsOf<HeadRow>(result)[0];
}

/**
 * Locks a workspace's row as an audit append does, for a transaction that numbers or
 * deduplicates things in the workspace one at a time, and reads its audit head with the same
 * statement: inside an {@link auditedTransaction} the append at commit then needs no statement
 * of its own to lock and read it.
 */
export async function lockWorkspaceHead(tx: Db, workspaceId: number): Promise<void> {
  const head = await selectHeadForUpdate(tx, workspaceId);
  if (head) knownAuditHead(tx, workspaceId, head);
}

function headFrom(head: HeadRow): { seq: number; prevHash: string; key: ReturnType<typeof currentAuditKey>; checkKind: boolean } {
  const seq = Number(head.seq);
  const key = currentAuditKey();
  if (!key && seq > 0 && head.alg === KEYED) throw keyedWithoutKey();
  // After waiting for the lock the row is re-read but the sub-select keeps the statement's
  // snapshot, so a head that moved meanwhile may show no kind: then the INSERT checks it (it reads
  // afresh), instead of a statement of its own.
  const checkKind = !key && seq > 0 && head.alg === null;
  return { seq, prevHash: seq > 0 ? (head.hash ?? GENESIS_HASH) : GENESIS_HASH, key, checkKind };
}

function keyedWithoutKey(): AimsError {
  return new AimsError(
    'conflict',
    'the audit trail is keyed (HMAC-SHA-256) but AIMS_AUDIT_KEY is not set in this process: start it with the same AIMS_AUDIT_KEY as the others',
  );
}

/** What is hashed for one event; its data round-trips through JSON so it is exactly what jsonb gives back. */
function contentOf(input: AuditInput, workspaceId: number, seq: number, prevHash: string): HashedContent {
  return {
    workspaceId,
    seq,
    occurredAt: new Date(input.at.getTime()),
    actor: input.actor,
    action: input.action,
    subjectType: input.subjectType,
    subjectId: String(input.subjectId),
    data: JSON.parse(JSON.stringify(input.data)) as Record<string, unknown>,
    prevHash,
  };
}

/**
 * Appends many events in one go, chained exactly as {@link appendAudit} would chain them one by
 * one (same order, same hashes): per workspace it locks the head once, hashes the events in
 * order, writes them with one INSERT and moves the head once. Must run inside the transaction of
 * the changes it records. Returns the new head of each workspace touched. `notes` are written
 * by the first INSERT too (a data-modifying WITH, ON CONFLICT DO NOTHING on their dedupe keys,
 * in the order given), as {@link enqueueMany} would write them; at least one event is needed.
 */
export async function appendAuditBatch(tx: Db, inputs: readonly AuditInput[], notes: readonly NotificationInput[] = []): Promise<Map<number, AuditHead>> {
  if (notes.length > 0 && inputs.length === 0) throw new Error('appendAuditBatch: notifications need an audit event to ride with');
  const byWorkspace = new Map<number, AuditInput[]>();
  for (const input of inputs) {
    const list = byWorkspace.get(input.workspaceId);
    if (list) list.push(input);
    else byWorkspace.set(input.workspaceId, [input]);
  }
  const heads = new Map<number, AuditHead>();
  // Lock heads in id order, so two batches over the same workspaces cannot deadlock.
  let pending = notes;
  for (const workspaceId of [...byWorkspace.keys()].sort((a, b) => a - b)) {
    heads.set(workspaceId, await appendChain(tx, workspaceId, byWorkspace.get(workspaceId)!, pending));
    pending = [];
  }
  return heads;
}

/** Rows per INSERT of a batch append (each row is one JSON element, one bound parameter in all). */
const BATCH_ROWS = 5000;

/** Notifications written ahead of an audit INSERT, in the same statement (see {@link appendAuditBatch}): a WITH item. */
function notesCte(notes: readonly NotificationInput[]) {
  const rows = notes.map((n) => ({ ...n, notBefore: n.notBefore.toISOString() }));
  return sql`written_notes as (
      insert into notifications (workspace_id, dedupe_key, kind, recipient, payload, status, not_before, created_at)
      select v."workspaceId", v."dedupeKey", v.kind, v.recipient, v.payload, 'pending', v."notBefore", v."notBefore"
      from rows from (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as (
        "workspaceId" integer, "dedupeKey" text, kind text, recipient jsonb, payload jsonb, "notBefore" timestamptz))
        with ordinality as v("workspaceId", "dedupeKey", kind, recipient, payload, "notBefore", ord)
      order by v.ord
      on conflict (dedupe_key) do nothing)`;
}

async function appendChain(tx: Db, workspaceId: number, inputs: AuditInput[], notes: readonly NotificationInput[] = []): Promise<AuditHead> {
  const known = deferred.get(tx)?.heads.get(workspaceId);
  const head = known ? headFrom(known) : await lockHead(tx, workspaceId);
  let { seq, prevHash } = head;
  const { key, checkKind } = head;
  const headSeq = seq;
  const alg = key ? KEYED : PLAIN;
  for (let i = 0; i < inputs.length; i += BATCH_ROWS) {
    const rows = inputs.slice(i, i + BATCH_ROWS).map((input) => {
      const content = contentOf(input, workspaceId, seq + 1, prevHash);
      const hash = key ? keyedEventHash(content, key) : eventHash(content);
      seq = content.seq;
      prevHash = hash;
      return { ...content, occurredAt: content.occurredAt.toISOString(), hashAlg: alg, hash };
    });
    // One JSON parameter for the whole chunk: no bound-parameter limit, one round trip.
    // Without a key, an event after a keyed head would read as a downgrade: where the head's kind
    // was not known, nothing is written then (and the transaction is refused below).
    const guard = i === 0 && checkKind;
    const insert = sql`insert into audit_events (workspace_id, seq, occurred_at, actor, action, subject_type, subject_id, data, prev_hash, hash_alg, hash)
      select r."workspaceId", r.seq, r."occurredAt", r.actor, r.action, r."subjectType", r."subjectId", r.data, r."prevHash", r."hashAlg", r.hash
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
        "workspaceId" integer, seq integer, "occurredAt" timestamptz, actor text, action text, "subjectType" text,
        "subjectId" text, data jsonb, "prevHash" text, "hashAlg" text, hash text)
      ${guard ? sql`where not exists (select 1 from ${auditEvents} e where e.workspace_id = ${workspaceId} and e.seq = ${headSeq} and e.hash_alg = ${KEYED})` : sql``}
      order by r.seq`;
    const items = i === 0 && notes.length > 0 ? [notesCte(notes)] : [];
    const last = i + BATCH_ROWS >= inputs.length;
    let written;
    if (last) {
      // The last chunk moves the head in the same statement: the head trigger runs after it and
      // sees its events (migration 0016). With the guard, the head moves only if they were written.
      items.push(sql`appended as (${insert} returning 1)`);
      written = await tx.execute(sql`with ${sql.join(items, sql`, `)}
        update ${workspaces} set audit_seq = ${seq}, audit_hash = ${prevHash}
        where ${workspaces.id} = ${workspaceId} ${guard ? sql`and exists (select 1 from appended)` : sql``}
        returning 1 as n`);
    } else {
      written = await tx.execute(sql`${items.length ? sql`with ${items[0]!}` : sql``} ${insert} ${guard ? sql`returning 1 as n` : sql``}`);
    }
    if (guard && rowsOf(written).length === 0) throw keyedWithoutKey();
  }
  if (inputs.length > 0) deferred.get(tx)?.heads.set(workspaceId, { seq, hash: prevHash, alg });
  return { seq, hash: prevHash };
}
