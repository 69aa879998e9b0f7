/**
 * Reporting an incident with an AI system (`incident <ref>`, form `incident.report`): anyone may
 * report. In one transaction the incident gets its `INC-n`, its Art. 26(5)/73 clocks when it is
 * serious and the system high-risk, an `incident.reported` audit event, a nonconformity when it
 * is serious (opened once, `incident:<id>`), and the notice to compliance (the digest channel)
 * through the outbox.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { aiSystems, auditEvents } from '../../db/schema';
import { incidents } from '../../db/schema-improve';
import { appendAudit } from '../audit';
import { localDateTime } from '../display';
import { openNonconformity } from '../improvement/open-nc';
import { enqueue } from '../outbox';
import type { FlowContext } from '../ports';
import { incidentRef, nextNumber } from '../refs';
import { systemByRef } from '../registration';
import { systemRef } from '../views';
import type { Refusal } from '../results';
import { invalid, refuse } from '../results';
import type { IncidentClocks } from './clocks';
import { incidentClocks } from './clocks';
import type { IncidentFormValues } from './form';
import { defaultSerious, parseIncidentForm } from './form';
import type { IncidentView } from './view';
import { incidentViewOf } from './view';

/** Outbox kind of the notice to compliance. */
export const INCIDENT_REPORTED = 'incident.reported';

/** Payload of {@link INCIDENT_REPORTED} → `{channel: 'digest'}`: adapters render `incident` and `notes` with their own escaping. */
export interface IncidentReportedPayload {
  incidentId: number;
  ref: string;
  incident: IncidentView;
  /** The judgement calls behind the due times (plain text). */
  notes: string[];
  /** The policy's time zone, for the due times. */
  timezone: string;
  /** Plain-text rendering (fallback and notification text). */
  text: string;
}

/** What `reportIncident` returns. */
export interface IncidentReported {
  kind: 'reported';
  incident: IncidentView;
  notes: string[];
}

/** The plain-text lines of an incident with its clocks (the notice's fallback and the shell). */
export function incidentLines(v: IncidentView, tz: string, notes: readonly string[] = []): string[] {
  const lines = [
    `${v.ref}: ${v.serious ? 'SERIOUS incident' : 'incident'} with ${v.system.ref} "${v.system.name}" (${v.system.riskClass ?? 'not classified'}), owner ${v.system.owner}`,
    `Harm: ${v.harmLabel}${v.peopleAffected ? ` · people affected: ${v.peopleAffected}` : ''}`,
    `Happened ${localDateTime(new Date(v.occurredAt), tz)} · reported ${localDateTime(new Date(v.reportedAt), tz)}${v.reportedBy ? ` by ${v.reportedBy}` : ''}`,
    v.description,
  ];
  if (v.providerInformDueAt) {
    lines.push(
      `Inform the provider (Art. 26(5)): immediately — due ${localDateTime(new Date(v.providerInformDueAt), tz)}${v.providerInformedAt ? ` · done ${localDateTime(new Date(v.providerInformedAt), tz)}` : ''}`,
    );
  }
  if (v.authorityReportDueAt) {
    lines.push(
      `Report to the market surveillance authority (${v.reportArticle}): due ${localDateTime(new Date(v.authorityReportDueAt), tz)}${v.authorityReportedAt ? ` · done ${localDateTime(new Date(v.authorityReportedAt), tz)}` : ''}`,
    );
  }
  if (v.serious && !v.authorityReportDueAt) lines.push('No EU AI Act reporting clock: the system is not high-risk.');
  if (v.nc) lines.push(`Nonconformity ${v.nc} opened (major).`);
  lines.push(...notes);
  return lines;
}

/**
 * Reports an incident. Bad answers come back field by field and change nothing. `formKey` names
 * the form (the Slack modal): submitting it again, or twice at once, reports one incident.
 */
export async function reportIncident(ctx: FlowContext, values: IncidentFormValues, formKey?: string | null): Promise<IncidentReported | Refusal> {
  const { clock, policy, db } = ctx.deps;
  const now = clock.now();
  const tz = policy.organization.timezone;
  const input = parseIncidentForm(values, now, tz);
  if (Array.isArray(input)) return invalid(input);
  const system = await systemByRef(ctx, input.systemRef);
  if ('kind' in system) return invalid([{ field: 'system', message: system.code === 'not_found' ? `there is no system ${input.systemRef.toUpperCase()} here` : system.message }]);
  const serious = input.serious ?? defaultSerious(input.harm, system.riskClass);
  const clocks: IncidentClocks = incidentClocks(policy, { serious, riskClass: system.riskClass, harm: input.harm, widespread: input.widespread, awareAt: now });
  const key = formKey && /^[\w-]{8,64}$/.test(formKey) ? `${ctx.actor.id}:${formKey}` : null;
  return db.transaction(async (tx): Promise<IncidentReported | Refusal> => {
    if (key) {
      // Reports of one system from a keyed form are taken one at a time; the key is kept in the audit event.
      await tx.select({ id: aiSystems.id }).from(aiSystems).where(eq(aiSystems.id, system.id)).for('update');
      const [twin] = await tx
        .select({ ref: auditEvents.subjectId })
        .from(auditEvents)
        .where(and(eq(auditEvents.workspaceId, ctx.workspace.id), eq(auditEvents.action, 'incident.reported'), sql`${auditEvents.data}->>'form_key' = ${key}`))
        .limit(1);
      if (twin) return refuse('already_decided', `This form already reported ${twin.ref}; nothing new was recorded.`);
    }
    const number = await nextNumber(tx, ctx.workspace.id, 'incident');
    const ref = incidentRef(number);
    const [row] = await tx
      .insert(incidents)
      .values({
        workspaceId: ctx.workspace.id,
        number,
        systemId: system.id,
        reportedById: ctx.actor.id,
        occurredAt: input.occurredAt,
        description: input.description,
        harm: input.harm,
        peopleAffected: input.peopleAffected,
        serious,
        riskClass: system.riskClass,
        providerInformDueAt: clocks.providerInformDueAt,
        authorityReportDueAt: clocks.authorityReportDueAt,
        reportCase: clocks.reportCase,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    let incident = row!;
    await appendAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor.platformId,
      action: 'incident.reported',
      subjectType: 'incident',
      subjectId: ref,
      data: {
        system_id: system.id,
        system_ref: system.ref,
        occurred_at: input.occurredAt.toISOString(),
        harm: input.harm,
        people_affected: input.peopleAffected,
        serious,
        serious_by: input.serious === null ? 'default_rule' : 'reporter',
        widespread: input.widespread,
        risk_class: system.riskClass,
        provider_inform_due_at: clocks.providerInformDueAt?.toISOString() ?? null,
        authority_report_due_at: clocks.authorityReportDueAt?.toISOString() ?? null,
        report_case: clocks.reportCase,
        ...(key ? { form_key: key } : {}),
      },
      at: now,
    });
    if (serious) {
      const { nc } = await openNonconformity(tx, {
        workspaceId: ctx.workspace.id,
        source: 'incident',
        severity: 'major',
        description: `Serious incident ${ref} with ${system.ref} "${system.name}": ${input.description}`.slice(0, 2000),
        ownerId: system.owner.id,
        incidentId: incident.id,
        systemId: system.id,
        dedupeKey: `incident:${incident.id}`,
        createdById: ctx.actor.id,
        actor: ctx.actor.platformId,
        at: now,
      });
      [incident] = (await tx.update(incidents).set({ ncId: nc.id }).where(eq(incidents.id, incident.id)).returning()) as [typeof incident];
    }
    const view = await incidentViewOf(tx, incident);
    const payload: IncidentReportedPayload = { incidentId: incident.id, ref, incident: view, notes: clocks.notes, timezone: tz, text: incidentLines(view, tz, clocks.notes).join('\n') };
    await enqueue(tx, {
      workspaceId: ctx.workspace.id,
      dedupeKey: `${INCIDENT_REPORTED}:${incident.id}`,
      kind: INCIDENT_REPORTED,
      recipient: { channel: 'digest' },
      payload: { ...payload },
      notBefore: now,
    });
    return { kind: 'reported' as const, incident: view, notes: clocks.notes };
  });
}

/** The systems a reporter may pick when `incident` names none: the workspace's, newest reference first, at most `limit`. */
export async function incidentSystemChoices(ctx: FlowContext, limit = 100): Promise<Array<{ ref: string; name: string }>> {
  const rows = await ctx.deps.db
    .select({ refNumber: aiSystems.refNumber, name: aiSystems.name })
    .from(aiSystems)
    .where(eq(aiSystems.workspaceId, ctx.workspace.id))
    .orderBy(desc(aiSystems.refNumber))
    .limit(limit);
  return rows.map((r) => ({ ref: systemRef(r.refNumber), name: r.name }));
}
