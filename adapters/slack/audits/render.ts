/**
 * Internal audits in Block Kit: the `audit.plan` and `finding.record` modals rendered from the
 * flows' field lists (block and action ids are the field ids), and `audit <id>` with its scope,
 * sample, evidence requests, findings and the Record a finding button. User text goes through
 * `esc`; at most 50 blocks.
 */
import type { types } from '@slack/bolt';
import type { AuditField, AuditView } from '../../../flows';
import { AUDIT_PLAN_FIELDS, FINDING_FIELDS, FINDING_KIND_LABEL, RISK_CLASS_LABEL } from '../../../flows';
import type { Block } from '../blocks';
import { button, context, header, limitBlocks, LIMITS, plain, section, sectionsOf } from '../blocks';
import { clip, esc } from '../mrkdwn';
import type { SlackMessage } from '../render-request';

/** The form and button ids of aims.md. */
export const AUDIT_IDS = { plan: 'audit.plan', finding: 'finding.record' } as const;

const option = (value: string, label: string): types.PlainTextOption => ({ text: plain(label, LIMITS.optionText), value: clip(value, 150) });

function element(f: AuditField, options?: ReadonlyArray<{ value: string; label: string }>): types.InputBlockElement {
  const base = { action_id: f.id };
  const opts = (options ?? f.options ?? []).slice(0, LIMITS.options).map((o) => option(o.value, o.label));
  switch (f.kind) {
    case 'number':
      return { ...base, type: 'number_input', is_decimal_allowed: false, min_value: '0' };
    case 'date':
      return { ...base, type: 'datepicker' };
    case 'people':
      return { ...base, type: 'multi_users_select', max_selected_items: 10 };
    case 'one':
      // With nothing to pick from (an audit with no scope or sample), the subject is typed.
      return opts.length ? { ...base, type: 'static_select', options: opts } : { ...base, type: 'plain_text_input', max_length: 40 };
    case 'many':
      return { ...base, type: 'multi_static_select', options: opts };
    case 'line':
    case 'text':
      return { ...base, type: 'plain_text_input', multiline: f.kind === 'text', max_length: f.kind === 'text' ? 2000 : 500 };
  }
}

function inputs(fields: readonly AuditField[], options: Record<string, ReadonlyArray<{ value: string; label: string }>> = {}): Block[] {
  return fields.map(
    (f) =>
      ({
        type: 'input',
        block_id: f.id,
        optional: !f.required,
        label: plain(f.label, LIMITS.label),
        hint: plain(f.help, LIMITS.hint),
        element: element(f, options[f.id]),
      }) as Block,
  );
}

/** The `audit.plan` modal; `meta` (the form token and where to answer) rides in private_metadata. */
export function auditPlanModal(meta: { token: string; channel?: string | undefined }): types.ModalView {
  return {
    type: 'modal',
    callback_id: AUDIT_IDS.plan,
    title: plain('Plan an internal audit', LIMITS.modalTitle),
    submit: plain('Plan', LIMITS.submitText),
    close: plain('Cancel', LIMITS.submitText),
    private_metadata: JSON.stringify(meta),
    blocks: [section('The sample is drawn from the approved systems: high-risk first, then limited, then minimal, with a stored seed. Owners of sampled systems are asked for evidence.'), ...inputs(AUDIT_PLAN_FIELDS)],
  };
}

/** The `finding.record` modal of one audit. */
export function findingModal(meta: { audit: string; token: string; channel?: string | undefined }, subjects: ReadonlyArray<{ value: string; label: string }>, title: string): types.ModalView {
  return {
    type: 'modal',
    callback_id: AUDIT_IDS.finding,
    title: plain(`Finding of ${meta.audit}`, LIMITS.modalTitle),
    submit: plain('Record', LIMITS.submitText),
    close: plain('Cancel', LIMITS.submitText),
    private_metadata: JSON.stringify(meta),
    blocks: [section(`*${esc(meta.audit)}* ${esc(title)}`), ...inputs(FINDING_FIELDS, { subject: subjects })],
  };
}

const classLabel = (c: string | null) => (c && c in RISK_CLASS_LABEL ? RISK_CLASS_LABEL[c as keyof typeof RISK_CLASS_LABEL] : 'not classified');

/** `/aims audit <id>`. */
export function renderAudit(v: AuditView): SlackMessage {
  const title = `Internal audit ${v.ref}`;
  const criteria = [...v.criteria.clauses.map((c) => `clause ${c.id} ${c.title}`), ...v.criteria.controls.map((c) => `${c.id} ${c.title}`)];
  const head: Block[] = [
    header(title),
    section(
      `*${esc(v.title)}* · _${v.status}_ · on ${v.plannedFor}\n` +
        `Auditors: ${esc(v.auditors.join(', ') || '—')}\n` +
        `Criteria: ${esc(criteria.join('; ') || 'the whole AI management system')}\n` +
        `Sample (seed \`${esc(v.sampleSeed)}\`): up to ${v.sampleSizes.high} high, ${v.sampleSizes.limited} limited, ${v.sampleSizes.minimal} minimal`,
    ),
  ];
  const sample = v.sample.map(
    (s) =>
      `• *${esc(s.ref)}* ${esc(s.name)} · ${classLabel(s.riskClass)} · owner ${esc(s.owner)}` +
      (s.request ? ` · evidence ${s.request.ref} _${s.request.status}_${s.request.evidence ? `: ${esc(s.request.evidence)}` : ` (due ${s.request.dueDate})`}` : ''),
  );
  const findings = v.findings.map((f) => `• *${esc(f.ref)}* ${FINDING_KIND_LABEL[f.kind]} · ${esc(f.subject)}: ${esc(f.text)}${f.nc ? ` → ${f.nc.ref} (${f.nc.status})` : ''}`);
  const body: Block[] = [
    ...sectionsOf([`*Sample* (${v.sample.length})`, ...(sample.length ? sample : ['No systems were sampled.'])]),
    ...sectionsOf([`*Findings* (${v.findings.length})`, ...(findings.length ? findings : ['None recorded yet.'])]),
  ];
  const tail: Block[] = v.conclusion ? [context(esc(v.conclusion))] : [];
  if (v.canRecordFinding) tail.push({ type: 'actions', block_id: 'audit', elements: [button('Record a finding', AUDIT_IDS.finding, v.ref, 'primary')] });
  return { text: `${title}: ${esc(v.title)}`, blocks: [...head, ...limitBlocks(body, LIMITS.messageBlocks - head.length - tail.length), ...tail] };
}
