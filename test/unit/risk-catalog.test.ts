/** The risk catalog's suggestion rules (v2 and v1 answers), the risk form's validation and the heat map text. */
import { describe, expect, it } from 'vitest';
import { ANNEX_A_CONTROLS } from '../../flows/annex-a';
import { heatMapLines, IMPACT_LEVELS, LIKELIHOOD_LEVELS, parseRiskForm, RISK_CATALOG, RISK_FIELDS, suggestRisks } from '../../flows';
import { highAnswers, highAnswersV1, minimalAnswers } from '../fixtures/answers';

const ids = (a: Parameters<typeof suggestRisks>[0]) => suggestRisks(a).map((e) => e.id);

describe('risk catalog', () => {
  it('has the ten sources of aims.md, each with a description and known Annex A controls', () => {
    expect(RISK_CATALOG.map((e) => e.id)).toEqual([
      'bias_discrimination', 'privacy_data_misuse', 'erroneous_output', 'security_misuse', 'lack_of_transparency',
      'over_reliance', 'safety_harm', 'ip_confidentiality', 'vendor_dependency', 'other',
    ]);
    const known = new Set(ANNEX_A_CONTROLS.map((c) => c.id));
    for (const e of RISK_CATALOG) {
      expect(e.description.length).toBeGreaterThan(20);
      for (const c of e.controls) expect(known.has(c), `${e.id}: ${c}`).toBe(true);
    }
    expect(LIKELIHOOD_LEVELS).toHaveLength(5);
    expect(IMPACT_LEVELS).toHaveLength(5);
  });

  it('suggests from the answers: scoring people, personal data to a vendor that trains, content shared outside, autonomy', () => {
    expect(ids(highAnswers)).toContain('bias_discrimination');
    expect(ids(highAnswersV1)).toContain('bias_discrimination');
    const trains = { ...minimalAnswers, data_categories: ['personal'], vendor_trains_on_inputs: 'yes' };
    expect(ids(trains)).toContain('privacy_data_misuse');
    expect(ids({ ...trains, vendor_trains_on_inputs: 'no' })).not.toContain('privacy_data_misuse');
    const shared = { ...minimalAnswers, synthetic_media: ['published_other'] };
    expect(ids(shared)).toEqual(expect.arrayContaining(['erroneous_output', 'ip_confidentiality']));
    // v1: synthetic_media was one answer, "published".
    expect(ids({ ...highAnswersV1, synthetic_media: 'published' })).toEqual(expect.arrayContaining(['erroneous_output', 'ip_confidentiality']));
    expect(ids({ ...minimalAnswers, decision_role: 'autonomous' })).toContain('over_reliance');
    expect(ids(minimalAnswers)).not.toContain('other');
  });
});

describe('risk form', () => {
  const ok = { source: 'other', description: 'x', likelihood: '3 Possible', impact: '2', treatment: 'mitigate', measures: 'm', controls: 'a.6.2.4, x-2', due_date: '2027-01-01' };
  it('keeps the field ids of aims.md', () => {
    expect(RISK_FIELDS.map((f) => f.id)).toEqual(['source', 'description', 'likelihood', 'impact', 'treatment', 'controls', 'measures', 'treatment_owner', 'due_date', 'residual_likelihood', 'residual_impact']);
  });
  it('parses good answers and names each bad one', () => {
    expect(parseRiskForm(ok, '2026-12-01')).toMatchObject({ likelihood: 3, impact: 2, controls: ['A.6.2.4', 'X-2'], treatmentOwner: null });
    const bad = parseRiskForm({ ...ok, source: 'nope', due_date: '2026-11-30', treatment_owner: 'Bob Smith', residual_likelihood: '4', residual_impact: '4' }, '2026-12-01');
    expect(Array.isArray(bad) && bad.map((e) => e.field).sort()).toEqual(['due_date', 'residual_impact', 'source', 'treatment_owner']);
    // Control characters and bidirectional controls are cleaned out of free text, not kept.
    expect(parseRiskForm({ ...ok, description: 'a\u0007\u202Eb' }, '2026-12-01')).toMatchObject({ description: 'ab' });
  });
});

describe('heat map', () => {
  it('prints impact 5 at the top and likelihood 1–5 left to right', () => {
    const heat = Array.from({ length: 5 }, () => [0, 0, 0, 0, 0]);
    heat[4]![0] = 2;
    heat[0]![4] = 11;
    const lines = heatMapLines(heat);
    expect(lines[1]).toBe('  5 |  2  .  .  .  .');
    expect(lines[5]).toBe('  1 |  .  .  .  . 11');
  });
});
