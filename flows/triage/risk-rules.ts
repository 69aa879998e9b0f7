/**
 * Reading answers and the risk rules that both the questionnaire (to decide which questions
 * are asked) and the classifier need. Kept in one place so the two can never disagree.
 */
import type { Answers } from './types';

/** The values of a `many` answer; `[]` when absent or not a set. */
export function setOf(answers: Answers, id: string): string[] {
  const value = answers[id];
  return Array.isArray(value) ? value : [];
}

/** True when the set answer contains a value other than `none` ("any X" in triage.md §3). */
export function anyOf(answers: Answers, id: string): boolean {
  return setOf(answers, id).some((v) => v !== 'none');
}

/** True when the set answer contains `value`. */
export function hasValue(answers: Answers, id: string, value: string): boolean {
  return setOf(answers, id).includes(value);
}

/** The value of a `one` answer, or undefined. */
export function oneOf(answers: Answers, id: string): string | undefined {
  const value = answers[id];
  return typeof value === 'string' ? value : undefined;
}

/** A `bool` answer; a question that was not asked counts as false (triage.md §3). */
export function boolOf(answers: Answers, id: string): boolean {
  return answers[id] === true;
}

/** Rule O: the tool declares no AI capability (or none yet). */
export function isOutOfScope(answers: Answers): boolean {
  return !anyOf(answers, 'ai_capabilities');
}

/** Rule P: any prohibited practice selected. */
export function isProhibited(answers: Answers): boolean {
  return anyOf(answers, 'prohibited_practices');
}

/**
 * The Art. 6(3) test on its own: an Annex III use, at least one derogation condition, and no
 * profiling. Profiling of natural persons always keeps an Annex III use high-risk.
 */
export function annexIIIExempt(answers: Answers): boolean {
  return anyOf(answers, 'annex_iii_uses') && anyOf(answers, 'art6_3_conditions') && !boolOf(answers, 'profiles_people');
}

/** High-risk through an Annex III use that is not exempted (ignores rule P). */
export function highViaAnnexIII(answers: Answers): boolean {
  return anyOf(answers, 'annex_iii_uses') && !annexIIIExempt(answers);
}

/** High-risk through the Annex I product route, Art. 6(1) (ignores rule P). */
export function highViaAnnexI(answers: Answers): boolean {
  return boolOf(answers, 'safety_component');
}

/** Rule H: not out of scope, not prohibited, and high-risk through Annex I or Annex III. */
export function isHighRisk(answers: Answers): boolean {
  if (isOutOfScope(answers) || isProhibited(answers)) return false;
  return highViaAnnexI(answers) || highViaAnnexIII(answers);
}

/**
 * The Art. 6(3) exemption decided the outcome: an Annex III use was exempted and nothing else
 * made the system prohibited or high-risk, so the class falls through to L/M and the
 * assessment must be recorded. When the system is high-risk via Annex I anyway, the
 * exemption changes nothing and no record is asked for.
 */
export function exemptionApplies(answers: Answers): boolean {
  return !isOutOfScope(answers) && !isProhibited(answers) && !highViaAnnexI(answers) && annexIIIExempt(answers);
}

/** The Art. 50(3) condition of rule L: emotion recognition or biometric categorisation. */
export function exposesPersons(answers: Answers): boolean {
  return (
    hasValue(answers, 'ai_capabilities', 'emotion_recognition') ||
    hasValue(answers, 'annex_iii_uses', 'biometric_categorisation') ||
    hasValue(answers, 'annex_iii_uses', 'emotion_recognition')
  );
}

/** Whether the model comes from a vendor (as supplied or customised). */
export function vendorModel(answers: Answers): boolean {
  const origin = oneOf(answers, 'model_origin');
  return origin === 'vendor_as_is' || origin === 'vendor_customized';
}
