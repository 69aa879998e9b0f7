/** Adaptive Cards for the control register, the `control.edit` form and the SoA (aims.md). */
import type { ControlEntry, ControlsPage, EditableControl, SoaDocument } from '../../../flows';
import { CONTROL_EDIT_FIELDS, CONTROL_STATUS_LABEL } from '../../../flows';
import type { CardJson } from '../card-kit';
import { adaptiveCard, executeAction, facts, heading, markdown, textBlock } from '../card-kit';

/** One control as card text: user text escaped by the markdown tag. */
function controlText(e: ControlEntry) {
  const flag = e.justification_needed ? markdown` · **justification needed**` : markdown``;
  const owner = e.owner ? markdown` · owner ${e.owner}` : markdown``;
  return markdown`**${e.control}** ${e.title} — ${e.applicable ? 'applicable' : 'not applicable'} · ${CONTROL_STATUS_LABEL[e.status]}${owner}${flag}`;
}

/** A page of the register, each control with its Edit button. */
export function controlsCard(p: ControlsPage): CardJson {
  const c = p.counts;
  const body: CardJson[] = [
    heading('Control register'),
    facts([
      ['Controls', String(c.controls)],
      ['Applicable', String(c.applicable)],
      ['Implemented', String(c.implemented)],
      ['Justification needed', String(c.justificationNeeded)],
      ['Shown', `${p.filter}: ${p.total}, page ${p.page} of ${p.pages}`],
    ]),
  ];
  for (const e of p.entries) {
    const items: CardJson[] = [textBlock(controlText(e))];
    if (e.justification) items.push(textBlock(e.justification, { isSubtle: true, size: 'Small', spacing: 'None' }));
    if (e.planned_systems.length) items.push(textBlock(`Planned: ${e.planned_systems.map((s) => `${s.ref} ${s.name}`).join(', ')}`, { isSubtle: true, size: 'Small', spacing: 'None' }));
    items.push({ type: 'ActionSet', actions: [executeAction('Edit', { action: 'control.edit', control: e.control })] });
    body.push({ type: 'Container', separator: true, items });
  }
  if (!p.entries.length) body.push(textBlock('No control matches.'));
  if (p.page < p.pages) body.push(textBlock(`Next page: controls ${p.filter === 'all' ? '' : `${p.filter} `}${p.page + 1}`, { isSubtle: true }));
  return adaptiveCard(body);
}

/** The `control.edit` form, prefilled; `errors` by field id. */
export function controlEditCard(found: EditableControl, speaker: { id: string; name: string }, errors: Record<string, string> = {}): CardJson {
  const { entry, current } = found;
  const body: CardJson[] = [heading(`Edit ${entry.control}`), textBlock(controlText(entry))];
  if (entry.justification) body.push(textBlock(entry.justification, { isSubtle: true, size: 'Small' }));
  for (const f of CONTROL_EDIT_FIELDS) {
    const base = { id: f.id, label: f.label, isRequired: !f.optional };
    if (f.kind === 'choice') {
      const value = f.id === 'status' ? current.status : current.applicable;
      body.push({ type: 'Input.ChoiceSet', ...base, style: 'compact', value, choices: (f.choices ?? []).map((c) => ({ title: c.label, value: c.value })) });
    } else if (f.kind === 'person') {
      const value = current.owner?.startsWith('teams:') ? current.owner.slice(6) : (current.owner ?? '');
      body.push({
        type: 'Input.ChoiceSet',
        ...base,
        value,
        choices: [{ title: `${speaker.name} (me)`, value: speaker.id }],
        'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
      });
    } else {
      const value = f.id === 'evidence' ? current.evidence.join('\n') : (current.justification ?? '');
      body.push({ type: 'Input.Text', ...base, isMultiline: true, maxLength: f.id === 'evidence' ? 3000 : 2000, value, placeholder: f.hint });
    }
    const error = errors[f.id];
    if (error) body.push(textBlock(error, { color: 'Attention', spacing: 'None', size: 'Small' }));
  }
  return adaptiveCard(body, { actions: [executeAction('Save', { action: 'control.edit', control: entry.control, save: true })] });
}

/** The SoA card: counts, the state against the last version, the download link and the Approve button. */
export function soaCard(draft: SoaDocument, latest: SoaDocument | null, link: string | null): CardJson {
  const c = draft.snapshot.controls;
  const same = latest?.hash === draft.hash;
  const body: CardJson[] = [
    heading('Statement of Applicability'),
    facts([
      ['Organisation', draft.snapshot.organisation],
      ['AIMS scope', draft.snapshot.aims_scope ?? 'not stated'],
      ['Applicable', `${c.filter((e) => e.applicable).length} of ${c.length} controls`],
      ['Justification needed', String(c.filter((e) => e.justification_needed).length)],
      ['Approved', latest ? (same ? `unchanged since ${latest.version} (${latest.approved_by ?? ''}, ${latest.approved_at?.slice(0, 10)})` : `changed since ${latest.version}`) : 'no version yet'],
      ['SHA-256', draft.hash],
    ]),
  ];
  if (!link) body.push(textBlock('No download link: the operator has not set AIMS_PUBLIC_URL. `aimsbot export soa --draft --format md` writes the file.', { isSubtle: true }));
  const actions: CardJson[] = [];
  if (link) actions.push({ type: 'Action.OpenUrl', title: 'Download (Markdown)', url: link });
  if (!same) actions.push(executeAction('Approve this version', { action: 'soa.approve', hash: draft.hash }, { style: 'positive' }));
  return adaptiveCard(body, { actions });
}
