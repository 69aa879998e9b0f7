/**
 * Task actions in Teams: `task.done` / `task.not_applicable` with `ref`. From the list or a
 * reminder (no input sent) the answer is the card of that task asking for the evidence or the
 * reason; from that card the input is checked by flows and the task closed once. A late or
 * replayed click hears who closed it and when.
 */
import * as flows from '../../../flows';
import type { CardJson } from '../card-kit';
import { messageCard } from '../card-kit';
import type { FormTurn } from '../form-flow';
import type { CardAction } from '../parse-activity';
import { taskCloseCard } from './cards';

type TaskAction = Extract<CardAction, { action: `task.${string}` }>;

/** Handles a task action; returns the card for the person who clicked. */
export async function handleTaskAction(turn: FormTurn, action: TaskAction): Promise<CardJson> {
  const which = action.action === 'task.done' ? 'done' : 'not_applicable';
  // The action data is whatever the client sent: the task and the clicker's right come first.
  const found = await flows.closableTask(turn.ctx, action.ref);
  if ('kind' in found) return messageCard(found.message, { error: found.code !== 'already_decided' });
  // From the list or a reminder there is no input yet: ask for it. From the task's card
  // (`submit`), an input some clients leave out when empty counts as empty.
  const given = which === 'done' ? action.evidence : action.reason;
  if (given === undefined && action.submit !== true) return taskCloseCard(which, found);
  const input = given ?? '';
  const r = which === 'done' ? await flows.completeTask(turn.ctx, found.ref, input) : await flows.markTaskNotApplicable(turn.ctx, found.ref, input);
  if (r.kind === 'refused') return r.code === 'invalid' ? taskCloseCard(which, found, r.errors?.[0]?.message ?? r.message) : messageCard(r.message, { error: r.code !== 'already_decided' });
  turn.afterChange();
  return messageCard(r.task.status === 'done' ? `${r.task.ref} is done; the evidence is recorded.` : `${r.task.ref} is marked not applicable; compliance has been told.`);
}
