/**
 * Teams cards of the impact area: the impact card (one multi-line input per question, pre-filled
 * answers saying where they come from), an inventory page with a "Next page" action, the personal
 * compliance dashboard (`home`), and the prompt sent when an assessment falls due. Plain strings
 * are escaped by the card kit; input values are plain text, never read as markdown.
 */
import type { DashboardSection, ImpactForm, InventoryPage, SystemView } from '../../../flows';
import { IMPACT_ANSWER_MAX, SYSTEM_STATUS_LABEL, stripBidi } from '../../../flows';
import { unregisteredToolLine } from '../../../flows';
import type { CardJson } from '../card-kit';
import { adaptiveCard, day, errorText, executeAction, facts, heading, textBlock, words } from '../card-kit';
import { classLabel } from '../render-views';

/** The card actions of the impact area (`data.action`). */
export const IMPACT_CARD_ACTIONS = { submit: 'impact.submit', open: 'impact.open', inventoryPage: 'inventory.page' } as const;

/** The impact card; `errors` (by question id) shown under their inputs, `values` keep what was typed. */
export function impactCard(form: ImpactForm, errors: Record<string, string> = {}, values: Record<string, string> = {}): CardJson {
  const s = form.system;
  const body: CardJson[] = [
    heading(`Impact assessment: ${s.ref} ${s.name}`),
    textBlock(
      `Impact on individuals and groups (ISO/IEC 42001 A.5.4) and on society (A.5.5)` +
        (form.friaApplies ? ', and the fundamental rights impact assessment elements of EU AI Act Art. 27(1)(a)–(f).' : '.') +
        (form.previous ? ` The answers of ${form.previous.ref} are filled in.` : ' Answers triage already gave are filled in; change them as needed.'),
    ),
  ];
  for (const q of form.questions) {
    const pre = form.prefill[q.id];
    const prefix = q.group === 'art27' ? `Art. 27(1)(${q.point})` : q.group;
    const value = values[q.id] ?? pre?.text;
    body.push({
      type: 'Input.Text',
      id: q.id,
      label: `${prefix} ${q.label}`,
      placeholder: q.help,
      isMultiline: true,
      isRequired: true,
      maxLength: IMPACT_ANSWER_MAX,
      errorMessage: `${q.label}: describe it`,
      ...(value ? { value: stripBidi(value).slice(0, IMPACT_ANSWER_MAX) } : {}),
    });
    if (pre) body.push(textBlock(`Pre-filled ${pre.source}.`, { isSubtle: true, size: 'Small', spacing: 'None' }));
    if (errors[q.id]) body.push(errorText(errors[q.id]!));
  }
  return adaptiveCard(body, { actions: [executeAction('Save', { action: IMPACT_CARD_ACTIONS.submit, ref: s.ref }, { style: 'positive' })] });
}

const line = (s: SystemView, tz: string): [string, string] => [
  s.ref,
  `${s.name} — ${SYSTEM_STATUS_LABEL[s.status] ?? words(s.status)}${s.riskClass ? `, ${classLabel(s.riskClass)}` : ''}; owner ${s.owner.name}; next review ${day(s.nextReviewAt, tz)}`,
];

/** One page of the inventory, with "Next page" when there is one. */
export function inventoryCard(p: InventoryPage, tz: string): CardJson {
  const body: CardJson[] = [
    heading(`Inventory${p.filter ? ` (${p.filter})` : ''}`),
    textBlock(`${p.total} tool${p.total === 1 ? '' : 's'} · page ${p.page} of ${p.pages}`, { isSubtle: true }),
  ];
  if (p.systems.length) body.push(facts(p.systems.map((s) => line(s, tz))));
  if (p.unregistered?.length) body.push(...p.unregistered.map((t) => textBlock(`- ${unregisteredToolLine(t, tz)}`, { spacing: 'None' })));
  if (p.note) body.push(textBlock(p.note));
  return adaptiveCard(body, p.next ? { actions: [executeAction('Next page', { action: IMPACT_CARD_ACTIONS.inventoryPage, filter: p.next })] } : {});
}

/** The personal compliance dashboard. */
export function dashboardCard(sections: DashboardSection[]): CardJson {
  const body: CardJson[] = [heading('Compliance dashboard')];
  for (const s of sections) {
    body.push(textBlock(s.title, { weight: 'Bolder', spacing: 'Medium' }));
    if (s.lines.length) body.push(...s.lines.map((l) => textBlock(l, { spacing: 'None' })));
    else body.push(textBlock(s.empty, { isSubtle: true, spacing: 'None' }));
    if (s.more) body.push(textBlock(s.more, { isSubtle: true, size: 'Small', spacing: 'None' }));
  }
  return adaptiveCard(body);
}

/** The owner is asked to assess the impact again (after a re-triage). */
export function impactDueCard(text: string, ref: string): CardJson {
  return adaptiveCard([textBlock(`⚖ ${text}`, { wrap: true })], { actions: [executeAction('Assess impact', { action: IMPACT_CARD_ACTIONS.open, ref })] });
}
