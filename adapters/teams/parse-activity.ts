/**
 * Reading Teams activities at the edge: who speaks, in which tenant, what command, and what a
 * card action asks for. Everything from outside is parsed with zod here.
 */
import { z } from 'zod';
import type { Activity } from 'botbuilder';
import type { ActorInput, WorkspaceInput } from '../../flows';

/** The tenant of an activity; `local` when none is given (the emulator, local tests). */
export function tenantOf(activity: Partial<Activity>): string {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const fromChannel = typeof channelData?.tenant?.id === 'string' ? channelData.tenant.id : undefined;
  return activity.conversation?.tenantId || fromChannel || 'local';
}

/** The workspace of an activity: the Teams tenant. */
export function workspaceOf(activity: Partial<Activity>): WorkspaceInput {
  return { platform: 'teams', externalId: tenantOf(activity) };
}

/** The Teams user id used in person ids: the AAD object id, else the channel account id. */
export function userIdOf(activity: Partial<Activity>): string | null {
  const from = activity.from;
  if (!from) return null;
  return from.aadObjectId || from.id || null;
}

/** The acting person, as flows want it (email is added once Teams tells us). */
export function actorOf(activity: Partial<Activity>, email?: string | null): ActorInput | null {
  const id = userIdOf(activity);
  if (!id) return null;
  return { platformId: `teams:${id}`, displayName: activity.from?.name || undefined, email: email ?? undefined };
}

/** The conversation to store a reference for: a channel's id without the thread suffix. */
export function conversationKeyOf(activity: Partial<Activity>): { kind: 'person' | 'channel'; key: string; conversationId: string } | null {
  const conv = activity.conversation;
  if (!conv?.id) return null;
  if (conv.conversationType === 'personal') {
    const id = userIdOf(activity);
    return id ? { kind: 'person', key: `person:teams:${id}`, conversationId: conv.id } : null;
  }
  const channelData = activity.channelData as { channel?: { id?: unknown } } | undefined;
  const channelId = typeof channelData?.channel?.id === 'string' ? channelData.channel.id : conv.id.split(';')[0]!;
  return { kind: 'channel', key: `channel:${channelId}`, conversationId: channelId };
}

const present = z.string().min(1);
const optionalText = z.string().nullish();

/**
 * The parts of an activity the bot relies on before it writes anything: who speaks, in which
 * conversation, and where replies go. botbuilder passes anything with a `type` through, so a
 * payload without these (or with numbers or objects in their place) is refused here.
 */
const actingActivitySchema = z.looseObject({
  type: z.string(),
  serviceUrl: z.string().regex(/^https?:\/\//),
  from: z.looseObject({ id: present, aadObjectId: optionalText, name: optionalText }),
  conversation: z.looseObject({ id: present, tenantId: optionalText, conversationType: optionalText }),
  channelData: z
    .looseObject({ tenant: z.looseObject({ id: optionalText }).nullish(), channel: z.looseObject({ id: optionalText }).nullish() })
    .nullish(),
  text: optionalText,
});

/** Whether an activity carries a speaker, a conversation and a service URL of the right types. */
export function isWellFormed(activity: unknown): boolean {
  return actingActivitySchema.safeParse(activity).success;
}

/** A command typed to the bot. */
export interface Command {
  name: string;
  arg: string;
}

/**
 * The command in a message, with the bot's @mention removed (channels) and an optional leading
 * `/aims` or `aims` tolerated.
 */
export function commandOf(text: string): Command {
  const clean = text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/&nbsp;/g, ' ')
    .trim()
    .replace(/^\/?aims\b\s*/i, '');
  const [name = 'help', ...rest] = clean.split(/\s+/);
  return { name: name.toLowerCase() || 'help', arg: rest.join(' ').trim() };
}

// Ids are Postgres integers: a larger number is no id of ours (and must not reach a query).
const num = z.coerce.number().int().positive().max(2_147_483_647);
const answerRecord = z.record(z.string(), z.unknown()).default({});

/** Every card action the bot understands; inputs arrive merged into the same object as strings. */
export const cardActionSchema = z.discriminatedUnion('action', [
  z
    .looseObject({
      action: z.enum(['approval.approve', 'approval.reject', 'approval.request_changes']),
      // Our cards send both; a request id alone means "my step of this request".
      stepId: num.optional(),
      requestId: num.optional(),
      reason: z.string().optional(),
    })
    .refine((a) => a.stepId !== undefined || a.requestId !== undefined, { message: 'stepId or requestId is required' }),
  z.looseObject({ action: z.enum(['approval.refresh', 'approval.open']), requestId: num }),
  z.looseObject({
    action: z.literal('form.next'),
    flow: z.enum(['register', 'resubmit', 'retriage']),
    ref: z.string().optional(),
    page: z.coerce.number().int().min(1).max(9),
    fields: z.record(z.string(), z.string()).default({}),
    answers: answerRecord,
    /** The "is it AI?" warnings were shown on this page; submitting it again goes on. */
    warned: z.boolean().optional(),
    /** The catalog tool the registration was pre-filled from. */
    catalogId: z.string().max(64).optional(),
  }),
  // A tool found by discovery or `check`: a catalog id, or a name given in a survey.
  z.looseObject({ action: z.literal('discovery.register'), tool: z.string().max(64).optional(), name: z.string().max(200).optional() }),
  z.looseObject({ action: z.literal('system.edit'), ref: z.string().max(20) }),
  z.looseObject({ action: z.literal('form.cancel') }),
  z.looseObject({
    action: z.enum(['review.confirm', 'review.retire', 'review.snooze', 'review.update']),
    ref: z.string(),
    reason: z.string().optional(),
    // Input.Number arrives as text from most clients, as a number from some.
    days: z.union([z.string(), z.number()]).transform(String).optional(),
  }),
  z.looseObject({ action: z.literal('show'), ref: z.string() }),
  z.looseObject({ action: z.literal('control.edit'), control: z.string().max(20), save: z.union([z.boolean(), z.literal('true')]).optional() }),
  z.looseObject({ action: z.literal('soa.approve'), hash: z.string().regex(/^[0-9a-f]{64}$/) }),
  // Impact: the answers arrive as inputs merged into the data, read by question id.
  z.looseObject({ action: z.enum(['impact.submit', 'impact.open']), ref: z.string().max(20) }),
  z.looseObject({ action: z.literal('inventory.page'), filter: z.string().max(500) }),
  // Tasks: from the list or a reminder without input; from the task's card with `evidence` or `reason`.
  z.looseObject({ action: z.enum(['task.done', 'task.not_applicable']), ref: z.string().max(20), evidence: z.string().optional(), reason: z.string().optional(), submit: z.boolean().optional() }),
  // Campaigns: the answer's inputs (`tools`, `other_tools`, `evidence`) arrive merged into the data.
  z.looseObject({ action: z.literal('survey.answer'), survey: z.string().max(40) }),
  z.looseObject({ action: z.literal('policy.acknowledge'), version: z.union([z.string().max(12), z.number()]).transform(String) }),
  z.looseObject({ action: z.literal('literacy.attest'), survey: z.string().max(40).optional(), submit: z.boolean().optional() }),
  z.looseObject({
    action: z.enum(['risk.assess', 'risk.add', 'risk.edit', 'risk.accept_residual']),
    ref: z.string().max(40),
    submit: z.boolean().optional(),
    queue: z.array(z.object({ number: num.nullable(), source: z.string().max(40) })).max(60).optional(),
    index: z.coerce.number().int().min(0).max(60).optional(),
  }),
  z.looseObject({
    action: z.enum(['incident.report', 'incident.provider_informed', 'incident.authority_reported']),
    ref: z.string().max(20).optional(),
    system: z.string().max(200).optional(),
    submit: z.boolean().optional(),
    named: z.boolean().optional(),
  }),
  // Nonconformities: the form's inputs arrive merged into the data, read by field id.
  z.looseObject({
    action: z.enum(['nc.raise', 'nc.containment', 'nc.root_cause', 'nc.add_action', 'nc.verify', 'nc.close']),
    ref: z.string().max(20).optional(),
    submit: z.boolean().optional(),
  }),
  // Internal audits: without `submit` the form; with it, the inputs merged in, read by field id.
  z.looseObject({ action: z.enum(['audit.plan', 'finding.record']), token: z.string().max(40).optional(), audit: z.string().max(40).optional(), submit: z.union([z.boolean(), z.literal('true')]).transform((v) => v === true || v === 'true').optional() }),
]);

/** A parsed card action. */
export type CardAction = z.output<typeof cardActionSchema>;

/** Parses the data of an Action.Execute (or Action.Submit); null when it is not one of ours. */
export function parseCardAction(data: unknown): CardAction | null {
  const parsed = cardActionSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}

/**
 * The data of an `adaptiveCard/action` invoke value with the inputs merged in: the action name
 * from `data.action`, else from the verb (`refresh` is the approval card's refresh). Null when
 * the data is not an object (a string, an array, a number).
 */
export function cardInvokeData(value: unknown): Record<string, unknown> | null {
  const action = (value as { action?: unknown } | null | undefined)?.action;
  if (!action || typeof action !== 'object') return null;
  const { data, verb } = action as { data?: unknown; verb?: unknown };
  if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data))) return null;
  const raw: Record<string, unknown> = { ...((data as Record<string, unknown> | null | undefined) ?? {}) };
  if (raw.action === undefined && typeof verb === 'string' && verb) raw.action = verb === 'refresh' ? 'approval.refresh' : verb;
  return raw;
}

/** The string value of a card input (inputs are strings; anything else counts as empty). */
export function inputValue(data: Record<string, unknown>, id: string): string {
  const v = data[id];
  return typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}
