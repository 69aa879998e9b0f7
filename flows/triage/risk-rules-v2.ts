/**
 * The version 2 rules (triage.md §6–§12) as predicates on answers. Both the v2 questionnaire
 * (which questions are asked) and the v2 classifier read them, so the two cannot disagree.
 * A condition that reads an answer not given yet does not hold.
 */
import type { Answers } from './types';
import { anyOf, boolOf, hasValue, oneOf, setOf } from './risk-rules';

/** Capabilities that ordinary rule engines also produce (§12.2). */
const ORDINARY_CAPABILITIES = ['predicts_or_scores', 'classifies_or_recommends', 'automates_actions'];
/** Origins under which a vendor's product is used under the vendor's name (§12.7). */
const VENDOR_PRODUCT = ['vendor_as_is', 'vendor_configured'];
/** Origins with a vendor model behind them (§12.1). */
const VENDOR_MODEL = ['vendor_as_is', 'vendor_configured', 'built_on_vendor_model'];

/** Declared capabilities other than `none`. */
export function capabilities(a: Answers): string[] {
  return setOf(a, 'ai_capabilities').filter((c) => c !== 'none');
}

/** `technique` names fixed rules or basic statistics, which infer nothing by themselves. */
export function ruleBasedTechnique(a: Answers): boolean {
  const technique = oneOf(a, 'technique');
  return technique === 'rules_by_people' || technique === 'basic_statistics';
}

/** Capabilities that make a rule-based system AI after all (§12.2). */
export function aiOnlyCapabilities(a: Answers): string[] {
  return capabilities(a).filter((c) => !ORDINARY_CAPABILITIES.includes(c));
}

/** Rule O (§7, §12.2): an AI system by its technique, or by a capability only AI has. */
export function inScopeV2(a: Answers): boolean {
  if (oneOf(a, 'technique') === undefined || !Array.isArray(a['ai_capabilities'])) return false;
  return !ruleBasedTechnique(a) || aiOnlyCapabilities(a).length > 0;
}

/** The Art. 2 ground answered (`research_only`, …), or null for none or not asked. */
export function exclusionGround(a: Answers): string | null {
  const ground = oneOf(a, 'ai_act_exclusion');
  return inScopeV2(a) && ground !== undefined && ground !== 'none' ? ground : null;
}

/** Emotion recognition from biometric data, as a capability or a listed Annex III use. */
export function emotionRecognition(a: Answers): boolean {
  return hasValue(a, 'ai_capabilities', 'emotion_recognition') || hasValue(a, 'annex_iii_uses', 'emotion_recognition');
}

/** Art. 5(1)(f) derived from the emotion questions (§7 P, §12.5). */
export function emotionBanApplies(a: Answers): boolean {
  const atWorkOrSchool =
    hasValue(a, 'emotion_subjects', 'employees_or_applicants') || hasValue(a, 'emotion_subjects', 'students');
  return emotionRecognition(a) && oneOf(a, 'emotion_purpose') === 'other' && atWorkOrSchool;
}

/** A prohibited practice was selected or derived (before any Art. 2 exclusion). */
export function prohibitedPracticeFound(a: Answers): boolean {
  return inScopeV2(a) && (anyOf(a, 'prohibited_practices') || emotionBanApplies(a));
}

/** Rule P: a prohibited practice, unless research or defence takes it out of the Act (Art. 2(3), 2(6)). */
export function isProhibitedV2(a: Answers): boolean {
  const ground = exclusionGround(a);
  return prohibitedPracticeFound(a) && ground !== 'research_only' && ground !== 'military_defence';
}

/** Rule X: excluded from the AI Act by Art. 2 and not prohibited. */
export function isExcludedV2(a: Answers): boolean {
  return exclusionGround(a) !== null && !isProhibitedV2(a);
}

/** Listed Annex III uses plus the one implied by an emotion recognition capability (§7 H). */
export function annexIIIUses(a: Answers): string[] {
  const listed = setOf(a, 'annex_iii_uses').filter((u) => u !== 'none');
  const implied = hasValue(a, 'ai_capabilities', 'emotion_recognition') && !listed.includes('emotion_recognition');
  return implied ? [...listed, 'emotion_recognition'] : listed;
}

/** The system has a listed or implied Annex III use (§12.6). */
export function hasAnnexIIIUse(a: Answers): boolean {
  return annexIIIUses(a).length > 0;
}

/** Art. 6(3) on its own: a derogation condition and no profiling; it covers the whole system. */
export function annexIIIExemptV2(a: Answers): boolean {
  return hasAnnexIIIUse(a) && anyOf(a, 'art6_3_conditions') && !boolOf(a, 'profiles_people');
}

/** Rule H applies at all: in scope, not prohibited and not excluded. */
function mayBeHigh(a: Answers): boolean {
  return inScopeV2(a) && !isProhibitedV2(a) && !isExcludedV2(a);
}

/** High-risk through Annex III (listed or implied use, not exempted). */
export function annexIIIRoute(a: Answers): boolean {
  return mayBeHigh(a) && hasAnnexIIIUse(a) && !annexIIIExemptV2(a);
}

/** High-risk through the Annex I product route, Art. 6(1). */
export function annexIRoute(a: Answers): boolean {
  return mayBeHigh(a) && boolOf(a, 'safety_component');
}

/** Rule H: `riskClass = high`. */
export function isHighRiskV2(a: Answers): boolean {
  return annexIRoute(a) || annexIIIRoute(a);
}

/** High via Annex III with a use other than critical infrastructure (§12.14, "not area 2"). */
export function annexIIIBeyondArea2(a: Answers): boolean {
  return annexIIIRoute(a) && annexIIIUses(a).some((u) => u !== 'critical_infrastructure');
}

/** The Art. 6(3) exemption decided the outcome: the system falls through to L/M. */
export function exemptionAppliesV2(a: Answers): boolean {
  return mayBeHigh(a) && !boolOf(a, 'safety_component') && annexIIIExemptV2(a);
}

/** The model comes from a vendor (§12.1). */
export function vendorModelV2(a: Answers): boolean {
  return VENDOR_MODEL.includes(oneOf(a, 'model_origin') ?? '');
}

/** The vendor's product under the vendor's name (§12.7). */
export function vendorProduct(a: Answers): boolean {
  return VENDOR_PRODUCT.includes(oneOf(a, 'model_origin') ?? '');
}

/** Provider under Art. 3(3): offered under our name, built on a vendor model, or trained by us. */
export function providerByArt3(a: Answers): boolean {
  const origin = oneOf(a, 'model_origin');
  return boolOf(a, 'offered_externally') || origin === 'built_on_vendor_model' || origin === 'trained_in_house';
}

/** Provider under Art. 25(1)(c): a vendor product used for a high-risk purpose it is not offered for. */
export function providerByPurposeV2(a: Answers): boolean {
  return isHighRiskV2(a) && vendorProduct(a) && !boolOf(a, 'vendor_intended_purpose');
}

/** Provider under Art. 25(1)(b): a high-risk system we substantially modified. */
export function providerByModification(a: Answers): boolean {
  return isHighRiskV2(a) && boolOf(a, 'substantially_modified');
}

/** The staff branch of Art. 50(1) (§12.11, §12.20): our own chat assistant talking to staff. */
export function staffChatByProvider(a: Answers): boolean {
  return (
    oneOf(a, 'interacts_with_people') === 'internal_staff' &&
    providerByArt3(a) &&
    hasValue(a, 'ai_capabilities', 'conversational_agent')
  );
}

/** Art. 50(1): people interact with the system directly and it must say it is AI. */
export function interactionDisclosure(a: Answers): boolean {
  return oneOf(a, 'interacts_with_people') === 'external_people' || staffChatByProvider(a);
}

/** Art. 50(2): we provide (Art. 3(3)) a system that generates content. */
export function marksSyntheticContent(a: Answers): boolean {
  return hasValue(a, 'ai_capabilities', 'generates_content') && providerByArt3(a);
}

/** Art. 50(4) first subparagraph: deep fakes. */
export function deepfake(a: Answers): boolean {
  return hasValue(a, 'synthetic_media', 'deepfake');
}

/** Art. 50(4) second subparagraph: public-interest text without editorial control. */
export function publicTextWithoutEditor(a: Answers): boolean {
  return hasValue(a, 'synthetic_media', 'public_interest_text') && !boolOf(a, 'editorial_control');
}

/** The Art. 50(3) condition: emotion recognition or biometric categorisation, not prohibited. */
export function exposesPersonsV2(a: Answers): boolean {
  return (emotionRecognition(a) || hasValue(a, 'annex_iii_uses', 'biometric_categorisation')) && !isProhibitedV2(a);
}

/** Rule L (§7): any transparency condition. */
export function isLimitedV2(a: Answers): boolean {
  return (
    interactionDisclosure(a) ||
    deepfake(a) ||
    publicTextWithoutEditor(a) ||
    marksSyntheticContent(a) ||
    exposesPersonsV2(a)
  );
}

/** `vendor_trains_on_inputs` is `yes` or `unknown`. */
export function vendorMayTrainV2(a: Answers): boolean {
  const trains = oneOf(a, 'vendor_trains_on_inputs');
  return trains === 'yes' || trains === 'unknown';
}
