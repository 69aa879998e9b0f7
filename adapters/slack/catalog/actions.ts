/**
 * Slack wiring of the catalog and of changes to a registration: `register <name>` and the
 * `discovery.register` button open the registration modal pre-filled; `transfer <ref> <person>`;
 * `edit <ref>` and its modal (`system.edit`). Button values are whatever the client sent: they
 * are parsed here and every right is checked by the flows.
 */
import type { App, BlockAction, ButtonAction, types } from '@slack/bolt';
import type { ActorInput, FlowContext, Refusal, SystemView } from '../../../flows';
import * as flows from '../../../flows';
import { replyTargetOf } from '../approval-actions';
import { LIMITS, context, limitBlocks, plain } from '../blocks';
import { inputBlock, readAnswers } from '../form-blocks';
import type { ViewState } from '../form-blocks';
import { registerView } from '../form-flow';
import { esc } from '../mrkdwn';
import type { SlackMessage } from '../render-request';
import { renderNote } from '../render-system';
import type { SlackRuntime } from '../runtime';
import { slackContext, tellPrivately } from '../runtime';
import { DISCOVERY_REGISTER, SYSTEM_EDIT_CALLBACK } from './render';
import { answerInTime } from '../view-deadline';

/** A link as Slack may send it in command text (`<https://x.example|x.example>`), as the address alone. */
export function unwrapSlackLink(text: string): string {
  return text.trim().replace(/^<((?:https?:\/\/|mailto:)[^|>]+)(?:\|[^>]*)?>$/i, '$1');
}

/** `register [name]`: the registration modal, pre-filled from the catalog (or with the name) when a name is given. */
export async function openRegistration(rt: SlackRuntime, teamId: string, userId: string, triggerId: string, name: string): Promise<void> {
  const prefill = name ? flows.registrationPrefill(unwrapSlackLink(name)) : undefined;
  await rt.client.views.open({ trigger_id: triggerId, view: await registerView(rt.forms, teamId, userId, prefill) });
}

/**
 * Why a Slack user id cannot be given a system: nobody in this workspace has it, or it is a bot,
 * Slackbot or a deactivated account. Null when it is a person, or when Slack cannot tell us
 * (without users:read the id is taken as given).
 */
async function notAPerson(rt: SlackRuntime, id: string): Promise<string | null> {
  const nobody = `Nobody in this workspace has the Slack id ${id.slice(0, 20)}. Mention the person (@name, chosen from the list) or give their Slack e-mail address.`;
  if (id === 'USLACKBOT') return 'Slackbot cannot own an AI system; name a person.';
  try {
    const r = await rt.client.users.info({ user: id });
    if (r.user?.deleted) return `${id.slice(0, 20)} is a deactivated account and cannot own an AI system; name a person.`;
    if (r.user?.is_bot || r.user?.is_app_user) return `${id.slice(0, 20)} is a bot and cannot own an AI system; name a person.`;
  } catch (err) {
    if ((err as { data?: { error?: string } }).data?.error === 'user_not_found') return nobody;
  }
  return null;
}

/** A Slack person named in a command: `<@U123>`, `<@U123|bob>`, a user id, or an e-mail address; a sentence when it names nobody. */
export async function slackPerson(rt: SlackRuntime, text: string): Promise<ActorInput | string> {
  const t = text.trim();
  const id = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(t)?.[1] ?? /^([UW][A-Z0-9]{6,})$/.exec(t)?.[1] ?? /^slack:([UW][A-Z0-9]+)$/.exec(t)?.[1];
  if (id) {
    const unfit = await notAPerson(rt, id);
    if (unfit) return unfit;
    const p = await rt.directory.profile(id);
    return { platformId: `slack:${id}`, ...(p.displayName ? { displayName: p.displayName } : {}), ...(p.email ? { email: p.email } : {}) };
  }
  const email = /^(?:<mailto:[^|>]+\|)?([^\s@<>|]+@[^\s@<>|]+\.[^\s@<>|]+)>?$/.exec(t)?.[1];
  if (email) {
    try {
      const r = await rt.client.users.lookupByEmail({ email });
      if (r.user?.id && !r.user.deleted && !r.user.is_bot && !r.user.is_app_user) {
        return { platformId: `slack:${r.user.id}`, displayName: r.user.profile?.display_name || r.user.real_name || r.user.name || undefined, email };
      }
    } catch {
      // users_not_found and the like: the sentence below says what to do.
    }
    return `Nobody in this workspace has the e-mail address ${email.slice(0, 120)}. Mention the person (@name, chosen from the list) or give their Slack e-mail address.`;
  }
  return `I could not tell who “${t.slice(0, 80)}” is. Mention the person (@name, chosen from the list) or give their Slack e-mail address, e.g. /aims transfer AI-3 @bob.`;
}

/** `transfer <ref> <person>`. */
export async function transferCommand(rt: SlackRuntime, ctx: FlowContext, arg: string): Promise<SlackMessage> {
  const [ref = '', ...rest] = arg.split(/\s+/);
  const who = rest.join(' ').trim();
  if (!ref || !who) return renderNote('Usage: /aims transfer <ref> <person>, e.g. /aims transfer AI-3 @bob');
  const person = await slackPerson(rt, who);
  if (typeof person === 'string') return renderNote(person);
  const r = await flows.transferOwner(ctx, ref, person);
  if (r.kind === 'refused') return renderNote(r.message);
  rt.afterChange();
  return renderNote(`${r.system.ref} “${r.system.name}” now belongs to ${r.to} (it was ${r.from}’s). They were told.`);
}

/** The edit modal of a system, its current values filled in. */
export function editModal(system: SystemView): types.ModalView {
  const values = flows.editValues(system);
  return {
    type: 'modal',
    callback_id: SYSTEM_EDIT_CALLBACK,
    title: plain(`Edit ${system.ref}`, LIMITS.modalTitle),
    submit: plain('Save', LIMITS.submitText),
    close: plain('Cancel', LIMITS.submitText),
    private_metadata: JSON.stringify({ ref: system.ref }),
    blocks: limitBlocks(
      [context(`${esc(system.ref)}: change its details. The triage answers stay as they are; use /aims review ${esc(system.ref)} to answer them again.`), ...flows.EDIT_FIELDS.map((q) => inputBlock(q, values[q.id as flows.EditField]))],
      LIMITS.viewBlocks,
    ),
  };
}

/** `edit <ref>`: opens the modal when the actor may edit, else a sentence. */
export async function editCommand(rt: SlackRuntime, ctx: FlowContext, arg: string, triggerId: string): Promise<SlackMessage | null> {
  if (!arg) return renderNote('Which tool? e.g. /aims edit AI-1');
  const found = await flows.editable(ctx, arg.split(/\s+/)[0]!);
  if ('kind' in found) return renderNote(found.message);
  await rt.client.views.open({ trigger_id: triggerId, view: editModal(found) });
  return null;
}

function refOf(metadata: string | undefined): string | null {
  try {
    const v = JSON.parse(metadata ?? '') as unknown;
    return typeof v === 'object' && v !== null && typeof (v as { ref?: unknown }).ref === 'string' ? (v as { ref: string }).ref.slice(0, 20) : null;
  } catch {
    return null;
  }
}

/** Field problems keyed by the blocks shown; others on the name. */
function keyed(r: Refusal): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of r.errors ?? []) {
    const key = (flows.EDIT_FIELD_IDS as readonly string[]).includes(e.field) ? e.field : 'name';
    out[key] = (out[key] ? `${out[key]}; ` : '') + e.message;
  }
  return Object.keys(out).length ? out : { name: r.message };
}

/** Registers the `discovery.register` button and the edit modal. */
export function registerCatalogActions(app: App, rt: SlackRuntime): void {
  app.action<BlockAction<ButtonAction>>(DISCOVERY_REGISTER, async ({ ack, body, action, context: c, respond }) => {
    await ack();
    const target = replyTargetOf(body, respond);
    try {
      const value = flows.parseDiscoveryValue(action.value ?? '');
      const prefill = value ? flows.prefillOfDiscovery(value) : null;
      if (!prefill) return void (await tellPrivately(rt, target, renderNote('This button is not valid any more (the tool is no longer in the catalog); nothing was changed. Register it with /aims register <name>.')));
      const teamId = c.teamId ?? body.team?.id ?? '';
      await rt.client.views.open({ trigger_id: body.trigger_id, view: await registerView(rt.forms, teamId, body.user.id, prefill) });
    } catch (err) {
      rt.logger.error({ err }, 'slack: discovery.register failed');
      await tellPrivately(rt, target, renderNote('Something went wrong on our side; nothing was changed. Please try again.')).catch(() => {});
    }
  });

  app.view(SYSTEM_EDIT_CALLBACK, answerInTime(rt, async ({ ack, body, view, context: c }) => {
    const ref = refOf(view.private_metadata);
    if (!ref) return void (await ack({ response_action: 'errors', errors: { name: 'This form is damaged; close it and open it again with /aims edit.' } }));
    let r: flows.EditResult;
    try {
      const ctx = await slackContext(rt, c.teamId ?? body.team?.id, body.user.id);
      const given = readAnswers(flows.EDIT_FIELDS, view.state.values as ViewState);
      // A cleared optional input arrives as nothing: it means empty.
      const input = Object.fromEntries(flows.EDIT_FIELD_IDS.map((id) => [id, typeof given[id] === 'string' ? given[id] : '']));
      r = await flows.editRegistration(ctx, ref, input);
    } catch (err) {
      rt.logger.error({ err }, 'slack: edit failed');
      return void (await ack({ response_action: 'errors', errors: { name: 'Something went wrong on our side; nothing was saved. Please try again.' } }));
    }
    if (r.kind === 'refused' && r.code === 'invalid') return void (await ack({ response_action: 'errors', errors: keyed(r) }));
    await ack();
    const note =
      r.kind === 'refused'
        ? r.message
        : r.kind === 'unchanged'
          ? `Nothing changed in ${r.system.ref}.`
          : `Saved ${r.system.ref} “${r.system.name}”: ${Object.keys(r.changes).join(', ')} changed.`;
    if (r.kind === 'edited') rt.afterChange();
    await tellPrivately(rt, { userId: body.user.id }, renderNote(note));
  }));
}
