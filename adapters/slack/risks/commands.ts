/** `/aims risks <ref>` (the register) and `/aims assess <ref>` (the assessment modal). */
import type { RespondFn } from '@slack/bolt';
import type { FlowContext } from '../../../flows';
import * as flows from '../../../flows';
import type { SlackMessage } from '../render-request';
import { renderNote } from '../render-system';
import type { SlackRuntime } from '../runtime';
import { openAssess } from './actions';
import { renderRegister } from './render';

/** Runs `risks` or `assess`. */
export async function runRiskCommand(
  rt: SlackRuntime,
  ctx: FlowContext,
  sub: 'risks' | 'assess',
  arg: string,
  triggerId: string,
  reply: (m: SlackMessage) => ReturnType<RespondFn>,
): Promise<void> {
  if (!arg) return void (await reply(renderNote(`Which tool? e.g. /aims ${sub} AI-1`)));
  if (sub === 'risks') {
    const v = await flows.riskRegister(ctx, arg);
    await reply('kind' in v ? renderNote(v.message) : renderRegister(v));
    return;
  }
  const refused = await openAssess(rt, ctx, arg, triggerId);
  if (refused) await reply(renderNote(refused.message));
}
