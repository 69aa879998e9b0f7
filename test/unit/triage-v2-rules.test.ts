/** One named test per v2 rule, role, approver and review rule (triage.md §7, §8, §12). */
import { describe, expect, it } from 'vitest';
import type { Answers } from '../../flows/triage/types';
import { assistant, chatbot, cvScreener, highV2, idsV2, ruleEngine, runV2, v2, warningIds } from '../helpers/triage-answers-v2';

/** Emotion recognition at work, for another purpose: prohibited by Art. 5(1)(f). */
const emotion = (changes: Record<string, Answers[string] | undefined> = {}) =>
  v2(assistant, {
    ai_capabilities: ['emotion_recognition'],
    affected_people: ['employees'],
    emotion_purpose: 'other',
    emotion_subjects: ['employees_or_applicants'],
    art6_3_conditions: ['none'],
    profiles_people: false,
    ...changes,
  });
/** The same tool where it is not prohibited: the high-risk questions are answered too. */
const emotionHigh = (changes: Record<string, Answers[string] | undefined> = {}) =>
  emotion({ vendor_intended_purpose: true, substantially_modified: false, decides_about_people: false, ...changes });

describe('rule O — scope by technique (§7, §12.2)', () => {
  it('rules_by_people or basic_statistics with no capability is out of scope', () => {
    const c = runV2(ruleEngine);
    expect(c).toMatchObject({ inScope: false, aiActApplies: false, riskClass: 'out_of_scope', exclusion: null, aiActRoles: [], isoRoles: [] });
    expect(c.approvers).toEqual(['owner']);
    expect(c.reviewIntervalDays).toBe(365);
    expect(c.obligations).toEqual([]);
    expect(c.controls).toEqual([]);
    expect(c.rationale.map((r) => r.rule)).toEqual(['O', 'R']);
    expect(c.warnings).toEqual([]);
    expect(runV2(v2(ruleEngine, { technique: 'basic_statistics' })).riskClass).toBe('out_of_scope');
  });
  it('machine_learning or logic_knowledge_based is AI whatever the capabilities', () => {
    expect(runV2(assistant).inScope).toBe(true);
    expect(runV2(v2(assistant, { technique: 'logic_knowledge_based' })).inScope).toBe(true);
  });
  it('rules or statistics with only rule-engine capabilities stay out of scope, with a warning to confirm', () => {
    for (const cap of ['predicts_or_scores', 'classifies_or_recommends', 'automates_actions']) {
      const c = runV2(v2(ruleEngine, { ai_capabilities: [cap] }));
      expect(c.riskClass).toBe('out_of_scope');
      expect(warningIds(c)).toEqual(['confirm_technique']);
    }
  });
  it('rules or statistics with a capability only AI has are in scope, with a disagreement warning', () => {
    for (const cap of ['generates_content', 'conversational_agent', 'biometric_recognition', 'sentiment_from_text']) {
      const c = runV2(v2(assistant, { technique: 'basic_statistics', ai_capabilities: [cap] }));
      expect(c.inScope).toBe(true);
      expect(warningIds(c)).toContain('technique_capability_disagreement');
      expect(c.rationale[0]).toMatchObject({ rule: 'O', ref: 'Art. 3(1)' });
    }
  });
  it('technique unknown counts as AI, with a warning to find out', () => {
    const c = runV2(v2(assistant, { technique: 'unknown' }));
    expect(c.riskClass).toBe('minimal');
    expect(warningIds(c)).toEqual(['technique_unknown']);
  });
});

describe('rule X — excluded from the AI Act (§7, §12.3, §12.4)', () => {
  it.each([
    ['research_only', 'Art. 2(6); Art. 2(8)'],
    ['military_defence', 'Art. 2(3)'],
    ['personal_non_professional', 'Art. 2(10)'],
  ])('%s makes the class excluded and cites %s', (ground, ref) => {
    const c = runV2(v2(assistant, { ai_act_exclusion: ground }));
    expect(c).toMatchObject({ inScope: true, aiActApplies: false, riskClass: 'excluded', exclusion: ground, highRiskRoutes: [], aiActRoles: [] });
    expect(c.rationale).toContainEqual(expect.objectContaining({ rule: 'X', ref }));
    expect(c.approvers).toEqual(['owner', 'compliance']);
    expect(c.reviewIntervalDays).toBe(365);
    expect(c.obligations).toEqual([]);
  });
  it('excluded systems keep their ISO roles and get the in-scope and origin controls only', () => {
    const c = runV2(v2(chatbot, { ai_act_exclusion: 'research_only', interacts_with_people: 'no' }));
    expect(c.isoRoles).toEqual(['producer', 'user']);
    expect(c.controls).toEqual(['A.2.2', 'A.3.2', 'A.3.3', 'A.4.2', 'A.4.3', 'A.4.4', 'A.5.2', 'A.6.2.4', 'A.6.2.5', 'A.6.2.6', 'A.7.4', 'A.7.5', 'A.9.2', 'A.9.3', 'A.9.4', 'A.10.2', 'A.10.3']);
  });
  it('research_only and military_defence exclude a prohibited practice too, with the counsel warning', () => {
    const selected = runV2(v2(assistant, { ai_act_exclusion: 'military_defence', prohibited_practices: ['social_scoring'] }));
    expect(selected.riskClass).toBe('excluded');
    expect(warningIds(selected)).toContain('exclusion_needs_counsel');
    const derived = runV2(emotion({ ai_act_exclusion: 'research_only' }));
    expect(derived.riskClass).toBe('excluded');
    expect(warningIds(derived)).toContain('exclusion_needs_counsel');
    expect(warningIds(runV2(v2(assistant, { ai_act_exclusion: 'research_only' })))).not.toContain('exclusion_needs_counsel');
  });
  it('personal_non_professional does not lift a prohibition, and then has no AI Act roles', () => {
    const c = runV2(v2(assistant, { ai_act_exclusion: 'personal_non_professional', prohibited_practices: ['manipulation'] }));
    expect(c.riskClass).toBe('prohibited');
    expect(c.exclusion).toBeNull();
    expect(c.aiActRoles).toEqual([]);
    expect(idsV2(c)).toEqual(['stop_use']);
  });
  it('dpia stays for research and defence, not for personal use; defence adds the GDPR warning', () => {
    const special = { data_categories: ['special_category'] };
    expect(idsV2(runV2(v2(assistant, { ...special, ai_act_exclusion: 'research_only' })))).toEqual(['dpia']);
    const defence = runV2(v2(assistant, { ...special, ai_act_exclusion: 'military_defence' }));
    expect(idsV2(defence)).toEqual(['dpia']);
    expect(warningIds(defence)).toContain('military_gdpr');
    expect(idsV2(runV2(v2(assistant, { ...special, ai_act_exclusion: 'personal_non_professional' })))).toEqual([]);
    expect(warningIds(runV2(v2(assistant, { ai_act_exclusion: 'military_defence' })))).not.toContain('military_gdpr');
  });
  it('review of an excluded system is at most reviews.excludedDays', () => {
    expect(runV2(v2(assistant, { ai_act_exclusion: 'research_only' }), { reviewDays: { excluded: 120 } }).reviewIntervalDays).toBe(120);
    expect(runV2(v2(assistant, { ai_act_exclusion: 'research_only' }), { reviewDays: { excluded: 500 } }).reviewIntervalDays).toBe(365);
  });
});

describe('rule P — prohibited (§7, §12.5, §12.8)', () => {
  it('any selected practice is prohibited: stop_use only, owner and compliance, no review', () => {
    const c = runV2(v2(assistant, { prohibited_practices: ['social_scoring'] }));
    expect(c).toMatchObject({ riskClass: 'prohibited', aiActApplies: true, reviewIntervalDays: null, approvers: ['owner', 'compliance'] });
    expect(c.rationale[0]).toMatchObject({ rule: 'P', ref: 'Art. 5(1)(c)' });
    expect(c.controls).toEqual(['A.5.2', 'A.5.4', 'A.5.5']);
  });
  it('emotion recognition of employees or applicants for another purpose is prohibited by Art. 5(1)(f)', () => {
    const c = runV2(emotion());
    expect(c.riskClass).toBe('prohibited');
    expect(c.rationale).toContainEqual(expect.objectContaining({ rule: 'P', ref: 'Art. 5(1)(f)' }));
    expect(runV2(emotion({ emotion_subjects: ['students'] })).riskClass).toBe('prohibited');
  });
  it('the same through a listed Annex III emotion recognition use', () => {
    const c = runV2(emotion({ ai_capabilities: ['classifies_or_recommends'], annex_iii_uses: ['emotion_recognition'] }));
    expect(c.riskClass).toBe('prohibited');
  });
  it('emotion recognition for medical or safety reasons, or of customers only, is not prohibited', () => {
    expect(runV2(emotionHigh({ emotion_purpose: 'medical_or_safety' })).riskClass).toBe('high');
    expect(runV2(emotionHigh({ emotion_subjects: ['others'] })).riskClass).toBe('high');
  });
  it('text sentiment is not emotion recognition: no emotion questions, no Art. 50(3)', () => {
    const c = runV2(v2(assistant, { ai_capabilities: ['sentiment_from_text'], affected_people: ['employees'] }));
    expect(c.riskClass).toBe('minimal');
    expect(idsV2(c)).toEqual(['ai_literacy']);
  });
  it('the v1 emotion warning is gone', () => {
    expect(warningIds(runV2(emotionHigh({ emotion_subjects: ['others'] })))).not.toContain('emotion_recognition_at_work');
  });
});

describe('rule H — high-risk routes (§7, §12.6, §12.15)', () => {
  it('an Annex III use gives highRiskRoutes [annex_iii]', () => {
    const c = runV2(cvScreener);
    expect(c.riskClass).toBe('high');
    expect(c.highRiskRoutes).toEqual(['annex_iii']);
    expect(c.rationale).toContainEqual({ rule: 'H', ref: 'Annex III 4(a)', because: 'used for recruitment' });
  });
  it('safety_component gives [annex_i]; both give [annex_i, annex_iii]', () => {
    const annexI = v2(assistant, { safety_component: true, vendor_intended_purpose: true, substantially_modified: false });
    expect(runV2(annexI).highRiskRoutes).toEqual(['annex_i']);
    expect(runV2(highV2({ safety_component: true })).highRiskRoutes).toEqual(['annex_i', 'annex_iii']);
  });
  it('an emotion recognition capability implies Annex III 1(c) even when not listed', () => {
    const c = runV2(emotionHigh({ emotion_subjects: ['others'] }));
    expect(c.highRiskRoutes).toEqual(['annex_iii']);
    expect(c.rationale).toContainEqual(expect.objectContaining({ rule: 'H', ref: 'Annex III 1(c)' }));
  });
  it('an Art. 6(3) exemption covers the whole system, implied use included', () => {
    const c = runV2(emotion({ emotion_subjects: ['others'], art6_3_conditions: ['preparatory'] }));
    expect(c.riskClass).toBe('limited');
    expect(c.highRiskRoutes).toEqual([]);
  });
  it('profiling keeps an Annex III use high-risk despite Art. 6(3) conditions', () => {
    const c = runV2(highV2({ art6_3_conditions: ['preparatory'] }));
    expect(c.riskClass).toBe('high');
    expect(c.rationale).toContainEqual(expect.objectContaining({ rule: 'H', ref: 'Art. 6(3)' }));
  });
  it('highRiskRoutes is empty for every other class', () => {
    for (const a of [assistant, chatbot, ruleEngine, v2(assistant, { prohibited_practices: ['manipulation'] })]) {
      expect(runV2(a).highRiskRoutes).toEqual([]);
    }
  });
});

describe('rule L — transparency triggers (§7, §12.11, §12.12, §12.20)', () => {
  it('external_people interaction (Art. 50(1))', () => {
    const c = runV2(v2(assistant, { interacts_with_people: 'external_people' }));
    expect(c.riskClass).toBe('limited');
    expect(c.rationale).toContainEqual(expect.objectContaining({ rule: 'L', ref: 'Art. 50(1)' }));
  });
  it('a chat assistant we provide to staff (Art. 50(1), staff branch)', () => {
    const own = v2(assistant, { model_origin: 'trained_in_house', vendor_trains_on_inputs: undefined, ai_capabilities: ['conversational_agent'] });
    expect(runV2(own).riskClass).toBe('limited');
    const analytics = v2(own, { ai_capabilities: ['predicts_or_scores'] });
    expect(runV2(analytics).riskClass).toBe('minimal');
  });
  it('a vendor chat assistant used by staff is not limited', () => {
    expect(runV2(assistant).riskClass).toBe('minimal');
  });
  it('deep fakes (Art. 50(4)), wherever shown', () => {
    expect(runV2(v2(assistant, { synthetic_media: ['deepfake'] })).riskClass).toBe('limited');
  });
  it('public-interest text without editorial control (Art. 50(4)); with it, not limited', () => {
    expect(runV2(v2(assistant, { synthetic_media: ['public_interest_text'], editorial_control: false })).riskClass).toBe('limited');
    expect(runV2(v2(assistant, { synthetic_media: ['public_interest_text'], editorial_control: true })).riskClass).toBe('minimal');
  });
  it('other published content alone is not limited', () => {
    expect(runV2(v2(assistant, { synthetic_media: ['published_other'] })).riskClass).toBe('minimal');
  });
  it('generated content from a system we provide (Art. 50(2))', () => {
    const c = runV2(v2(assistant, { model_origin: 'built_on_vendor_model' }));
    expect(c.riskClass).toBe('limited');
    expect(c.rationale).toContainEqual(expect.objectContaining({ rule: 'L', ref: 'Art. 50(2)' }));
  });
  it('the Art. 50(3) condition: an exempted biometric categorisation use', () => {
    const c = runV2(highV2({ annex_iii_uses: ['biometric_categorisation'], art6_3_conditions: ['narrow_procedural'], profiles_people: false, vendor_intended_purpose: undefined, substantially_modified: undefined, decides_about_people: undefined }));
    expect(c.riskClass).toBe('limited');
    expect(c.rationale).toContainEqual(expect.objectContaining({ rule: 'L', ref: 'Art. 50(3)' }));
  });
});

describe('rule M', () => {
  it('everything else in scope is minimal', () => {
    const c = runV2(assistant);
    expect(c.riskClass).toBe('minimal');
    expect(c.rationale.map((r) => r.rule)).toEqual(['M', 'role', 'R']);
  });
});

describe('roles (§8, §12.7, §12.9)', () => {
  it('built_on_vendor_model makes us provider (Art. 3(3), downstream provider)', () => {
    const c = runV2(chatbot);
    expect(c.aiActRoles).toEqual(['provider', 'deployer']);
    expect(c.isoRoles).toEqual(['producer', 'user']);
    expect(c.rationale).toContainEqual(expect.objectContaining({ rule: 'role', ref: 'Art. 3(3)' }));
  });
  it('vendor_configured under the vendor name stays deployer only', () => {
    const c = runV2(v2(assistant, { model_origin: 'vendor_configured' }));
    expect(c.aiActRoles).toEqual(['deployer']);
    expect(c.isoRoles).toEqual(['user']);
  });
  it('Art. 25(1)(c): a vendor tool not offered for this high-risk purpose', () => {
    const c = runV2(highV2({ vendor_intended_purpose: false }));
    expect(c.aiActRoles).toEqual(['provider', 'deployer']);
    expect(c.isoRoles).toEqual(['producer', 'user']);
    expect(c.rationale).toContainEqual(expect.objectContaining({ rule: 'role', ref: 'Art. 25(1)(c)' }));
  });
  it('Art. 25(1)(b): a substantially modified high-risk system', () => {
    const c = runV2(highV2({ substantially_modified: true }));
    expect(c.aiActRoles).toEqual(['provider', 'deployer']);
    expect(c.rationale).toContainEqual(expect.objectContaining({ rule: 'role', ref: 'Art. 25(1)(b)' }));
  });
  it('trained_in_house: developer, producer, user', () => {
    const c = runV2(v2(assistant, { model_origin: 'trained_in_house', vendor_trains_on_inputs: undefined }));
    expect(c.aiActRoles).toEqual(['provider', 'deployer']);
    expect(c.isoRoles).toEqual(['developer', 'producer', 'user']);
  });
});

describe('approvers and review (§7, §12.3)', () => {
  it('compliance for high, limited, prohibited and excluded; privacy and security by data', () => {
    expect(runV2(cvScreener).approvers).toEqual(['owner', 'compliance', 'privacy']);
    expect(runV2(chatbot).approvers).toEqual(['owner', 'compliance', 'privacy']);
    expect(runV2(v2(assistant, { data_categories: ['confidential'] })).approvers).toEqual(['owner', 'security']);
    expect(runV2(v2(assistant, { data_categories: ['personal'], vendor_trains_on_inputs: 'unknown' })).approvers).toEqual(['owner', 'privacy', 'security']);
    expect(runV2(v2(assistant, { ai_act_exclusion: 'research_only', data_categories: ['personal'] })).approvers).toEqual(['owner', 'compliance', 'privacy']);
  });
  it('review days per class: high 90, limited 180, minimal 365, excluded 365, prohibited none', () => {
    expect(runV2(cvScreener).reviewIntervalDays).toBe(90);
    expect(runV2(chatbot).reviewIntervalDays).toBe(180);
    expect(runV2(assistant).reviewIntervalDays).toBe(365);
  });
});
