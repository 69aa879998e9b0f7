/**
 * The clocks the EU AI Act starts for a serious incident with a high-risk system:
 * - Art. 26(5): the deployer informs the provider immediately — due at the report time;
 * - Art. 73(2): the provider reports to the market surveillance authority within 15 days of
 *   becoming aware; 73(4): 10 days in the event of a death; 73(3): 2 days for a widespread
 *   infringement or a serious incident involving critical infrastructure.
 * The day counts come from the policy (`incidents.art73Days`), which may shorten them. Where the
 * law needs judgement, the result says so in `notes` (shown to compliance with the due times).
 */
import type { Policy } from '../policy';
import type { IncidentHarm } from './form';

/** Which Art. 73 case set the authority's due time. */
export type ReportCase = 'general' | 'death' | 'widespread_or_critical';

/** The Article each case comes from. */
export const REPORT_CASE_ARTICLE: Readonly<Record<ReportCase, string>> = {
  general: 'Art. 73(2)',
  death: 'Art. 73(4)',
  widespread_or_critical: 'Art. 73(3)',
};

/** The clocks of one incident; all null when none run (not serious, or not a high-risk system). */
export interface IncidentClocks {
  providerInformDueAt: Date | null;
  authorityReportDueAt: Date | null;
  reportCase: ReportCase | null;
  /** Days the authority's report is due in (for the message). */
  days: number | null;
  /** Plain sentences on the judgement calls behind the times. */
  notes: string[];
}

const DAY_MS = 86_400_000;

/** What the clocks depend on. */
export interface ClockFacts {
  serious: boolean;
  riskClass: string | null;
  harm: IncidentHarm;
  widespread: boolean;
  /** When the organisation became aware: the report time. */
  awareAt: Date;
}

/** The clocks of an incident, per the policy's day counts. */
export function incidentClocks(policy: Pick<Policy, 'incidents'>, f: ClockFacts): IncidentClocks {
  if (!f.serious || f.riskClass !== 'high') {
    return { providerInformDueAt: null, authorityReportDueAt: null, reportCase: null, days: null, notes: [] };
  }
  const days = policy.incidents.art73Days;
  const cases: Array<[ReportCase, number]> = [['general', days.general]];
  const notes: string[] = [];
  if (f.harm === 'death_or_serious_health') {
    cases.push(['death', days.death]);
    notes.push(
      'Harm "death or serious harm to health" is treated as the death case of Art. 73(4) (10 days); where nobody died, Art. 73(2) allows 15 days — compliance decides which applies.',
    );
  }
  if (f.harm === 'critical_infrastructure' || f.widespread) {
    cases.push(['widespread_or_critical', days.widespread_or_critical]);
    if (f.widespread) notes.push('Marked as a widespread infringement by the reporter (Art. 3(61)): the 2-day case of Art. 73(3) applies; compliance confirms the scope.');
  }
  // The shortest deadline that applies wins.
  const [reportCase, n] = cases.reduce((a, b) => (b[1] < a[1] ? b : a));
  notes.push(
    'The deadlines run from when the organisation became aware of the incident; this uses the time it was reported here. Reporting to the authority is the provider\'s duty (Art. 73); as deployer we inform the provider at once (Art. 26(5)), and report ourselves only where we are the provider or cannot reach it.',
  );
  return { providerInformDueAt: f.awareAt, authorityReportDueAt: new Date(f.awareAt.getTime() + n * DAY_MS), reportCase, days: n, notes };
}
