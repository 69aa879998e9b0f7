/**
 * What compliance sees of the campaigns: the digest's survey lines (response rate of the latest
 * AI-use campaign, tools named, policy-ack and literacy coverage) and the `literacy` export
 * (person, policy version acknowledged and when, latest literacy attestation and evidence).
 */
import { and, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { people } from '../../../db/schema';
import { discoveredTools, literacyAttestations, policyAcks, surveyRecipients, surveys } from '../../../db/schema-discovery';
import type { Policy } from '../../policy';
import { isGroupMember } from '../../policy';
import type { FlowContext } from '../../ports';
import type { Refusal } from '../../results';
import { refuse } from '../../results';
import { CSV_BOM, toCsv } from '../../exports';

/** The digest's survey section; null parts are left out. */
export interface SurveyDigest {
  /** The latest AI-use campaign's response rate. */
  aiUse: { ref: string; asked: number; answered: number; percent: number } | null;
  /** Distinct tools named in answers, and of them not in the inventory. */
  toolsNamed: number;
  unregistered: number;
  /** People who acknowledged the current AI policy version, of everyone asked in any campaign. */
  policyAck: { version: number; acknowledged: number; people: number; percent: number } | null;
  literacy: { attested: number; people: number; percent: number } | null;
}

const pct = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 100));

/** The survey section of a workspace's digest. */
export async function surveyDigest(db: Db, policy: Policy, workspaceId: number): Promise<SurveyDigest> {
  const [latest] = await db
    .select({ id: surveys.id, ref: surveys.ref })
    .from(surveys)
    .where(and(eq(surveys.workspaceId, workspaceId), eq(surveys.kind, 'ai_use')))
    .orderBy(desc(surveys.opensAt), desc(surveys.id))
    .limit(1);
  let aiUse: SurveyDigest['aiUse'] = null;
  if (latest) {
    const [c] = await db
      .select({ asked: sql<number>`count(*)::int`, answered: sql<number>`count(${surveyRecipients.respondedAt})::int` })
      .from(surveyRecipients)
      .where(eq(surveyRecipients.surveyId, latest.id));
    aiUse = { ref: latest.ref, asked: c?.asked ?? 0, answered: c?.answered ?? 0, percent: pct(c?.answered ?? 0, c?.asked ?? 0) };
  }
  const [tools] = await db
    .select({ named: sql<number>`count(*)::int`, open: sql<number>`count(*) filter (where ${discoveredTools.registeredSystemId} is null)::int` })
    .from(discoveredTools)
    .where(eq(discoveredTools.workspaceId, workspaceId));
  const [everyone] = await db
    .select({ n: sql<number>`count(distinct ${surveyRecipients.personId})::int` })
    .from(surveyRecipients)
    .where(eq(surveyRecipients.workspaceId, workspaceId));
  const asked = everyone?.n ?? 0;
  let policyAck: SurveyDigest['policyAck'] = null;
  const version = policy.aiPolicy?.version;
  if (version !== undefined) {
    const [a] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(policyAcks)
      .where(and(eq(policyAcks.workspaceId, workspaceId), eq(policyAcks.version, version)));
    const people = Math.max(asked, a?.n ?? 0);
    policyAck = { version, acknowledged: a?.n ?? 0, people, percent: pct(a?.n ?? 0, people) };
  }
  const [l] = await db
    .select({ n: sql<number>`count(distinct ${literacyAttestations.personId})::int` })
    .from(literacyAttestations)
    .where(eq(literacyAttestations.workspaceId, workspaceId));
  const literacyPeople = Math.max(asked, l?.n ?? 0);
  const literacy = literacyPeople > 0 ? { attested: l?.n ?? 0, people: literacyPeople, percent: pct(l?.n ?? 0, literacyPeople) } : null;
  return { aiUse, toolsNamed: tools?.named ?? 0, unregistered: tools?.open ?? 0, policyAck, literacy };
}

/** The digest's survey lines as plain text (empty when there is nothing to say). */
export function surveyDigestLines(d: SurveyDigest | undefined): string[] {
  const out: string[] = [];
  if (!d) return out;
  if (d.aiUse) out.push(`AI-use survey ${d.aiUse.ref}: ${d.aiUse.answered} of ${d.aiUse.asked} answered (${d.aiUse.percent}%).`);
  if (d.toolsNamed > 0) out.push(`Tools named in surveys and discovery: ${d.toolsNamed}, of them ${d.unregistered} not registered.`);
  if (d.policyAck && d.policyAck.people > 0) out.push(`AI policy v${d.policyAck.version} acknowledged: ${d.policyAck.acknowledged} of ${d.policyAck.people} (${d.policyAck.percent}%).`);
  if (d.literacy) out.push(`AI literacy attested: ${d.literacy.attested} of ${d.literacy.people} (${d.literacy.percent}%).`);
  return out;
}

/** One row of the `literacy` export. */
export interface LiteracyRow {
  person: string;
  name: string;
  email: string;
  /** The highest policy version the person acknowledged, or null. */
  policy_version: number | null;
  acknowledged_at: string | null;
  /** True when that version is the current one. */
  current_version: boolean;
  literacy_attested_at: string | null;
  literacy_evidence: string | null;
}

/** The `literacy` export of a workspace: everyone asked, acknowledged or attested, by name. */
export async function literacyRows(db: Db, policy: Policy, workspaceId: number): Promise<LiteracyRow[]> {
  const acks = await db
    .selectDistinctOn([policyAcks.personId], { personId: policyAcks.personId, version: policyAcks.version, at: policyAcks.acknowledgedAt })
    .from(policyAcks)
    .where(eq(policyAcks.workspaceId, workspaceId))
    .orderBy(policyAcks.personId, desc(policyAcks.version));
  const lits = await db
    .selectDistinctOn([literacyAttestations.personId], { personId: literacyAttestations.personId, evidence: literacyAttestations.evidence, at: literacyAttestations.attestedAt })
    .from(literacyAttestations)
    .where(eq(literacyAttestations.workspaceId, workspaceId))
    .orderBy(literacyAttestations.personId, desc(literacyAttestations.attestedAt), desc(literacyAttestations.id));
  const asked = await db
    .selectDistinct({ personId: surveyRecipients.personId })
    .from(surveyRecipients)
    .innerJoin(surveys, eq(surveys.id, surveyRecipients.surveyId))
    .where(and(eq(surveyRecipients.workspaceId, workspaceId), isNotNull(surveys.kind), sql`${surveys.kind} in ('policy_ack', 'literacy')`));
  const ids = new Set([...acks.map((a) => a.personId), ...lits.map((l) => l.personId), ...asked.map((a) => a.personId)]);
  if (ids.size === 0) return [];
  const who = await db.select().from(people).where(eq(people.workspaceId, workspaceId));
  const ackOf = new Map(acks.map((a) => [a.personId, a]));
  const litOf = new Map(lits.map((l) => [l.personId, l]));
  const current = policy.aiPolicy?.version;
  return who
    .filter((p) => ids.has(p.id))
    .sort((a, b) => (a.displayName ?? a.platformId).localeCompare(b.displayName ?? b.platformId) || a.id - b.id)
    .map((p) => {
      const a = ackOf.get(p.id);
      const l = litOf.get(p.id);
      return {
        person: p.platformId,
        name: p.displayName ?? '',
        email: p.email ?? '',
        policy_version: a?.version ?? null,
        acknowledged_at: a ? a.at.toISOString() : null,
        current_version: a !== undefined && a.version === current,
        literacy_attested_at: l ? l.at.toISOString() : null,
        literacy_evidence: l?.evidence ?? null,
      };
    });
}

/** The columns of the `literacy` CSV, in order. */
export const LITERACY_COLUMNS: ReadonlyArray<keyof LiteracyRow> = [
  'person',
  'name',
  'email',
  'policy_version',
  'acknowledged_at',
  'current_version',
  'literacy_attested_at',
  'literacy_evidence',
];

/** The `literacy` export as text: CSV (UTF-8 BOM, formula-safe cells) or JSON. */
export async function literacyExport(db: Db, policy: Policy, workspaceId: number, format: 'csv' | 'json'): Promise<{ text: string; rows: number }> {
  const rows = await literacyRows(db, policy, workspaceId);
  const text = format === 'csv' ? CSV_BOM + toCsv(rows, LITERACY_COLUMNS) : `${JSON.stringify(rows, null, 2)}\n`;
  return { text, rows: rows.length };
}

/** The `literacy` export as a file for chat (compliance only). */
export async function literacyExportFile(ctx: FlowContext, formatText: string): Promise<{ kind: 'file'; filename: string; content: string; rows: number } | Refusal> {
  if (!isGroupMember(ctx.deps.policy, 'compliance', ctx.actor.platformId, ctx.actor.email)) return refuse('not_authorised', 'Only compliance can export the literacy records.');
  const format = formatText.trim().toLowerCase() || 'csv';
  if (format !== 'csv' && format !== 'json') return refuse('invalid', `Unknown format "${formatText.slice(0, 20)}": use csv or json.`);
  const r = await literacyExport(ctx.deps.db, ctx.deps.policy, ctx.workspace.id, format);
  return { kind: 'file', filename: `literacy.${format}`, content: r.text, rows: r.rows };
}
