/** A deliverer that records what it is given, optionally failing first (e.g. a 429). */
import type { DeliveryResult, OutboxRow } from '../../flows';

export interface Recorder {
  deliver: (row: OutboxRow) => Promise<DeliveryResult>;
  sent: OutboxRow[];
  /** Keys of what was sent, in order. */
  keys(): string[];
  /** The next `n` deliveries answer with Retry-After `ms`. */
  throttle(n: number, ms: number): void;
}

export function recordingDeliverer(): Recorder {
  const sent: OutboxRow[] = [];
  let throttled = 0;
  let retryMs = 0;
  return {
    sent,
    keys: () => sent.map((r) => r.dedupeKey),
    throttle: (n, ms) => {
      throttled = n;
      retryMs = ms;
    },
    deliver: async (row) => {
      if (throttled > 0) {
        throttled -= 1;
        return { ok: false, retryAfterMs: retryMs, error: 'HTTP 429 rate_limited' };
      }
      sent.push(row);
      return { ok: true };
    },
  };
}
