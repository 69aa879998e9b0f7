/**
 * Interactions that no listener of this app handles — a button or modal from an older version,
 * a shortcut or second slash command someone added to the app — are acknowledged at once and
 * change nothing. Without this Bolt leaves them unanswered, answers 404 after three seconds,
 * and Slack shows the person an error.
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';

/** The ids this app's listeners handle. */
export interface KnownIds {
  actions: readonly string[];
  views: readonly string[];
  commands: readonly string[];
}

interface Payload {
  type?: string;
  command?: string;
  actions?: Array<{ action_id?: string }>;
  view?: { callback_id?: string };
}

/** Whether a listener of this app will acknowledge the request. */
function handled(body: Payload, known: KnownIds): boolean {
  switch (body.type) {
    case 'block_actions':
      return (body.actions ?? []).some((a) => known.actions.includes(a.action_id ?? ''));
    case 'view_submission':
      return known.views.includes(body.view?.callback_id ?? '');
    case 'event_callback':
      // Bolt acknowledges events itself.
      return true;
    default:
      if (typeof body.command === 'string') return known.commands.includes(body.command);
      // view_closed, shortcuts, message actions, block_suggestion, legacy attachments: none are ours.
      return false;
  }
}

/** Global middleware: acknowledges what no listener handles and stops there. */
export function ackUnhandled(known: KnownIds): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as Payload;
    const ack = (args as { ack?: (response?: unknown) => Promise<void> }).ack;
    if (!ack || handled(body, known)) {
      await args.next();
      return;
    }
    args.logger.warn(`slack: acknowledged an interaction nothing handles (${body.type ?? body.command ?? 'unknown'})`);
    if (typeof body.command === 'string') await ack({ response_type: 'ephemeral', text: 'This command is not handled here; try /aims help.' });
    else await ack();
  };
}
