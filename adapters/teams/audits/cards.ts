/**
 * Internal audit cards for Teams: the `audit.plan` and `finding.record` forms rendered from the
 * flows' field lists (input ids are the field ids, `data.action` the form id), `audit <id>` with
 * its sample, evidence requests, findings and the Record a finding button, and the report as
 * text. Every plain string goes through the card kit, which escapes it.
 */
import type { AuditField, AuditFormValues, AuditReport, AuditView } from '../../../flows';
import { AUDIT_PLAN_FIELDS, FINDING_FIELDS, FINDING_KIND_LABEL, RISK_CLASS_LABEL } from '../../../flows';
import type { CardJson } from '../card-kit';
import { adaptiveCard, errorText, executeAction, facts, heading, textBlock } from '../card-kit';

/** The form and button ids of aims.md. */
export const AUDIT_ACTIONS = { plan: 'audit.plan', finding: 'finding.record' } as const;

const first = (v: AuditFormValues[string]): string => (Array.isArray(v) ? v.join(',') : (v ?? ''));

function input(f: AuditField, value: string, speaker: { id: string; name: string } | undefined, options?: ReadonlyArray<{ value: string; label: string }>): CardJson {
  const base = { id: f.id, label: `${f.label}${f.required ? '' : ' (optional)'}`, value, isRequired: false };
  switch (f.kind) {
    case 'number':
      return { type: 'Input.Number', ...base, min: 0 };
    case 'date':
      return { type: 'Input.Date', ...base };
    case 'people':
      return {
        type: 'Input.ChoiceSet',
        ...base,
        value: value.replace(/teams:/g, ''),
        isMultiSelect: true,
        choices: speaker ? [{ title: `${speaker.name} (me)`, value: speaker.id }] : [],
        'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
      };
    case 'one': {
      const choices = (options ?? f.options ?? []).map((o) => ({ title: o.label, value: o.value }));
      return choices.length ? { type: 'Input.ChoiceSet', ...base, style: 'compact', choices } : { type: 'Input.Text', ...base, maxLength: 40 };
    }
    case 'many':
      return { type: 'Input.ChoiceSet', ...base, isMultiSelect: true, style: 'compact', choices: (f.options ?? []).map((o) => ({ title: o.label, value: o.value })) };
    case 'line':
    case 'text':
      return { type: 'Input.Text', ...base, isMultiline: f.kind === 'text', maxLength: f.kind === 'text' ? 2000 : 500 };
  }
}

function inputs(fields: readonly AuditField[], values: AuditFormValues, errors: Record<string, string>, speaker?: { id: string; name: string }, options: Record<string, ReadonlyArray<{ value: string; label: string }>> = {}): CardJson[] {
  const body: CardJson[] = [];
  for (const f of fields) {
    body.push(input(f, first(values[f.id]), speaker, options[f.id]));
    body.push(textBlock(f.help, { isSubtle: true, size: 'Small', spacing: 'None' }));
    if (errors[f.id]) body.push(errorText(errors[f.id]!));
  }
  return body;
}

/** The `audit.plan` form; `token` identifies this form, so a second Plan click plans nothing twice. */
export function auditPlanCard(token: string, values: AuditFormValues = {}, errors: Record<string, string> = {}, speaker?: { id: string; name: string }): CardJson {
  return adaptiveCard(
    [
      heading('Plan an internal audit'),
      textBlock('The sample is drawn from the approved systems: high-risk first, then limited, then minimal, with a stored seed. Owners of sampled systems are asked for evidence.'),
      ...inputs(AUDIT_PLAN_FIELDS, values, errors, speaker),
    ],
    { actions: [executeAction('Plan', { action: AUDIT_ACTIONS.plan, token, submit: true }, { style: 'positive' })] },
  );
}

/** The `finding.record` form of one audit. */
export function findingCard(audit: string, title: string, token: string, subjects: ReadonlyArray<{ value: string; label: string }>, values: AuditFormValues = {}, errors: Record<string, string> = {}): CardJson {
  return adaptiveCard([heading(`Finding of ${audit}`), textBlock(title), ...inputs(FINDING_FIELDS, values, errors, undefined, { subject: subjects })], {
    actions: [executeAction('Record', { action: AUDIT_ACTIONS.finding, audit, token, submit: true }, { style: 'positive' })],
  });
}

const classLabel = (c: string | null) => (c && c in RISK_CLASS_LABEL ? RISK_CLASS_LABEL[c as keyof typeof RISK_CLASS_LABEL] : 'not classified');

/** `audit <id>`. */
export function auditCard(v: AuditView): CardJson {
  const criteria = [...v.criteria.clauses.map((c) => `clause ${c.id} ${c.title}`), ...v.criteria.controls.map((c) => `${c.id} ${c.title}`)];
  const body: CardJson[] = [
    heading(`Internal audit ${v.ref}`),
    facts([
      ['Title', v.title],
      ['Status', v.status],
      ['Date', v.plannedFor],
      ['Auditors', v.auditors.join(', ')],
      ['Criteria', criteria.join('; ') || 'the whole AI management system'],
      ['Sample seed', v.sampleSeed],
      ['Sizes', `up to ${v.sampleSizes.high} high, ${v.sampleSizes.limited} limited, ${v.sampleSizes.minimal} minimal`],
    ]),
    textBlock(`Sample (${v.sample.length})`, { weight: 'Bolder', separator: true }),
  ];
  if (v.sample.length === 0) body.push(textBlock('No systems were sampled.'));
  for (const s of v.sample.slice(0, 25)) {
    body.push(
      textBlock(
        `${s.ref} ${s.name}: ${classLabel(s.riskClass)}, owner ${s.owner}` +
          (s.request ? `; evidence ${s.request.ref} ${s.request.status}${s.request.evidence ? `: ${s.request.evidence}` : ` (due ${s.request.dueDate})`}` : ''),
      ),
    );
  }
  body.push(textBlock(`Findings (${v.findings.length})`, { weight: 'Bolder', separator: true }));
  if (v.findings.length === 0) body.push(textBlock('None recorded yet.'));
  for (const f of v.findings.slice(0, 25)) body.push(textBlock(`${f.ref} ${FINDING_KIND_LABEL[f.kind]}, ${f.subject}: ${f.text}${f.nc ? ` → ${f.nc.ref} (${f.nc.status})` : ''}`));
  if (v.conclusion) body.push(textBlock(v.conclusion, { isSubtle: true }));
  return adaptiveCard(body, { actions: v.canRecordFinding ? [executeAction('Record a finding', { action: AUDIT_ACTIONS.finding, audit: v.ref }, { style: 'positive' })] : [] });
}

/** Characters of the report per text block (card text blocks hold 1,500). */
const CHUNK = 1400;

/** A text file as a card: its name, a line about it, the text in monospace, and its download link when there is one. */
export function fileCard(filename: string, intro: string, content: string, link: string | null = null): CardJson {
  const chunks: string[] = [];
  for (let i = 0; i < content.length && chunks.length < 16; i += CHUNK) chunks.push(content.slice(i, i + CHUNK));
  const cut = content.length > CHUNK * 16;
  return adaptiveCard(
    [
      heading(filename),
      textBlock(`${intro}${cut ? ' It is longer than a card: aimsbot export on the command line writes all of it.' : ''}`),
      ...chunks.map((c) => textBlock(c, { fontType: 'Monospace', size: 'Small', spacing: 'None' })),
    ],
    link ? { actions: [{ type: 'Action.OpenUrl', title: 'Download (Markdown)', url: link }] } : {},
  );
}

/** The report as a card, with its download link (the link works for 15 minutes). */
export function reportCard(r: AuditReport, link: string | null = null): CardJson {
  return fileCard(r.filename, `The report of internal audit ${r.ref}${r.reported ? '; the audit is now reported' : ''}.`, r.markdown, link);
}
