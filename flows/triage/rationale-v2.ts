/** The reasons behind a version 2 classification, each with its legal reference (triage.md §7–§8). */
import type { Answers, RationaleItem } from './types';
import { ANNEX_III_REFS, PROHIBITED_REFS, RULE_REFS } from './legal-refs';
import { TRIAGE_QUESTIONS_V2 } from './triage-questions-v2';
import { anyOf, boolOf, oneOf, setOf } from './risk-rules';
import { deployerReason, providerByPurposeReason } from './rationale';
import {
  aiOnlyCapabilities,
  annexIIIExemptV2,
  annexIIIUses,
  deepfake,
  emotionBanApplies,
  exposesPersonsV2,
  interactionDisclosure,
  marksSyntheticContent,
  providerByArt3,
  publicTextWithoutEditor,
  ruleBasedTechnique,
} from './risk-rules-v2';

/** The Art. 2 paragraph behind each exclusion ground. */
export const EXCLUSION_REFS: Readonly<Record<string, string>> = {
  research_only: 'Art. 2(6); Art. 2(8)',
  military_defence: 'Art. 2(3)',
  personal_non_professional: 'Art. 2(10)',
};

function label(questionId: string, valueId: string): string {
  const value = TRIAGE_QUESTIONS_V2.find((q) => q.id === questionId)?.values?.find((x) => x.id === valueId);
  return (value?.label ?? valueId).toLowerCase();
}

function chosen(a: Answers, questionId: string): string[] {
  return setOf(a, questionId).filter((x) => x !== 'none');
}

/** Rule O: why the system is, or is not, an AI system. */
export function scopeReasons(a: Answers, inScope: boolean): RationaleItem[] {
  if (!inScope) {
    return [{
      rule: 'O',
      ref: RULE_REFS.outOfScope,
      because: 'it runs on fixed rules or basic statistics and declares no capability that only AI has, so it is ordinary software outside the AI Act and the AIMS scope',
    }];
  }
  if (!ruleBasedTechnique(a)) return [];
  const caps = aiOnlyCapabilities(a).map((c) => label('ai_capabilities', c)).join(', ');
  return [{ rule: 'O', ref: 'Art. 3(1)', because: `the declared capability (${caps}) needs inference, so the tool counts as an AI system whatever its technique` }];
}

/** Rule X: the Art. 2 ground. */
export function exclusionReason(ground: string): RationaleItem {
  return {
    rule: 'X',
    ref: EXCLUSION_REFS[ground] ?? 'Art. 2',
    because: `excluded from the AI Act: ${label('ai_act_exclusion', ground)}; the system stays in the AIMS inventory`,
  };
}

/** Rule P: one item per selected practice, and the derived Art. 5(1)(f) ban. */
export function prohibitedReasonsV2(a: Answers): RationaleItem[] {
  const items: RationaleItem[] = chosen(a, 'prohibited_practices').map((p) => ({
    rule: 'P',
    ref: PROHIBITED_REFS[p] ?? 'Art. 5',
    because: `prohibited practice selected: ${label('prohibited_practices', p)}; the system must not be used`,
  }));
  if (emotionBanApplies(a)) {
    items.push({
      rule: 'P',
      ref: 'Art. 5(1)(f)',
      because: 'it infers emotions of employees, job applicants or students for reasons other than medical or safety; the system must not be used',
    });
  }
  return items;
}

/** Rule H by route, with the Art. 6(3) exemption or the profiling override. */
export function highRiskReasonsV2(a: Answers, routes: string[], exempt: boolean): RationaleItem[] {
  const items: RationaleItem[] = [];
  if (routes.includes('annex_i')) {
    items.push({
      rule: 'H',
      ref: RULE_REFS.annexI,
      because: 'the AI is, or is a safety component of, a product under Annex I legislation that needs third-party conformity assessment',
    });
  }
  const listed = chosen(a, 'annex_iii_uses');
  const uses = annexIIIUses(a);
  if (routes.includes('annex_iii')) {
    for (const use of uses) {
      const because = listed.includes(use)
        ? `used for ${label('annex_iii_uses', use)}`
        : 'infers emotions from biometric data, an emotion recognition system under Annex III 1(c)';
      items.push({ rule: 'H', ref: ANNEX_III_REFS[use] ?? 'Annex III', because });
    }
    if (anyOf(a, 'art6_3_conditions') && boolOf(a, 'profiles_people')) {
      items.push({
        rule: 'H',
        ref: RULE_REFS.exemption,
        because: 'the system profiles people, so the Art. 6(3) exemption cannot apply: profiling always stays high-risk',
      });
    }
  }
  if (exempt || (annexIIIExemptV2(a) && routes.includes('annex_i'))) {
    const conditions = chosen(a, 'art6_3_conditions').map((c) => label('art6_3_conditions', c));
    const names = uses.map((u) => label('annex_iii_uses', u)).join(', ');
    items.push({
      rule: 'H',
      ref: RULE_REFS.exemption,
      because: exempt
        ? `the Annex III use (${names}) is exempt: ${conditions.join(', ')}, without profiling people; the assessment must be documented`
        : `the Annex III use (${names}) alone would be exempt, but the system is high-risk under Annex I`,
    });
  }
  return items;
}

/** Rule L, one item per transparency condition that holds. */
export function limitedReasonsV2(a: Answers): RationaleItem[] {
  const items: RationaleItem[] = [];
  if (interactionDisclosure(a)) {
    items.push({
      rule: 'L',
      ref: RULE_REFS.interaction,
      because: oneOf(a, 'interacts_with_people') === 'external_people'
        ? 'people outside the organisation interact with the system directly'
        : 'staff converse with a chat assistant that we provide',
    });
  }
  if (marksSyntheticContent(a)) {
    items.push({ rule: 'L', ref: 'Art. 50(2)', because: 'we provide a system that generates content, which must be marked as AI-generated' });
  }
  if (deepfake(a)) items.push({ rule: 'L', ref: 'Art. 50(4)', because: 'it produces deep fakes, which must be disclosed' });
  if (publicTextWithoutEditor(a)) {
    items.push({ rule: 'L', ref: 'Art. 50(4)', because: 'it writes text published on matters of public interest without editorial control' });
  }
  if (exposesPersonsV2(a)) {
    items.push({ rule: 'L', ref: RULE_REFS.exposure, because: 'people are exposed to emotion recognition or biometric categorisation' });
  }
  return items;
}

/** AI Act roles and why. */
export function roleReasonsV2(a: Answers, byPurpose: boolean, byModification: boolean): RationaleItem[] {
  const items: RationaleItem[] = [];
  if (providerByArt3(a)) {
    const origin = oneOf(a, 'model_origin');
    const because = boolOf(a, 'offered_externally')
      ? 'provider: we make the system available to others under our own name'
      : origin === 'built_on_vendor_model'
        ? 'provider: we put our own system, built on a vendor model, into service under our name (a downstream provider, Art. 3(68))'
        : 'provider: we build the model and put the system into service under our own name, also for our own use';
    items.push({ rule: 'role', ref: RULE_REFS.provider, because });
  }
  if (byModification) {
    items.push({ rule: 'role', ref: 'Art. 25(1)(b)', because: 'provider: we substantially modified a high-risk system and it stays high-risk' });
  }
  if (byPurpose) items.push(providerByPurposeReason());
  items.push(deployerReason());
  return items;
}
