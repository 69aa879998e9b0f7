/** The human-readable reasons behind a classification, each with its legal reference. */
import type { Answers, RationaleItem, RiskClass } from './types';
import { ANNEX_III_REFS, PROHIBITED_REFS, RULE_REFS } from './legal-refs';
import { getQuestionV1 as getQuestion } from './questionnaire-v1';
import {
  annexIIIExempt,
  anyOf,
  boolOf,
  exposesPersons,
  highViaAnnexI,
  highViaAnnexIII,
  oneOf,
  setOf,
} from './risk-rules';

function label(questionId: string, valueId: string): string {
  const value = getQuestion(questionId)?.values?.find((x) => x.id === valueId);
  return (value?.label ?? valueId).toLowerCase();
}

function chosen(a: Answers, questionId: string): string[] {
  return setOf(a, questionId).filter((x) => x !== 'none');
}

/** Rule P: one item per selected practice. */
export function prohibitedReasons(a: Answers): RationaleItem[] {
  return chosen(a, 'prohibited_practices').map((p) => ({
    rule: 'P',
    ref: PROHIBITED_REFS[p] ?? 'Art. 5',
    because: `prohibited practice selected: ${label('prohibited_practices', p)}; the system must not be used`,
  }));
}

/** Rule H with its Art. 6(3) exemption or profiling override; call only when not prohibited. */
export function highRiskReasons(a: Answers, exempt: boolean): RationaleItem[] {
  const items: RationaleItem[] = [];
  if (highViaAnnexI(a)) {
    items.push({
      rule: 'H',
      ref: RULE_REFS.annexI,
      because: 'the AI is, or is a safety component of, a product under Annex I legislation that needs third-party conformity assessment',
    });
  }
  const uses = chosen(a, 'annex_iii_uses');
  if (highViaAnnexIII(a)) {
    for (const use of uses) {
      items.push({ rule: 'H', ref: ANNEX_III_REFS[use] ?? 'Annex III', because: `used for ${label('annex_iii_uses', use)}` });
    }
    if (anyOf(a, 'art6_3_conditions') && boolOf(a, 'profiles_people')) {
      items.push({
        rule: 'H',
        ref: RULE_REFS.exemption,
        because: 'the system profiles people, so the Art. 6(3) exemption cannot apply: profiling always stays high-risk',
      });
    }
  }
  if (exempt || (annexIIIExempt(a) && highViaAnnexI(a))) {
    const conditions = chosen(a, 'art6_3_conditions').map((c) => label('art6_3_conditions', c));
    const names = uses.map((u) => label('annex_iii_uses', u)).join(', ');
    items.push({
      rule: 'H',
      ref: RULE_REFS.exemption,
      because: exempt
        ? `the Annex III use (${names}) is exempt: ${conditions.join(', ')}, without profiling people; the assessment must be documented and registered`
        : `the Annex III use (${names}) alone would be exempt, but the system is high-risk under Annex I`,
    });
  }
  return items;
}

/** Rule L, one item per transparency condition that holds. */
export function limitedReasons(a: Answers): RationaleItem[] {
  const items: RationaleItem[] = [];
  if (oneOf(a, 'interacts_with_people') === 'external_people') {
    items.push({ rule: 'L', ref: RULE_REFS.interaction, because: 'people outside the organisation interact with the system directly' });
  }
  if (oneOf(a, 'synthetic_media') === 'published') {
    items.push({ rule: 'L', ref: RULE_REFS.syntheticMedia, because: 'generated or manipulated media are published outside the organisation' });
  }
  if (exposesPersons(a)) {
    items.push({ rule: 'L', ref: RULE_REFS.exposure, because: 'people are exposed to emotion recognition or biometric categorisation' });
  }
  return items;
}

/** Rule O. */
export function outOfScopeReason(): RationaleItem {
  return {
    rule: 'O',
    ref: RULE_REFS.outOfScope,
    because: 'no AI capability was declared, so the tool is ordinary software outside the AI Act and the AIMS scope',
  };
}

/** Rule M. */
export function minimalReason(): RationaleItem {
  return {
    rule: 'M',
    ref: RULE_REFS.minimal,
    because: 'in scope and not prohibited, high-risk or limited: of the AI Act only AI literacy applies',
  };
}

/** AI Act roles and why. */
export function roleReasons(a: Answers, high: boolean, byPurpose: boolean): RationaleItem[] {
  const items: RationaleItem[] = [];
  const ownModel = oneOf(a, 'model_origin') === 'trained_in_house';
  if (boolOf(a, 'offered_externally') || ownModel) {
    items.push({
      rule: 'role',
      ref: RULE_REFS.provider,
      because: boolOf(a, 'offered_externally')
        ? 'provider: we make the system available to others under our own name'
        : 'provider: we build the model and put the system into service under our own name, also for our own use',
    });
  }
  if (high && byPurpose) items.push(providerByPurposeReason());
  items.push(deployerReason());
  return items;
}

/** Art. 25(1)(c): using a tool for a high-risk purpose its supplier does not offer it for. */
export function providerByPurposeReason(): RationaleItem {
  return {
    rule: 'role',
    ref: RULE_REFS.providerByPurpose,
    because: 'provider: the supplier does not offer the tool for this high-risk purpose, so using it for that purpose makes us its provider',
  };
}

/** The organisation deploys every system it registers. */
export function deployerReason(): RationaleItem {
  return { rule: 'role', ref: RULE_REFS.deployer, because: 'deployer: the organisation uses the system it registers' };
}

/** Class names used in review reasons. */
export const CLASS_NAMES: Record<RiskClass, string> = {
  high: 'high-risk',
  limited: 'limited risk',
  minimal: 'minimal risk',
  out_of_scope: 'out of scope',
  prohibited: 'prohibited',
  excluded: 'excluded from the AI Act',
};

/** Rule R. */
export function reviewReason(riskClass: RiskClass, days: number | null, defaultDays: number | null): RationaleItem {
  let because: string;
  if (days === null) because = 'no periodic review: a prohibited system must not be used';
  else if (days !== defaultDays) because = `review every ${days} days (${CLASS_NAMES[riskClass]}; policy shortens the default of ${defaultDays})`;
  else because = `review every ${days} days (${CLASS_NAMES[riskClass]})`;
  return { rule: 'R', ref: RULE_REFS.review, because };
}
