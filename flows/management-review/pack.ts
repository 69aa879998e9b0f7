/**
 * The management review pack (ISO/IEC 42001 9.3.2) as neutral data: what the Markdown, the PDF
 * and the charts are rendered from, stored with the review so a later export shows the same pack.
 * Instants are ISO strings and dates `YYYY-MM-DD`, so it stores as JSON unchanged.
 */

/** A task named in the pack. */
export interface PackTask {
  ref: string;
  title: string;
  status: string;
  dueDate: string;
  assignee: string;
  /** The review the action was decided at. */
  review: string | null;
  overdue: boolean;
}

/** An obligation that starts to apply soon. */
export interface PackObligation {
  id: string;
  applicableFrom: string;
  /** Systems (refs) whose current assessment carries it. */
  systems: string[];
}

/** One objective with its measurements. */
export interface PackObjective {
  metric: string;
  name: string;
  target: number;
  direction: 'at_least' | 'at_most';
  /** The latest measured value, null when never measured or without data. */
  latest: number | null;
  /** The week (Monday) of the latest value. */
  week: string | null;
  /** Whether the latest value meets the target; null without a value. */
  met: boolean | null;
  /** The last 8 weekly values, oldest first. */
  trend: Array<{ week: string; value: number | null }>;
}

/** A nonconformity named in the pack. */
export interface PackNc {
  ref: string;
  severity: string;
  status: string;
  source: string;
  description: string;
  owner: string;
  ageDays: number;
  actionsOpen: number;
  actionsDone: number;
}

/** An internal audit with its findings counted by kind. */
export interface PackAudit {
  ref: string;
  title: string;
  status: string;
  plannedFor: string;
  conclusion: string | null;
  findings: Record<'conformity' | 'observation' | 'ofi' | 'minor_nc' | 'major_nc', number>;
  /** Its nonconformity findings with the NC each opened (absent in packs made before they were listed). */
  ncFindings?: PackNcFinding[];
}

/** A `minor_nc` or `major_nc` finding of an audit and the nonconformity it opened. */
export interface PackNcFinding {
  ref: string;
  kind: string;
  subject: string;
  text: string;
  nc: string | null;
  ncStatus: string | null;
}

/** An incident named in the pack. */
export interface PackIncident {
  ref: string;
  system: string;
  occurredAt: string;
  harm: string;
  serious: boolean;
  authorityReportDueAt: string | null;
  authorityReportedAt: string | null;
  nc: string | null;
}

/** An opportunity for improvement (an `ofi` finding). */
export interface PackOfi {
  ref: string;
  subject: string;
  text: string;
}

/** The assembled inputs of one management review. */
export interface ReviewPack {
  ref: string;
  organization: string;
  timezone: string;
  /** Local dates of the period reviewed (inclusive). */
  periodStart: string;
  periodEnd: string;
  generatedAt: string;
  /** 9.3.2 a) status of actions from previous management reviews. */
  previousActions: { total: number; open: number; done: number; notApplicable: number; overdue: number; openItems: PackTask[] };
  /** 9.3.2 b) changes in external and internal issues. */
  issues: {
    /** Obligations whose `applicableFrom` falls in the next six months (until `horizon`). */
    upcomingObligations: PackObligation[];
    horizon: string;
    inventory: {
      total: number;
      added: number;
      retired: number;
      byClass: Array<{ key: string; count: number }>;
      /** Systems registered in the period, by ref. */
      addedSystems: Array<{ ref: string; name: string; riskClass: string | null }>;
    };
  };
  /** 9.3.2 c) and 6.2: objectives and their measurements. */
  objectives: PackObjective[];
  /** 9.3.2 d) 1: nonconformities and corrective actions. */
  nonconformities: {
    open: number;
    openMajor: number;
    openMinor: number;
    openedInPeriod: number;
    closedInPeriod: number;
    correctiveActions: { open: number; done: number; overdue: number };
    openItems: PackNc[];
  };
  /** 9.3.2 d) 3: audit results. */
  audits: PackAudit[];
  /** 9.3.2 d) and A.8.4: incidents in the period. */
  incidents: { total: number; serious: number; items: PackIncident[] };
  /** 9.3.2 e): opportunities for improvement. */
  improvements: PackOfi[];
  /** The data the charts are drawn from. */
  charts: {
    inventoryByClass: Array<{ period: string; riskClass: string; count: number }>;
    reviewTimeliness: Array<{ period: string; onTime: number; late: number; overdue: number }>;
    ncAgeing: Array<{ bucket: string; severity: string; count: number }>;
  };
}

/** Items per list of the pack; the counts are always whole. */
export const PACK_LIST_LIMIT = 100;
