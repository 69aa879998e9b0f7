/** The risk class and roles derived from answers, shared by the classifier's parts. */
import type { Answers, Classification } from './types';
import type { ClassFacts } from './obligations';
import {
  boolOf,
  exemptionApplies,
  exposesPersons,
  isHighRisk,
  isOutOfScope,
  isProhibited,
  oneOf,
} from './risk-rules';

/** Everything the classifier's parts need to know beyond the answers. */
export interface Facts extends ClassFacts {
  /** Provider through Art. 25(1)(c): a vendor tool used for a high-risk purpose it was not offered for. */
  providerByPurpose: boolean;
  isoRoles: Classification['isoRoles'];
}

/** Rule L: a transparency condition holds. */
function isLimited(a: Answers): boolean {
  return (
    oneOf(a, 'interacts_with_people') === 'external_people' ||
    oneOf(a, 'synthetic_media') === 'published' ||
    exposesPersons(a)
  );
}

/** Applies rules O, P, H, L, M in order, then the roles. */
export function classFacts(a: Answers, defaultPublicService: boolean): Facts {
  const riskClass = isOutOfScope(a)
    ? 'out_of_scope'
    : isProhibited(a)
      ? 'prohibited'
      : isHighRisk(a)
        ? 'high'
        : isLimited(a)
          ? 'limited'
          : 'minimal';
  const origin = oneOf(a, 'model_origin');
  const providerByPurpose = riskClass === 'high' && origin !== 'trained_in_house' && !boolOf(a, 'vendor_intended_purpose');
  const provider = boolOf(a, 'offered_externally') || origin === 'trained_in_house' || providerByPurpose;
  const isoRoles: Facts['isoRoles'] = [];
  if (origin === 'trained_in_house') isoRoles.push('developer');
  if (origin === 'trained_in_house' || origin === 'vendor_customized' || boolOf(a, 'offered_externally')) isoRoles.push('producer');
  isoRoles.push('user');
  const answered = a['public_service_provider'];
  return {
    riskClass,
    provider,
    providerByPurpose,
    exempt: exemptionApplies(a),
    publicServiceProvider: typeof answered === 'boolean' ? answered : defaultPublicService,
    isoRoles,
  };
}
