/**
 * Types of the triage questionnaire and the classifier output (see triage.md §1–§4).
 * Ids and field names here are stable interfaces: stored assessments, exports, the
 * `classify` command and every adapter use them.
 */

/** The questionnaire version of new assessments (triage.md §6–§12). */
export const QUESTIONNAIRE_VERSION = 2 as const;

/** The questionnaire versions `classify` and stored assessments know. */
export type QuestionnaireVersion = 1 | 2;

/** EU AI Act risk class produced by rules O, X, P, H, L, M (`excluded` only in version 2). */
export type RiskClass = 'prohibited' | 'high' | 'limited' | 'minimal' | 'out_of_scope' | 'excluded';

/** Approver roles. The four defaults, plus any role a policy adds (a group name). */
export type ApproverRole = 'owner' | 'compliance' | 'privacy' | 'security' | (string & {});

/** A triage answer: one value id, a set of value ids, or a boolean. */
export type AnswerValue = string | string[] | boolean;

/** Triage answers keyed by question id (triage.md §2). */
export type Answers = Record<string, AnswerValue>;

/** Registration fields (triage.md §1). `owner` is a person id such as `slack:U123` or `shell:bob`. */
export interface RegistrationFields {
  name: string;
  vendor: string;
  url?: string | undefined;
  purpose: string;
  owner: string;
  department: string;
  usage_status: 'planned' | 'piloting' | 'in_use';
}

/** Who carries an obligation (version 2). */
export type Duty = 'provider' | 'deployer' | 'organisation';

/** One obligation with its legal reference; version 2 adds `duty` and `applicableFrom`. */
export interface Obligation {
  id: string;
  ref: string;
  duty?: Duty;
  /** ISO date (YYYY-MM-DD) from which the duty applies; null when no date applies. */
  applicableFrom?: string | null;
}

/** A version 2 obligation: always with its duty and date. */
export interface ObligationV2 extends Obligation {
  duty: Duty;
  applicableFrom: string | null;
}

/** Why a rule fired, with its legal reference. */
export interface RationaleItem {
  /** Rule letter: O, P, H, L, M, R, or a role/approver/obligation tag such as `role`. */
  rule: string;
  ref: string;
  because: string;
}

/** Advice that never changes the class. */
export interface Warning {
  id: string;
  ref: string;
  message: string;
}

/** Output contract of `classify` for version 1 answers (triage.md §4). */
export interface ClassificationV1 {
  questionnaireVersion: 1;
  inScope: boolean;
  riskClass: RiskClass;
  aiActRoles: Array<'provider' | 'deployer'>;
  isoRoles: Array<'developer' | 'producer' | 'user'>;
  approvers: ApproverRole[];
  /** Days until the next review; `null` for prohibited systems. */
  reviewIntervalDays: number | null;
  obligations: Obligation[];
  controls: string[];
  rationale: RationaleItem[];
  warnings: Warning[];
}

/** Output contract of `classify` for version 2 answers (triage.md §11). */
export interface ClassificationV2 {
  questionnaireVersion: 2;
  inScope: boolean;
  /** False for out of scope and excluded systems. */
  aiActApplies: boolean;
  riskClass: RiskClass;
  /** The Art. 2 ground when `riskClass = excluded`, else null. */
  exclusion: string | null;
  /** Empty unless high-risk; order `annex_i`, `annex_iii`. */
  highRiskRoutes: Array<'annex_i' | 'annex_iii'>;
  aiActRoles: Array<'provider' | 'deployer'>;
  isoRoles: Array<'developer' | 'producer' | 'user'>;
  approvers: ApproverRole[];
  reviewIntervalDays: number | null;
  obligations: ObligationV2[];
  controls: string[];
  rationale: RationaleItem[];
  warnings: Warning[];
}

/** A classification of either questionnaire version, as stored with an assessment. */
export type Classification = ClassificationV1 | ClassificationV2;

/**
 * The part of the organisation's policy the classifier reads. A policy may shorten review
 * intervals and add approver roles, never lengthen or remove.
 */
export interface TriagePolicy {
  /** v1: used when `public_service_provider` was not answered. Default false. */
  publicServiceProvider: boolean;
  /** v2: used when `public_sector` was not answered (triage.md §12.13). Default `no`. */
  publicSector: PublicSector;
  /** v2: obligation dates that override the data file, keyed by date id (ISO dates). */
  legalDates: Record<string, string>;
  /** Review interval caps in days, per class; a value above the default is ignored. */
  reviewDays: Partial<Record<'high' | 'limited' | 'minimal' | 'out_of_scope' | 'excluded', number>>;
  /** Extra approver roles per risk class (`all` applies to every class but prohibited). */
  extraApprovers: Partial<Record<RiskClass | 'all', string[]>>;
}

/** Values of `public_sector` and of the policy's `organization.publicSector` (triage.md §12.13). */
export const PUBLIC_SECTOR_VALUES = [
  'public_authority',
  'acting_for_public_authority',
  'body_governed_by_public_law',
  'private_public_service',
  'no',
] as const;

/** One value of `public_sector`. */
export type PublicSector = (typeof PUBLIC_SECTOR_VALUES)[number];

/** One validation problem, naming the offending field or question id. */
export interface FieldError {
  field: string;
  message: string;
}
