/**
 * Nonconformity cards for Teams: the `nc NC-7` card (stage, containment, root cause, actions
 * with status, effectiveness) with the Action.Execute buttons the viewer may use, and the forms
 * of `nc.raise`, `nc.containment`, `nc.root_cause`, `nc.add_action` and `nc.verify` rendered
 * from the flows' field lists (input ids = field ids). Plain strings are escaped by the card kit.
 */
import type { NcFormValues, NcView, OutboxRow } from '../../../flows';
import * as flows from '../../../flows';
import type { CardJson } from '../card-kit';
import { adaptiveCard, errorText, executeAction, facts, heading, textBlock } from '../card-kit';

/** The card action ids of aims.md. */
export const NC_ACTIONS = flows.NC_ACTIONS;

/** What each form asks. */
export const NC_FORM_FIELDS = flows.NC_STEP_FIELDS;

const TITLES = flows.NC_STEP_TITLES;

/** `nc NC-7`; `note` is the sentence about what just happened. */
export function ncCard(v: NcView, note?: string): CardJson {
  const effective = v.effective === null ? 'not verified' : v.effective ? `effective (${v.verifiedBy ?? ''}, ${v.verifiedOn ?? ''})` : `not effective (${v.verifiedBy ?? ''}, ${v.verifiedOn ?? ''}): reopened`;
  const body: CardJson[] = [
    heading(`Nonconformity ${v.ref}`),
    ...(note ? [textBlock(note, { isSubtle: true })] : []),
    textBlock(v.description),
    facts([
      ['Stage', v.statusLabel],
      ['Severity', v.severity],
      ['Source', v.source],
      ['System', v.system ? `${v.system.ref} ${v.system.name}` : null],
      ['Owner', v.owner?.label ?? 'none'],
      ['Raised', v.createdOn],
      ['Containment', v.containment ?? '—'],
      ['Root cause', v.rootCause ?? '— (needed before actions are planned)'],
      ['Effectiveness', `${v.effectivenessDue ? `check due ${v.effectivenessDue}; ` : ''}${effective}`],
      ['Closed', v.closedOn ? `by ${v.closedBy ?? 'someone'} on ${v.closedOn}` : null],
    ]),
  ];
  if (v.actions.length === 0) body.push(textBlock('Corrective actions: none yet'));
  else {
    body.push(textBlock('Corrective actions', { weight: 'Bolder' }));
    for (const a of v.actions) body.push(textBlock(`${a.ref} ${a.title} — ${a.assignee}, due ${a.dueDate}, ${a.status.replace('_', ' ')}`, { spacing: 'None' }));
  }
  const actions = [
    ...(v.can.containment ? [executeAction(v.containment ? 'Update containment' : 'Containment', { action: NC_ACTIONS.containment, ref: v.ref })] : []),
    ...(v.can.rootCause ? [executeAction(v.rootCause ? 'Update root cause' : 'Root cause', { action: NC_ACTIONS.rootCause, ref: v.ref })] : []),
    ...(v.can.addAction ? [executeAction('Add action', { action: NC_ACTIONS.addAction, ref: v.ref }, { style: 'positive' })] : []),
    ...(v.can.verify ? [executeAction('Verify effectiveness', { action: NC_ACTIONS.verify, ref: v.ref }, { style: 'positive' })] : []),
    ...(v.can.close ? [executeAction('Close', { action: NC_ACTIONS.close, ref: v.ref }, { style: 'positive' })] : []),
  ];
  return adaptiveCard(body, actions.length ? { actions } : {});
}

/** The buttons a notice carries: the step it asks for (each checked again when clicked). */
function noticeButtons(kind: string, stage: unknown): Array<[string, string]> {
  if (kind === 'nc.assigned') return [['Containment', NC_ACTIONS.containment], ['Root cause', NC_ACTIONS.rootCause]];
  if (kind === 'nc.verification_due' || stage === 'verification') return [['Verify effectiveness', NC_ACTIONS.verify]];
  if (stage === 'containment') return [['Containment', NC_ACTIONS.containment]];
  if (stage === 'root_cause') return [['Root cause', NC_ACTIONS.rootCause], ['Add action', NC_ACTIONS.addAction]];
  if (stage === 'closure') return [['Close', NC_ACTIONS.close]];
  return [];
}

/** The card of an NC notice (`nc.assigned`, `nc.verification_due`, `nc.reminder`), or null for other kinds. */
export function ncNoticeCard(row: OutboxRow): CardJson | null {
  if (!row.kind.startsWith('nc.')) return null;
  const p = row.payload as { text?: unknown; ref?: unknown; stage?: unknown };
  if (typeof p.text !== 'string' || typeof p.ref !== 'string') return null;
  const ref = p.ref;
  const actions = noticeButtons(row.kind, p.stage).map(([title, action]) => executeAction(title, { action, ref }));
  return adaptiveCard([textBlock(`🔎 ${p.text}`)], actions.length ? { actions } : {});
}

/**
 * The form of `id` (for `ref`); `errors` by field id are shown under their inputs. `key` names
 * the form (`nc.raise`): submitting it twice raises one NC.
 */
export function ncFormCard(id: string, ref: string | null, values: NcFormValues = {}, errors: Record<string, string> = {}, speaker?: { id: string; name: string }, key?: string): CardJson {
  const body: CardJson[] = [heading(ref ? `${TITLES[id]}: ${ref}` : (TITLES[id] ?? 'Nonconformity'))];
  for (const f of NC_FORM_FIELDS[id] ?? []) {
    const base = { id: f.id, label: `${f.label}${f.required ? '' : ' (optional)'}`, value: values[f.id] ?? '' };
    if (f.kind === 'one') body.push({ type: 'Input.ChoiceSet', ...base, style: 'expanded', choices: (f.options ?? []).map((o) => ({ title: o.label, value: o.value })) });
    else if (f.kind === 'person') {
      body.push({
        type: 'Input.ChoiceSet',
        ...base,
        value: String(base.value).replace(/^teams:/, ''),
        choices: speaker ? [{ title: `${speaker.name} (me)`, value: speaker.id }] : [],
        'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
      });
    } else if (f.kind === 'date') body.push({ type: 'Input.Date', ...base });
    else body.push({ type: 'Input.Text', ...base, isMultiline: f.kind === 'text', maxLength: f.kind === 'text' ? flows.NC_TEXT_MAX : flows.NC_TITLE_MAX });
    body.push(textBlock(f.help, { isSubtle: true, size: 'Small', spacing: 'None' }));
    if (errors[f.id]) body.push(errorText(errors[f.id]!));
  }
  return adaptiveCard(body, { actions: [executeAction('Save', { action: id, ...(ref ? { ref } : {}), ...(key ? { key } : {}), submit: true }, { style: 'positive' })] });
}
