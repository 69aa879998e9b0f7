/**
 * The AI policy (5.2, 7.3) and AI literacy (7.2, Art. 4): `policy` shows the version, link and
 * summary and whether I acknowledged it; `policy.acknowledge` (value: the version) records a
 * `policy_acks` row once (a second click says when it was done, a stale version's button says a
 * newer one exists); `literacy.attest` (field `evidence`) records an attestation. The `survey`
 * command (compliance) starts a campaign now. Every change is audited.
 */
import { and, desc, eq } from 'drizzle-orm';
import { people } from '../../../db/schema';
import { literacyAttestations, policyAcks, surveyRecipients, surveys } from '../../../db/schema-discovery';
import { appendAudit, auditedTransaction } from '../../audit';
import { isGroupMember } from '../../policy';
import type { FlowContext } from '../../ports';
import type { Refusal } from '../../results';
import { invalid, refuse } from '../../results';
import { evidenceProblem } from '../../tasks/close';
import type { SurveyRow } from './campaign';
import { startCampaign } from './campaign';
import type { SurveyKind } from './refs';

/** What `policy` shows. */
export interface PolicyView {
  version: number;
  url: string;
  summary: string;
  /** When I acknowledged the current version, or null. */
  acknowledgedAt: Date | null;
  /** My latest literacy attestation, or null. */
  literacy: { evidence: string; attestedAt: Date } | null;
}

/** The AI policy as the actor sees it, or a refusal when the policy file names none. */
export async function policyView(ctx: FlowContext): Promise<PolicyView | Refusal> {
  const ai = ctx.deps.policy.aiPolicy;
  if (!ai) return refuse('not_found', 'No AI policy is set yet: compliance adds aiPolicy (version, url, summary) to the policy file.');
  const db = ctx.deps.db;
  const [ack] = await db
    .select({ at: policyAcks.acknowledgedAt })
    .from(policyAcks)
    .where(and(eq(policyAcks.workspaceId, ctx.workspace.id), eq(policyAcks.personId, ctx.actor.id), eq(policyAcks.version, ai.version)));
  const [lit] = await db
    .select({ evidence: literacyAttestations.evidence, attestedAt: literacyAttestations.attestedAt })
    .from(literacyAttestations)
    .where(and(eq(literacyAttestations.workspaceId, ctx.workspace.id), eq(literacyAttestations.personId, ctx.actor.id)))
    .orderBy(desc(literacyAttestations.attestedAt))
    .limit(1);
  return { version: ai.version, url: ai.url, summary: ai.summary, acknowledgedAt: ack?.at ?? null, literacy: lit ?? null };
}

/** What acknowledging did. */
export interface Acknowledged {
  kind: 'acknowledged';
  version: number;
  /** False when it was acknowledged before (then `at` is that time). */
  fresh: boolean;
  at: Date;
}

/** Marks the answers of the actor's open campaigns of a kind as given. */
async function markResponded(tx: Parameters<Parameters<typeof auditedTransaction>[1]>[0], ctx: FlowContext, kind: SurveyKind, at: Date, answer: Record<string, unknown>, version?: number): Promise<void> {
  const mine = await tx
    .select({ id: surveys.id, version: surveys.policyVersion })
    .from(surveys)
    .innerJoin(surveyRecipients, and(eq(surveyRecipients.surveyId, surveys.id), eq(surveyRecipients.personId, ctx.actor.id)))
    .where(and(eq(surveys.workspaceId, ctx.workspace.id), eq(surveys.kind, kind)));
  for (const s of mine) {
    if (version !== undefined && s.version !== version) continue;
    await tx.update(surveyRecipients).set({ answer, respondedAt: at }).where(and(eq(surveyRecipients.surveyId, s.id), eq(surveyRecipients.personId, ctx.actor.id)));
  }
}

/** Records the actor's acknowledgement of `versionText` (the button's value); idempotent. */
export async function acknowledgePolicy(ctx: FlowContext, versionText: string): Promise<Acknowledged | Refusal> {
  const ai = ctx.deps.policy.aiPolicy;
  if (!ai) return refuse('not_found', 'No AI policy is set; there is nothing to acknowledge.');
  const version = /^\d{1,9}$/.test(versionText.trim()) ? Number(versionText.trim()) : NaN;
  if (!Number.isInteger(version) || version < 1) return refuse('not_found', 'That is not a version of the AI policy.');
  if (version < ai.version) return refuse('closed', `Version ${version} of the AI policy has been replaced by version ${ai.version}; read the newer version (/aims policy) and acknowledge that one.`);
  if (version > ai.version) return refuse('not_found', `There is no version ${version} of the AI policy; the current one is version ${ai.version}.`);
  const now = ctx.deps.clock.now();
  return auditedTransaction(ctx.deps.db, async (tx) => {
    const inserted = await tx
      .insert(policyAcks)
      .values({ workspaceId: ctx.workspace.id, personId: ctx.actor.id, version, acknowledgedAt: now })
      .onConflictDoNothing()
      .returning({ at: policyAcks.acknowledgedAt });
    if (inserted.length === 0) {
      const [before] = await tx
        .select({ at: policyAcks.acknowledgedAt })
        .from(policyAcks)
        .where(and(eq(policyAcks.workspaceId, ctx.workspace.id), eq(policyAcks.personId, ctx.actor.id), eq(policyAcks.version, version)));
      return { kind: 'acknowledged' as const, version, fresh: false, at: before?.at ?? now };
    }
    await markResponded(tx, ctx, 'policy_ack', now, { acknowledged: version }, version);
    await appendAudit(tx, { workspaceId: ctx.workspace.id, actor: ctx.actor.platformId, action: 'policy.acknowledged', subjectType: 'ai_policy', subjectId: String(version), data: { version }, at: now });
    return { kind: 'acknowledged' as const, version, fresh: true, at: now };
  });
}

/** What attesting did. */
export interface Attested {
  kind: 'attested';
  evidence: string;
  /** False when the latest attestation already had this evidence (a replayed form); `at` is then its time. */
  fresh: boolean;
  at: Date;
}

/** Records the actor's literacy attestation with its evidence (a link or a note; required). */
export async function attestLiteracy(ctx: FlowContext, evidenceText: string): Promise<Attested | Refusal> {
  const checked = evidenceProblem(evidenceText);
  if ('problem' in checked) return invalid([{ field: 'evidence', message: checked.problem.replace('that the task is done', 'of the training you completed') }]);
  const now = ctx.deps.clock.now();
  return auditedTransaction(ctx.deps.db, async (tx) => {
    // The person's row serialises their attestations: a form sent twice (a replay, a double
    // click) with the same evidence as the latest attestation records nothing new.
    await tx.select({ id: people.id }).from(people).where(eq(people.id, ctx.actor.id)).for('update');
    const [latest] = await tx
      .select({ evidence: literacyAttestations.evidence, at: literacyAttestations.attestedAt })
      .from(literacyAttestations)
      .where(and(eq(literacyAttestations.workspaceId, ctx.workspace.id), eq(literacyAttestations.personId, ctx.actor.id)))
      .orderBy(desc(literacyAttestations.attestedAt), desc(literacyAttestations.id))
      .limit(1);
    if (latest && latest.evidence === checked.value) return { kind: 'attested' as const, evidence: latest.evidence, fresh: false, at: latest.at };
    await tx.insert(literacyAttestations).values({ workspaceId: ctx.workspace.id, personId: ctx.actor.id, evidence: checked.value, attestedAt: now });
    await markResponded(tx, ctx, 'literacy', now, { evidence: checked.value });
    await appendAudit(tx, { workspaceId: ctx.workspace.id, actor: ctx.actor.platformId, action: 'literacy.attested', subjectType: 'person', subjectId: ctx.actor.platformId, data: { evidence: checked.value }, at: now });
    return { kind: 'attested' as const, evidence: checked.value, fresh: true, at: now };
  });
}

/** What the `survey` command started. */
export interface SurveyStarted {
  kind: 'started';
  survey: SurveyRow;
}

/** `survey [ai-use|policy|literacy]` (compliance): starts a campaign now. */
export async function startSurveyCommand(ctx: FlowContext, arg: string): Promise<SurveyStarted | Refusal> {
  const { policy } = ctx.deps;
  if (!isGroupMember(policy, 'compliance', ctx.actor.platformId, ctx.actor.email)) return refuse('not_authorised', 'Only compliance can start a survey campaign.');
  const word = arg.trim().toLowerCase();
  const kind: SurveyKind | null = word === '' || word === 'ai-use' || word === 'ai_use' ? 'ai_use' : word === 'policy' ? 'policy_ack' : word === 'literacy' ? 'literacy' : null;
  if (!kind) return refuse('invalid', `Unknown survey "${arg.trim().slice(0, 30)}": use survey, survey ai-use, survey policy or survey literacy.`);
  if (kind === 'policy_ack' && !policy.aiPolicy) return refuse('not_found', 'No AI policy is set: add aiPolicy (version, url, summary) to the policy file first.');
  const survey = await startCampaign(ctx.deps, { workspaceId: ctx.workspace.id, kind, now: ctx.deps.clock.now(), startedBy: ctx.actor });
  return { kind: 'started', survey: survey! };
}
