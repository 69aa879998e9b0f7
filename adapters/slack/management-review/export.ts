/**
 * `/aims export management-review MR-2026-Q4` (compliance): the review's PDF, Markdown and chart
 * PNGs again, uploaded to the person's direct message.
 */
import type { FlowContext } from '../../../flows';
import * as flows from '../../../flows';
import { slackUserId } from '../mrkdwn';
import { renderNote } from '../render-system';
import type { SlackRuntime } from '../runtime';
import type { SlackMessage } from '../render-request';

type Reply = (m: SlackMessage) => Promise<unknown>;

/** Sends the files of the review named in `arg` (`management-review <ref>`) to the asker's DM. */
export async function runManagementReviewExport(rt: SlackRuntime, ctx: FlowContext, arg: string, reply: Reply): Promise<void> {
  const ref = arg.trim().split(/\s+/)[1] ?? '';
  const files = await flows.managementReviewForChat(ctx, ref);
  if ('kind' in files) return void (await reply(renderNote(files.message)));
  const user = slackUserId(ctx.actor.platformId);
  if (!user) return void (await reply(renderNote('This export goes to a Slack direct message; you are not a Slack user here.')));
  const channel = await rt.directory.dmChannel(user);
  await rt.client.filesUploadV2({
    channel_id: channel,
    initial_comment: `Management review ${files.ref}: the pack as a PDF and in Markdown, with its charts.`,
    file_uploads: [
      { file: files.pdf, filename: files.pdfName, title: files.pdfName },
      { file: Buffer.from(files.markdown, 'utf8'), filename: files.markdownName, title: files.markdownName },
      ...files.charts.map((c) => ({ file: c.png, filename: c.fileName, title: c.title })),
    ],
  });
  await reply(renderNote(`Sent the files of ${files.ref} to you in a direct message.`));
}
