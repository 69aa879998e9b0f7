/**
 * The registration / triage modal flow: each submitted page is validated (errors keyed by block
 * id), then either the next page replaces it (`response_action: update`) or, after the last
 * page, the answers go to the flow and the modal shows the summary.
 */
import type { types } from '@slack/bolt';
import type { FlowContext, Refusal } from '../../flows';
import * as flows from '../../flows';
import { askedQuestions, questionnaire, triagePages } from '../../flows/triage/questionnaire';
import { validateAnswers, validateRegistration } from '../../flows/triage/validate';
import type { Answers, FieldError } from '../../flows/triage/types';
import type { ViewState } from './form-blocks';
import { readAnswers } from './form-blocks';
import type { FormState } from './form-views';
import { messageView, nextPage, registrationView, triageView } from './form-views';
import { techniqueWarnings } from '../../flows/triage/warnings-v2';
import { clip, slackUserId } from './mrkdwn';
import type { SlackMessage } from './render-request';
import { renderNote, renderSubmitted } from './render-system';
import type { SlackRuntime } from './runtime';

/** What to answer a view submission with, and what to do after answering. */
export interface PageOutcome {
  response:
    | { response_action: 'errors'; errors: Record<string, string> }
    | { response_action: 'update'; view: types.ModalView };
  /** A summary to send the submitter as a direct message, after the ack. */
  summary?: SlackMessage;
  changed?: boolean;
}

const errorsOf = (errors: Record<string, string>): PageOutcome => ({ response: { response_action: 'errors', errors } });
const update = (view: types.ModalView): PageOutcome => ({ response: { response_action: 'update', view } });

/** Field errors as Slack wants them: keyed by the block ids shown; others land on the first block. */
export function keyedErrors(errors: FieldError[], shown: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const key = shown.includes(e.field) ? e.field : shown[0];
    if (!key) continue;
    const message = key === e.field ? e.message : `${e.field}: ${e.message}`;
    out[key] = clip(out[key] ? `${out[key]}; ${message}` : message, 300);
  }
  return out;
}

/** The first triage page for a fresh start. */
export function firstTriagePage(answers: Answers = {}): number {
  return nextPage(answers, 1) ?? triagePages()[0]!;
}

/** Answers given earlier, to prefill a re-triage or resubmission. */
async function prefillOf(ctx: FlowContext, state: FormState): Promise<Answers> {
  if (!state.ref) return {};
  const found = await flows.systemByRef(ctx, state.ref);
  return 'kind' in found ? {} : ((found.assessment?.answers ?? {}) as Answers);
}

/** The view that opens a re-answer of the triage (resubmit or review update). */
export async function reanswerView(ctx: FlowContext, mode: 'resubmit' | 'retriage', ref: string): Promise<types.ModalView> {
  const state: FormState = { mode, page: 1, answers: {}, ref };
  const r = triageView(state, firstTriagePage(), await prefillOf(ctx, state));
  return 'view' in r ? r.view : messageView('Triage', renderNote('The form could not be opened.'));
}

/** The registration view, with the person registering as the default owner. */
export function registerView(userId: string): types.ModalView {
  return registrationView({ owner: `slack:${userId}` });
}

/** Handles one submitted page. */
export async function submitPage(rt: SlackRuntime, ctx: FlowContext, state: FormState, values: ViewState): Promise<PageOutcome> {
  if (state.mode === 'register' && state.page === 1) return submitRegistration(ctx, state, values);
  const questions = askedQuestions(state.answers, state.page);
  const shown = questions.map((q) => q.id);
  const answers: Answers = { ...state.answers, ...readAnswers(questions, values) };
  const checked = validateAnswers(answers);
  if (!checked.ok) {
    // Later pages are not answered yet; only this page's problems count now.
    const here = checked.errors.filter((e) => shown.includes(e.field));
    if (here.length) return errorsOf(keyedErrors(here, shown));
  }
  const next = nextPage(answers, state.page);
  // Nothing follows page 2 for a tool that is not AI: show the "is it AI?" warning once before submitting.
  if (next === null && shown.includes('technique') && !state.warned && techniqueWarnings(answers).length > 0) {
    const r = triageView({ ...state, warned: true }, state.page, answers);
    if ('view' in r) return update(r.view);
  }
  if (next !== null) {
    const r = triageView({ ...state, answers }, next, await prefillOf(ctx, state));
    return 'view' in r ? update(r.view) : errorsOf({ [shown[0] ?? 'purpose']: 'The answers are too long to carry to the next page; shorten the longest text.' });
  }
  return finish(rt, ctx, state, answers, shown);
}

async function submitRegistration(ctx: FlowContext, state: FormState, values: ViewState): Promise<PageOutcome> {
  const shown = questionnaire.fields.map((f) => f.id);
  const raw = readAnswers(questionnaire.fields, values);
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') fields[k] = v;
  const checked = validateRegistration(fields);
  if (!checked.ok) return errorsOf(keyedErrors(checked.errors, shown));
  const dup = await flows.findDuplicate(ctx, checked.fields.name);
  if (dup) {
    return errorsOf({
      name: `Already registered as ${dup.ref} “${clip(dup.name, 80)}” (${dup.status.replace('_', ' ')}, owner ${clip(dup.owner.name, 60)}). See /aims show ${dup.ref}; nothing new was registered.`,
    });
  }
  const next: FormState = { ...state, fields, answers: {} };
  const r = triageView(next, firstTriagePage());
  return 'view' in r ? update(r.view) : errorsOf({ purpose: 'Too long to carry to the next page; shorten the purpose.' });
}

function refusalOutcome(r: Refusal, shown: string[], title: string): PageOutcome {
  // Errors need a block to sit next to; a page with no inputs (a damaged form state) gets the sentence.
  const keyed = r.code === 'invalid' && r.errors?.length ? keyedErrors(r.errors, shown) : {};
  if (Object.keys(keyed).length) return errorsOf(keyed);
  return update(messageView(title, renderNote(r.message)));
}

async function finish(rt: SlackRuntime, ctx: FlowContext, state: FormState, answers: Answers, shown: string[]): Promise<PageOutcome> {
  const mentionsOf = (steps: { approvers: string[] }[]) => rt.directory.mentions(steps.flatMap((s) => s.approvers));
  if (state.mode === 'register') {
    const fields = state.fields ?? {};
    const ownerId = slackUserId(fields.owner ?? '');
    const owner = ownerId ? await rt.directory.profile(ownerId) : {};
    const r = await flows.register(ctx, { fields, answers, ...(owner.displayName ? { ownerName: owner.displayName } : {}), ...(owner.email ? { ownerEmail: owner.email } : {}) });
    if (r.kind === 'refused') return refusalOutcome(r, shown, 'Not registered');
    if (r.kind === 'duplicate') {
      return update(messageView('Already registered', renderNote(`“${r.system.name}” is already registered as ${r.system.ref}; nothing new was registered. See /aims show ${r.system.ref}.`)));
    }
    const summary = renderSubmitted('registered', r.system, r.classification, r.request, await mentionsOf(r.request.steps));
    return { ...update(messageView(`Registered ${r.system.ref}`, summary)), summary, changed: true };
  }
  const ref = state.ref ?? '';
  if (state.mode === 'resubmit') {
    const r = await flows.resubmit(ctx, ref, answers);
    if (r.kind === 'refused') return refusalOutcome(r, shown, 'Not resubmitted');
    const summary = renderSubmitted('resubmitted', r.system, r.classification, r.request, await mentionsOf(r.request.steps));
    return { ...update(messageView(`Resubmitted ${r.system.ref}`, summary)), summary, changed: true };
  }
  const r = await flows.retriage(ctx, ref, answers);
  if (r.kind === 'refused') return refusalOutcome(r, shown, 'Review not recorded');
  if (r.kind !== 'retriaged') return update(messageView('Review', renderNote('Review recorded.')));
  const summary = renderSubmitted('re-triaged', r.system, r.classification, r.request, await mentionsOf(r.request?.steps ?? []));
  return { ...update(messageView(`Reviewed ${r.system.ref}`, summary)), summary, changed: true };
}
