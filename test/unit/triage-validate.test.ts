import { describe, expect, it } from 'vitest';
import { formatFieldErrors, validateAnswers as validateAnswersOf, validateRegistration } from '../../flows/triage/validate';
import { QUESTIONNAIRE_V1 } from '../../flows/triage/questionnaire-v1';
import { classifyInputV1 as classifyInput } from '../../flows/triage/classify';
import type { Answers, FieldError } from '../../flows/triage/types';

/** These tests check the version 1 questionnaire, which stored assessments still use. */
const validateAnswers = (input: unknown) => validateAnswersOf(input, QUESTIONNAIRE_V1);
import { cvScreening, internalAssistant, noAi, withAnswers } from '../helpers/triage-answers';

function errorsOf(input: unknown): FieldError[] {
  const r = validateAnswers(input);
  if (r.ok) expect.fail('expected validation errors');
  return r.errors;
}
const fields = (input: unknown) => errorsOf(input).map((e) => e.field);
const tool = (changes: Record<string, Answers[string] | undefined>) => withAnswers(internalAssistant, changes);

describe('validateAnswers', () => {
  it('accepts the examples and returns the answers', () => {
    expect(validateAnswers(internalAssistant)).toEqual({ ok: true, answers: internalAssistant });
    expect(validateAnswers(cvScreening).ok).toBe(true);
    expect(validateAnswers(noAi).ok).toBe(true);
  });
  it('rejects input that is not an object', () => {
    expect(fields([1])).toEqual(['answers']);
    expect(fields('x')).toEqual(['answers']);
    expect(fields(null)).toEqual(['answers']);
  });
  it('unknown question id names the id', () => {
    expect(errorsOf(tool({ favourite_colour: 'blue' }))).toEqual([{ field: 'favourite_colour', message: expect.stringContaining('not a question') }]);
  });
  it('a registration field among the answers is named as such', () => {
    expect(errorsOf(tool({ name: 'x' }))).toEqual([{ field: 'name', message: expect.stringContaining('registration field') }]);
  });
  it('unknown value of a many question lists the allowed values', () => {
    const [e] = errorsOf(tool({ ai_capabilities: ['foo'] }));
    expect(e?.field).toBe('ai_capabilities');
    expect(e?.message).toBe(
      'unknown value "foo"; allowed: generates_content, predicts_or_scores, classifies_or_recommends, conversational_agent, biometric_recognition, emotion_recognition, automates_actions, none',
    );
  });
  it('unknown value of a one question', () => {
    expect(errorsOf(tool({ decision_role: 'sometimes' }))).toEqual([{ field: 'decision_role', message: 'unknown value "sometimes"; allowed: informs, human_review, autonomous' }]);
  });
  it('wrong type: a string for a bool', () => {
    expect(errorsOf(tool({ offered_externally: 'yes' }))).toEqual([{ field: 'offered_externally', message: 'must be true or false' }]);
  });
  it('wrong type: a list for a one question', () => {
    expect(fields(tool({ model_origin: ['vendor_as_is'] }))).toEqual(['model_origin']);
  });
  it('wrong type: a string for a many question', () => {
    expect(fields(tool({ data_categories: 'internal' }))).toEqual(['data_categories']);
  });
  it('wrong type: a number inside a many list', () => {
    expect(fields(tool({ affected_people: [1] as unknown as string[] }))).toEqual(['affected_people']);
  });
  it('"none" combined with another value', () => {
    const msg = formatFieldErrors(errorsOf(tool({ ai_capabilities: ['none', 'generates_content'] })));
    expect(msg).toContain('ai_capabilities: "none" cannot be combined with other values; choose "none" alone or remove it');
  });
  it('empty set', () => {
    expect(errorsOf(tool({ prohibited_practices: [] }))).toEqual([{ field: 'prohibited_practices', message: expect.stringContaining('at least one') }]);
  });
  it('duplicate values', () => {
    expect(errorsOf(tool({ data_categories: ['internal', 'internal'] }))).toEqual([{ field: 'data_categories', message: expect.stringContaining('more than once') }]);
  });
  it('missing required answer: ai_capabilities', () => {
    expect(fields(withAnswers(internalAssistant, { ai_capabilities: undefined }))).toEqual(['ai_capabilities']);
  });
  it('missing required answer: decision_role when there is AI', () => {
    expect(errorsOf(tool({ decision_role: undefined }))).toEqual([{ field: 'decision_role', message: expect.stringContaining('required') }]);
  });
  it('missing required answer: vendor_intended_purpose when high-risk with a vendor model', () => {
    expect(fields(withAnswers(cvScreening, { vendor_intended_purpose: undefined }))).toEqual(['vendor_intended_purpose']);
  });
  it('missing required answer: art6_3_conditions and profiles_people with an Annex III use', () => {
    expect(fields(withAnswers(cvScreening, { art6_3_conditions: undefined, profiles_people: undefined }))).toEqual(['art6_3_conditions', 'profiles_people']);
  });
  it('public_service_provider is optional when high-risk', () => {
    expect(validateAnswers(cvScreening).ok).toBe(true);
    expect(validateAnswers(withAnswers(cvScreening, { public_service_provider: true })).ok).toBe(true);
  });
  it.each([
    ['decision_role when ai_capabilities = {none}', withAnswers(noAi, { decision_role: 'informs' }), 'decision_role'],
    ['vendor_trains_on_inputs when trained in-house', tool({ model_origin: 'trained_in_house' }), 'vendor_trains_on_inputs'],
    ['art6_3_conditions without an Annex III use', tool({ art6_3_conditions: ['none'] }), 'art6_3_conditions'],
    ['profiles_people without an Annex III use', tool({ profiles_people: false }), 'profiles_people'],
    ['vendor_intended_purpose when not high-risk', tool({ vendor_intended_purpose: true }), 'vendor_intended_purpose'],
    ['public_service_provider when not high-risk', tool({ public_service_provider: true }), 'public_service_provider'],
    ['vendor_intended_purpose when trained in-house', withAnswers(cvScreening, { model_origin: 'trained_in_house', vendor_trains_on_inputs: undefined }), 'vendor_intended_purpose'],
  ])('an answer to a question not asked is an error: %s', (_name, answers, field) => {
    expect(errorsOf(answers)).toEqual([{ field, message: expect.stringContaining('not asked') }]);
  });
  it('an invalid controlling answer does not cascade into errors on the questions it decides', () => {
    expect(fields(tool({ ai_capabilities: ['foo'] }))).toEqual(['ai_capabilities']);
    expect(fields(withAnswers(cvScreening, { annex_iii_uses: 'recruitment' }))).toEqual(['annex_iii_uses']);
  });
  it('errors come in questionnaire order, unknown ids last', () => {
    const input = { ...internalAssistant, zzz: 1, safety_component: 'no', decision_role: 'x', data_categories: [] };
    expect(fields(input)).toEqual(['decision_role', 'data_categories', 'safety_component', 'zzz']);
  });
  it('classifyInput validates first and returns the errors', () => {
    const r = classifyInput(tool({ synthetic_media: 'tiktok' }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.field).toBe('synthetic_media');
  });
});

describe('validateRegistration', () => {
  const valid = { name: '  CV Screener ', vendor: 'Acme', url: 'https://acme.example/cv', purpose: 'Shortlist applicants', owner: 'slack:U123', department: 'HR', usage_status: 'piloting' };
  const regFields = (input: unknown) => {
    const r = validateRegistration(input);
    if (r.ok) expect.fail('expected errors');
    return r.errors.map((e) => e.field);
  };
  it('accepts and trims valid fields', () => {
    expect(validateRegistration(valid)).toEqual({ ok: true, fields: { ...valid, name: 'CV Screener' } });
  });
  it('vendor and department default to empty, url is optional', () => {
    const r = validateRegistration({ name: 'X', purpose: 'Y', owner: 'shell:bob', usage_status: 'in_use' });
    expect(r).toEqual({ ok: true, fields: { name: 'X', vendor: '', purpose: 'Y', owner: 'shell:bob', department: '', usage_status: 'in_use' } });
  });
  it('an empty url counts as absent', () => {
    const r = validateRegistration({ ...valid, url: '  ' });
    expect(r.ok && r.fields.url).toBeUndefined();
  });
  it.each([
    ['name empty after trimming', { name: '   ' }, 'name'],
    ['name longer than 80', { name: 'x'.repeat(81) }, 'name'],
    ['vendor longer than 80', { vendor: 'x'.repeat(81) }, 'vendor'],
    ['url not http(s)', { url: 'ftp://acme.example' }, 'url'],
    ['url not a URL', { url: 'acme' }, 'url'],
    ['purpose longer than 1000', { purpose: 'x'.repeat(1001) }, 'purpose'],
    ['purpose missing', { purpose: undefined }, 'purpose'],
    ['owner empty', { owner: '' }, 'owner'],
    ['department longer than 80', { department: 'x'.repeat(81) }, 'department'],
    ['usage_status unknown', { usage_status: 'retired' }, 'usage_status'],
    ['unknown key', { colour: 'blue' }, 'colour'],
  ])('%s names the field', (_name, change, field) => {
    expect(regFields({ ...valid, ...change })).toEqual([field]);
  });
  it('several errors come in field order', () => {
    expect(regFields({ usage_status: 'x', name: '', extra: 1 })).toEqual(['name', 'purpose', 'owner', 'usage_status', 'extra']);
  });
  it('not an object', () => {
    expect(regFields('x')).toEqual(['registration']);
  });
});
