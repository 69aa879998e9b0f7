/**
 * Slack waits 3 seconds for the answer to a view submission; past that Bolt answers 404 and the
 * person sees an error in the modal while the work goes on and, often, commits. `answerInTime`
 * wraps a view submission handler so that a submission whose work takes longer than
 * VIEW_ANSWER_MS (a decision or a record waiting behind others under load) is answered in time
 * with "working on it", and the modal is brought up to date with the handler's own answer when it
 * comes: the next view as it is, field errors as a sentence, a close as "finished" (a modal cannot
 * be closed through the API). A handler that answers in time is answered exactly as before.
 */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewResponseAction, types } from '@slack/bolt';
import { messageView } from './form-views';
import { renderNote } from './render-system';
import type { SlackRuntime } from './runtime';

/** How long a view submission may take before the modal says it is still working (Slack allows 3 s). */
export const VIEW_ANSWER_MS = 2_500;

/** An answer to a view submission, as a handler gives it to `ack`. */
export type ViewAnswer = ViewResponseAction | undefined | void;

/** What the modal says while the work goes on, and what it shows for a late answer. */
export interface InTimeOptions {
  /** The "working on it" sentence. */
  workingText?: string;
  /** The view a late answer shows (default: see `lateView`). */
  late?: (answer: ViewAnswer) => types.ModalView;
}

const WORKING_TEXT = 'This is taking longer than usual. Nothing is lost: this window shows the result as soon as it is ready.';
const FINISHED_TEXT = 'This is finished. Any message about the outcome is in the conversation or in your direct messages; you can close this window.';

/** What a modal that says "working on it" shows once the handler's late answer comes. */
export function lateView(answer: ViewAnswer): types.ModalView {
  if (answer?.response_action === 'update' || answer?.response_action === 'push') return answer.view as types.ModalView;
  if (answer?.response_action === 'errors') {
    const problems = Object.values(answer.errors).join(' ');
    return messageView('Not saved', renderNote(`Some answers need another look: ${problems} Nothing was saved; open the form again to retry.`));
  }
  return messageView('Finished', renderNote(FINISHED_TEXT));
}

/** What a view listener is given (as `app.view` passes it). */
type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/** Wraps a view submission handler so that Slack always gets its answer within 3 seconds (see above). */
export function answerInTime(rt: Pick<SlackRuntime, 'client' | 'logger'>, handler: (args: ViewArgs) => Promise<void>, o: InTimeOptions = {}): (args: ViewArgs) => Promise<void> {
  return async (args) => {
    const ack = args.ack as (answer?: ViewAnswer) => Promise<void>;
    let answered = false;
    const timer = setTimeout(() => {
      answered = true;
      void ack({ response_action: 'update', view: messageView('Working on it', renderNote(o.workingText ?? WORKING_TEXT)) }).catch((err: unknown) =>
        rt.logger.warn({ err }, 'slack: "working on it" answer failed'),
      );
    }, VIEW_ANSWER_MS);
    const answer = async (response?: ViewAnswer): Promise<void> => {
      if (!answered) {
        answered = true;
        clearTimeout(timer);
        await ack(response);
        return;
      }
      await rt.client.views
        .update({ view_id: args.view.id, view: (o.late ?? lateView)(response) })
        .catch((err: unknown) => rt.logger.warn({ err }, 'slack: late view answer failed'));
    };
    try {
      await handler({ ...args, ack: answer as ViewArgs['ack'] });
    } finally {
      // A handler that failed before answering: Slack gets no answer from us, as before.
      if (!answered) clearTimeout(timer);
    }
  };
}
