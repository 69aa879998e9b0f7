/** `/aims nc raise`, `/aims nc NC-7` and `/aims export nonconformities [csv|json]` (compliance: the file in a DM). */
import type { FlowContext } from '../../../flows';
import * as flows from '../../../flows';
import { slackUserId } from '../mrkdwn';
import type { SlackMessage } from '../render-request';
import { renderNote } from '../render-system';
import type { SlackRuntime } from '../runtime';
import { openRaise } from './actions';
import { renderNc } from './render';

type Reply = (m: SlackMessage) => Promise<unknown>;

/** Runs `nc …`. */
export async function ncCommand(rt: SlackRuntime, ctx: FlowContext, arg: string, triggerId: string, channelId: string | undefined, reply: Reply): Promise<void> {
  const word = arg.trim();
  if (!word) return void (await reply(renderNote('Raise a nonconformity with /aims nc raise, or see one with /aims nc NC-7.')));
  if (word.toLowerCase() === 'raise') return openRaise(rt, triggerId, channelId);
  const v = await flows.showNc(ctx, word);
  await reply('kind' in v ? renderNote(v.message) : renderNc(v));
}

/** Runs `export nonconformities [csv|json]`: the file in the compliance member's DM. */
export async function ncExportCommand(rt: SlackRuntime, ctx: FlowContext, arg: string, reply: Reply): Promise<void> {
  const [, format = 'csv'] = arg.toLowerCase().split(/\s+/);
  const file = await flows.ncExportFile(ctx, format);
  if (file.kind === 'refused') return void (await reply(renderNote(file.message)));
  const user = slackUserId(ctx.actor.platformId);
  if (!user) return void (await reply(renderNote('This export goes to a Slack direct message; you are not a Slack user here.')));
  await rt.client.filesUploadV2({ channel_id: await rt.directory.dmChannel(user), content: file.content, filename: file.filename, title: file.filename, initial_comment: `The nonconformities: ${file.rows}.` });
  await reply(renderNote(`Sent ${file.filename} (${file.rows} nonconformities) to you in a direct message.`));
}
