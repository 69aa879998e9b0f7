/**
 * Legal references and dates the triage engine cites (eu-ai-act.md, iso42001.md).
 * Kept apart from the rules so a reference or an amended date can be corrected here
 * without touching any logic.
 */

/** Art. 5 point cited for each prohibited-practice value of `prohibited_practices`. */
export const PROHIBITED_REFS: Readonly<Record<string, string>> = {
  manipulation: 'Art. 5(1)(a)',
  exploits_vulnerabilities: 'Art. 5(1)(b)',
  social_scoring: 'Art. 5(1)(c)',
  crime_prediction_profiling: 'Art. 5(1)(d)',
  facial_image_scraping: 'Art. 5(1)(e)',
  emotion_recognition_work_or_school: 'Art. 5(1)(f)',
  biometric_categorisation_sensitive: 'Art. 5(1)(g)',
  realtime_biometric_id_law_enforcement: 'Art. 5(1)(h)',
  // Added by the 2026 amendment; generating such material is also a crime in most member states.
  non_consensual_intimate_imagery: 'Art. 5 (as amended); criminal law',
};

/** Annex III point cited for each value of `annex_iii_uses`. */
export const ANNEX_III_REFS: Readonly<Record<string, string>> = {
  biometric_identification: 'Annex III 1(a)',
  biometric_categorisation: 'Annex III 1(b)',
  emotion_recognition: 'Annex III 1(c)',
  critical_infrastructure: 'Annex III 2',
  education_access: 'Annex III 3(a)',
  education_assessment: 'Annex III 3(b)–(d)',
  recruitment: 'Annex III 4(a)',
  worker_management: 'Annex III 4(b)',
  public_benefits: 'Annex III 5(a)',
  credit_scoring: 'Annex III 5(b)',
  insurance_pricing: 'Annex III 5(c)',
  emergency_triage: 'Annex III 5(d)',
  law_enforcement: 'Annex III 6',
  migration_border: 'Annex III 7',
  justice: 'Annex III 8(a)',
  elections: 'Annex III 8(b)',
};

/** Obligation ids in the order of triage.md §3, with the reference each one cites. */
export const OBLIGATION_REFS = {
  ai_literacy: 'Art. 4',
  stop_use: 'Art. 5',
  provider_high_risk: 'Art. 16; Arts. 9–15, 17, 43, 49',
  deployer_high_risk: 'Art. 26',
  inform_workers: 'Art. 26(7)',
  inform_affected_persons: 'Art. 26(11)',
  fria: 'Art. 27',
  art6_3_record: 'Art. 6(4); Art. 49(2)',
  disclose_ai_interaction: 'Art. 50(1)',
  mark_synthetic_content: 'Art. 50(2); Art. 50(4)',
  inform_exposed_persons: 'Art. 50(3)',
  dpia: 'GDPR Art. 35',
  vendor_data_terms: 'ISO 42001 A.10.3',
} as const;

/** An obligation id of triage.md §3. */
export type ObligationId = keyof typeof OBLIGATION_REFS;

/** References cited in the rationale of rules and roles. */
export const RULE_REFS = {
  outOfScope: 'Art. 3(1); ISO 42001 4.3',
  annexI: 'Art. 6(1); Annex I',
  exemption: 'Art. 6(3)',
  interaction: 'Art. 50(1)',
  syntheticMedia: 'Art. 50(2); Art. 50(4)',
  exposure: 'Art. 50(3)',
  minimal: 'Art. 4',
  provider: 'Art. 3(3)',
  providerByPurpose: 'Art. 25(1)(c)',
  deployer: 'Art. 3(4)',
  review: 'ISO 42001 6.1.4; 8.4',
} as const;

/** References cited by warnings. */
export const WARNING_REFS = {
  emotionAtWork: 'Art. 5(1)(f)',
  automatedDecision: 'GDPR Art. 22',
  vendorTraining: 'ISO 42001 A.10.3',
} as const;

/**
 * Dates from which AI Act duties apply (ISO 8601). Two follow the 2026 amendment; an
 * organisation that reads the law differently corrects them here.
 */
export const AI_ACT_DATES = {
  inForce: '2024-08-01',
  prohibitionsAndLiteracy: '2025-02-02',
  generalPurposeModels: '2025-08-02',
  generalApplication: '2026-08-02',
  nonConsensualImageryBan: '2026-12-02',
  annexIIIHighRisk: '2027-12-02',
  annexIHighRisk: '2028-08-02',
} as const;
