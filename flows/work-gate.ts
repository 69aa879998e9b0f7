/**
 * Backpressure for the work a process does after acknowledging a request: at most
 * `maxInFlight` pieces of work run at once, at most `maxQueued` wait for a slot, and anything
 * beyond is refused at once so the caller can say "busy, try again" instead of queueing without
 * limit (a burst otherwise grows memory and latency without bound). Platform-free: each adapter
 * decides what "refused" looks like to a person.
 */

/** Limits of a gate. */
export interface WorkLimits {
  /** Pieces of work running at once. Default 64 (AIMS_MAX_IN_FLIGHT). */
  maxInFlight: number;
  /** Pieces waiting for a slot. Default 256 (AIMS_MAX_QUEUED); 0 sheds everything beyond `maxInFlight`. */
  maxQueued: number;
}

/** The default limits. */
export const DEFAULT_WORK_LIMITS: WorkLimits = { maxInFlight: 64, maxQueued: 256 };

/** What became of an offered piece of work. */
export type Admission = 'running' | 'queued' | 'shed';

/** Counters of a gate (metrics, tests). */
export interface WorkGateLoad {
  inFlight: number;
  queued: number;
  /** The most pieces ever waiting at once: never more than `maxQueued`. */
  peakQueued: number;
  /** Pieces refused so far. */
  shed: number;
}

/** A concurrency limit with a bounded queue. */
export interface WorkGate {
  /** Whether `offer` would run or queue work now (false: it would be shed). */
  admits(): boolean;
  /** Whether a slot is free now (work would run without waiting). */
  hasSlot(): boolean;
  /**
   * Runs `work` now, or queues it (`urgent` work goes first: someone waits for its answer), or
   * sheds it. `done` settles when the work finished (or at once when shed); work errors are the
   * work's own business and only reported through `done`.
   */
  offer(work: () => Promise<unknown>, o?: { urgent?: boolean }): { admission: Admission; done: Promise<void> };
  /** Records work the caller refused itself (counted as shed). */
  noteShed(): void;
  load(): WorkGateLoad;
  /** Resolves when nothing runs and nothing waits. */
  idle(): Promise<void>;
}

interface Waiting {
  run: () => void;
}

/** Creates a gate. */
export function createWorkGate(limits: WorkLimits = DEFAULT_WORK_LIMITS): WorkGate {
  const maxInFlight = Math.max(1, limits.maxInFlight);
  const maxQueued = Math.max(0, limits.maxQueued);
  const queue: Waiting[] = [];
  let inFlight = 0;
  let peakQueued = 0;
  let shed = 0;
  let idleWaiters: Array<() => void> = [];

  const settleIdle = () => {
    if (inFlight === 0 && queue.length === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  const start = (work: () => Promise<unknown>): Promise<void> => {
    inFlight += 1;
    return Promise.resolve()
      .then(work)
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        inFlight -= 1;
        queue.shift()?.run();
        settleIdle();
      });
  };

  return {
    admits: () => inFlight < maxInFlight || queue.length < maxQueued,
    hasSlot: () => inFlight < maxInFlight,
    offer: (work, o = {}) => {
      if (inFlight < maxInFlight) return { admission: 'running', done: start(work) };
      if (queue.length >= maxQueued) {
        shed += 1;
        return { admission: 'shed', done: Promise.resolve() };
      }
      const done = new Promise<void>((resolve) => {
        const waiting: Waiting = { run: () => void start(work).then(resolve) };
        if (o.urgent) queue.unshift(waiting);
        else queue.push(waiting);
      });
      peakQueued = Math.max(peakQueued, queue.length);
      return { admission: 'queued', done };
    },
    noteShed: () => void (shed += 1),
    load: () => ({ inFlight, queued: queue.length, peakQueued, shed }),
    idle: () =>
      inFlight === 0 && queue.length === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve)),
  };
}

/** What a person is told when their request was shed. */
export const BUSY_MESSAGE = 'aimsbot is busy — please try again in a moment; nothing was changed.';
