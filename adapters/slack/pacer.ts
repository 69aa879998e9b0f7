/**
 * Pacing of the outbox's Slack Web API calls, so concurrent delivery meets Slack's limits
 * instead of its 429s: `chat.postMessage` about one message per second per channel with short
 * bursts; every other method by its documented tier (per minute: tier 2 ≈ 20, tier 3 ≈ 50,
 * tier 4 ≈ 100), with a burst of a tenth of that. A 429 pauses the method (and for
 * `chat.postMessage` the channel) until its Retry-After runs out. A call that would wait longer
 * than `maxWaitMs` is not sent: it fails as rate limited with that wait, so the outbox retries the
 * row exactly then instead of holding a delivery slot (and its lease) meanwhile.
 */
import { webApi } from '@slack/bolt';

/** Calls per minute of Slack's tiers. */
const TIERS = { 2: 20, 3: 50, 4: 100 } as const;

/** Methods the deliverers call, by tier; anything else is paced as tier 3. */
const METHOD_TIER: Record<string, keyof typeof TIERS> = {
  'chat.update': 3,
  'chat.getPermalink': 4,
  'conversations.history': 3,
  'conversations.replies': 3,
  'conversations.open': 3,
  'users.info': 4,
  'users.lookupByEmail': 3,
  'users.list': 2,
  'conversations.members': 4,
  'files.getUploadURLExternal': 4,
  'files.completeUploadExternal': 4,
  'auth.test': 4,
};

/** `chat.postMessage` per channel: one a second, bursts of this many (an approval thread's parent and replies). */
const POST_PER_SECOND = 1;
const POST_BURST = 6;

/** A rate: calls per second and how many may go at once after a quiet spell. */
interface Rate {
  perSecond: number;
  burst: number;
}

/** Paces calls by key (method, or method and channel). */
export interface Pacer {
  /**
   * Reserves a slot for a call and returns how long to wait before sending it (ms). When that
   * wait would exceed `limitMs`, nothing is reserved and the wait is returned all the same.
   */
  reserve(method: string, channel: string | undefined, limitMs?: number): number;
  /** Slack answered 429: nothing of that key goes out for `ms`. */
  pause(method: string, channel: string | undefined, ms: number): void;
}

/** The rate of a method's calls. */
export function rateOf(method: string): Rate {
  if (method === 'chat.postMessage') return { perSecond: POST_PER_SECOND, burst: POST_BURST };
  const perMinute = TIERS[METHOD_TIER[method] ?? 3];
  return { perSecond: perMinute / 60, burst: Math.max(1, Math.round(perMinute / 10)) };
}

const keyOf = (method: string, channel: string | undefined) => (method === 'chat.postMessage' && channel ? `${method}:${channel}` : method);

/** Creates a pacer (a generic cell rate algorithm per key: no timers, just the next free time). */
export function createPacer(now: () => number = Date.now): Pacer {
  const next = new Map<string, number>();
  const paused = new Map<string, number>();
  return {
    reserve: (method, channel, limitMs = Infinity) => {
      const key = keyOf(method, channel);
      const { perSecond, burst } = rateOf(method);
      const interval = 1000 / perSecond;
      const t = now();
      const at = Math.max(next.get(key) ?? t, t, paused.get(key) ?? 0);
      const wait = Math.max(0, at - (burst - 1) * interval - t, (paused.get(key) ?? 0) - t);
      if (wait > limitMs) return wait;
      next.set(key, at + interval);
      // Forget keys that are idle again, so many channels do not grow the map without end.
      if (next.size > 10_000) for (const [k, v] of next) if (v < t) next.delete(k);
      return wait;
    },
    pause: (method, channel, ms) => {
      const until = now() + ms;
      for (const key of new Set([keyOf(method, channel), method === 'chat.postMessage' ? '' : method])) {
        if (key) paused.set(key, Math.max(paused.get(key) ?? 0, until));
      }
    },
  };
}

/** A rate-limited error as the Web API client raises it, for a wait the pacer will not sit out. */
function pacedError(waitMs: number): Error {
  return Object.assign(new Error('slack: paced (the call would exceed its rate)'), {
    code: webApi.ErrorCode.RateLimitedError,
    retryAfter: Math.ceil(waitMs / 1000),
  });
}

/** Options of a paced client. */
export interface PacedClientOptions {
  pacer?: Pacer;
  /** The longest wait sat out before a call (ms); longer ones fail as rate limited. Default 5 000. */
  maxWaitMs?: number;
}

/** A Web API client whose every call is paced (all the typed methods go through `apiCall`). */
export function createPacedClient(token: string, options: webApi.WebClientOptions, o: PacedClientOptions = {}): webApi.WebClient {
  const pacer = o.pacer ?? createPacer();
  const maxWaitMs = o.maxWaitMs ?? 5000;
  class PacedWebClient extends webApi.WebClient {
    override async apiCall(method: string, params?: Record<string, unknown>): Promise<webApi.WebAPICallResult> {
      const channel = typeof params?.channel === 'string' ? params.channel : undefined;
      const wait = pacer.reserve(method, channel, maxWaitMs);
      if (wait > maxWaitMs) throw pacedError(wait);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        return await super.apiCall(method, params);
      } catch (err) {
        const e = err as { code?: string; retryAfter?: number };
        if (e.code === webApi.ErrorCode.RateLimitedError) pacer.pause(method, channel, Math.max(1, e.retryAfter ?? 1) * 1000);
        throw err;
      }
    }
  }
  return new PacedWebClient(token, options);
}
