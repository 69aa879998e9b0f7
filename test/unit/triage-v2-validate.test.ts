/** v2 validation errors, warnings, the §5 examples and the output contract (triage.md §11, §12). */
import { describe, expect, it } from 'vitest';
import { classify, classifyInput, classifyVersion } from '../../flows/triage/classify';
import { validateAnswers } from '../../flows/triage/validate';
import { techniqueWarnings } from '../../flows/triage/warnings-v2';
import { askedQuestions, isAsked } from '../../flows/triage/questionnaire';
import { highAnswersV1 } from '../fixtures/answers';
import { assistant, chatbot, cvScreener, idsV2, ruleEngine, runV2, v2, warningIds } from '../helpers/triage-answers-v2';

function errorsOf(input: unknown) {
  const r = validateAnswers(input);
  return r.ok ? [] : r.errors;
}

describe('v2 validation errors', () => {
  it('technique is required and asked first', () => {
    expect(errorsOf(v2(assistant, { technique: undefined }))).toContainEqual({ field: 'technique', message: 'is required; give an answer' });
    expect(askedQuestions({})[0]?.id).toBe('technique');
  });
  it('personal_non_professional needs a vendor product used as supplied or configured', () => {
    const errors = errorsOf(v2(assistant, { ai_act_exclusion: 'personal_non_professional', model_origin: 'trained_in_house', vendor_trains_on_inputs: undefined }));
    expect(errors).toEqual([{ field: 'ai_act_exclusion', message: expect.stringContaining('vendor_as_is or vendor_configured') }]);
  });
  it('personal_non_professional with offered_externally = true is refused', () => {
    const errors = errorsOf(v2(assistant, { ai_act_exclusion: 'personal_non_professional', offered_externally: true }));
    expect(errors).toEqual([{ field: 'ai_act_exclusion', message: expect.stringContaining('offered_externally = true') }]);
  });
  it('research_only with offered_externally = true is refused, naming ai_act_exclusion', () => {
    const errors = errorsOf(v2(assistant, { ai_act_exclusion: 'research_only', offered_externally: true }));
    expect(errors).toEqual([{ field: 'ai_act_exclusion', message: expect.stringContaining('research_only cannot apply') }]);
  });
  it('synthetic_media is a set: none only alone', () => {
    expect(errorsOf(v2(assistant, { synthetic_media: 'internal_only' }))[0]?.field).toBe('synthetic_media');
    expect(errorsOf(v2(assistant, { synthetic_media: ['none', 'deepfake'] }))).toEqual([
      { field: 'synthetic_media', message: '"none" cannot be combined with other values; choose "none" alone or remove it' },
    ]);
  });
  it('v1 values are unknown in v2', () => {
    expect(errorsOf(v2(assistant, { model_origin: 'vendor_customized' }))[0]).toMatchObject({ field: 'model_origin', message: expect.stringContaining('unknown value "vendor_customized"') });
    expect(errorsOf(v2(assistant, { prohibited_practices: ['emotion_recognition_work_or_school'] }))[0]?.field).toBe('prohibited_practices');
    expect(errorsOf(v2(cvScreener, { public_service_provider: true }))).toContainEqual({ field: 'public_service_provider', message: expect.stringContaining('version 1') });
  });
  it('editorial_control only with public_interest_text; emotion questions only with emotion recognition', () => {
    expect(errorsOf(v2(assistant, { editorial_control: true }))[0]?.field).toBe('editorial_control');
    expect(errorsOf(v2(assistant, { synthetic_media: ['public_interest_text'] }))).toContainEqual({ field: 'editorial_control', message: expect.stringContaining('is required') });
    expect(errorsOf(v2(assistant, { emotion_purpose: 'other' }))[0]?.field).toBe('emotion_purpose');
  });
  it('Art. 25 questions only for vendor products that are high-risk; decides_about_people only via Annex III', () => {
    expect(isAsked('substantially_modified', cvScreener)).toBe(true);
    expect(isAsked('substantially_modified', v2(cvScreener, { model_origin: 'built_on_vendor_model' }))).toBe(false);
    expect(isAsked('vendor_intended_purpose', v2(cvScreener, { model_origin: 'trained_in_house' }))).toBe(false);
    expect(isAsked('decides_about_people', cvScreener)).toBe(true);
    expect(isAsked('decides_about_people', v2(assistant, { safety_component: true }))).toBe(false);
    expect(isAsked('public_sector', cvScreener)).toBe(true);
    expect(isAsked('public_sector', assistant)).toBe(false);
  });
  it('scope questions follow rule O, not ai_capabilities', () => {
    expect(isAsked('model_origin', v2(ruleEngine, { technique: 'machine_learning' }))).toBe(true);
    expect(isAsked('model_origin', ruleEngine)).toBe(false);
    expect(isAsked('vendor_trains_on_inputs', { ...assistant, model_origin: 'built_on_vendor_model' })).toBe(true);
  });
});

describe('v2 warnings the user sees before submitting', () => {
  it('technique_unknown and the technique/capability warnings come from page 2 alone', () => {
    expect(techniqueWarnings({ technique: 'unknown', ai_capabilities: ['none'] }).map((w) => w.id)).toEqual(['technique_unknown']);
    expect(techniqueWarnings({ technique: 'rules_by_people', ai_capabilities: ['predicts_or_scores'] }).map((w) => w.id)).toEqual(['confirm_technique']);
    expect(techniqueWarnings({ technique: 'basic_statistics', ai_capabilities: ['generates_content'] }).map((w) => w.id)).toEqual(['technique_capability_disagreement']);
    expect(techniqueWarnings({ technique: 'machine_learning', ai_capabilities: ['generates_content'] })).toEqual([]);
  });
  it('solely_automated_decisions as v1; vendor_training_unknown as v1', () => {
    expect(warningIds(runV2(v2(assistant, { decision_role: 'autonomous', affected_people: ['customers'] })))).toEqual(['solely_automated_decisions']);
    expect(warningIds(runV2(v2(assistant, { vendor_trains_on_inputs: 'unknown' })))).toEqual(['vendor_training_unknown']);
  });
});

describe('triage.md §5 examples under v2 (§12.24)', () => {
  it('1. vendor assistant as supplied: minimal, deployer, owner, 365 days, ai_literacy with date and duty', () => {
    const c = runV2(assistant);
    expect(c).toMatchObject({ riskClass: 'minimal', aiActRoles: ['deployer'], isoRoles: ['user'], approvers: ['owner'], reviewIntervalDays: 365 });
    expect(c.obligations).toEqual([{ id: 'ai_literacy', ref: 'Art. 4', duty: 'organisation', applicableFrom: '2025-02-02' }]);
  });
  it('2. CV-screening product: high, deployer, owner/compliance/privacy, 90 days', () => {
    const c = runV2(cvScreener);
    expect(c).toMatchObject({ riskClass: 'high', aiActRoles: ['deployer'], isoRoles: ['user'], approvers: ['owner', 'compliance', 'privacy'], reviewIntervalDays: 90, highRiskRoutes: ['annex_iii'] });
    expect(idsV2(c)).toEqual(['ai_literacy', 'deployer_high_risk', 'inform_affected_persons', 'explanation_on_request', 'dpia']);
    for (const o of c.obligations) expect(o.duty && o.applicableFrom).toBeTruthy();
  });
  it('3. support chatbot on a vendor model: provider + deployer, limited, disclose_ai_interaction as provider', () => {
    const c = runV2(v2(chatbot, { ai_capabilities: ['conversational_agent'] }));
    expect(c).toMatchObject({ riskClass: 'limited', aiActRoles: ['provider', 'deployer'], isoRoles: ['producer', 'user'], reviewIntervalDays: 180 });
    expect(idsV2(c)).toEqual(['ai_literacy', 'disclose_ai_interaction']);
    expect(c.obligations[1]).toEqual({ id: 'disclose_ai_interaction', ref: 'Art. 50(1)', duty: 'provider', applicableFrom: '2026-08-02' });
    expect(idsV2(runV2(chatbot))).toEqual(['ai_literacy', 'disclose_ai_interaction', 'mark_synthetic_content']);
  });
  it('the v2 output has exactly the fields of the output contract (§11)', () => {
    expect(Object.keys(classify(cvScreener))).toEqual([
      'questionnaireVersion', 'inScope', 'aiActApplies', 'riskClass', 'exclusion', 'highRiskRoutes', 'aiActRoles',
      'isoRoles', 'approvers', 'reviewIntervalDays', 'obligations', 'controls', 'rationale', 'warnings',
    ]);
    expect(classify(cvScreener).questionnaireVersion).toBe(2);
  });
  it('v1 answers still classify with the v1 rules through classifyVersion', () => {
    const r = classifyVersion(1, highAnswersV1);
    expect(r.ok && r.result.questionnaireVersion).toBe(1);
    expect(classifyInput(highAnswersV1).ok).toBe(false);
  });
});
