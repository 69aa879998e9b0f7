/**
 * The shapes of the Slack requests this app accepts, checked with zod before Bolt sees them:
 * slash commands, interactivity payloads (buttons, modals, shortcuts) and Events API callbacks.
 * Bolt and the handlers read `user.id`, `actions[…]`, `view.state.values` and the command's
 * `user_id` without checking them; a signed payload with those missing or of the wrong type is
 * refused here with 400 instead of failing inside a handler (a 500, or no answer at all).
 * Objects are loose: Slack adds fields, and only the fields the app reads are checked.
 */
import { z } from 'zod';

const nonEmpty = z.string().min(1);
const user = z.looseObject({ id: nonEmpty });
const team = z.looseObject({ id: z.string() }).nullish();
const option = z.looseObject({ value: z.string() });
const strings = z.array(z.string());

/** The parts of an input element's state that the app (or a later version of it) reads. */
const elementState = z.looseObject({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: option.nullish(),
  selected_options: z.array(option).nullish(),
  selected_user: z.string().nullish(),
  selected_users: strings.nullish(),
  selected_conversation: z.string().nullish(),
  selected_conversations: strings.nullish(),
  selected_channel: z.string().nullish(),
  selected_channels: strings.nullish(),
  selected_date: z.string().nullish(),
  selected_time: z.string().nullish(),
  selected_date_time: z.number().nullish(),
});

/** `view.state.values`: block id → action id → element state. */
const stateValues = z.record(z.string(), z.record(z.string(), elementState));

const view = z.looseObject({
  id: z.string(),
  callback_id: z.string(),
  private_metadata: z.string().nullish(),
  state: z.looseObject({ values: stateValues }).nullish(),
});

const blockAction = z.looseObject({
  action_id: z.string(),
  type: z.string(),
  block_id: z.string().optional(),
  value: z.string().optional(),
  selected_option: option.nullish(),
  selected_options: z.array(option).nullish(),
  selected_user: z.string().nullish(),
});

/** Interactivity payloads (`payload=` JSON), by `type`. */
const interactive = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('block_actions'),
    user,
    team,
    actions: z.array(blockAction).min(1),
    trigger_id: z.string().optional(),
    response_url: z.string().optional(),
    channel: z.looseObject({ id: z.string() }).nullish(),
    container: z.looseObject({ channel_id: z.string().optional(), is_ephemeral: z.boolean().optional() }).nullish(),
    message: z.looseObject({ ts: z.string().optional(), thread_ts: z.string().optional() }).nullish(),
    view: view.nullish(),
  }),
  // Slack always sends the state of a submitted modal, even when it has no inputs.
  z.looseObject({ type: z.literal('view_submission'), user, team, view: view.extend({ state: z.looseObject({ values: stateValues }) }) }),
  z.looseObject({ type: z.literal('view_closed'), user, team, view }),
  z.looseObject({ type: z.enum(['shortcut', 'message_action']), user, team, callback_id: z.string(), trigger_id: z.string() }),
  z.looseObject({ type: z.literal('block_suggestion'), user, team, action_id: z.string(), value: z.string() }),
  z.looseObject({ type: z.enum(['interactive_message', 'dialog_submission', 'dialog_cancellation', 'dialog_suggestion', 'workflow_step_edit']), user, team }),
]);

/** A slash command (form fields). */
const command = z.looseObject({
  command: z.string().startsWith('/'),
  user_id: nonEmpty,
  team_id: nonEmpty,
  channel_id: nonEmpty,
  text: z.string(),
  trigger_id: nonEmpty,
  response_url: nonEmpty,
});

/** Events API bodies (JSON), by `type`. */
const events = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('event_callback'),
    event_id: nonEmpty,
    team_id: z.string().optional(),
    event: z.looseObject({ type: nonEmpty }),
  }),
  z.looseObject({ type: z.literal('url_verification'), challenge: z.string() }),
  z.looseObject({ type: z.literal('app_rate_limited') }),
]);

/** The one event the app listens to, whose `user` must be a user id. */
const appHomeOpened = z.looseObject({ event: z.looseObject({ type: z.literal('app_home_opened'), user: nonEmpty }) });

/** Where a request is refused: the field path and what is wrong with it. */
export interface PayloadProblem {
  /** Dotted path of the offending field (`user.id`, `actions`, `view.state.values.reason.reason.value`), or `(body)`. */
  field: string;
  /** A short sentence for the sender. */
  message: string;
}

function problemOf(error: z.ZodError): PayloadProblem {
  const issue = error.issues[0];
  const field = issue && issue.path.length ? issue.path.map(String).join('.') : '(body)';
  return { field, message: issue?.code === 'invalid_union' ? 'unknown payload type' : 'missing or of the wrong type' };
}

function check(schema: z.ZodType, body: unknown): PayloadProblem | null {
  const parsed = schema.safeParse(body);
  return parsed.success ? null : problemOf(parsed.error);
}

/**
 * What is wrong with a parsed Slack request body, or null when the app can handle it. `form`
 * tells whether it came as form fields (commands, `ssl_check`) rather than as JSON (events) or
 * an interactivity `payload`.
 */
export function slackPayloadProblem(body: unknown, form: boolean): PayloadProblem | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { field: '(body)', message: 'expected a JSON object' };
  const b = body as Record<string, unknown>;
  if (form) {
    if (b.ssl_check !== undefined) return null;
    // The common case, a well-formed command, is told in plain code; zod names what is wrong otherwise.
    return wellFormedCommand(b) ? null : check(command, b);
  }
  if (b.type === 'event_callback') return check(events, b) ?? (isRecord(b.event) && b.event.type === 'app_home_opened' ? check(appHomeOpened, b) : null);
  if (b.type === 'url_verification' || b.type === 'app_rate_limited') return check(events, b);
  return check(interactive, b);
}

const filled = (v: unknown) => typeof v === 'string' && v.length > 0;

/** Exactly what the `command` schema accepts, without building zod's copy of the body. */
function wellFormedCommand(b: Record<string, unknown>): boolean {
  return (
    typeof b.command === 'string' &&
    b.command.startsWith('/') &&
    typeof b.text === 'string' &&
    filled(b.user_id) &&
    filled(b.team_id) &&
    filled(b.channel_id) &&
    filled(b.trigger_id) &&
    filled(b.response_url)
  );
}

/** Whether a body is an Events API callback (whose retries Slack marks with `X-Slack-Retry-Num`). */
export function isEventCallback(body: unknown): boolean {
  return isRecord(body) && body.type === 'event_callback';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
