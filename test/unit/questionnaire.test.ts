import { describe, expect, it } from 'vitest';
import { askedQuestions, getQuestion, isAsked, parseAnswerText, questionnaire, triagePages } from '../../flows/triage/questionnaire';
import type { Question } from '../../flows/triage/questionnaire';
import { cvScreening, internalAssistant, noAi, withAnswers } from '../helpers/triage-answers';

const q = (id: string): Question => getQuestion(id) ?? expect.fail(`no question ${id}`);
const ids = (qs: Question[]) => qs.map((x) => x.id);

describe('questionnaire data', () => {
  it('has version 1, the registration fields and the triage questions in table order', () => {
    expect(questionnaire.version).toBe(1);
    expect(questionnaire.fields.map((f) => f.id)).toEqual(['name', 'vendor', 'url', 'purpose', 'owner', 'department', 'usage_status']);
    expect(questionnaire.questions.map((f) => f.id)).toEqual([
      'ai_capabilities', 'decision_role', 'model_origin', 'offered_externally', 'affected_people', 'data_categories',
      'vendor_trains_on_inputs', 'interacts_with_people', 'synthetic_media', 'prohibited_practices', 'annex_iii_uses',
      'safety_component', 'art6_3_conditions', 'profiles_people', 'vendor_intended_purpose', 'public_service_provider',
    ]);
  });
  it('puts questions on the pages where earlier answers decide them', () => {
    const byPage = (page: number) => [...questionnaire.fields, ...questionnaire.questions].filter((x) => x.page === page).map((x) => x.id);
    expect(byPage(1)).toHaveLength(7);
    expect(byPage(2)).toEqual(['ai_capabilities', 'data_categories']);
    expect(byPage(4)).toEqual(['vendor_trains_on_inputs', 'art6_3_conditions', 'profiles_people']);
    expect(byPage(5)).toEqual(['vendor_intended_purpose', 'public_service_provider']);
    expect(byPage(3)).toHaveLength(9);
    expect(triagePages()).toEqual([2, 3, 4, 5]);
  });
  it('every question has a label, help, and values with label and help; many questions include none', () => {
    for (const x of [...questionnaire.fields, ...questionnaire.questions]) {
      expect(x.label.length, x.id).toBeGreaterThan(0);
      expect(x.help.length, x.id).toBeGreaterThan(0);
      for (const val of x.values ?? []) expect(val.label && val.help, `${x.id}.${val.id}`).toBeTruthy();
      if (x.kind === 'many') expect(x.values?.map((v) => v.id)).toContain('none');
      if (x.kind === 'one' || x.kind === 'many') expect(x.values?.length).toBeGreaterThan(1);
    }
  });
  it('only public_service_provider, vendor, url and department are optional', () => {
    const optional = [...questionnaire.fields, ...questionnaire.questions].filter((x) => !x.required).map((x) => x.id);
    expect(optional).toEqual(['vendor', 'url', 'department', 'public_service_provider']);
  });
  it('getQuestion returns undefined for unknown ids', () => {
    expect(getQuestion('nope')).toBeUndefined();
    expect(q('owner').kind).toBe('person');
  });
});

describe('isAsked', () => {
  it('ai_capabilities and data_categories are always asked', () => {
    expect(isAsked('ai_capabilities', {})).toBe(true);
    expect(isAsked('data_categories', noAi)).toBe(true);
  });
  it('AI questions are asked only when ai_capabilities is not {none}', () => {
    expect(isAsked('decision_role', noAi)).toBe(false);
    expect(isAsked('decision_role', {})).toBe(false);
    expect(isAsked('decision_role', { ai_capabilities: ['generates_content'] })).toBe(true);
  });
  it('vendor_trains_on_inputs only for vendor models', () => {
    expect(isAsked('vendor_trains_on_inputs', { model_origin: 'vendor_customized' })).toBe(true);
    expect(isAsked('vendor_trains_on_inputs', { model_origin: 'trained_in_house' })).toBe(false);
  });
  it('art6_3_conditions and profiles_people only with an Annex III use', () => {
    expect(isAsked('art6_3_conditions', { annex_iii_uses: ['none'] })).toBe(false);
    expect(isAsked('profiles_people', { annex_iii_uses: ['recruitment'] })).toBe(true);
  });
  it('vendor_intended_purpose when high-risk (rule H) and not trained in-house', () => {
    expect(isAsked('vendor_intended_purpose', cvScreening)).toBe(true);
    expect(isAsked('vendor_intended_purpose', withAnswers(cvScreening, { model_origin: 'trained_in_house' }))).toBe(false);
    expect(isAsked('vendor_intended_purpose', withAnswers(cvScreening, { art6_3_conditions: ['preparatory'], profiles_people: false }))).toBe(false);
    expect(isAsked('vendor_intended_purpose', withAnswers(cvScreening, { prohibited_practices: ['manipulation'] }))).toBe(false);
    expect(isAsked('vendor_intended_purpose', withAnswers(internalAssistant, { safety_component: true }))).toBe(true);
  });
  it('public_service_provider when high-risk, also for in-house models', () => {
    expect(isAsked('public_service_provider', withAnswers(cvScreening, { model_origin: 'trained_in_house' }))).toBe(true);
    expect(isAsked('public_service_provider', internalAssistant)).toBe(false);
  });
  it('unknown ids and registration fields are not asked', () => {
    expect(isAsked('nope', {})).toBe(false);
    expect(isAsked('name', {})).toBe(false);
  });
});

describe('askedQuestions', () => {
  it('with no AI only the two always-asked questions remain', () => {
    expect(ids(askedQuestions(noAi))).toEqual(['ai_capabilities', 'data_categories']);
  });
  it('lists asked questions in table order, optionally of one page', () => {
    expect(ids(askedQuestions(cvScreening, 4))).toEqual(['vendor_trains_on_inputs', 'art6_3_conditions', 'profiles_people']);
    expect(ids(askedQuestions(cvScreening, 5))).toEqual(['vendor_intended_purpose', 'public_service_provider']);
    expect(ids(askedQuestions(internalAssistant, 5))).toEqual([]);
    expect(ids(askedQuestions(internalAssistant))).toEqual(Object.keys(internalAssistant).sort((a, b) => order(a) - order(b)));
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
