/**
 * Recording the steps the clocks ask for: the provider was informed (Art. 26(5)) and the report
 * reached the market surveillance authority (Art. 73). Compliance or the system's owner records
 * them (the `incident.provider_informed` and `incident.authority_reported` buttons, or
 * `incident INC-4 informed|reported`). Safe to replay and to race: the row is locked, and a step
 * already recorded is told as such without a second event.
 */
import { eq } from 'drizzle-orm';
import { aiSystems } from '../../db/schema';
import { incidents } from '../../db/schema-improve';
import { appendAudit } from '../audit';
import type { FlowContext } from '../ports';
import { incidentRef, parseIncidentRef } from '../refs';
import type { Refusal } from '../results';
import { refuse } from '../results';
import type { IncidentView } from './view';
import { incidentOf, incidentViewOf, isCompliance } from './view';

/** The step recorded. */
export type IncidentStep = 'provider_informed' | 'authority_reported';

/** What `recordIncidentStep` returns. */
export interface IncidentStepRecorded {
  kind: 'recorded';
  step: IncidentStep;
  incident: IncidentView;
  /** It was recorded before (a replay or a second click): nothing changed. */
  already: boolean;
}

const STEP_TEXT: Record<IncidentStep, string> = {
  provider_informed: 'the provider was informed',
  authority_reported: 'the authority was sent the report',
};

/** Records that `step` was done now. */
export async function recordIncidentStep(ctx: FlowContext, text: string, step: IncidentStep): Promise<IncidentStepRecorded | Refusal> {
  const n = parseIncidentRef(text);
  if (n === null) return refuse('invalid', `"${text.slice(0, 40)}" is not an incident reference; use the form INC-4.`);
  const { db, clock } = ctx.deps;
  const found = await incidentOf(db, ctx.workspace.id, n);
  if (!found) return refuse('not_found', `There is no incident INC-${n}.`);
  const [s] = await db.select({ ownerId: aiSystems.ownerId }).from(aiSystems).where(eq(aiSystems.id, found.systemId));
  if (!isCompliance(ctx) && s?.ownerId !== ctx.actor.id) return refuse('not_authorised', `Only compliance or the owner of the system can record that ${STEP_TEXT[step]} for ${incidentRef(n)}.`);
  if (!found.serious) return refuse('not_allowed', `${incidentRef(n)} is not a serious incident; there is nothing to report.`);
  if (step === 'authority_reported' && !found.authorityReportDueAt) return refuse('not_allowed', `${incidentRef(n)} has no Art. 73 reporting clock (the system is not high-risk).`);
  return db.transaction(async (tx) => {
    const row = (await incidentOf(tx, ctx.workspace.id, n, true))!;
    const done = step === 'provider_informed' ? row.providerInformedAt : row.authorityReportedAt;
    if (done) return { kind: 'recorded' as const, step, incident: await incidentViewOf(tx, row), already: true };
    const now = clock.now();
    const set = step === 'provider_informed' ? { providerInformedAt: now, updatedAt: now } : { authorityReportedAt: now, updatedAt: now };
    const [updated] = await tx.update(incidents).set(set).where(eq(incidents.id, row.id)).returning();
    const due = step === 'provider_informed' ? row.providerInformDueAt : row.authorityReportDueAt;
    await appendAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor.platformId,
      action: `incident.${step}`,
      subjectType: 'incident',
      subjectId: incidentRef(n),
      data: { due_at: due?.toISOString() ?? null, ...(step === 'authority_reported' && due ? { late: now.getTime() > due.getTime() } : {}) },
      at: now,
    });
    return { kind: 'recorded' as const, step, incident: await incidentViewOf(tx, updated!), already: false };
  });
}

/** The sentence telling the outcome of {@link recordIncidentStep}. */
export function stepRecordedText(r: IncidentStepRecorded): string {
  const what = STEP_TEXT[r.step];
  return r.already ? `It was already recorded that ${what} for ${r.incident.ref}; nothing changed.` : `Recorded: ${what} for ${r.incident.ref}.`;
}
