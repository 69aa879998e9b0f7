/** Version 2 warnings (triage.md §7, §11, §12): advice that never changes the class. */
import type { Answers, ObligationV2, Warning } from './types';
import { WARNING_REFS } from './legal-refs';
import { EXCLUSION_REFS } from './rationale-v2';
import { anyOf, oneOf } from './risk-rules';
import { aiOnlyCapabilities, capabilities, exclusionGround, inScopeV2, prohibitedPracticeFound, ruleBasedTechnique } from './risk-rules-v2';

/**
 * The "is it AI?" warnings (§7 O, §12.2), from the first form page alone, so that forms can
 * show them before the user submits.
 */
export function techniqueWarnings(a: Answers): Warning[] {
  const list: Warning[] = [];
  if (oneOf(a, 'technique') === 'unknown') {
    list.push({
      id: 'technique_unknown',
      ref: 'Art. 3(1)',
      message: 'It is not known how the tool works: it is treated as AI until you find out from the vendor or the developers whether it learns from data or infers from encoded knowledge.',
    });
  }
  if (ruleBasedTechnique(a) && capabilities(a).length > 0) {
    if (aiOnlyCapabilities(a).length > 0) {
      list.push({
        id: 'technique_capability_disagreement',
        ref: 'Art. 3(1)',
        message: 'The answers disagree: fixed rules or basic statistics cannot generate content, converse, recognise people or read emotions. The tool is treated as AI; check how it really works.',
      });
    } else {
      list.push({
        id: 'confirm_technique',
        ref: 'Art. 3(1)',
        message: 'Predicting, scoring, classifying or acting by fixed rules or basic statistics does not make a tool AI, so it is treated as out of scope: confirm with the vendor or the developers that it does not learn from data.',
      });
    }
  }
  return list;
}

/** All warnings of a v2 classification, given its obligations. */
export function warningsV2(a: Answers, obligations: readonly ObligationV2[]): Warning[] {
  const list = techniqueWarnings(a);
  if (!inScopeV2(a)) return list;
  const ground = exclusionGround(a);
  if ((ground === 'research_only' || ground === 'military_defence') && prohibitedPracticeFound(a)) {
    list.push({
      id: 'exclusion_needs_counsel',
      ref: EXCLUSION_REFS[ground] ?? 'Art. 2',
      message: 'A prohibited practice is involved and only the Art. 2 exclusion keeps the system out of the ban: counsel must confirm that the exclusion really applies before any use.',
    });
  }
  if (ground === 'military_defence' && obligations.some((o) => o.id === 'dpia')) {
    list.push({
      id: 'military_gdpr',
      ref: 'GDPR Art. 2(2)',
      message: 'GDPR does not apply to activities outside Union law such as national security: counsel must confirm whether it applies before relying on the DPIA listed here.',
    });
  }
  if (oneOf(a, 'decision_role') === 'autonomous' && anyOf(a, 'affected_people')) {
    list.push({
      id: 'solely_automated_decisions',
      ref: WARNING_REFS.automatedDecision,
      message: 'The tool decides about people without a person involved: check whether GDPR Art. 22 on solely automated decisions applies and offer human review.',
    });
  }
  if (oneOf(a, 'vendor_trains_on_inputs') === 'unknown') {
    list.push({
      id: 'vendor_training_unknown',
      ref: WARNING_REFS.vendorTraining,
      message: 'It is not known whether the vendor trains on our inputs: find out from the contract or the product settings.',
    });
  }
  if (obligations.some((o) => o.id === 'disclose_ai_interaction' && o.duty === 'deployer')) {
    list.push({
      id: 'vendor_must_disclose',
      ref: 'Art. 50(1)',
      message: 'The vendor must disclose that people are talking to an AI system; check that it does.',
    });
  }
  return list;
}
