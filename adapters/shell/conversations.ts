/**
 * The shell's forms: register, resubmit and review. Rights and state are checked before the
 * first question, so nobody answers a form that cannot succeed, and each answer is checked as
 * it is given (a bad one is explained and asked again).
 */
import type { FlowContext, Refusal } from '../../flows';
import * as flows from '../../flows';
import { SYSTEM_STATUS_LABEL, localDay } from '../../flows';
import type { Answers } from '../../flows/triage/types';
import { askRegistration, askTriage, readAnswer } from './ask';
import type { Prompter } from './ask';
import type { ShellPerson } from './people';
import { resolvePerson } from './people';
import { renderClassification, renderRequest, renderSystem } from './render';

/** A form that stopped before its questions were all asked; piped answers meant for it are skipped. */
export const ABANDONED = 'abandoned';
/** What a form reports: `abandoned`, or nothing when it ran to its end. */
export type FormOutcome = typeof ABANDONED | void;

/** Prints a refusal: each field problem on a line, else the sentence. */
export function printRefusal(io: Prompter, r: Refusal): void {
  io.print(r.code === 'invalid' && r.errors?.length ? r.errors.map((e) => `✗ ${e.field}: ${e.message}`).join('\n') : `✗ ${r.message}`);
}

const tzOf = (ctx: FlowContext) => ctx.deps.policy.organization.timezone;

/** `/aims register`: the fields (stopping at a duplicate name), then the triage. */
export async function registerConversation(ctx: FlowContext, io: Prompter, speaker: ShellPerson, prefill?: flows.RegistrationPrefill): Promise<FormOutcome> {
  io.print('Registering an AI tool. First the registration, then the triage questions.');
  if (prefill?.catalogId) io.print(catalogLines(prefill).join('\n'));
  const reg = await askRegistration(
    io,
    (typed) => resolvePerson(typed, ctx.deps.policy, speaker),
    async (name) => {
      const dup = await flows.findDuplicate(ctx, name);
      if (!dup) return true;
      io.print(
        `✗ "${name}" is already registered as ${dup.ref} "${dup.name}" (${SYSTEM_STATUS_LABEL[dup.status]}, owner ${dup.owner.name}); ` +
          `nothing new was registered. See it with /aims show ${dup.ref}.`,
      );
      return false;
    },
    { ...(prefill?.fields ?? {}) },
  );
  if (!reg) return ABANDONED;
  const answers = await askTriage(io, prefill?.answers ?? {});
  const r = await flows.register(ctx, { fields: reg.fields, answers, ownerName: reg.owner?.name, ownerEmail: reg.owner?.email, catalogId: prefill?.catalogId ?? null });
  if (r.kind === 'refused') return printRefusal(io, r);
  if (r.kind === 'duplicate') return void io.print(`already registered as ${r.system.ref}; nothing new was registered`);
  io.print(`registered ${r.system.ref} "${r.system.name}" — ${SYSTEM_STATUS_LABEL[r.system.status]}`);
  io.print(renderClassification(r.classification));
  return undefined;
}

/** What the shell says about a registration filled in from the catalog. */
function catalogLines(p: flows.RegistrationPrefill): string[] {
  const t = p.trainsOnInputs;
  return [
    `Filled in from the AI tool catalog (version ${p.catalogVersion ?? '?'}): an empty line keeps the value offered; type another to change it.`,
    ...(t ? [`Training on inputs, as the vendor states it: consumer plans ${t.consumer.replace(/_/g, ' ')}, business plans ${t.business.replace(/_/g, ' ')} (checked ${t.checkedAt}).`] : []),
    ...(p.note ? [p.note] : []),
  ];
}

/** `/aims resubmit <ref>`: only the owner or submitter, only after changes were requested or a rejection. */
export async function resubmitConversation(ctx: FlowContext, io: Prompter, ref: string): Promise<FormOutcome> {
  if (!ref) return void io.print('usage: /aims resubmit <ref>');
  const found = await flows.resubmittable(ctx, ref);
  if ('kind' in found) {
    printRefusal(io, found);
    return ABANDONED;
  }
  io.print(`Answer the triage for ${found.ref} again (an empty line keeps the previous answer).`);
  const answers = await askTriage(io, (found.assessment?.answers ?? {}) as Answers);
  const r = await flows.resubmit(ctx, ref, answers);
  if (r.kind === 'refused') return printRefusal(io, r);
  io.print(`resubmitted ${r.system.ref} — ${SYSTEM_STATUS_LABEL[r.system.status]}`);
  io.print(renderClassification(r.classification));
  return undefined;
}

const REVIEW_CHOICES: Record<string, 'confirm' | 'update' | 'retire' | 'snooze'> = {
  '1': 'confirm',
  confirm: 'confirm',
  '2': 'update',
  update: 'update',
  '3': 'retire',
  retire: 'retire',
  '4': 'snooze',
  snooze: 'snooze',
};

/** Asks until `check` accepts the answer (null) or explains what is wrong with it. */
async function askUntil(io: Prompter, question: string, prompt: string, check: (text: string) => string | null): Promise<string> {
  for (;;) {
    const text = await readAnswer(io, question, prompt);
    const problem = check(text);
    if (problem === null) return text;
    io.print(`  ✗ ${problem}`);
  }
}

/** The flows' rule for snooze days, said the shell's short way. */
function snoozeDaysProblem(text: string): string | null {
  return flows.snoozeDaysProblem(text) === null ? null : `Snooze for 1 to ${flows.SNOOZE_MAX_DAYS} whole days.`;
}

/** `/aims review <ref>`: only the owner or compliance, only of an approved tool. */
export async function reviewConversation(ctx: FlowContext, io: Prompter, ref: string): Promise<FormOutcome> {
  if (!ref) return void io.print('usage: /aims review <ref>');
  const found = await flows.reviewable(ctx, ref, ['approved']);
  if ('kind' in found) {
    printRefusal(io, found);
    return ABANDONED;
  }
  const tz = tzOf(ctx);
  io.print(renderSystem(found, null, tz));
  const choice = REVIEW_CHOICES[
    (
      await askUntil(io, 'Review: 1) confirm still accurate  2) update answers  3) retire  4) snooze', 'review [1-4]> ', (t) =>
        REVIEW_CHOICES[t.toLowerCase()] ? null : 'Choose 1, 2, 3 or 4 (or confirm, update, retire, snooze).',
      )
    ).toLowerCase()
  ]!;
  let r: flows.ReviewResult;
  switch (choice) {
    case 'confirm':
      r = await flows.confirmReview(ctx, ref);
      break;
    case 'update':
      r = await flows.retriage(ctx, ref, await askTriage(io, (found.assessment?.answers ?? {}) as Answers));
      break;
    case 'retire':
      r = await flows.retire(ctx, ref, await readAnswer(io, 'Why is it retired? (optional)', 'reason> '));
      break;
    case 'snooze': {
      const days = await askUntil(io, `Snooze for how many days (1–${flows.SNOOZE_MAX_DAYS})?`, 'days> ', snoozeDaysProblem);
      const reason = await askUntil(io, 'Why?', 'reason> ', (t) => (t ? null : 'Say why the review is postponed.'));
      r = await flows.snoozeReview(ctx, ref, days, reason);
      break;
    }
  }
  if (r.kind === 'refused') return printRefusal(io, r);
  switch (r.kind) {
    case 'confirmed':
      io.print(`review recorded; next review of ${r.system.ref} on ${localDay(r.system.nextReviewAt, tz)}`);
      break;
    case 'retriaged':
      io.print(renderClassification(r.classification));
      io.print(r.request ? `the class or approvers changed: a new approval started.\n${renderRequest(r.request, tz)}` : `no change in class or approvers; next review on ${localDay(r.system.nextReviewAt, tz)}`);
      break;
    case 'retired':
      io.print(`${r.system.ref} retired`);
      break;
    case 'snoozed':
      io.print(`review reminders for ${r.system.ref} paused until ${localDay(r.until, tz)}`);
      break;
  }
  return undefined;
}
