/**
 * Backpressure on the Slack request path. Every request Bolt receives (HTTP or Socket Mode)
 * passes a work gate (flows/work-gate.ts) before any handler runs:
 * - a free slot: it runs as before (handlers acknowledge first, then work);
 * - no slot but room in the queue: commands, button clicks and events are acknowledged now and
 *   wait for a slot (their handlers' own `ack()` then does nothing); requests whose answer *is*
 *   the acknowledgement (modal submissions, option look-ups) wait at the front of the queue;
 * - a full queue: the request is acknowledged with a polite "busy" answer and nothing runs —
 *   an ephemeral reply to a command, a response_url reply to a click, a modal pushed over a
 *   form (its answers stay underneath), an empty option list. Events are acknowledged and
 *   dropped (Slack sends the next one; nothing was promised).
 * Bolt's receivers call `app.processEvent`, so wrapping that one method covers both modes.
 */
import type { App, ReceiverEvent } from '@slack/bolt';
import type { Logger } from 'pino';
import type { WorkGate } from '../../flows/work-gate';
import { BUSY_MESSAGE } from '../../flows/work-gate';

type Body = { type?: string; command?: string; response_url?: string };

/** Requests whose handlers acknowledge with an empty body before doing anything. */
function acksFirst(body: Body): boolean {
  return typeof body.command === 'string' || body.type === 'block_actions' || body.type === 'event_callback';
}

/** The modal pushed over a form when a submission is shed: closing it returns to the form. */
const BUSY_VIEW = {
  type: 'modal',
  callback_id: 'aims.busy',
  title: { type: 'plain_text', text: 'Busy' },
  close: { type: 'plain_text', text: 'Back' },
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: BUSY_MESSAGE } }],
} as const;

const noAck = async (): Promise<void> => {};

/** Puts `gate` in front of every request `bolt` processes. */
export function gateSlackRequests(bolt: App, gate: WorkGate, logger: Logger, fetchFn: typeof fetch = fetch): void {
  const processEvent = bolt.processEvent.bind(bolt);
  bolt.processEvent = async (event: ReceiverEvent): Promise<void> => {
    const body = event.body as Body;
    if (gate.hasSlot() || !acksFirst(body)) {
      const { admission, done } = gate.offer(() => processEvent(event), { urgent: true });
      if (admission !== 'shed') return done;
      return shed(event, body);
    }
    if (!gate.admits()) {
      gate.noteShed();
      return shed(event, body);
    }
    // Acknowledged now, worked on when a slot is free: never lost once acknowledged.
    await event.ack();
    gate.offer(() => processEvent({ ...event, ack: noAck }));
  };

  const shed = async (event: ReceiverEvent, body: Body): Promise<void> => {
    logger.warn({ type: body.type ?? (body.command ? 'command' : 'unknown'), load: gate.load() }, 'slack: busy; request shed');
    if (typeof body.command === 'string') return event.ack({ response_type: 'ephemeral', text: BUSY_MESSAGE });
    if (body.type === 'view_submission') return event.ack({ response_action: 'push', view: BUSY_VIEW });
    if (body.type === 'block_suggestion') return event.ack({ options: [] });
    await event.ack();
    if (body.type === 'block_actions' && body.response_url) {
      await fetchFn(body.response_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: BUSY_MESSAGE }),
      }).catch((err: unknown) => logger.warn({ err }, 'slack: the busy reply could not be sent'));
    }
  };
}
