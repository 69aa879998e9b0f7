/**
 * Bolt's `authorize` for the one bot token of this app. Bolt's built-in one (with token
 * verification off) calls `auth.test` before every request it handles: a Slack round trip
 * before each ack, and a rate-limited or failed `auth.test` drops the request unanswered. Here
 * the bot's ids are asked for once and kept; while Slack does not answer, requests are still
 * handled (the ids only let Bolt skip the bot's own messages, which this app does not receive).
 */
import type { Authorize, webApi } from '@slack/bolt';

/** An authorize function that asks `auth.test` once per process and never fails a request. */
export function cachedAuthorize(client: webApi.WebClient, botToken: string): Authorize<boolean> {
  let ids: { botId?: string; botUserId?: string } | null = null;
  let asking: Promise<void> | null = null;
  const ask = () =>
    client.auth
      .test()
      .then((r) => {
        ids = { ...(r.bot_id ? { botId: r.bot_id } : {}), ...(r.user_id ? { botUserId: r.user_id } : {}) };
      })
      .catch(() => {
        // Asked again with the next request; this one goes ahead without the ids.
      })
      .finally(() => {
        asking = null;
      });
  return async ({ isEnterpriseInstall, teamId, enterpriseId }) => {
    if (!ids) await (asking ??= ask());
    return { isEnterpriseInstall, botToken, teamId, enterpriseId, ...(ids ?? {}) };
  };
}
