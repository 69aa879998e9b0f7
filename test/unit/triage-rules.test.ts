/** One named test per rule, role, approver and warning of triage.md §3 (obligations and controls: triage-rules-obligations). */
import { describe, expect, it } from 'vitest';
import { classifyV1 as classify } from '../../flows/triage/classify';
import { PROHIBITED_REFS } from '../../flows/triage/legal-refs';
import type { Answers } from '../../flows/triage/types';
import { cvScreening, internalAssistant, noAi, obligationIds, refs, run, supportChatbot, withAnswers } from '../helpers/triage-answers';

/** A high-risk Annex III use with the given extra changes. */
const high = (changes: Record<string, Answers[string] | undefined> = {}) => withAnswers(cvScreening, changes);
/** The internal assistant with the given changes. */
const tool = (changes: Record<string, Answers[string] | undefined>) => withAnswers(internalAssistant, changes);
/** An Annex III use exempted by Art. 6(3), vendor tool, no other condition. */
const exempted = (changes: Record<string, Answers[string] | undefined> = {}) =>
  high({ art6_3_conditions: ['preparatory'], profiles_people: false, vendor_intended_purpose: undefined, ...changes });
const prohibited = (practice: string) => high({ prohibited_practices: [practice], vendor_intended_purpose: undefined });

describe('rule O — out of scope', () => {
  it('ai_capabilities = {none} is out of scope with owner only, no roles, obligations or controls, 365 days', () => {
    const c = run(withAnswers(noAi, { data_categories: ['personal', 'confidential'] }));
    expect(c.riskClass).toBe('out_of_scope');
    expect(c.inScope).toBe(false);
    expect(c.aiActRoles).toEqual([]);
    expect(c.isoRoles).toEqual([]);
    expect(c.approvers).toEqual(['owner']);
    expect(c.obligations).toEqual([]);
    expect(c.controls).toEqual([]);
    expect(c.reviewIntervalDays).toBe(365);
    expect(c.warnings).toEqual([]);
    expect(c.rationale.map((r) => r.rule)).toEqual(['O', 'R']);
  });
});

describe('rule P — prohibited', () => {
  it.each(Object.entries(PROHIBITED_REFS))('%s is prohibited and cites %s', (practice, ref) => {
    const c = run(prohibited(practice));
    expect(c.riskClass).toBe('prohibited');
    expect(refs(c, 'P')).toEqual([ref]);
  });

  it('Art. 5(1) points are cited as Art. 5(1)(x), intimate imagery as the amendment and criminal law', () => {
    expect(PROHIBITED_REFS['social_scoring']).toBe('Art. 5(1)(c)');
    expect(PROHIBITED_REFS['non_consensual_intimate_imagery']).toBe('Art. 5 (as amended); criminal law');
  });

  it('cites one item per selected practice, in the order selected', () => {
    const c = run(high({ prohibited_practices: ['manipulation', 'social_scoring'], vendor_intended_purpose: undefined }));
    expect(refs(c, 'P')).toEqual(['Art. 5(1)(a)', 'Art. 5(1)(c)']);
  });

  it('overrides high-risk and keeps no H item', () => {
    const c = run(prohibited('manipulation'));
    expect(refs(c, 'H')).toEqual([]);
  });

  it('override: only stop_use, approvers owner and compliance, controls A.5.2 A.5.4 A.5.5, no review', () => {
    const c = run(
      high({ prohibited_practices: ['social_scoring'], vendor_intended_purpose: undefined, data_categories: ['personal', 'confidential'], vendor_trains_on_inputs: 'unknown' }),
      { extraApprovers: { prohibited: ['legal'], all: ['ciso'] }, reviewDays: { high: 30 } },
    );
    expect(c.obligations).toEqual([{ id: 'stop_use', ref: 'Art. 5' }]);
    expect(c.approvers).toEqual(['owner', 'compliance']);
    expect(c.controls).toEqual(['A.5.2', 'A.5.4', 'A.5.5']);
    expect(c.reviewIntervalDays).toBeNull();
    expect(c.inScope).toBe(true);
  });
});

describe('rule H — high-risk', () => {
  it('safety component of an Annex I product is high-risk citing Art. 6(1) and Annex I', () => {
    const c = run(tool({ safety_component: true, vendor_intended_purpose: true }));
    expect(c.riskClass).toBe('high');
    expect(refs(c, 'H')).toEqual(['Art. 6(1); Annex I']);
  });

  it.each([
    ['biometric_identification', 'Annex III 1(a)'],
    ['critical_infrastructure', 'Annex III 2'],
    ['education_assessment', 'Annex III 3(b)–(d)'],
    ['worker_management', 'Annex III 4(b)'],
    ['credit_scoring', 'Annex III 5(b)'],
    ['law_enforcement', 'Annex III 6'],
    ['elections', 'Annex III 8(b)'],
  ])('Annex III use %s is high-risk citing %s', (use, ref) => {
    const c = run(high({ annex_iii_uses: [use] }));
    expect(c.riskClass).toBe('high');
    expect(refs(c, 'H')).toEqual([ref]);
  });

  it('cites one H item per Annex III use', () => {
    const c = run(high({ annex_iii_uses: ['recruitment', 'worker_management'] }));
    expect(refs(c, 'H')).toEqual(['Annex III 4(a)', 'Annex III 4(b)']);
  });

  it('Art. 6(3) exemption: falls to minimal, adds art6_3_record and A.5.3, cites Art. 6(3)', () => {
    const c = run(exempted());
    expect(c.riskClass).toBe('minimal');
    expect(obligationIds(c)).toContain('art6_3_record');
    expect(c.obligations).toContainEqual({ id: 'art6_3_record', ref: 'Art. 6(4); Art. 49(2)' });
    expect(c.controls).toContain('A.5.3');
    expect(refs(c, 'H')).toEqual(['Art. 6(3)']);
    expect(c.reviewIntervalDays).toBe(365);
  });

  it('Art. 6(3) exemption falls to limited when a transparency condition holds', () => {
    const c = run(exempted({ interacts_with_people: 'external_people' }));
    expect(c.riskClass).toBe('limited');
    expect(obligationIds(c)).toEqual(['ai_literacy', 'art6_3_record', 'disclose_ai_interaction']);
  });

  it('profiling override: an exemption condition with profiling stays high-risk', () => {
    const c = run(high({ art6_3_conditions: ['narrow_procedural'], profiles_people: true }));
    expect(c.riskClass).toBe('high');
    expect(refs(c, 'H')).toEqual(['Annex III 4(a)', 'Art. 6(3)']);
    expect(c.rationale.find((r) => r.ref === 'Art. 6(3)')?.because).toMatch(/profil/);
    expect(obligationIds(c)).not.toContain('art6_3_record');
  });

  it('no exemption condition keeps an Annex III use high-risk without profiling', () => {
    expect(run(high({ art6_3_conditions: ['none'], profiles_people: false })).riskClass).toBe('high');
  });

  it('an exempted Annex III use of an Annex I product stays high and needs no Art. 6(3) record', () => {
    const c = run(exempted({ safety_component: true, vendor_intended_purpose: true }));
    expect(c.riskClass).toBe('high');
    expect(obligationIds(c)).not.toContain('art6_3_record');
    expect(obligationIds(c)).not.toContain('fria');
  });
});

describe('rule L — limited', () => {
  it('interacts_with_people = external_people is limited citing Art. 50(1)', () => {
    const c = run(tool({ interacts_with_people: 'external_people' }));
    expect(c.riskClass).toBe('limited');
    expect(refs(c, 'L')).toEqual(['Art. 50(1)']);
  });

  it('synthetic_media = published is limited citing Art. 50(2) and 50(4)', () => {
    const c = run(tool({ synthetic_media: 'published' }));
    expect(c.riskClass).toBe('limited');
    expect(refs(c, 'L')).toEqual(['Art. 50(2); Art. 50(4)']);
  });

  it('emotion_recognition capability is limited citing Art. 50(3)', () => {
    const c = run(tool({ ai_capabilities: ['emotion_recognition'] }));
    expect(c.riskClass).toBe('limited');
    expect(refs(c, 'L')).toEqual(['Art. 50(3)']);
  });

  it.each(['biometric_categorisation', 'emotion_recognition'])('exempted Annex III use %s is limited citing Art. 50(3)', (use) => {
    const c = run(exempted({ annex_iii_uses: [use] }));
    expect(c.riskClass).toBe('limited');
    expect(refs(c, 'L')).toEqual(['Art. 50(3)']);
  });

  it('biometric verification alone (biometric_recognition) is not limited', () => {
    const c = run(tool({ ai_capabilities: ['biometric_recognition'] }));
    expect(c.riskClass).toBe('minimal');
    expect(refs(c, 'L')).toEqual([]);
  });

  it('internal staff interaction and internal-only media are not limited', () => {
    expect(run(internalAssistant).riskClass).toBe('minimal');
  });
});

describe('rule M — minimal', () => {
  it('everything else in scope is minimal, with an M rationale item', () => {
    const c = run(internalAssistant);
    expect(c.riskClass).toBe('minimal');
    expect(refs(c, 'M')).toEqual(['Art. 4']);
  });
});

describe('AI Act roles', () => {
  it('offered_externally makes us provider (Art. 3(3)), provider listed first', () => {
    const c = run(tool({ offered_externally: true }));
    expect(c.aiActRoles).toEqual(['provider', 'deployer']);
    expect(refs(c, 'role')).toEqual(['Art. 3(3)', 'Art. 3(4)']);
  });

  it('trained_in_house makes us provider also for own use (Art. 3(3))', () => {
    const c = run(tool({ model_origin: 'trained_in_house', vendor_trains_on_inputs: undefined }));
    expect(c.aiActRoles).toEqual(['provider', 'deployer']);
    expect(refs(c, 'role')).toContain('Art. 3(3)');
  });

  it('Art. 25(1)(c): general vendor tool used for a high-risk purpose makes us provider', () => {
    const c = run(high({ ai_capabilities: ['generates_content'], vendor_intended_purpose: false }));
    expect(c.aiActRoles).toEqual(['provider', 'deployer']);
    expect(refs(c, 'role')).toEqual(['Art. 25(1)(c)', 'Art. 3(4)']);
    expect(obligationIds(c)).toContain('provider_high_risk');
  });

  it('a vendor tool sold for the high-risk purpose leaves us deployer only', () => {
    expect(run(high({ vendor_intended_purpose: true })).aiActRoles).toEqual(['deployer']);
  });

  it('Art. 25(1)(c) does not apply when the system is not high-risk', () => {
    expect(run(exempted()).aiActRoles).toEqual(['deployer']);
  });

  it('deployer always when in scope, also when prohibited', () => {
    expect(run(prohibited('manipulation')).aiActRoles).toEqual(['deployer']);
  });
});

describe('ISO life-cycle roles', () => {
  it('trained_in_house: developer, producer, user', () => {
    expect(run(tool({ model_origin: 'trained_in_house', vendor_trains_on_inputs: undefined })).isoRoles).toEqual(['developer', 'producer', 'user']);
  });
  it('vendor_customized: producer, user', () => {
    expect(run(tool({ model_origin: 'vendor_customized' })).isoRoles).toEqual(['producer', 'user']);
  });
  it('offered_externally with a vendor model as supplied: producer, user', () => {
    expect(run(tool({ offered_externally: true })).isoRoles).toEqual(['producer', 'user']);
  });
  it('vendor_as_is used internally: user only', () => {
    expect(run(internalAssistant).isoRoles).toEqual(['user']);
  });
});

describe('approvers', () => {
  it('owner always', () => {
    expect(run(internalAssistant).approvers).toEqual(['owner']);
  });
  it.each([
    ['high', cvScreening],
    ['limited', tool({ synthetic_media: 'published' })],
  ])('compliance when %s', (_cls, answers) => {
    expect(run(answers).approvers).toContain('compliance');
  });
  it('compliance when prohibited', () => {
    expect(run(prohibited('manipulation')).approvers).toEqual(['owner', 'compliance']);
  });
  it('no compliance when minimal', () => {
    expect(run(tool({ data_categories: ['personal'] })).approvers).toEqual(['owner', 'privacy']);
  });
  it('privacy for special_category data', () => {
    expect(run(tool({ data_categories: ['special_category'] })).approvers).toEqual(['owner', 'privacy']);
  });
  it('security for confidential data', () => {
    expect(run(tool({ data_categories: ['confidential'] })).approvers).toEqual(['owner', 'security']);
  });
  it.each(['yes', 'unknown'])('security when the vendor trains on inputs (%s) and personal data goes in', (trains) => {
    expect(run(tool({ data_categories: ['personal'], vendor_trains_on_inputs: trains })).approvers).toEqual(['owner', 'privacy', 'security']);
  });
  it('no security when the vendor trains on inputs but only internal data goes in', () => {
    expect(run(tool({ vendor_trains_on_inputs: 'yes' })).approvers).toEqual(['owner']);
  });
  it('output order: owner, compliance, privacy, security', () => {
    expect(run(high({ data_categories: ['confidential', 'personal'] })).approvers).toEqual(['owner', 'compliance', 'privacy', 'security']);
  });
  it('override: out of scope gets owner only whatever the data', () => {
    expect(run(withAnswers(noAi, { data_categories: ['special_category', 'confidential'] })).approvers).toEqual(['owner']);
  });
  it('policy extra approvers for the class and for all are added after the defaults, without duplicates', () => {
    const c = run(cvScreening, { extraApprovers: { high: ['hr_works_council', 'privacy'], all: ['ai_board', 'hr_works_council'] } });
    expect(c.approvers).toEqual(['owner', 'compliance', 'privacy', 'hr_works_council', 'ai_board']);
  });
  it('policy extra approvers of another class are not added', () => {
    expect(run(internalAssistant, { extraApprovers: { high: ['ai_board'] } }).approvers).toEqual(['owner']);
  });
  it('out of scope: only an explicit out_of_scope entry adds approvers, not all', () => {
    expect(run(noAi, { extraApprovers: { all: ['ai_board'] } }).approvers).toEqual(['owner']);
    expect(run(noAi, { extraApprovers: { out_of_scope: ['it_asset_manager'] } }).approvers).toEqual(['owner', 'it_asset_manager']);
  });
});

describe('rule R — review interval', () => {
  it.each([
    ['high', cvScreening, 90],
    ['limited', supportChatbot, 180],
    ['minimal', internalAssistant, 365],
    ['out_of_scope', noAi, 365],
  ] as const)('%s: review interval as rule R says', (_cls, answers, days) => {
    const c = run(answers);
    expect(c.reviewIntervalDays).toBe(days);
    expect(c.rationale.at(-1)).toMatchObject({ rule: 'R', because: expect.stringContaining(`${days} days`) });
  });
  it('prohibited has no review interval (null)', () => {
    expect(run(prohibited('manipulation')).reviewIntervalDays).toBeNull();
  });
  it('policy may shorten the interval', () => {
    const c = run(cvScreening, { reviewDays: { high: 30 } });
    expect(c.reviewIntervalDays).toBe(30);
    expect(c.rationale.at(-1)?.because).toContain('policy shortens the default of 90');
  });
  it('policy may not lengthen the interval', () => {
    expect(run(internalAssistant, { reviewDays: { minimal: 730 } }).reviewIntervalDays).toBe(365);
  });
});

describe('warnings', () => {
  const emotion = (people: string[], practices: string[] = ['none']) =>
    tool({ ai_capabilities: ['emotion_recognition'], affected_people: people, prohibited_practices: practices });
  it.each(['employees', 'students'])('emotion recognition affecting %s warns about Art. 5(1)(f)', (who) => {
    const c = run(emotion([who]));
    expect(c.warnings.map((w) => [w.id, w.ref])).toEqual([['emotion_recognition_at_work', 'Art. 5(1)(f)']]);
  });
  it('no Art. 5(1)(f) warning when a prohibited practice is selected', () => {
    expect(run(emotion(['employees'], ['emotion_recognition_work_or_school'])).warnings).toEqual([]);
  });
  it('no Art. 5(1)(f) warning when only customers are affected', () => {
    expect(run(emotion(['customers'])).warnings).toEqual([]);
  });
  it('autonomous decisions affecting people warn about GDPR Art. 22', () => {
    const c = run(tool({ decision_role: 'autonomous', affected_people: ['customers'] }));
    expect(c.warnings.map((w) => [w.id, w.ref])).toEqual([['solely_automated_decisions', 'GDPR Art. 22']]);
  });
  it('autonomous decisions affecting nobody do not warn', () => {
    expect(run(tool({ decision_role: 'autonomous' })).warnings).toEqual([]);
  });
  it('vendor_trains_on_inputs = unknown warns to find out', () => {
    expect(run(tool({ vendor_trains_on_inputs: 'unknown' })).warnings.map((w) => w.id)).toEqual(['vendor_training_unknown']);
  });
  it('warnings never change the class', () => {
    const base = tool({ ai_capabilities: ['emotion_recognition'], affected_people: ['customers'] });
    const warned = tool({ ai_capabilities: ['emotion_recognition'], affected_people: ['employees'] });
    expect(run(warned).warnings).toHaveLength(1);
    expect(run(warned).riskClass).toBe(run(base).riskClass);
  });
});

describe('determinism', () => {
  it('the same answers give deep-equal output twice', () => {
    const answers = high({ data_categories: ['personal', 'confidential'], decision_role: 'autonomous', vendor_trains_on_inputs: 'unknown' });
    const first = classify(answers, { reviewDays: { high: 60 } });
    const second = classify(structuredClone(answers), { reviewDays: { high: 60 } });
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });
  it('classify does not modify the answers', () => {
    const answers = structuredClone(cvScreening);
    classify(answers);
    expect(answers).toEqual(cvScreening);
  });
});
