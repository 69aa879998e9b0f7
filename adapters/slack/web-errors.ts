/** Web API failures turned into outbox delivery results, and a pino bridge for Slack's logger. */
import { webApi, LogLevel } from '@slack/bolt';
import type { Logger as SlackLogger } from '@slack/bolt';
import type { DeliveryResult } from '../../flows';
import type { Logger } from 'pino';

/** Errors that no retry will fix: the app is not set up for that channel or person. */
const PERMANENT = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'user_not_found',
  'cannot_dm_bot',
  'missing_scope',
  'invalid_blocks',
  'msg_too_long',
]);

/**
 * The delivery result for an error thrown by the Web API: a 429 waits for Retry-After, a
 * configuration problem is permanent, anything else is rethrown so the outbox backs off.
 */
export function failureOf(err: unknown): DeliveryResult {
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string } };
  if (e.code === webApi.ErrorCode.RateLimitedError) {
    return { ok: false, retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000, error: 'slack rate limited (429)' };
  }
  if (e.code === webApi.ErrorCode.PlatformError && e.data?.error && PERMANENT.has(e.data.error)) {
    return { ok: false, permanent: true, error: `slack: ${e.data.error}` };
  }
  throw err;
}

/** Whether an error is Slack saying the message to update is gone. */
export function isGoneMessage(err: unknown): boolean {
  const e = err as { code?: string; data?: { error?: string } };
  return e.code === webApi.ErrorCode.PlatformError && ['message_not_found', 'cant_update_message', 'channel_not_found'].includes(e.data?.error ?? '');
}

/** Slack's logger interface over pino. */
export function slackLogger(logger: Logger): SlackLogger {
  let level = LogLevel.INFO;
  const child = logger.child({ component: 'slack' });
  return {
    debug: (...msg) => child.debug(msg.map(String).join(' ')),
    info: (...msg) => child.info(msg.map(String).join(' ')),
    warn: (...msg) => child.warn(msg.map(String).join(' ')),
    error: (...msg) => child.error(msg.map(String).join(' ')),
    setLevel: (l) => void (level = l),
    // DEBUG when pino logs debug lines: the Web API client builds its request and answer logs
    // (redacted copies of each) only then.
    getLevel: () => (child.isLevelEnabled('debug') ? LogLevel.DEBUG : level),
    setName: () => {},
  };
}
