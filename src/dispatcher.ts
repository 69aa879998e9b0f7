/**
 * Delivers the notification outbox: routes each row to the deliverer of its workspace's
 * platform. `kick()` runs a pass soon (after a flow wrote something). Once `start()`ed, after
 * each pass it also sleeps exactly until the next pending row is due (a 429's Retry-After, a
 * backoff, quiet hours) and wakes then, and polls as a safety net for rows other processes
 * wrote; `start()` runs a first pass at once. Rows of different subjects go out concurrently
 * (default 16 at once); the platform's client paces them (adapters/slack/pacer.ts).
 */
import { inArray } from 'drizzle-orm';
import { workspaces } from '../db/schema';
import type { Deliverer, DeliveryResult, DispatchOptions, FlowDeps, OutboxRow, Platform } from '../flows';
import { backoffMs, dispatchDue, nextDueAt, quietHoursHold } from '../flows';
import type { Logger } from './logger';

/** The outbox dispatcher of one process. */
export interface Dispatcher {
  /** Sets the deliverer of a platform. */
  register(platform: Platform, deliverer: Deliverer): void;
  /** Runs a dispatch pass soon; concurrent kicks coalesce. Resolves when that pass is done. */
  kick(): Promise<void>;
  /** Runs passes until nothing due is left (tests, `jobs run`). */
  drain(): Promise<void>;
  /** Polls every `intervalMs` (default 5 000). */
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

/** Observers of a dispatcher (metrics). */
export interface DispatcherHooks {
  /** Called after each delivery attempt: `sent`, `retry` (429 or transient) or `failed` (permanent). */
  onDelivery?: (kind: string, platform: Platform, outcome: 'sent' | 'retry' | 'failed') => void;
}

/** Rows delivered at once by default (each mostly waits on Slack; the pacer keeps them within its limits). */
const DEFAULT_CONCURRENCY = 16;
/** Rows claimed (and read ahead) at once by default: a few rounds of the concurrent deliveries. */
const DEFAULT_BATCH = 100;
/** A wake-up never sleeps longer than this (ms); the poll covers the rest. */
const MAX_SLEEP_MS = 10 * 60_000;
/** …and never shorter than this (ms). */
const MIN_SLEEP_MS = 50;

/** Creates a dispatcher. */
export function createDispatcher(deps: FlowDeps, logger: Logger, options: DispatchOptions = {}, hooks: DispatcherHooks = {}): Dispatcher {
  const deliverers = new Map<Platform, Deliverer>();
  const platformOf = new Map<number, Platform>();
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: { timer: NodeJS.Timeout; at: number } | null = null;

  const route: Deliverer = async (row: OutboxRow) => {
    let platform = platformOf.get(row.workspaceId);
    if (!platform) {
      try {
        const rows = await deps.db.select().from(workspaces).where(inArray(workspaces.id, [row.workspaceId]));
        platform = rows[0]?.platform as Platform | undefined;
      } catch (err) {
        // Nothing was posted: a plain retry, not an attempt whose outcome is unknown.
        return { ok: false, retryAfterMs: backoffMs(row.attempts), error: `workspace lookup failed: ${(err as Error).message}` };
      }
      if (platform) platformOf.set(row.workspaceId, platform);
    }
    const deliver = platform ? deliverers.get(platform) : undefined;
    if (!deliver) return { ok: false, retryAfterMs: 60_000, error: `no deliverer for platform ${platform ?? 'unknown'} in this process` };
    let result: DeliveryResult;
    try {
      result = await deliver(row);
    } catch (err) {
      // The outbox retries it as possibly posted (see flows/outbox.ts).
      logger.warn({ kind: row.kind, id: row.id, outcome: 'unknown', err }, 'notification delivery failed; it may have been posted');
      hooks.onDelivery?.(row.kind, platform!, 'retry');
      throw err;
    }
    const outcome = result.ok ? 'sent' : 'permanent' in result ? 'failed' : 'retry';
    if (!result.ok) logger.warn({ kind: row.kind, id: row.id, outcome, error: result.error }, 'notification not delivered');
    hooks.onDelivery?.(row.kind, platform!, outcome);
    return result;
  };

  // A claimed batch is read ahead by the deliverer of each platform (one look-up per workspace not seen yet).
  route.prepare = async (rows) => {
    const unknown = [...new Set(rows.map((r) => r.workspaceId).filter((id) => !platformOf.has(id)))];
    if (unknown.length > 0) {
      const found = await deps.db.select({ id: workspaces.id, platform: workspaces.platform }).from(workspaces).where(inArray(workspaces.id, unknown));
      for (const w of found) platformOf.set(w.id, w.platform as Platform);
    }
    const byPlatform = new Map<Platform, OutboxRow[]>();
    for (const row of rows) {
      const platform = platformOf.get(row.workspaceId);
      if (!platform || !deliverers.get(platform)?.prepare) continue;
      const list = byPlatform.get(platform);
      if (list) list.push(row);
      else byPlatform.set(platform, [row]);
    }
    await Promise.all([...byPlatform].map(([platform, list]) => deliverers.get(platform)!.prepare!(list)));
  };

  // Every row of a batch is judged at the batch's claim time (quietHoursHold works the time out once per claim).
  const hold = quietHoursHold(deps.policy);

  const pass = async (): Promise<void> => {
    let failed = false;
    do {
      again = false;
      try {
        const sent = await dispatchDue(deps.db, deps.clock, route, {
          // The jobs' notifications never go out in quiet hours, even when a dispatcher catches up then.
          holdUntil: hold,
          concurrency: DEFAULT_CONCURRENCY,
          batchSize: DEFAULT_BATCH,
          ...options,
          // Only the platforms this process can deliver to; others stay for a process that can.
          platforms: [...deliverers.keys()],
        });
        if (sent) logger.debug({ sent }, 'notifications delivered');
      } catch (err) {
        logger.error({ err }, 'notification dispatch failed');
        failed = true;
      }
    } while (again);
    // After a failed pass the poll retries; waking at once could spin against a database that is down.
    if (timer && !failed) await scheduleWake();
  };

  /** Sleeps until the next pending row is due (not a fixed poll), when started. */
  const scheduleWake = async (): Promise<void> => {
    let next: Date | null;
    try {
      next = await nextDueAt(deps.db, [...deliverers.keys()]);
    } catch {
      return; // the poll tries again
    }
    if (!next || !timer) return;
    // A row due already but not claimable (another process holds it) is looked at again shortly, not in a loop.
    const delay = Math.min(Math.max(next.getTime() - deps.clock.now().getTime(), MIN_SLEEP_MS), MAX_SLEEP_MS);
    const at = Date.now() + delay;
    if (wake && wake.at <= at) return;
    if (wake) clearTimeout(wake.timer);
    const t = setTimeout(() => {
      wake = null;
      void kick();
    }, delay);
    t.unref();
    wake = { timer: t, at };
  };

  const kick = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = pass().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    register: (platform, deliverer) => void deliverers.set(platform, deliverer),
    kick,
    drain: async () => {
      await kick();
      while (running) await running;
    },
    start: (intervalMs = 5000) => {
      if (timer) return;
      timer = setInterval(() => void kick(), intervalMs);
      timer.unref();
      // What is due already (rows written while no process ran) goes out now, not at the first poll.
      void kick();
    },
    stop: async () => {
      if (timer) clearInterval(timer);
      timer = null;
      if (wake) clearTimeout(wake.timer);
      wake = null;
      while (running) await running;
    },
  };
}
