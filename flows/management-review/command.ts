/**
 * The `management-review` chat command, the same on every platform: with no argument it generates
 * a review now and posts the pack to the compliance channel; `decide <ref> <text> [by DATE]`
 * records a decision as a task; `held <ref> [attendees…]` marks the review held. The answer is
 * plain text; each adapter escapes it for its platform.
 */
import type { FlowContext } from '../ports';
import { decideManagementReview, holdManagementReview } from './decide';
import { generateManagementReview } from './generate';

/** The command's usage line. */
export const MANAGEMENT_REVIEW_USAGE = 'management-review · management-review decide MR-2026-Q4 <decision> [by YYYY-MM-DD] · management-review held MR-2026-Q4 [@attendee …]';

/** Runs the command; `ok` is false for a refusal or bad input (nothing changed then). */
export async function managementReviewCommand(ctx: FlowContext, arg: string): Promise<{ ok: boolean; text: string }> {
  const [sub = '', ref = '', ...rest] = arg.trim().split(/\s+/);
  switch (sub.toLowerCase()) {
    case '': {
      const r = await generateManagementReview(ctx);
      if ('kind' in r) return { ok: false, text: r.message };
      return { ok: true, text: `Management review ${r.ref} generated; the pack with its charts and PDF is on its way to the compliance channel. Record decisions with: management-review decide ${r.ref} <decision>` };
    }
    case 'decide': {
      const r = await decideManagementReview(ctx, ref, rest.join(' '));
      if ('kind' in r) return { ok: false, text: r.message };
      return { ok: true, text: `Decision recorded at ${r.ref} as task ${r.task} for compliance, due ${r.dueDate}.` };
    }
    case 'held': {
      const r = await holdManagementReview(ctx, ref, rest.join(' '));
      if ('kind' in r) return { ok: false, text: r.message };
      return { ok: true, text: r.already ? `${r.ref} was already marked held; nothing was changed.` : `${r.ref} marked held with ${r.attendees} attendee(s).` };
    }
    default:
      return { ok: false, text: `Unknown "management-review ${sub.slice(0, 40)}". Usage: ${MANAGEMENT_REVIEW_USAGE}` };
  }
}
