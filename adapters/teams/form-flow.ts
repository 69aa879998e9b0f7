/**
 * The paged form: checks one page's inputs, decides the next page from the answers so far, and
 * submits to flows on the last page. Errors come back as the same page with the error text
 * next to the fields.
 */
import type { TurnContext } from 'botbuilder';
import type { FlowContext, SystemView } from '../../flows';
import { SYSTEM_STATUS_LABEL, timezoneOf } from '../../flows/display';
import * as flows from '../../flows';
import { getQuestion, parseAnswerText } from '../../flows/triage/questionnaire';
import { validateRegistration } from '../../flows/triage/validate';
import type { Answers, FieldError } from '../../flows/triage/types';
import type { CardJson } from './card-kit';
import { adaptiveCard, heading, markdown, messageCard, textBlock } from './card-kit';
import type { FormState } from './form-cards';
import { formCard, nextPage, pageQuestions, URL_MAX_LENGTH } from './form-cards';
import type { MemberDirectory } from './people';
import { resolveOwner } from './people';
import { classificationBlocks, systemCard } from './render-views';
import { techniqueWarnings } from '../../flows/triage/warnings-v2';

/** What the form needs from the turn. */
export interface FormTurn {
  ctx: FlowContext;
  context: TurnContext;
  directory: MemberDirectory;
  /** The speaker's Teams user id and name. */
  speaker: { id: string; name: string };
  /** Called after a flow call that may have written notifications. */
  afterChange: () => void;
  /** The download link of a Statement of Applicability (controls/soa-link.ts), or null without one. */
  soaLink?: (workspaceId: number, hash: string) => string | null;
  /** The download link of a reported audit's report (audits/report-link.ts), or null without one. */
  auditReportLink?: (workspaceId: number, auditId: number) => string | null;
  /** The signed link of a management review's file (`pdf`, `md` or a chart), or null without a public URL. */
  packLink?: (workspaceId: number, reviewId: number, file: string) => string | null;
}

/** The first card of a flow (for `register`, or `resubmit <ref>` with the previous answers). */
export function startForm(turn: FormTurn, state: FormState, previous?: Answers): CardJson {
  return formCard(state, { speaker: turn.speaker, previous });
}

async function previousAnswers(turn: FormTurn, state: FormState): Promise<Answers | undefined> {
  // A registration from the catalog offers the catalog's answers, to confirm or change.
  if (state.flow === 'register' && state.catalogId) return (flows.catalogTool(state.catalogId)?.answers ?? undefined) as Answers | undefined;
  if (!state.ref) return undefined;
  const found = await flows.systemByRef(turn.ctx, state.ref);
  return 'kind' in found ? undefined : (found.assessment?.answers ?? undefined);
}

/** Handles one page submitted with `data` (the action data merged with the inputs). */
export async function submitPage(turn: FormTurn, state: FormState, data: Record<string, unknown>): Promise<CardJson> {
  const raw = (id: string) => {
    const v = data[id];
    return typeof v === 'string' ? v.trim() : typeof v === 'boolean' || typeof v === 'number' ? String(v) : '';
  };
  const questions = pageQuestions(state.page, state.answers);
  const values = Object.fromEntries(questions.map((q) => [q.id, raw(q.id)]));
  const again = async (errors: FieldError[]) => formCard(state, { errors, values, speaker: turn.speaker, previous: await previousAnswers(turn, state) });

  if (state.page === 1) {
    if (state.flow !== 'register') return messageCard('This form has no registration page.', { error: true });
    const owner = await resolveOwner(turn.context, turn.directory, values.owner ?? '', turn.speaker.id);
    const fields = { ...values, owner: owner.ok ? owner.platformId : 'x' };
    const checked = validateRegistration(fields);
    const errors = [...(checked.ok ? [] : checked.errors.filter((e) => e.field !== 'owner' || owner.ok)), ...(owner.ok ? [] : [{ field: 'owner', message: owner.message }])];
    // The card caps the Link input; a client that ignores the cap hears why, in the Link field.
    const url = values.url ?? '';
    if (url.length > URL_MAX_LENGTH) {
      const i = errors.findIndex((e) => e.field === 'url');
      const tooLong = { field: 'url', message: `is ${url.length} characters long; links can be at most ${URL_MAX_LENGTH} characters` };
      if (i >= 0) errors[i] = tooLong;
      else errors.push(tooLong);
    }
    if (errors.length > 0) return again(errors);
    const duplicate = await flows.findDuplicate(turn.ctx, values.name ?? '');
    if (duplicate) {
      return systemCard(duplicate, null, `"${values.name ?? ''}" is already registered as ${duplicate.ref}; nothing new was registered. Here it is:`, timezoneOf(turn.ctx.deps.policy));
    }
    const kept: Record<string, string> = { ...values, owner: (owner as { platformId: string }).platformId };
    if (owner.ok && owner.name) kept._ownerName = owner.name;
    if (owner.ok && owner.email) kept._ownerEmail = owner.email;
    const page = nextPage(1, {}) ?? 2;
    return formCard({ ...state, page, fields: kept, answers: {} }, { speaker: turn.speaker, previous: await previousAnswers(turn, state) });
  }

  const errors: FieldError[] = [];
  const answers: Answers = {};
  // Keep only the answers of earlier pages: a page shown again must not keep stale answers.
  for (const [id, v] of Object.entries(state.answers)) {
    const q = getQuestion(id);
    if (q && q.section === 'triage' && q.page < state.page) answers[id] = v as Answers[string];
  }
  for (const q of questions) {
    const text = values[q.id] ?? '';
    if (text === '') {
      if (q.required) errors.push({ field: q.id, message: 'is required; choose an answer' });
      continue;
    }
    const parsed = parseAnswerText(q, text);
    if (parsed.ok) answers[q.id] = parsed.value;
    else errors.push({ field: q.id, message: parsed.message });
  }
  if (errors.length > 0) return again(errors);
  const next = nextPage(state.page, answers);
  // Nothing follows page 2 for a tool that is not AI: show the "is it AI?" warning once before submitting.
  if (next === null && questions.some((q) => q.id === 'technique') && !state.warned && techniqueWarnings(answers).length > 0) {
    return formCard({ ...state, warned: true }, { values, speaker: turn.speaker, warnAnswers: answers });
  }
  if (next !== null) {
    return formCard({ ...state, page: next, answers }, { speaker: turn.speaker, previous: await previousAnswers(turn, state) });
  }
  return submitForm(turn, { ...state, answers });
}

async function submitForm(turn: FormTurn, state: FormState): Promise<CardJson> {
  const { ctx } = turn;
  if (state.flow === 'register') {
    const { _ownerName, _ownerEmail, ...fields } = state.fields;
    const r = await flows.register(ctx, { fields, answers: state.answers, ownerName: _ownerName, ownerEmail: _ownerEmail, catalogId: state.catalogId ?? null });
    if (r.kind === 'refused') return refusalCard(turn, state, r);
    if (r.kind === 'duplicate') return systemCard(r.system, null, `Already registered as ${r.system.ref}; nothing new was registered.`, timezoneOf(ctx.deps.policy));
    turn.afterChange();
    return resultCard(`Registered ${r.system.ref} ${r.system.name}`, r.system.status, r.classification);
  }
  if (!state.ref) return messageCard('This form lost its system reference; start again.', { error: true });
  if (state.flow === 'resubmit') {
    const r = await flows.resubmit(ctx, state.ref, state.answers);
    if (r.kind === 'refused') return refusalCard(turn, state, r);
    turn.afterChange();
    return resultCard(`Resubmitted ${r.system.ref} ${r.system.name}`, r.system.status, r.classification);
  }
  const r = await flows.retriage(ctx, state.ref, state.answers);
  if (r.kind === 'refused') return refusalCard(turn, state, r);
  turn.afterChange();
  if (r.kind !== 'retriaged') return messageCard(`Review of ${state.ref} recorded.`);
  const note = r.request ? 'The class or approvers changed: a new approval started.' : 'No change in class or approvers.';
  return resultCard(`Updated the triage of ${r.system.ref}`, r.system.status, r.classification, note);
}

function resultCard(title: string, status: SystemView['status'], classification: Parameters<typeof classificationBlocks>[0], note?: string): CardJson {
  return adaptiveCard([
    heading(title),
    textBlock(markdown`Status: **${SYSTEM_STATUS_LABEL[status] ?? status}**`),
    ...(note ? [textBlock(note)] : []),
    ...classificationBlocks(classification),
  ]);
}

/** A refusal on submit: field errors go back to the page of the first one. */
async function refusalCard(turn: FormTurn, state: FormState, r: flows.Refusal): Promise<CardJson> {
  if (r.code !== 'invalid' || !r.errors?.length) return messageCard(r.message, { error: true });
  const first = getQuestion(r.errors[0]!.field);
  const page = first?.page ?? (state.flow === 'register' ? 1 : 2);
  const answers: Answers = Object.fromEntries(Object.entries(state.answers).filter(([id]) => (getQuestion(id)?.page ?? 0) < page));
  const values = Object.fromEntries(Object.entries(state.answers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
  return formCard({ ...state, page, answers }, { errors: r.errors, values: page === 1 ? state.fields : values, speaker: turn.speaker });
}
