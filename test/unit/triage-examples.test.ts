import { describe, expect, it } from 'vitest';
import { classifyV1 as classify } from '../../flows/triage/classify';
import { cvScreening, internalAssistant, obligationIds, run, supportChatbot } from '../helpers/triage-answers';

describe('triage.md §5 examples', () => {
  it('1. vendor chat assistant for internal drafting is minimal', () => {
    const c = run(internalAssistant);
    expect(c.riskClass).toBe('minimal');
    expect(c.inScope).toBe(true);
    expect(c.aiActRoles).toEqual(['deployer']);
    expect(c.isoRoles).toEqual(['user']);
    expect(c.approvers).toEqual(['owner']);
    expect(c.reviewIntervalDays).toBe(365);
    expect(obligationIds(c)).toEqual(['ai_literacy']);
    expect(c.obligations).toEqual([{ id: 'ai_literacy', ref: 'Art. 4' }]);
    expect(c.warnings).toEqual([]);
  });

  it('2. CV-screening product bought for that purpose is high-risk for its deployer', () => {
    const c = run(cvScreening);
    expect(c.riskClass).toBe('high');
    expect(c.aiActRoles).toEqual(['deployer']);
    expect(c.isoRoles).toEqual(['user']);
    expect(c.approvers).toEqual(['owner', 'compliance', 'privacy']);
    expect(c.reviewIntervalDays).toBe(90);
    expect(obligationIds(c)).toEqual(expect.arrayContaining(['deployer_high_risk', 'inform_affected_persons', 'dpia']));
    expect(obligationIds(c)).toEqual(['ai_literacy', 'deployer_high_risk', 'inform_affected_persons', 'dpia']);
    expect(c.rationale).toContainEqual({ rule: 'H', ref: 'Annex III 4(a)', because: 'used for recruitment' });
  });

  it('3. customer-support chatbot on a customised vendor model is limited', () => {
    const c = run(supportChatbot);
    expect(c.riskClass).toBe('limited');
    expect(c.aiActRoles).toEqual(['deployer']);
    expect(c.isoRoles).toEqual(['producer', 'user']);
    expect(obligationIds(c)).toContain('disclose_ai_interaction');
    expect(c.obligations).toContainEqual({ id: 'disclose_ai_interaction', ref: 'Art. 50(1)' });
    expect(c.reviewIntervalDays).toBe(180);
    expect(c.rationale.filter((r) => r.rule === 'L').map((r) => r.ref)).toEqual(['Art. 50(1)']);
  });

  it('the output has exactly the fields of the output contract (§4)', () => {
    const c = classify(cvScreening);
    expect(Object.keys(c)).toEqual([
      'questionnaireVersion',
      'inScope',
      'riskClass',
      'aiActRoles',
      'isoRoles',
      'approvers',
      'reviewIntervalDays',
      'obligations',
      'controls',
      'rationale',
      'warnings',
    ]);
    expect(c.questionnaireVersion).toBe(1);
  });
});
