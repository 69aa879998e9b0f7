/**
 * Every audit view rendered with hostile text in every field a person typed (titles, names,
 * findings, evidence): Slack mrkdwn, Teams cards and the Markdown report stay inert, and the
 * forms render their field ids.
 */
import { describe, expect, it } from 'vitest';
import type { AuditView } from '../../flows';
import * as flows from '../../flows';
import { auditPlanModal, findingModal, renderAudit } from '../../adapters/slack/audits';
import { auditCard, auditPlanCard, findingCard, reportCard } from '../../adapters/teams/audits';
import { HOSTILE, HOSTILE_TEXT, LONG_LINK, cardHazards, markdownHazards, slackHazards } from '../helpers/hostile-text';

const view: AuditView = {
  kind: 'audit',
  id: 1,
  ref: 'IA-2026-1',
  title: HOSTILE,
  status: 'fieldwork',
  plannedFor: '2026-12-15',
  criteria: { clauses: [{ id: '9.2', title: 'Internal audit' }], controls: [{ id: 'X-1', title: HOSTILE }] },
  auditors: [HOSTILE, 'Dana'],
  sampleSizes: { high: 1, limited: 0, minimal: 0 },
  sampleSeed: '0123456789abcdef0123456789abcdef',
  sample: [{ ref: 'AI-1', name: HOSTILE, riskClass: 'high', owner: HOSTILE, request: { ref: 'T-1', status: 'done', dueDate: '2026-12-14', evidence: LONG_LINK } }],
  findings: [
    { ref: 'IA-2026-1/F-1', subjectType: 'system', subject: 'AI-1', kind: 'minor_nc', text: HOSTILE_TEXT, evidence: HOSTILE_TEXT, recordedBy: HOSTILE, recordedAt: new Date('2026-12-10T10:00:00Z'), nc: { ref: 'NC-1', status: 'open', severity: 'minor' } },
    { ref: 'IA-2026-1/F-2', subjectType: 'clause', subject: '9.2', kind: 'ofi', text: HOSTILE, evidence: null, recordedBy: null, recordedAt: new Date('2026-12-10T11:00:00Z'), nc: null },
  ],
  conclusion: null,
  reportedAt: null,
  canRecordFinding: true,
};

describe('audit views with hostile text', () => {
  it('Slack: the audit message and the modals', () => {
    const message = renderAudit(view);
    expect(slackHazards(message, /^$/)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain('"action_id":"finding.record"');
    expect((message.blocks ?? []).length).toBeLessThanOrEqual(50);
    const plan = auditPlanModal({ token: 'tok-12345678' });
    expect(plan.callback_id).toBe('audit.plan');
    expect(plan.blocks.filter((b) => b.type === 'input').map((b) => (b as { block_id?: string }).block_id)).toEqual(flows.AUDIT_PLAN_FIELDS.map((f) => f.id));
    const finding = findingModal({ audit: 'IA-2026-1', token: 'tok-12345678' }, [{ value: 'AI-1', label: `AI-1 ${HOSTILE}` }], HOSTILE);
    expect(slackHazards({ blocks: finding.blocks }, /^$/)).toEqual([]);
  });

  it('Teams: the audit card, the forms and the report card', () => {
    expect(cardHazards(auditCard(view))).toEqual([]);
    expect(cardHazards(auditPlanCard('tok', { title: HOSTILE }, { title: HOSTILE }))).toEqual([]);
    expect(cardHazards(findingCard('IA-2026-1', HOSTILE, 'tok', [{ value: 'AI-1', label: HOSTILE }], { text: HOSTILE_TEXT }))).toEqual([]);
    const markdown = flows.auditReportMarkdown(view, { organisation: HOSTILE, timezone: 'UTC' });
    expect(cardHazards(reportCard({ kind: 'report', auditId: 1, ref: view.ref, markdown, filename: 'audit-report-IA-2026-1.md', reported: true, findings: 2 }))).toEqual([]);
  });

  it('Markdown: the report', () => {
    const markdown = flows.auditReportMarkdown(view, { organisation: HOSTILE, timezone: 'UTC' });
    expect(markdownHazards(markdown)).toEqual([]);
    expect(markdown).toContain('### Minor nonconformity (1)');
    expect(markdown).toContain('### Opportunity for improvement (1)');
    expect(markdown).toContain('| NC-1 | IA-2026-1/F-1 | minor | open |');
  });
});
