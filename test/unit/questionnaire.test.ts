import { describe, expect, it } from 'vitest';
import { askedQuestions, getQuestion, isAsked, parseAnswerText, questionnaire, triagePages } from '../../flows/triage/questionnaire';
import type { Question } from '../../flows/triage/questionnaire';
import { assistant, cvScreener, ruleEngine } from '../helpers/triage-answers-v2';

const q = (id: string): Question => getQuestion(id) ?? expect.fail(`no question ${id}`);
const ids = (qs: Question[]) => qs.map((x) => x.id);

describe('questionnaire data (version 2)', () => {
  it('has version 2, the registration fields and the triage questions in table order', () => {
    expect(questionnaire.version).toBe(2);
    expect(questionnaire.fields.map((f) => f.id)).toEqual(['name', 'vendor', 'url', 'purpose', 'owner', 'department', 'usage_status']);
    expect(questionnaire.questions.map((f) => f.id)).toEqual([
      'technique', 'ai_capabilities', 'ai_act_exclusion', 'decision_role', 'model_origin', 'offered_externally',
      'affected_people', 'data_categories', 'vendor_trains_on_inputs', 'interacts_with_people', 'synthetic_media',
      'editorial_control', 'prohibited_practices', 'annex_iii_uses', 'emotion_purpose', 'emotion_subjects',
      'safety_component', 'art6_3_conditions', 'profiles_people', 'vendor_intended_purpose', 'substantially_modified',
      'public_sector', 'decides_about_people',
    ]);
  });
  it('puts questions on the pages where earlier answers decide them', () => {
    const byPage = (page: number) => [...questionnaire.fields, ...questionnaire.questions].filter((x) => x.page === page).map((x) => x.id);
    expect(byPage(1)).toHaveLength(7);
    expect(byPage(2)).toEqual(['technique', 'ai_capabilities', 'data_categories']);
    expect(byPage(4)).toEqual(['vendor_trains_on_inputs', 'editorial_control', 'emotion_purpose', 'emotion_subjects', 'art6_3_conditions', 'profiles_people']);
    expect(byPage(5)).toEqual(['vendor_intended_purpose', 'substantially_modified', 'public_sector', 'decides_about_people']);
    expect(byPage(3)).toHaveLength(10);
    expect(triagePages()).toEqual([2, 3, 4, 5]);
    // A question never depends on a question of its own or a later page.
    const pageOf = new Map(questionnaire.questions.map((x) => [x.id, x.page]));
    for (const x of questionnaire.questions) for (const dep of x.dependsOn) expect(pageOf.get(dep), `${x.id} <- ${dep}`).toBeLessThan(x.page);
  });
  it('every question has a label, help, and values with label and help; many questions include none', () => {
    for (const x of [...questionnaire.fields, ...questionnaire.questions]) {
      expect(x.label.length, x.id).toBeGreaterThan(0);
      expect(x.help.length, x.id).toBeGreaterThan(0);
      for (const val of x.values ?? []) expect(val.label && val.help, `${x.id}.${val.id}`).toBeTruthy();
      if (x.kind === 'many' && x.id !== 'emotion_subjects') expect(x.values?.map((v) => v.id)).toContain('none');
      if (x.kind === 'one' || x.kind === 'many') expect(x.values?.length).toBeGreaterThan(1);
    }
  });
  it('every question new in version 2 explains itself with an example', () => {
    for (const id of ['technique', 'ai_act_exclusion', 'emotion_purpose', 'emotion_subjects', 'editorial_control', 'substantially_modified', 'public_sector', 'decides_about_people', 'synthetic_media']) {
      expect(q(id).example, id).toBeTruthy();
      expect(q(id).help, id).toContain(`Example: ${q(id).example}`);
    }
  });
  it('the v2 values of changed questions', () => {
    expect(q('model_origin').values?.map((x) => x.id)).toEqual(['vendor_as_is', 'vendor_configured', 'built_on_vendor_model', 'trained_in_house']);
    expect(q('synthetic_media').kind).toBe('many');
    expect(q('synthetic_media').values?.map((x) => x.id)).toEqual(['none', 'internal_only', 'deepfake', 'public_interest_text', 'published_other']);
    expect(q('ai_capabilities').values?.map((x) => x.id)).toContain('sentiment_from_text');
    expect(q('prohibited_practices').values?.map((x) => x.id)).not.toContain('emotion_recognition_work_or_school');
    expect(q('public_sector').values?.map((x) => x.id)).toEqual(['public_authority', 'acting_for_public_authority', 'body_governed_by_public_law', 'private_public_service', 'no']);
    expect(q('safety_component').help).toContain('pressure equipment');
    expect(q('safety_component').help).toContain('not vehicles or aviation');
    expect(q('safety_component').help).not.toMatch(/machine/i);
  });
  it('only public_sector, vendor, url and department are optional', () => {
    const optional = [...questionnaire.fields, ...questionnaire.questions].filter((x) => !x.required).map((x) => x.id);
    expect(optional).toEqual(['vendor', 'url', 'department', 'public_sector']);
  });
  it('getQuestion returns undefined for unknown ids', () => {
    expect(getQuestion('nope')).toBeUndefined();
    expect(q('owner').kind).toBe('person');
  });
});

describe('isAsked', () => {
  it('technique, ai_capabilities and data_categories are always asked', () => {
    expect(isAsked('technique', {})).toBe(true);
    expect(isAsked('ai_capabilities', {})).toBe(true);
    expect(isAsked('data_categories', ruleEngine)).toBe(true);
  });
  it('scope questions are asked only when the system is in scope (rule O)', () => {
    expect(isAsked('decision_role', ruleEngine)).toBe(false);
    expect(isAsked('decision_role', {})).toBe(false);
    expect(isAsked('decision_role', { technique: 'machine_learning', ai_capabilities: ['none'] })).toBe(true);
    expect(isAsked('ai_act_exclusion', { technique: 'rules_by_people', ai_capabilities: ['generates_content'] })).toBe(true);
  });
  it('art6_3_conditions and profiles_people with a listed or implied Annex III use', () => {
    const base = { technique: 'machine_learning', ai_capabilities: ['generates_content'] };
    expect(isAsked('art6_3_conditions', { ...base, annex_iii_uses: ['none'] })).toBe(false);
    expect(isAsked('profiles_people', { ...base, annex_iii_uses: ['recruitment'] })).toBe(true);
    expect(isAsked('profiles_people', { ...base, ai_capabilities: ['emotion_recognition'], annex_iii_uses: ['none'] })).toBe(true);
  });
  it('unknown ids and registration fields are not asked', () => {
    expect(isAsked('nope', {})).toBe(false);
    expect(isAsked('name', {})).toBe(false);
  });
});

describe('askedQuestions', () => {
  it('out of scope only the three always-asked questions remain', () => {
    expect(ids(askedQuestions(ruleEngine))).toEqual(['technique', 'ai_capabilities', 'data_categories']);
  });
  it('lists asked questions in table order, optionally of one page', () => {
    expect(ids(askedQuestions(cvScreener, 4))).toEqual(['vendor_trains_on_inputs', 'art6_3_conditions', 'profiles_people']);
    expect(ids(askedQuestions(cvScreener, 5))).toEqual(['vendor_intended_purpose', 'substantially_modified', 'public_sector', 'decides_about_people']);
    expect(ids(askedQuestions(assistant, 5))).toEqual([]);
    expect(ids(askedQuestions(assistant))).toEqual(Object.keys(assistant).sort((a, b) => order(a) - order(b)));
  });
});
const order = (id: string) => questionnaire.questions.findIndex((x) => x.id === id);

describe('parseAnswerText', () => {
  it('one: value id, label in any case, or list number', () => {
    expect(parseAnswerText(q('decision_role'), 'autonomous')).toEqual({ ok: true, value: 'autonomous' });
    expect(parseAnswerText(q('decision_role'), '  a PERSON decides ')).toEqual({ ok: true, value: 'informs' });
    expect(parseAnswerText(q('decision_role'), '2')).toEqual({ ok: true, value: 'human_review' });
  });
  it('one: an unknown answer lists the allowed values', () => {
    const r = parseAnswerText(q('decision_role'), '9');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('1. informs (A person decides), 2. human_review');
  });
  it('many: comma-separated ids, labels and numbers; duplicates collapse', () => {
    expect(parseAnswerText(q('data_categories'), 'internal, Personal data,4,internal')).toEqual({ ok: true, value: ['internal', 'personal'] });
  });
  it('many: none with another value is refused', () => {
    const r = parseAnswerText(q('data_categories'), 'none, internal');
    expect(r).toEqual({ ok: false, message: 'data_categories: "none" cannot be combined with other values; choose "none" alone or remove it' });
  });
  it('many: empty and unknown answers are refused with the allowed values', () => {
    expect(parseAnswerText(q('data_categories'), ' , ').ok).toBe(false);
    const r = parseAnswerText(q('data_categories'), 'internal, gossip');
    expect(r.ok === false && r.message).toContain('"gossip"');
  });
  it('bool: yes/no/true/false (and y/n)', () => {
    expect(parseAnswerText(q('safety_component'), 'Yes')).toEqual({ ok: true, value: true });
    expect(parseAnswerText(q('safety_component'), 'y')).toEqual({ ok: true, value: true });
    expect(parseAnswerText(q('safety_component'), 'N')).toEqual({ ok: true, value: false });
    expect(parseAnswerText(q('safety_component'), 'false')).toEqual({ ok: true, value: false });
    expect(parseAnswerText(q('safety_component'), 'maybe')).toEqual({ ok: false, message: 'safety_component is a yes/no question; answer yes or no' });
  });
  it('text: trimmed, required and length-checked; url must be http(s)', () => {
    expect(parseAnswerText(q('name'), '  Copilot ')).toEqual({ ok: true, value: 'Copilot' });
    expect(parseAnswerText(q('name'), '  ').ok).toBe(false);
    expect(parseAnswerText(q('name'), 'x'.repeat(81)).ok).toBe(false);
    expect(parseAnswerText(q('vendor'), '')).toEqual({ ok: true, value: '' });
    expect(parseAnswerText(q('url'), 'https://example.com/x')).toEqual({ ok: true, value: 'https://example.com/x' });
    expect(parseAnswerText(q('url'), 'javascript:alert(1)').ok).toBe(false);
  });
  it('one: usage_status by label', () => {
    expect(parseAnswerText(q('usage_status'), 'already in use')).toEqual({ ok: true, value: 'in_use' });
  });
});
