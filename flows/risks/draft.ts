/**
 * What the assessment form starts with: the risks already in the register (not dropped), then
 * the catalog risks the triage answers suggest that the register does not have yet.
 */
import { and, asc, eq, ne } from 'drizzle-orm';
import { people } from '../../db/schema';
import { risks } from '../../db/schema-aims';
import type { FlowContext } from '../ports';
import type { Refusal } from '../results';
import type { SystemView } from '../views';
import { editableSystem } from './access';
import { catalogEntry, suggestRisks } from './catalog';
import type { RiskFormValues } from './form';

/** One risk of the form as it opens. */
export interface DraftEntry {
  /** The `n` of `R-n` for a risk in the register; null for a suggested one. */
  number: number | null;
  /** Suggested from the triage answers (not yet in the register). */
  suggested: boolean;
  values: RiskFormValues;
}

/** The assessment form of a system, pre-filled. */
export interface AssessmentDraft {
  system: SystemView;
  entries: DraftEntry[];
}

/** The pre-filled assessment form; only the owner and compliance may open it. */
export async function assessmentDraft(ctx: FlowContext, ref: string): Promise<AssessmentDraft | Refusal> {
  const found = await editableSystem(ctx, ref);
  if ('kind' in found) return found;
  const { system } = found;
  const { db } = ctx.deps;
  const rows = await db
    .select({ risk: risks, owner: people.platformId })
    .from(risks)
    .leftJoin(people, eq(people.id, risks.treatmentOwnerId))
    .where(and(eq(risks.workspaceId, ctx.workspace.id), eq(risks.systemId, system.id), ne(risks.status, 'closed')))
    .orderBy(asc(risks.number));
  const entries: DraftEntry[] = rows.map(({ risk: r, owner }) => ({
    number: r.number,
    suggested: false,
    values: {
      source: r.source,
      description: r.description,
      likelihood: String(r.likelihood),
      impact: String(r.impact),
      treatment: r.treatment,
      controls: r.controls,
      measures: r.measures,
      treatment_owner: owner ?? '',
      due_date: r.dueDate ?? '',
      residual_likelihood: r.residualLikelihood === null ? '' : String(r.residualLikelihood),
      residual_impact: r.residualImpact === null ? '' : String(r.residualImpact),
    },
  }));
  const present = new Set(rows.map((r) => r.risk.source));
  for (const e of suggestRisks(system.assessment?.answers ?? {})) {
    if (present.has(e.id)) continue;
    entries.push({
      number: null,
      suggested: true,
      values: { source: e.id, description: e.description, controls: e.controls, treatment: 'mitigate', treatment_owner: system.owner.platformId },
    });
  }
  return { system, entries };
}

/** One place in an assessment's queue: a risk in the register (`number`) or a suggested one (`source`). */
export interface AssessmentQueueItem {
  number: number | null;
  source: string;
}

/** The queue of an assessment as it opens: every entry of the draft, in order. */
export function assessmentQueue(draft: AssessmentDraft): AssessmentQueueItem[] {
  return draft.entries.map((e) => ({ number: e.number, source: String(e.values['source'] ?? '') }));
}

/**
 * Step `index` of an assessment against a fresh draft: its entry, its position (entries saved or
 * dropped meanwhile, e.g. in another window, are skipped) and a label such as
 * `2/3 suggested: Bias and discrimination`; null when the queue is done.
 */
export function assessmentStep(draft: AssessmentDraft, queue: readonly AssessmentQueueItem[], index: number): { entry: DraftEntry; index: number; label: string } | null {
  for (let i = index; i < queue.length; i++) {
    const wanted = queue[i]!;
    const entry =
      wanted.number !== null
        ? draft.entries.find((e) => e.number === wanted.number)
        : draft.entries.find((e) => e.number === null && e.values['source'] === wanted.source);
    if (!entry) continue;
    const label = `${i + 1}/${queue.length} ${entry.number ? `R-${entry.number}` : 'suggested'}: ${catalogEntry(String(entry.values['source']))?.label ?? ''}`;
    return { entry, index: i, label };
  }
  return null;
}
