/**
 * The registration / triage modal flow: each submitted page is validated (errors keyed by block
 * id), its answers are saved server-side (form-store.ts), then either the next page replaces it
 * (`response_action: update`) or, after the last page, the answers go to the flow and the modal
 * shows the summary. "Back" shows the page before with every answer kept.
 */
import type { types } from '@slack/bolt';
import type { FlowContext, Refusal } from '../../flows';
import * as flows from '../../flows';
import { SYSTEM_STATUS_LABEL } from '../../flows/display';
import { askedQuestions, isAsked, questionnaire, triagePages } from '../../flows/triage/questionnaire';
import { validateAnswers, validateRegistration } from '../../flows/triage/validate';
import type { Answers, FieldError } from '../../flows/triage/types';
import type { ViewState } from './form-blocks';
import { URL_MAX_LENGTH, readAnswers } from './form-blocks';
import type { FormData, FormStore, StoredForm } from './form-store';
import { messageView, nextPage, previousPage, registrationView, triageView } from './form-views';
import { techniqueWarnings } from '../../flows/triage/warnings-v2';
import { clip, esc, slackUserId, words } from './mrkdwn';
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

/** Only the answers to questions still asked, given the answers before them (a changed answer can drop later questions). */
export function keepAsked(answers: Answers): Answers {
  const kept: Answers = {};
  for (const q of questionnaire.questions) {
    const a = answers[q.id];
    if (a !== undefined && isAsked(q.id, kept)) kept[q.id] = a;
  }
  return kept;
}

/** Answers given earlier, to prefill a re-triage or resubmission; the catalog's answers for a registration from the catalog. */
async function prefillOf(ctx: FlowContext, data: FormData): Promise<Answers> {
  if (data.mode === 'register' && data.catalogId) return (flows.catalogTool(data.catalogId)?.answers ?? {}) as Answers;
  if (!data.ref) return {};
  const found = await flows.systemByRef(ctx, data.ref);
  return 'kind' in found ? {} : ((found.assessment?.answers ?? {}) as Answers);
}

/** Starts a re-answer of the triage (resubmit or review update) and returns its first page. */
export async function reanswerView(ctx: FlowContext, store: FormStore, teamId: string, userId: string, mode: 'resubmit' | 'retriage', ref: string): Promise<types.ModalView> {
  const data: FormData = { mode, answers: {}, ref };
  const key = await store.create({ teamId, userId }, data);
  return triageView(key, data, firstTriagePage(), await prefillOf(ctx, data));
}

/**
 * Starts a registration, with the person registering as the default owner, and returns page 1;
 * `prefill` (a catalog tool, or a name typed) fills in what it knows, for the person to confirm.
 */
export async function registerView(store: FormStore, teamId: string, userId: string, prefill?: flows.RegistrationPrefill): Promise<types.ModalView> {
  const data: FormData = { mode: 'register', answers: {}, ...(prefill?.catalogId ? { catalogId: prefill.catalogId } : {}) };
  const key = await store.create({ teamId, userId }, data);
  return registrationView(key, { ...(prefill?.fields ?? {}), owner: `slack:${userId}` }, prefill ? catalogNotes(prefill) : []);
}

function catalogNotesOf(catalogId: string | undefined): string[] {
  const p = catalogId ? flows.prefillOfDiscovery({ tool: catalogId }) : null;
  return p ? catalogNotes(p) : [];
}

/** The lines that say a form was filled in from the catalog, and what the vendor says about training. */
function catalogNotes(p: flows.RegistrationPrefill): string[] {
  if (!p.catalogId) return [];
  const t = p.trainsOnInputs;
  const lines = [`:books: Filled in from the AI tool catalog (version ${p.catalogVersion ?? '?'}): check every field and answer, and change what is not right for your use.`];
  if (t) lines.push(`Training on inputs, as the vendor states it: consumer plans ${esc(words(t.consumer))}, business plans ${esc(words(t.business))} (checked ${esc(t.checkedAt)}).`);
  if (p.note) lines.push(esc(clip(p.note, 400)));
  return lines;
}

/** The view of `page` of a stored form (Back, or the page after a registration). */
export async function pageView(ctx: FlowContext, form: StoredForm, page: number): Promise<types.ModalView> {
  if (page === 1 && form.data.mode === 'register') return registrationView(form.key, form.data.fields ?? {}, catalogNotesOf(form.data.catalogId));
  return triageView(form.key, form.data, page, await prefillOf(ctx, form.data));
}

/** The page before `page`, with this page's answers kept unchecked; null when there is none. */
export async function backView(ctx: FlowContext, store: FormStore, form: StoredForm, page: number, values: ViewState): Promise<types.ModalView | null> {
  const prev = previousPage(form.data, page);
  if (prev === null) return null;
  let data = form.data;
  if (page > 1) {
    const questions = askedQuestions(data.answers, page);
    data = { ...data, answers: withPage(data.answers, questions.map((q) => q.id), readAnswers(questions, values)) };
    await store.save(form.key, data, form);
  }
  return pageView(ctx, { ...form, data }, prev);
}

/** The answers after a page: that page's answers replace what it showed (a cleared answer goes). */
function withPage(before: Answers, shown: string[], given: Answers): Answers {
  const rest = Object.fromEntries(Object.entries(before).filter(([id]) => !shown.includes(id)));
  return { ...rest, ...given };
}

/** A resubmission or review that the person may no longer make (someone else acted meanwhile). */
async function stillAllowed(ctx: FlowContext, data: FormData): Promise<Refusal | null> {
  if (data.mode === 'register' || !data.ref) return null;
  const r = data.mode === 'resubmit' ? await flows.resubmittable(ctx, data.ref) : await flows.reviewable(ctx, data.ref, ['approved']);
  return 'kind' in r ? r : null;
}

/** Handles one submitted page of a stored form. */
export async function submitPage(rt: SlackRuntime, ctx: FlowContext, store: FormStore, form: StoredForm, page: number, values: ViewState): Promise<PageOutcome> {
  if (form.doneRef) return doneOutcome(ctx, form.data, form.doneRef);
  if (form.data.mode === 'register' && page === 1) return submitRegistration(ctx, store, form, values);
  const refused = await stillAllowed(ctx, form.data);
  if (refused) return update(messageView('Not possible now', renderNote(refused.message)));
  const questions = askedQuestions(form.data.answers, page);
  const shown = questions.map((q) => q.id);
  const answers = keepAsked(withPage(form.data.answers, shown, readAnswers(questions, values)));
  const checked = validateAnswers(answers);
  if (!checked.ok) {
    // Later pages are not answered yet; only this page's problems count now.
    const here = checked.errors.filter((e) => shown.includes(e.field));
    if (here.length) return errorsOf(keyedErrors(here, shown));
  }
  const next = nextPage(answers, page);
  let data: FormData = { ...form.data, answers };
  // Nothing follows page 2 for a tool that is not AI: show the "is it AI?" warning once before submitting.
  if (next === null && shown.includes('technique') && !data.warned?.includes(page) && techniqueWarnings(answers).length > 0) {
    data = { ...data, warned: [...(data.warned ?? []), page] };
    await store.save(form.key, data, form);
    return update(triageView(form.key, data, page, await prefillOf(ctx, data)));
  }
  await store.save(form.key, data, form);
  if (next !== null) return update(triageView(form.key, data, next, await prefillOf(ctx, data)));
  return finishOnce(rt, ctx, store, { ...form, data }, shown);
}

/** The answer to a form submitted again after it was recorded: what the flows say happened, else what the form did. */
async function doneOutcome(ctx: FlowContext, data: FormData, ref: string): Promise<PageOutcome> {
  const refused = await stillAllowed(ctx, data);
  return update(messageView('Already submitted', renderNote(refused?.message ?? alreadyDone(data, ref))));
}

function alreadyDone(data: FormData, ref: string): string {
  const what = data.mode === 'register' ? 'registered' : data.mode === 'resubmit' ? 'resubmitted' : 'reviewed';
  return `This form was already submitted: ${ref} was ${what}; nothing new was recorded. See /aims show ${ref}.`;
}

/** The link is checked here too: the input's limit is the client's, and a request can carry more. */
function urlProblem(fields: Record<string, string>): string | null {
  const url = fields.url ?? '';
  if (url.length <= URL_MAX_LENGTH) return null;
  return `The link is ${url.length.toLocaleString('en')} characters long; at most ${URL_MAX_LENGTH.toLocaleString('en')} are allowed. Give a shorter address, e.g. the product’s home page.`;
}

async function submitRegistration(ctx: FlowContext, store: FormStore, form: StoredForm, values: ViewState): Promise<PageOutcome> {
  const shown = questionnaire.fields.map((f) => f.id);
  const raw = readAnswers(questionnaire.fields, values);
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') fields[k] = v;
  const checked = validateRegistration(fields);
  const errors = checked.ok ? {} : keyedErrors(checked.errors, shown);
  const tooLong = urlProblem(fields);
  if (tooLong) errors.url = tooLong;
  if (Object.keys(errors).length) return errorsOf(errors);
  if (!checked.ok) return errorsOf(keyedErrors(checked.errors, shown));
  const dup = await flows.findDuplicate(ctx, checked.fields.name);
  if (dup) {
    return errorsOf({
      name: `Already registered as ${dup.ref} “${clip(dup.name, 80)}” (${SYSTEM_STATUS_LABEL[dup.status]}, owner ${clip(dup.owner.name, 60)}). See /aims show ${dup.ref}; nothing new was registered.`,
    });
  }
  // Triage answers given before going back to page 1 are kept.
  const data: FormData = { ...form.data, fields };
  await store.save(form.key, data, form);
  return update(triageView(form.key, data, firstTriagePage(data.answers), await prefillOf(ctx, data)));
}

function refusalOutcome(r: Refusal, shown: string[], title: string): PageOutcome {
  // Errors need a block to sit next to; a page with no inputs (a damaged form state) gets the sentence.
  const keyed = r.code === 'invalid' && r.errors?.length ? keyedErrors(r.errors, shown) : {};
  if (Object.keys(keyed).length) return errorsOf(keyed);
  return update(messageView(title, renderNote(r.message)));
}

/**
 * Runs the flow for the last page once: the first submission claims the form, a second one (a
 * double click, a retry, another replica) is told what the first did. A refusal or a failure
 * gives the claim back, so the person can correct the answers and submit again.
 */
async function finishOnce(rt: SlackRuntime, ctx: FlowContext, store: FormStore, form: StoredForm, shown: string[]): Promise<PageOutcome> {
  const claim = await store.claim(form.key);
  if (!claim.claimed) {
    if (claim.doneRef) return doneOutcome(ctx, form.data, claim.doneRef);
    return update(messageView('Already submitted', renderNote('This form is being submitted already; wait a moment and look at /aims list.')));
  }
  let done: { outcome: PageOutcome; ref: string | null };
  try {
    done = await finish(rt, ctx, form.data, shown);
  } catch (err) {
    await store.release(form.key).catch(() => {});
    throw err;
  }
  if (done.ref) await store.finish(form.key, done.ref);
  else await store.release(form.key);
  return done.outcome;
}

async function finish(rt: SlackRuntime, ctx: FlowContext, data: FormData, shown: string[]): Promise<{ outcome: PageOutcome; ref: string | null }> {
  const answers = data.answers;
  const mentionsOf = (steps: { approvers: string[] }[]) => rt.directory.mentions(steps.flatMap((s) => s.approvers));
  if (data.mode === 'register') {
    const fields = data.fields ?? {};
    const ownerId = slackUserId(fields.owner ?? '');
    const owner = ownerId ? await rt.directory.profile(ownerId) : {};
    const r = await flows.register(ctx, { fields, answers, catalogId: data.catalogId ?? null, ...(owner.displayName ? { ownerName: owner.displayName } : {}), ...(owner.email ? { ownerEmail: owner.email } : {}) });
    if (r.kind === 'refused') return { outcome: refusalOutcome(r, shown, 'Not registered'), ref: null };
    if (r.kind === 'duplicate') {
      const note = renderNote(`“${r.system.name}” is already registered as ${r.system.ref}; nothing new was registered. See /aims show ${r.system.ref}.`);
      return { outcome: update(messageView('Already registered', note)), ref: null };
    }
    const summary = renderSubmitted('registered', r.system, r.classification, r.request, await mentionsOf(r.request.steps));
    return { outcome: { ...update(messageView(`Registered ${r.system.ref}`, summary)), summary, changed: true }, ref: r.system.ref };
  }
  const ref = data.ref ?? '';
  if (data.mode === 'resubmit') {
    const r = await flows.resubmit(ctx, ref, answers);
    if (r.kind === 'refused') return { outcome: refusalOutcome(r, shown, 'Not resubmitted'), ref: null };
    const summary = renderSubmitted('resubmitted', r.system, r.classification, r.request, await mentionsOf(r.request.steps));
    return { outcome: { ...update(messageView(`Resubmitted ${r.system.ref}`, summary)), summary, changed: true }, ref: r.system.ref };
  }
  const r = await flows.retriage(ctx, ref, answers);
  if (r.kind === 'refused') return { outcome: refusalOutcome(r, shown, 'Review not recorded'), ref: null };
  if (r.kind !== 'retriaged') return { outcome: update(messageView('Review', renderNote('Review recorded.'))), ref };
  const summary = renderSubmitted('re-triaged', r.system, r.classification, r.request, await mentionsOf(r.request?.steps ?? []));
  return { outcome: { ...update(messageView(`Reviewed ${r.system.ref}`, summary)), summary, changed: true }, ref: r.system.ref };
}
