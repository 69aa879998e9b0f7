/** `/aims risks <ref>` (the register) and `/aims assess <ref>` (the assessment modal). */
import type { FlowContext } from '../../../flows';
import * as flows from '../../../flows';
import type { SlackMessage } from '../render-request';
import { renderNote } from '../render-system';
import { slackUserId } from '../mrkdwn';
import type { SlackRuntime } from '../runtime';
import { openAssess } from './actions';
import { renderRegister } from './render';

/** Runs `risks`, `assess` or `export risks [csv|json]` (compliance: the file in a DM). */
export async function runRiskCommand(
  rt: SlackRuntime,
  ctx: FlowContext,
  sub: 'risks' | 'assess' | 'export',
  arg: string,
  triggerId: string,
  reply: (m: SlackMessage) => Promise<unknown>,
): Promise<void> {
  if (sub === 'export') {
    const [what = '', format = 'csv'] = arg.toLowerCase().split(/\s+/);
    if (what !== 'risks') return void (await reply(renderNote('In chat: /aims export risks [csv|json] (compliance). Other exports: aimsbot export on the command line.')));
    const file = await flows.riskExportFile(ctx, format);
    if (file.kind === 'refused') return void (await reply(renderNote(file.message)));
    const user = slackUserId(ctx.actor.platformId);
    if (!user) return void (await reply(renderNote('This export goes to a Slack direct message; you are not a Slack user here.')));
    await rt.client.filesUploadV2({ channel_id: await rt.directory.dmChannel(user), content: file.content, filename: file.filename, title: file.filename, initial_comment: `The risk registers: ${file.rows} risks.` });
    await reply(renderNote(`Sent ${file.filename} (${file.rows} risks) to you in a direct message.`));
    return;
  }
  if (!arg) return void (await reply(renderNote(`Which tool? e.g. /aims ${sub} AI-1`)));
  if (sub === 'risks') {
    const v = await flows.riskRegister(ctx, arg);
    await reply('kind' in v ? renderNote(v.message) : renderRegister(v));
    return;
  }
  const refused = await openAssess(rt, ctx, arg, triggerId);
  if (refused) await reply(renderNote(refused.message));
}
