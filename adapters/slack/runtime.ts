/** What every Slack handler shares: flow dependencies, the directory, the client, the logger. */
import type { webApi } from '@slack/bolt';
import type { FlowContext, FlowDeps } from '../../flows';
import { flowContext } from '../../flows';
import type { Logger } from 'pino';
import type { Directory } from './directory';
import type { FormStore } from './form-store';
import type { SlackMessage } from './render-request';

/** Shared by the handlers of one adapter. */
export interface SlackRuntime {
  deps: FlowDeps;
  directory: Directory;
  /** Client for answers to people (views, ephemeral messages). */
  client: webApi.WebClient;
  logger: Logger;
  /** Where the registration / triage modals keep their answers between pages. */
  forms: FormStore;
  /** Call after a flow call that may have written notifications. */
  afterChange(): void;
}

/** The flow context of a Slack user in a Slack workspace (team id). */
export async function slackContext(rt: SlackRuntime, teamId: string | undefined, userId: string): Promise<FlowContext> {
  const actor = await rt.directory.actor(userId);
  return flowContext(rt.deps, { platform: 'slack', externalId: teamId ?? 'unknown' }, actor);
}

/** Where a private answer can go. */
export interface ReplyTarget {
  userId: string;
  channelId?: string | undefined;
  threadTs?: string | undefined;
  /** Bolt's `respond` for the request, when it came with a response_url. */
  respond?: ((message: { response_type: 'ephemeral'; replace_original: boolean; text: string; blocks?: SlackMessage['blocks'] }) => Promise<unknown>) | undefined;
}

/**
 * Tells one person something only they see: an ephemeral message in the channel (in the
 * thread when there is one), else through the response URL, else a direct message.
 */
export async function tellPrivately(rt: SlackRuntime, to: ReplyTarget, message: SlackMessage): Promise<void> {
  if (to.channelId) {
    try {
      await rt.client.chat.postEphemeral({
        channel: to.channelId,
        user: to.userId,
        text: message.text,
        blocks: message.blocks,
        ...(to.threadTs ? { thread_ts: to.threadTs } : {}),
      });
      return;
    } catch (err) {
      rt.logger.warn({ err }, 'slack: ephemeral message failed; trying the next way');
    }
  }
  if (to.respond) {
    await to.respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks });
    return;
  }
  const channel = await rt.directory.dmChannel(to.userId);
  await rt.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
}
