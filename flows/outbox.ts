/**
 * The notification outbox. Flows write a row in the same transaction as the change that causes
 * it; a unique dedupe key makes writing the same notification twice a no-op, so a job that runs
 * twice or two workers racing still produce one message. A dispatcher claims due rows, hands
 * each to the platform's deliverer, and marks it sent or schedules a retry.
 *
 * A post can succeed while recording it fails (the database drops the connection in between).
 * Such a row either stays `sending` until its lease runs out, or comes back from an error whose
 * outcome nobody knows; in both cases it is handed over again with `reclaimed` set, so the
 * deliverer looks for what the earlier attempt posted before posting anything.
 */
import { and, asc, eq, inArray, lte, or, isNull, lt, sql } from 'drizzle-orm';
import { idIn } from '../db/any-of';
import type { Db } from '../db/client';
import { notifications, workspaces } from '../db/schema';
import type { MessageCopy } from './messages';
import type { Clock } from './ports';

/** Who a notification is for. */
export type Recipient =
  | { person: number }
  | { channel: 'approvals' | 'digest' }
  /** Every stored copy of a subject's messages (update in place). */
  | { copiesOf: { subjectType: string; subjectId: number } };

/** A notification to write. */
export interface NotificationInput {
  workspaceId: number;
  dedupeKey: string;
  /** e.g. `approval.requested`, `approval.updated`, `approval.outcome`, `review.reminder`. */
  kind: string;
  recipient: Recipient;
  payload: Record<string, unknown>;
  notBefore: Date;
}

/**
 * A claimed notification. `reclaimed` is true when an earlier attempt may have posted without
 * recording it: the deliverer must look for that post before posting again.
 */
export type OutboxRow = typeof notifications.$inferSelect;

/** Writes a notification unless one with the same dedupe key exists. Returns true when written. */
export async function enqueue(tx: Db, n: NotificationInput): Promise<boolean> {
  const rows = await tx
    .insert(notifications)
    .values({ ...n, status: 'pending', createdAt: n.notBefore })
    .onConflictDoNothing({ target: notifications.dedupeKey })
    .returning({ id: notifications.id });
  return rows.length > 0;
}

/** Notifications per INSERT of {@link enqueueMany} (one JSON parameter each). */
const ENQUEUE_ROWS = 5000;

/**
 * Writes many notifications with one set-based INSERT per {@link ENQUEUE_ROWS}, skipping dedupe
 * keys already present (ON CONFLICT DO NOTHING), exactly as {@link enqueue} would one by one.
 * Returns the dedupe keys newly written.
 */
export async function enqueueMany(tx: Db, list: readonly NotificationInput[]): Promise<string[]> {
  const written: string[] = [];
  for (let i = 0; i < list.length; i += ENQUEUE_ROWS) {
    const rows = list.slice(i, i + ENQUEUE_ROWS).map((n) => ({ ...n, notBefore: n.notBefore.toISOString() }));
    const result = await tx.execute<{ dedupe_key: string }>(sql`
      insert into notifications (workspace_id, dedupe_key, kind, recipient, payload, status, not_before, created_at)
      select v."workspaceId", v."dedupeKey", v.kind, v.recipient, v.payload, 'pending', v."notBefore", v."notBefore"
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(
        "workspaceId" integer, "dedupeKey" text, kind text, recipient jsonb, payload jsonb, "notBefore" timestamptz)
      on conflict (dedupe_key) do nothing
      returning dedupe_key`);
    const got = Array.isArray(result) ? (result as Array<{ dedupe_key: string }>) : ((result as { rows?: Array<{ dedupe_key: string }> }).rows ?? []);
    for (const r of got) written.push(r.dedupe_key);
  }
  return written;
}

/** What a deliverer reports for one notification. */
export type DeliveryResult =
  /**
   * Delivered. `copies` are the messages it posted, recorded by the same statement that marks
   * the row sent (one write for a group of rows instead of one per message); a deliverer that
   * records its copies itself leaves it out. Until that write lands, a re-claimed row finds its
   * post by the message's metadata, as it would after any failure between posting and recording.
   */
  | { ok: true; copies?: readonly MessageCopy[] | undefined }
  /** The platform asked us to wait (HTTP 429 `Retry-After`), or a transient failure. */
  | { ok: false; retryAfterMs: number; error: string }
  /** Will never succeed (e.g. no channel configured); kept as failed for the record. */
  | { ok: false; permanent: true; error: string };

/**
 * Delivers one notification on a platform. `prepare`, when present, is handed each claimed batch
 * before its rows are delivered (possibly while the previous batch's last rows are still out), so a deliverer can read what the batch needs with a few
 * set-based queries instead of several per row; it is only an optimisation (a failure is ignored,
 * and a row it did not prepare is delivered all the same).
 */
export interface Deliverer {
  (row: OutboxRow): Promise<DeliveryResult>;
  prepare?: ((rows: readonly OutboxRow[]) => Promise<void>) | undefined;
}

/** Options of a dispatch pass. */
export interface DispatchOptions {
  /** Only rows of these workspaces (default: all). */
  workspaceIds?: number[];
  /** Only rows of workspaces on these platforms (default: all), so a process never claims what it cannot deliver. */
  platforms?: string[];
  /** How many rows to claim at once. Default 50. */
  batchSize?: number;
  /**
   * How many rows of a batch are delivered at once. Default 1. Rows of one subject (the same
   * request, review or system) still go out one after the other, in order, so an update never
   * overtakes the message it updates.
   */
  concurrency?: number;
  /** How long a claim holds before another dispatcher may take the row over (ms). Default 60 000. */
  leaseMs?: number;
  /** Attempts before a row is marked failed. Default 8. */
  maxAttempts?: number;
  /**
   * The earliest time a claimed row may go out, or null for now (e.g. quiet hours for the jobs'
   * notifications: a row that became due before quiet hours but is claimed during them waits).
   */
  holdUntil?: (row: OutboxRow, now: Date) => Date | null;
}

/**
 * Claims due rows atomically (SKIP LOCKED, with a lease so a dispatcher killed mid-batch does not
 * lose them) and delivers each. Returns how many were sent.
 */
export async function dispatchDue(db: Db, clock: Clock, deliver: Deliverer, opts: DispatchOptions = {}): Promise<number> {
  const batchSize = opts.batchSize ?? 50;
  const leaseMs = opts.leaseMs ?? 60_000;
  const maxAttempts = opts.maxAttempts ?? 8;
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  const markSent = sentWriter(db);
  /** Claims the next batch and reads it ahead (an optimisation only: each row still loads what was not prepared). */
  const next = async (): Promise<{ rows: OutboxRow[]; now: Date }> => {
    const now = clock.now();
    const rows = await claim(db, now, batchSize, leaseMs, opts.workspaceIds, opts.platforms);
    if (rows.length > 0 && deliver.prepare) await deliver.prepare(rows).catch(() => undefined);
    return { rows, now };
  };
  let sent = 0;
  let batch = await next();
  while (batch.rows.length > 0) {
    const { rows, now } = batch;
    const full = rows.length >= batchSize;
    // Once every row of a full batch has started, the next batch is claimed and read ahead while
    // the last deliveries finish, so the workers do not wait for a claim between batches. It
    // starts only when this one is done: a subject's rows still go out in order.
    let ahead: Promise<{ rows: OutboxRow[]; now: Date }> | null = null;
    const claimAhead = () => {
      if (ahead) return;
      ahead = next();
      // Awaited below; until then a failed claim must not count as unhandled.
      ahead.catch(() => undefined);
    };
    try {
      sent += await deliverBatch(
        rows,
        concurrency,
        (row) => deliverOne(db, clock, deliver, row, now, maxAttempts, opts.holdUntil, markSent),
        (ids) => release(db, ids),
        full ? claimAhead : undefined,
      );
    } catch (err) {
      // The batch claimed ahead was never tried: it goes back at once, if the database lets us.
      const early = ahead as Promise<{ rows: OutboxRow[] }> | null;
      if (early) await early.then((b) => release(db, b.rows.map((r) => r.id))).catch(() => undefined);
      throw err;
    }
    if (!full) return sent;
    batch = await (ahead ?? next());
  }
  return sent;
}

/** The subject a row is about: its rows are delivered in order, one at a time. */
function subjectOf(row: OutboxRow): string {
  const p = row.payload as Record<string, unknown>;
  for (const k of ['requestId', 'reviewId', 'systemId'] as const) if (typeof p[k] === 'number') return `${row.workspaceId}:${k}:${p[k]}`;
  return `row:${row.id}`;
}

/**
 * Delivers a claimed batch with up to `concurrency` subjects at once; `allStarted` is called once
 * the last group has been taken up by a worker. When the outcome of a row cannot be written, the row stays `sending` (re-claimed after its lease), no further row is
 * started, the rows not tried yet go back at once, and the error propagates.
 */
async function deliverBatch(
  claimed: OutboxRow[],
  concurrency: number,
  one: (row: OutboxRow) => Promise<boolean>,
  giveBack: (ids: number[]) => Promise<void>,
  allStarted?: () => void,
): Promise<number> {
  const groups = new Map<string, OutboxRow[]>();
  for (const row of concurrency === 1 ? [] : claimed) {
    const key = subjectOf(row);
    const g = groups.get(key);
    if (g) g.push(row);
    else groups.set(key, [row]);
  }
  // One at a time keeps the claimed order exactly, as before.
  const queue = concurrency === 1 ? claimed.map((r) => [r]) : [...groups.values()];
  const tried = new Set<number>();
  let sent = 0;
  let failure: { err: unknown } | null = null;
  const worker = async () => {
    for (let group = queue.shift(); group && !failure; group = queue.shift()) {
      if (queue.length === 0) allStarted?.();
      for (const row of group) {
        if (failure) return;
        tried.add(row.id);
        try {
          if (await one(row)) sent += 1;
        } catch (err) {
          failure ??= { err };
          return;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  if (failure) {
    // The rows not tried yet go back at once, if the database lets us.
    await giveBack(claimed.filter((r) => !tried.has(r.id)).map((r) => r.id)).catch(() => undefined);
    throw (failure as { err: unknown }).err;
  }
  return sent;
}

async function claim(
  db: Db,
  now: Date,
  limit: number,
  leaseMs: number,
  workspaceIds?: number[],
  platforms?: string[],
): Promise<OutboxRow[]> {
  const due = and(
    lte(notifications.notBefore, now),
    or(
      eq(notifications.status, 'pending'),
      and(eq(notifications.status, 'sending'), or(isNull(notifications.lockedUntil), lt(notifications.lockedUntil, now))),
    ),
    workspaceIds ? inArray(notifications.workspaceId, workspaceIds) : undefined,
    platforms
      ? inArray(notifications.workspaceId, db.select({ id: workspaces.id }).from(workspaces).where(inArray(workspaces.platform, platforms)))
      : undefined,
  );
  const ids = db
    .select({ id: notifications.id })
    .from(notifications)
    .where(due)
    .orderBy(asc(notifications.notBefore), asc(notifications.id))
    .limit(limit)
    .for('update', { skipLocked: true });
  return db
    .update(notifications)
    .set({
      status: 'sending',
      lockedUntil: new Date(now.getTime() + leaseMs),
      // A row still `sending` was abandoned mid-delivery: whatever it posted may be unrecorded.
      reclaimed: sql`case when ${notifications.status} = 'sending' then true else ${notifications.reclaimed} end`,
    })
    .where(inArray(notifications.id, ids))
    .returning()
    .then((rows) => rows.sort((a, b) => a.notBefore.getTime() - b.notBefore.getTime() || a.id - b.id));
}

/** Delivers one claimed row and writes the outcome. Returns true when it was sent. */
async function deliverOne(
  db: Db,
  clock: Clock,
  deliver: Deliverer,
  row: OutboxRow,
  now: Date,
  maxAttempts: number,
  holdUntil: DispatchOptions['holdUntil'],
  markSent: SentWriter,
): Promise<boolean> {
  const hold = holdUntil?.(row, now);
  if (hold && hold.getTime() > now.getTime()) {
    // Not an attempt: it goes back to pending until the allowed time.
    await db.update(notifications).set({ status: 'pending', lockedUntil: null, notBefore: hold }).where(eq(notifications.id, row.id));
    return false;
  }
  let result: DeliveryResult;
  // A deliverer reports what it knows; a throw means the attempt may have posted something it
  // could not record (e.g. the database went away right after the post).
  let unknown = false;
  try {
    result = await deliver(row);
  } catch (err) {
    unknown = true;
    result = { ok: false, retryAfterMs: backoffMs(row.attempts), error: (err as Error).message };
  }
  if (result.ok) {
    await markSent(row.id, clock.now(), result.copies);
    return true;
  }
  const attempts = row.attempts + 1;
  const failed = 'permanent' in result || attempts >= maxAttempts;
  const wait = 'retryAfterMs' in result ? Math.max(result.retryAfterMs, 0) : 0;
  await settle(db, row.id, {
    status: failed ? 'failed' : 'pending',
    attempts,
    lastError: result.error.slice(0, 500),
    lockedUntil: null,
    notBefore: new Date(clock.now().getTime() + wait),
    ...(unknown ? { reclaimed: true } : {}),
  });
  return false;
}

/**
 * When the next pending row (of these platforms) becomes due, or null when none is pending: a
 * dispatcher sleeps until then instead of polling (e.g. a 429's Retry-After runs out).
 */
export async function nextDueAt(db: Db, platforms?: string[]): Promise<Date | null> {
  const [row] = await db
    .select({ at: sql<Date | null>`min(${notifications.notBefore})`.mapWith(notifications.notBefore) })
    .from(notifications)
    .where(
      and(
        eq(notifications.status, 'pending'),
        platforms
          ? inArray(notifications.workspaceId, db.select({ id: workspaces.id }).from(workspaces).where(inArray(workspaces.platform, platforms)))
          : undefined,
      ),
    );
  return row?.at ?? null;
}

/** Gives claimed rows that were not tried back to other dispatchers. */
async function release(db: Db, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(notifications)
    .set({ status: 'pending', lockedUntil: null })
    .where(and(idIn(notifications.id, ids), eq(notifications.status, 'sending')));
}

/** Marks a row sent (with the copies its delivery posted) once its group's write landed. */
type SentWriter = (id: number, at: Date, copies?: readonly MessageCopy[]) => Promise<void>;

/**
 * Writes `sent` outcomes with one statement for all rows that finish while the previous write is
 * on its way (group commit): a wave of deliveries costs a statement per group, not per row. The
 * copies the rows posted are inserted by the same statement (a data-modifying WITH), so a row is
 * sent with its copies recorded or neither. Each write is tried twice, as {@link settle} does;
 * when both fail, every row of that group rejects and stays `sending` (taken over as `reclaimed`
 * after its lease, never posted blindly).
 */
function sentWriter(db: Db): SentWriter {
  type Waiting = { id: number; at: Date; copies: readonly MessageCopy[] | undefined; resolve: () => void; reject: (err: unknown) => void };
  let queue: Waiting[] = [];
  let flushing = false;
  const write = (group: Waiting[]) => {
    // The group went out within one write's time: it is stamped with its latest delivery time.
    const set = { status: 'sent', sentAt: new Date(Math.max(...group.map((w) => w.at.getTime()))), lockedUntil: null, lastError: null };
    const where = idIn(notifications.id, group.map((w) => w.id));
    const copies = group.flatMap((w) =>
      (w.copies ?? []).map((c) => ({ ...c, threadId: c.threadId ?? null, stepId: c.stepId ?? null, createdAt: w.at.toISOString() })),
    );
    if (copies.length === 0) return db.update(notifications).set(set).where(where);
    const recorded = db.$with('recorded', { n: sql<number>`n` }).as(sql`
      insert into platform_messages (workspace_id, subject_type, subject_id, platform, role, conversation_id, message_id, thread_id, step_id, created_at)
      select v."workspaceId", v."subjectType", v."subjectId", v.platform, v.role, v."conversationId", v."messageId", v."threadId", v."stepId", v."createdAt"
      from jsonb_to_recordset(${JSON.stringify(copies)}::jsonb) as v(
        "workspaceId" integer, "subjectType" text, "subjectId" integer, platform text, role text,
        "conversationId" text, "messageId" text, "threadId" text, "stepId" integer, "createdAt" timestamptz)
      returning 1 as n`);
    return db.with(recorded).update(notifications).set(set).where(where);
  };
  const flush = async () => {
    flushing = true;
    while (queue.length > 0) {
      const group = queue;
      queue = [];
      try {
        try {
          await write(group);
        } catch {
          await write(group);
        }
        for (const w of group) w.resolve();
      } catch (err) {
        for (const w of group) w.reject(err);
      }
    }
    flushing = false;
  };
  return (id, at, copies) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ id, at, copies, resolve, reject });
      if (!flushing) void flush();
    });
}

/**
 * Writes the outcome of a delivery. A dropped connection fails one statement and the next one
 * gets a fresh connection, so the write is tried twice. When both fail the error propagates and
 * the row stays `sending`: after its lease it is taken over as `reclaimed`, never posted blindly.
 */
async function settle(db: Db, id: number, values: Partial<typeof notifications.$inferInsert>): Promise<void> {
  const write = () => db.update(notifications).set(values).where(eq(notifications.id, id));
  try {
    await write();
  } catch {
    await write();
  }
}

/** Exponential backoff for transient failures: 2 s, 4 s, 8 s … capped at 10 minutes. */
export function backoffMs(attempts: number): number {
  return Math.min(2000 * 2 ** attempts, 600_000);
}

