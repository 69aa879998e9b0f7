/**
 * Types of the triage questionnaire and the classifier output (see triage.md §1–§4).
 * Ids and field names here are stable interfaces: stored assessments, exports, the
 * `classify` command and every adapter use them.
 */

/** The questionnaire version stored with every assessment. */
export const QUESTIONNAIRE_VERSION = 1 as const;

/** EU AI Act risk class produced by rules O, P, H, L, M. */
export type RiskClass = 'prohibited' | 'high' | 'limited' | 'minimal' | 'out_of_scope';

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

/** One obligation with its legal reference. */
export interface Obligation {
  id: string;
  ref: string;
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

/** Output contract of `classify` (triage.md §4). */
export interface Classification {
  questionnaireVersion: typeof QUESTIONNAIRE_VERSION;
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

/**
 * The part of the organisation's policy the classifier reads. A policy may shorten review
 * intervals and add approver roles, never lengthen or remove.
 */
export interface TriagePolicy {
  /** Used when `public_service_provider` was not answered. Default false. */
  publicServiceProvider: boolean;
  /** Review interval caps in days, per class; a value above the default is ignored. */
  reviewDays: Partial<Record<'high' | 'limited' | 'minimal' | 'out_of_scope', number>>;
  /** Extra approver roles per risk class (`all` applies to every class but prohibited). */
  extraApprovers: Partial<Record<RiskClass | 'all', string[]>>;
}

/** One validation problem, naming the offending field or question id. */
export interface FieldError {
  field: string;
  message: string;
}
