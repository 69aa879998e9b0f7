/** One named test per obligation row and Annex A control line of triage.md §3. */
import { describe, expect, it } from 'vitest';
import { compareControls } from '../../flows/triage/obligations';
import { OBLIGATION_REFS } from '../../flows/triage/legal-refs';
import type { Answers } from '../../flows/triage/types';
import { cvScreening, internalAssistant, noAi, obligationIds, run, supportChatbot, withAnswers } from '../helpers/triage-answers';

type Changes = Record<string, Answers[string] | undefined>;
const high = (changes: Changes = {}) => withAnswers(cvScreening, changes);
const tool = (changes: Changes) => withAnswers(internalAssistant, changes);
const exempted = (changes: Changes = {}) =>
  high({ art6_3_conditions: ['preparatory'], profiles_people: false, vendor_intended_purpose: undefined, ...changes });
const ids = (answers: Answers, policy = {}) => obligationIds(run(answers, policy));
const IN_SCOPE = ['A.2.2', 'A.3.2', 'A.3.3', 'A.4.2', 'A.5.2', 'A.6.2.6', 'A.9.2', 'A.9.3', 'A.9.4'];

describe('obligations', () => {
  it('every obligation cites the reference of its table row', () => {
    const c = run(high({ affected_people: ['employees'], data_categories: ['special_category'], vendor_intended_purpose: false }));
    for (const o of c.obligations) expect(o.ref).toBe(OBLIGATION_REFS[o.id as keyof typeof OBLIGATION_REFS]);
    expect(c.obligations.find((o) => o.id === 'provider_high_risk')?.ref).toBe('Art. 16; Arts. 9–15, 17, 43, 49');
  });
  it('ai_literacy (Art. 4) in scope and not prohibited', () => {
    expect(ids(internalAssistant)).toEqual(['ai_literacy']);
    expect(ids(noAi)).toEqual([]);
  });
  it('stop_use (Art. 5) when prohibited, and then no other obligation', () => {
    expect(ids(high({ prohibited_practices: ['manipulation'], vendor_intended_purpose: undefined, interacts_with_people: 'external_people' }))).toEqual(['stop_use']);
  });
  it('provider_high_risk when high and provider', () => {
    expect(ids(high({ offered_externally: true }))).toContain('provider_high_risk');
    expect(ids(cvScreening)).not.toContain('provider_high_risk');
  });
  it('provider_high_risk not when provider but not high', () => {
    expect(ids(tool({ offered_externally: true }))).not.toContain('provider_high_risk');
  });
  it('deployer_high_risk when high', () => {
    expect(ids(cvScreening)).toContain('deployer_high_risk');
    expect(ids(internalAssistant)).not.toContain('deployer_high_risk');
  });
  it('inform_workers when high and employees are affected', () => {
    expect(ids(high({ annex_iii_uses: ['worker_management'], affected_people: ['employees'] }))).toContain('inform_workers');
    expect(ids(cvScreening)).not.toContain('inform_workers');
  });
  it('inform_workers not when employees are affected by a minimal system', () => {
    expect(ids(tool({ affected_people: ['employees'] }))).not.toContain('inform_workers');
  });
  it('inform_affected_persons when high and affected_people is not {none}', () => {
    expect(ids(cvScreening)).toContain('inform_affected_persons');
    expect(ids(high({ affected_people: ['none'] }))).not.toContain('inform_affected_persons');
  });
  describe('fria (Art. 27)', () => {
    it('public service provider answered yes → FRIA', () => {
      expect(ids(high({ public_service_provider: true }))).toContain('fria');
    });
    it('public service provider answered no → no FRIA', () => {
      expect(ids(high({ public_service_provider: false }))).not.toContain('fria');
    });
    it('unanswered → the policy default decides (true → FRIA, absent → false)', () => {
      expect(ids(cvScreening, { publicServiceProvider: true })).toContain('fria');
      expect(ids(cvScreening)).not.toContain('fria');
    });
    it('an explicit answer wins over the policy default', () => {
      expect(ids(high({ public_service_provider: false }), { publicServiceProvider: true })).not.toContain('fria');
    });
    it.each(['credit_scoring', 'insurance_pricing'])('%s → FRIA even for a private entity', (use) => {
      expect(ids(high({ annex_iii_uses: [use], public_service_provider: false }))).toContain('fria');
    });
    it('critical_infrastructure only → no FRIA, even for a public body', () => {
      expect(ids(high({ annex_iii_uses: ['critical_infrastructure'], public_service_provider: true }))).not.toContain('fria');
    });
    it('critical_infrastructure with another Annex III use → FRIA for a public body', () => {
      expect(ids(high({ annex_iii_uses: ['critical_infrastructure', 'recruitment'], public_service_provider: true }))).toContain('fria');
    });
    it('exempted Annex III use → no FRIA', () => {
      expect(ids(exempted({ annex_iii_uses: ['credit_scoring'] }), { publicServiceProvider: true })).not.toContain('fria');
    });
    it('high only through Annex I → no FRIA', () => {
      expect(ids(tool({ safety_component: true, vendor_intended_purpose: true }), { publicServiceProvider: true })).not.toContain('fria');
    });
  });
  it('art6_3_record for an Annex III use exempted by Art. 6(3)', () => {
    expect(ids(exempted())).toContain('art6_3_record');
    expect(ids(cvScreening)).not.toContain('art6_3_record');
  });
  it('disclose_ai_interaction when interacts_with_people = external_people, also when high', () => {
    expect(ids(supportChatbot)).toContain('disclose_ai_interaction');
    expect(ids(high({ interacts_with_people: 'external_people' }))).toContain('disclose_ai_interaction');
    expect(ids(internalAssistant)).not.toContain('disclose_ai_interaction');
  });
  it('mark_synthetic_content when synthetic_media = published', () => {
    expect(run(tool({ synthetic_media: 'published' })).obligations).toContainEqual({ id: 'mark_synthetic_content', ref: 'Art. 50(2); Art. 50(4)' });
    expect(ids(internalAssistant)).not.toContain('mark_synthetic_content');
  });
  it('inform_exposed_persons when the Art. 50(3) condition holds, whatever the class', () => {
    expect(ids(tool({ ai_capabilities: ['emotion_recognition'] }))).toContain('inform_exposed_persons');
    const highEmotion = run(high({ annex_iii_uses: ['emotion_recognition'] }));
    expect(highEmotion.riskClass).toBe('high');
    expect(obligationIds(highEmotion)).toContain('inform_exposed_persons');
    expect(ids(tool({ ai_capabilities: ['biometric_recognition'] }))).not.toContain('inform_exposed_persons');
  });
  it('dpia for special_category data even when minimal', () => {
    expect(ids(tool({ data_categories: ['special_category'] }))).toEqual(['ai_literacy', 'dpia']);
  });
  it('dpia for personal data when high', () => {
    expect(ids(high({ profiles_people: false }))).toContain('dpia');
  });
  it('dpia for personal data when profiling people', () => {
    expect(ids(cvScreening)).toContain('dpia');
  });
  it('no dpia for personal data in a minimal system without profiling', () => {
    expect(ids(tool({ data_categories: ['personal'] }))).not.toContain('dpia');
  });
  it.each([
    ['yes', 'confidential'],
    ['unknown', 'personal'],
    ['yes', 'special_category'],
  ])('vendor_data_terms when the vendor trains on inputs (%s) and %s data goes in', (trains, data) => {
    expect(ids(tool({ vendor_trains_on_inputs: trains, data_categories: [data] }))).toContain('vendor_data_terms');
  });
  it('no vendor_data_terms when the vendor does not train, or only internal data goes in', () => {
    expect(ids(tool({ data_categories: ['confidential'] }))).not.toContain('vendor_data_terms');
    expect(ids(tool({ vendor_trains_on_inputs: 'yes' }))).not.toContain('vendor_data_terms');
  });
  it('obligations are listed in table order', () => {
    const c = run(
      high({
        annex_iii_uses: ['credit_scoring'],
        affected_people: ['employees', 'customers'],
        data_categories: ['personal'],
        vendor_trains_on_inputs: 'yes',
        interacts_with_people: 'external_people',
        synthetic_media: 'published',
        ai_capabilities: ['emotion_recognition'],
        vendor_intended_purpose: false,
      }),
    );
    expect(obligationIds(c)).toEqual([
      'ai_literacy',
      'provider_high_risk',
      'deployer_high_risk',
      'inform_workers',
      'inform_affected_persons',
      'fria',
      'disclose_ai_interaction',
      'mark_synthetic_content',
      'inform_exposed_persons',
      'dpia',
      'vendor_data_terms',
    ]);
  });
});

describe('Annex A controls', () => {
  it('in scope, vendor as supplied: the base set plus A.10.2 and A.10.3', () => {
    expect(run(internalAssistant).controls).toEqual([...IN_SCOPE, 'A.10.2', 'A.10.3']);
  });
  it('vendor_customized adds A.4.3, A.4.4, A.6.2.4, A.6.2.5 and keeps A.10.2, A.10.3', () => {
    const c = run(tool({ model_origin: 'vendor_customized' }));
    expect(c.controls).toEqual(['A.2.2', 'A.3.2', 'A.3.3', 'A.4.2', 'A.4.3', 'A.4.4', 'A.5.2', 'A.6.2.4', 'A.6.2.5', 'A.6.2.6', 'A.9.2', 'A.9.3', 'A.9.4', 'A.10.2', 'A.10.3']);
  });
  it('trained_in_house adds the development controls and not the supplier ones', () => {
    const c = run(tool({ model_origin: 'trained_in_house', vendor_trains_on_inputs: undefined }));
    for (const id of ['A.4.3', 'A.4.4', 'A.6.2.4', 'A.6.2.5', 'A.4.5', 'A.4.6', 'A.6.1.2', 'A.6.1.3', 'A.6.2.2', 'A.6.2.3', 'A.6.2.7', 'A.7.2', 'A.7.3', 'A.7.4', 'A.7.5', 'A.7.6']) {
      expect(c.controls).toContain(id);
    }
    expect(c.controls).not.toContain('A.10.2');
    expect(c.controls).toHaveLength(IN_SCOPE.length + 4 + 12);
  });
  it('personal or special_category data adds A.7.4 and A.7.5', () => {
    expect(run(tool({ data_categories: ['personal'] })).controls).toEqual([...IN_SCOPE.slice(0, 6), 'A.7.4', 'A.7.5', ...IN_SCOPE.slice(6), 'A.10.2', 'A.10.3']);
    expect(run(tool({ data_categories: ['special_category'] })).controls).toContain('A.7.5');
  });
  it('high adds A.5.3, A.5.4, A.5.5, A.6.2.8, A.8.2, A.8.4', () => {
    const c = run(high({ data_categories: ['internal'] }));
    expect(c.controls).toEqual(['A.2.2', 'A.3.2', 'A.3.3', 'A.4.2', 'A.5.2', 'A.5.3', 'A.5.4', 'A.5.5', 'A.6.2.6', 'A.6.2.8', 'A.8.2', 'A.8.4', 'A.9.2', 'A.9.3', 'A.9.4', 'A.10.2', 'A.10.3']);
  });
  it('limited adds A.8.2', () => {
    expect(run(tool({ synthetic_media: 'published' })).controls).toEqual([...IN_SCOPE, 'A.8.2', 'A.10.2', 'A.10.3'].sort(compareControls));
  });
  it('an Annex III use exempted by Art. 6(3) adds A.5.3', () => {
    const c = run(exempted({ data_categories: ['internal'] }));
    expect(c.controls).toEqual([...IN_SCOPE, 'A.5.3', 'A.10.2', 'A.10.3'].sort(compareControls));
  });
  it.each([
    ['offered_externally', { offered_externally: true }],
    ['external_people', { interacts_with_people: 'external_people' }],
  ])('%s adds A.8.2, A.8.3, A.8.5, A.10.4', (_name, changes: Changes) => {
    const c = run(tool(changes));
    for (const id of ['A.8.2', 'A.8.3', 'A.8.5', 'A.10.4']) expect(c.controls).toContain(id);
  });
  it('out of scope: no controls', () => {
    expect(run(noAi).controls).toEqual([]);
  });
  it('prohibited: A.5.2, A.5.4, A.5.5 only', () => {
    expect(run(high({ prohibited_practices: ['social_scoring'], vendor_intended_purpose: undefined })).controls).toEqual(['A.5.2', 'A.5.4', 'A.5.5']);
  });
  it('no duplicates when lines overlap (A.8.2 from high and external, A.7.4 from in-house and personal)', () => {
    const c = run(high({ model_origin: 'trained_in_house', vendor_trains_on_inputs: undefined, vendor_intended_purpose: undefined, offered_externally: true }));
    expect(new Set(c.controls).size).toBe(c.controls.length);
    expect(c.controls.filter((x) => x === 'A.8.2')).toHaveLength(1);
  });
  it('sorted by numeric position: A.4.10 after A.4.9, A.10.2 after A.9.4, A.6.2.8 before A.6.2.10', () => {
    expect(['A.10.2', 'A.4.10', 'A.2.2', 'A.4.9', 'A.9.4', 'A.6.2'].sort(compareControls)).toEqual(['A.2.2', 'A.4.9', 'A.4.10', 'A.6.2', 'A.9.4', 'A.10.2']);
    expect(compareControls('A.6.2.8', 'A.6.2.10')).toBeLessThan(0);
  });
});
