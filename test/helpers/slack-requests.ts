/**
 * Requests shaped like Slack's documented payloads (slash command form body, interactivity
 * `payload=` JSON, Events API JSON), signed with the signing secret as Slack signs them
 * (v0 HMAC-SHA256 of `v0:<timestamp>:<body>`).
 */
import { createHmac } from 'node:crypto';

/** The signing secret the test servers use. */
export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** Slack's signature headers for a body at a time (seconds). */
export function signatureHeaders(body: string, secret = SIGNING_SECRET, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const sig = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${sig}` };
}

/** A request body with its content type. */
export interface SlackBody {
  body: string;
  contentType: string;
}

/** A slash command (`application/x-www-form-urlencoded`). */
export function slashCommand(o: { text: string; user: string; team?: string; responseUrl: string; channel?: string; triggerId?: string }): SlackBody {
  const form = new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: o.team ?? 'T0TEAM',
    team_domain: 'acme',
    channel_id: o.channel ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: o.user,
    user_name: o.user.toLowerCase(),
    command: '/aims',
    text: o.text,
    api_app_id: 'A0AIMS',
    is_enterprise_install: 'false',
    response_url: o.responseUrl,
    trigger_id: o.triggerId ?? `trigger-${Math.random().toString(36).slice(2)}`,
  });
  return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
}

function interactive(payload: unknown): SlackBody {
  return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: 'application/x-www-form-urlencoded' };
}

/** A click on a button in a message (block_actions). */
export function blockAction(o: {
  actionId: string;
  value: string;
  user: string;
  channel: string;
  messageTs: string;
  threadTs?: string;
  team?: string;
  responseUrl: string;
  ephemeral?: boolean;
}): SlackBody {
  const team = o.team ?? 'T0TEAM';
  return interactive({
    type: 'block_actions',
    user: { id: o.user, username: o.user.toLowerCase(), name: o.user.toLowerCase(), team_id: team },
    api_app_id: 'A0AIMS',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: o.messageTs, channel_id: o.channel, is_ephemeral: o.ephemeral ?? false },
    trigger_id: `trigger-${Math.random().toString(36).slice(2)}`,
    team: { id: team, domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: o.channel, name: 'approvals' },
    message: { type: 'message', ts: o.messageTs, ...(o.threadTs ? { thread_ts: o.threadTs } : {}), text: '', blocks: [] },
    response_url: o.responseUrl,
    actions: [{ type: 'button', action_id: o.actionId, block_id: 'b', text: { type: 'plain_text', text: 'x' }, value: o.value, action_ts: `${Date.now() / 1000}` }],
  });
}

/** A modal submission (view_submission). */
export function viewSubmission(o: { user: string; callbackId: string; privateMetadata: string; values: Record<string, unknown>; team?: string; blocks?: unknown[] }): SlackBody {
  const team = o.team ?? 'T0TEAM';
  return interactive({
    type: 'view_submission',
    team: { id: team, domain: 'acme' },
    user: { id: o.user, username: o.user.toLowerCase(), name: o.user.toLowerCase(), team_id: team },
    api_app_id: 'A0AIMS',
    token: 'deprecated-verification-token',
    trigger_id: `trigger-${Math.random().toString(36).slice(2)}`,
    view: {
      id: 'V0VIEW',
      team_id: team,
      type: 'modal',
      blocks: o.blocks ?? [],
      private_metadata: o.privateMetadata,
      callback_id: o.callbackId,
      state: { values: o.values },
      hash: '1.abc',
      title: { type: 'plain_text', text: 'x' },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: null,
      previous_view_id: null,
      root_view_id: 'V0VIEW',
      app_id: 'A0AIMS',
      external_id: '',
      app_installed_team_id: team,
      bot_id: 'B0BOT',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  });
}

/**
 * A click on a button inside an open modal (block_actions with a view container), as Slack
 * sends it: the view with its id, hash, private_metadata and the values typed so far.
 */
export function viewBlockAction(o: {
  actionId: string;
  value: string;
  user: string;
  view: { callback_id: string; private_metadata: string; blocks: unknown[] };
  values?: Record<string, unknown>;
  viewId?: string;
  team?: string;
}): SlackBody {
  const team = o.team ?? 'T0TEAM';
  const viewId = o.viewId ?? 'V0VIEW';
  return interactive({
    type: 'block_actions',
    user: { id: o.user, username: o.user.toLowerCase(), name: o.user.toLowerCase(), team_id: team },
    api_app_id: 'A0AIMS',
    token: 'deprecated-verification-token',
    container: { type: 'view', view_id: viewId },
    trigger_id: `trigger-${Math.random().toString(36).slice(2)}`,
    team: { id: team, domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    view: {
      id: viewId,
      team_id: team,
      type: 'modal',
      blocks: o.view.blocks,
      private_metadata: o.view.private_metadata,
      callback_id: o.view.callback_id,
      state: { values: o.values ?? {} },
      hash: '1.abc',
      title: { type: 'plain_text', text: 'x' },
      root_view_id: viewId,
      previous_view_id: null,
      app_id: 'A0AIMS',
      external_id: '',
      bot_id: 'B0BOT',
    },
    actions: [{ type: 'button', action_id: o.actionId, block_id: 'form.nav', text: { type: 'plain_text', text: 'Back' }, value: o.value, action_ts: `${Date.now() / 1000}` }],
  });
}

/** An Events API callback (JSON). */
export function eventCallback(o: { event: Record<string, unknown>; eventId: string; team?: string }): SlackBody {
  const team = o.team ?? 'T0TEAM';
  return {
    body: JSON.stringify({
      token: 'deprecated-verification-token',
      team_id: team,
      api_app_id: 'A0AIMS',
      event: o.event,
      type: 'event_callback',
      event_id: o.eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ enterprise_id: null, team_id: team, user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    }),
    contentType: 'application/json',
  };
}

type ViewBlock = { type: string; block_id?: string; element?: { type: string; action_id: string; options?: Array<{ value: string; text: { text: string } }> } };

/**
 * The `state.values` Slack would send for a modal filled in with `answers`: only the input
 * blocks the modal shows, each in the shape of its element type.
 */
export function fillView(view: { blocks: unknown[] }, answers: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const b of view.blocks as ViewBlock[]) {
    if (b.type !== 'input' || !b.block_id || !b.element) continue;
    const el = b.element;
    const a = answers[b.block_id];
    const opt = (v: string) => {
      const o = el.options?.find((x) => x.value === v);
      return { text: { type: 'plain_text', text: o?.text.text ?? v }, value: v };
    };
    let state: Record<string, unknown>;
    switch (el.type) {
      case 'plain_text_input':
      case 'number_input':
        state = { type: el.type, value: a === undefined ? null : String(a) };
        break;
      case 'users_select':
        state = { type: el.type, selected_user: typeof a === 'string' ? a.replace(/^slack:/, '') : null };
        break;
      case 'multi_users_select':
        state = { type: el.type, selected_users: (Array.isArray(a) ? a : a === undefined ? [] : [a]).map((u) => String(u).replace(/^slack:/, '')) };
        break;
      case 'datepicker':
        state = { type: el.type, selected_date: a === undefined ? null : String(a) };
        break;
      case 'radio_buttons':
      case 'static_select':
        state = { type: el.type, selected_option: a === undefined ? null : opt(a === true ? 'yes' : a === false ? 'no' : String(a)) };
        break;
      case 'checkboxes':
      case 'multi_static_select':
        state = { type: el.type, selected_options: Array.isArray(a) ? a.map((v) => opt(String(v))) : [] };
        break;
      default:
        state = { type: el.type };
    }
    values[b.block_id] = { [el.action_id]: state };
  }
  return values;
}
