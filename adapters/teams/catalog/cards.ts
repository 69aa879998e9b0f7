/** Teams cards of the catalog offer, the registration pre-filled from the catalog, and the edit form. */
import type { CatalogEntry, RegistrationPrefill, SystemView } from '../../../flows';
import * as flows from '../../../flows';
import type { FieldError } from '../../../flows/triage/types';
import type { CardJson } from '../card-kit';
import { adaptiveCard, errorText, executeAction, heading, textBlock, words } from '../card-kit';
import { formCard } from '../form-cards';

/** Card action of the button that registers a discovered or catalog tool (spec/aims.md). */
export const DISCOVERY_REGISTER = 'discovery.register';
/** Card action that saves the edit form. */
export const SYSTEM_EDIT = 'system.edit';

/** `check` of a catalog tool nobody registered: "<Tool> (vendor) is not registered yet — register it?" with the button. */
export function catalogOfferCard(entry: CatalogEntry, suggestions: SystemView[]): CardJson {
  const body = [
    textBlock(`${entry.name} (${entry.vendor}) is not registered yet — register it? Its details and what the catalog knows are filled in for you to check.`),
  ];
  if (suggestions.length) body.push(textBlock(`Registered tools with a similar name: ${suggestions.map((s) => `${s.ref} ${s.name}`).join(', ')}`));
  return adaptiveCard(body, { actions: [executeAction(`Register ${entry.name}`.slice(0, 60), { action: DISCOVERY_REGISTER, tool: entry.id }, { style: 'positive' })] });
}

/** The first registration page, pre-filled; the owner defaults to the speaker. */
export function prefilledRegistrationCard(prefill: RegistrationPrefill | undefined, speaker: { id: string; name: string }): CardJson {
  const card = formCard(
    { flow: 'register', page: 1, fields: { ...(prefill?.fields ?? {}) }, answers: {}, ...(prefill?.catalogId ? { catalogId: prefill.catalogId } : {}) },
    { speaker },
  );
  if (!prefill?.catalogId) return card;
  const t = prefill.trainsOnInputs;
  const notes = [
    textBlock(`Filled in from the AI tool catalog (version ${prefill.catalogVersion ?? '?'}): check every field and answer, and change what is not right for your use.`, { isSubtle: true }),
    ...(t ? [textBlock(`Training on inputs, as the vendor states it: consumer plans ${words(t.consumer)}, business plans ${words(t.business)} (checked ${t.checkedAt}).`, { isSubtle: true })] : []),
    ...(prefill.note ? [textBlock(prefill.note, { isSubtle: true })] : []),
  ];
  const body = card.body as CardJson[];
  return { ...card, body: [body[0]!, ...notes, ...body.slice(1)] };
}

/** The edit form of a system: its current values, or the values typed with their errors. */
export function editCard(system: SystemView, values?: Record<string, string>, errors: FieldError[] = []): CardJson {
  const current: Record<string, string> = values ?? flows.editValues(system);
  const body: CardJson[] = [
    heading(`Edit ${system.ref}`),
    textBlock(`Change its details. The triage answers stay as they are; type review ${system.ref} to answer them again.`, { isSubtle: true }),
  ];
  for (const q of flows.EDIT_FIELDS) {
    const value = current[q.id] ?? '';
    const multiline = (q.maxLength ?? 0) > 200;
    body.push({
      type: 'Input.Text',
      id: q.id,
      label: `${q.label}${q.required ? '' : ' (optional)'}`,
      isRequired: q.required,
      ...(q.required ? { errorMessage: `${q.label} is required.` } : {}),
      value,
      ...(q.kind === 'url' ? { style: 'Url' } : { maxLength: q.maxLength, isMultiline: multiline }),
    });
    for (const e of errors.filter((x) => x.field === q.id)) body.push(errorText(`${q.label}: ${e.message}`));
  }
  return adaptiveCard(body, { actions: [executeAction('Save', { action: SYSTEM_EDIT, ref: system.ref }, { style: 'positive' }), executeAction('Cancel', { action: 'form.cancel' }, { associatedInputs: 'none' })] });
}
