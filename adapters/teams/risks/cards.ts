/**
 * Risk cards for Teams: the register (heat map in a monospace block, the list, Edit / Accept per
 * risk where the viewer may, Assess / Add), the one-risk form rendered from the flows' field
 * list (input ids as aims.md), and the notice cards of the prompt and the acceptance request.
 * Every plain string goes through the card kit, which escapes it.
 */
import type { RiskFormValues, RiskRegisterView, RiskView } from '../../../flows';
import { heatMapLines, RISK_CLASS_LABEL, RISK_FIELDS } from '../../../flows';
import type { CardJson } from '../card-kit';
import { adaptiveCard, errorText, executeAction, facts, heading, textBlock } from '../card-kit';

/** The card action ids of aims.md. */
export const RISK_ACTIONS = { assess: 'risk.assess', add: 'risk.add', edit: 'risk.edit', accept: 'risk.accept_residual' } as const;

/** Where an open form is: what it saves, and in an assessment the risks still to come. */
export interface RiskFormMeta {
  mode: 'assess' | 'add' | 'edit';
  /** The system (`AI-3`); for `edit` the risk (`AI-3/R-1`). */
  ref: string;
  queue: Array<{ number: number | null; source: string }>;
  index: number;
}

function riskLine(r: RiskView): string {
  const residual = r.residualScore !== null ? ` → residual ${r.residualLikelihood}×${r.residualImpact} = ${r.residualScore}` : '';
  const accepted = r.status === 'accepted' && r.acceptedBy ? ` by ${r.acceptedBy}` : '';
  const flag = r.aboveThreshold && !['accepted', 'treated', 'closed'].includes(r.status) ? ' ⚠' : '';
  return (
    `${r.ref} ${r.sourceLabel} (${r.status}${accepted})${flag}: ${r.description}\n` +
    `Score ${r.likelihood}×${r.impact} = ${r.score}${residual}; ${r.treatment}` +
    (r.treatmentOwner ? ` by ${r.treatmentOwner}` : '') +
    (r.dueDate ? `, due ${r.dueDate}` : '') +
    (r.task ? `, task ${r.task.ref} (${r.task.status})` : '') +
    (r.controls.length ? `\nControls ${r.controls.join(', ')}` : '') +
    (r.measures ? `; measures: ${r.measures}` : '')
  );
}

/** `risks <ref>`. */
export function registerCard(v: RiskRegisterView): CardJson {
  const s = v.system;
  const body: CardJson[] = [
    heading(`Risk register of ${s.ref}`),
    facts([
      ['Tool', s.name],
      ['Class', s.riskClass ? RISK_CLASS_LABEL[s.riskClass] : 'not classified'],
      ['Owner', s.owner],
    ]),
  ];
  if (v.risks.length === 0) body.push(textBlock('No risks assessed yet.'));
  else body.push(textBlock(heatMapLines(v.heat).join('\n'), { fontType: 'Monospace' }));
  if (v.untreated > 0) body.push(textBlock(`⚠ ${v.untreated} untreated risk${v.untreated === 1 ? '' : 's'} at or above ${v.acceptBelow}`, { color: 'Attention' }));
  // Cards hold about 28 KB: the list stops at 30 risks (the export has them all).
  for (const r of v.risks.slice(0, 30)) {
    body.push(textBlock(riskLine(r), { separator: true }));
    const actions = [
      ...(r.canEdit ? [executeAction('Edit', { action: RISK_ACTIONS.edit, ref: r.ref })] : []),
      ...(r.canAccept ? [executeAction('Accept residual risk', { action: RISK_ACTIONS.accept, ref: r.ref }, { style: 'positive' })] : []),
    ];
    if (actions.length) body.push({ type: 'ActionSet', actions });
  }
  if (v.risks.length > 30) body.push(textBlock(`…and ${v.risks.length - 30} more; export risks has them all.`));
  body.push(textBlock(`Residual scores below ${v.acceptBelow} may be accepted by the owner; at or above, only by ${v.acceptAboveBy}.`, { isSubtle: true, size: 'Small' }));
  return adaptiveCard(body, {
    actions: v.canAssess
      ? [executeAction('Assess the risks', { action: RISK_ACTIONS.assess, ref: s.ref }, { style: 'positive' }), executeAction('Add a risk', { action: RISK_ACTIONS.add, ref: s.ref })]
      : [],
  });
}

function first(v: RiskFormValues[string]): string {
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

/** The form of one risk; `errors` by field id are shown under their inputs. */
export function riskFormCard(meta: RiskFormMeta, title: string, intro: string, values: RiskFormValues, errors: Record<string, string> = {}, speaker?: { id: string; name: string }): CardJson {
  const body: CardJson[] = [heading(title), textBlock(intro)];
  const assess = meta.mode === 'assess';
  if (assess) {
    body.push({
      type: 'Input.ChoiceSet',
      id: 'keep',
      label: 'Keep or drop',
      style: 'expanded',
      value: first(values['keep']) || 'keep',
      choices: [
        { title: 'Keep: this is a risk of this system', value: 'keep' },
        { title: 'Drop it', value: 'drop' },
      ],
    });
  }
  for (const f of RISK_FIELDS) {
    const base = { id: f.id, label: `${f.label}${f.required ? '' : ' (optional)'}`, value: first(values[f.id]) };
    const choices = (f.options ?? []).map((o) => ({ title: o.label, value: o.value }));
    if (f.kind === 'one') body.push({ type: 'Input.ChoiceSet', ...base, style: 'compact', choices });
    else if (f.kind === 'many') body.push({ type: 'Input.ChoiceSet', ...base, isMultiSelect: true, style: 'compact', choices });
    else if (f.kind === 'person') {
      const aad = base.value.replace(/^teams:/, '');
      body.push({
        type: 'Input.ChoiceSet',
        ...base,
        value: aad,
        choices: speaker ? [{ title: `${speaker.name} (me)`, value: speaker.id }] : [],
        'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
      });
    } else if (f.kind === 'date') body.push({ type: 'Input.Date', ...base });
    else body.push({ type: 'Input.Text', ...base, isMultiline: f.kind === 'text', maxLength: 1500 });
    body.push(textBlock(f.help, { isSubtle: true, size: 'Small', spacing: 'None' }));
    if (errors[f.id]) body.push(errorText(errors[f.id]!));
  }
  const last = !assess || meta.index >= meta.queue.length - 1;
  return adaptiveCard(body, {
    actions: [executeAction(last ? 'Save' : 'Save and next', { action: RISK_ACTIONS[meta.mode], submit: true, ref: meta.ref, queue: meta.queue, index: meta.index })],
  });
}

/** The card of a risk notification: its text and the one button it carries. */
export function noticeCard(kind: string, text: string, value: string): CardJson {
  const prompt = kind === 'risk.assess_prompt';
  return adaptiveCard([textBlock(`${prompt ? '📋' : '⚖️'} ${text}`, { weight: 'Bolder' })], {
    actions: [
      prompt
        ? executeAction('Assess the risks', { action: RISK_ACTIONS.assess, ref: value }, { style: 'positive' })
        : executeAction('Accept residual risk', { action: RISK_ACTIONS.accept, ref: value }, { style: 'positive' }),
    ],
  });
}
