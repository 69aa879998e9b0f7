/**
 * Registering an AI system: validate the fields and the triage answers, refuse a duplicate name,
 * classify, store the system with its first assessment and open its approval request — all in
 * one transaction with its audit events.
 */
import { and, eq, max, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { aiSystems, assessments, workspaces } from '../db/schema';
import { openApprovalRequest, openApprovalRequestDeferred } from './approvals';
import { appendAudit, auditedTransaction, headAlg, knownAuditHead } from './audit';
import { ensurePerson } from './identity';
import { triagePolicyOf } from './policy';
import type { FlowContext } from './ports';
import type { Refusal } from './results';
import { invalid, refuse } from './results';
import { classify } from './triage/classify';
import { validateAnswers, validateRegistration } from './triage/validate';
import type { Answers, Classification, FieldError, RegistrationFields } from './triage/types';
import type { RequestView, SystemView } from './views';
import { loadRequestView, loadSystemView, nameKey, parseSystemRef } from './views';
import { SYSTEM_STATUS_PHRASE } from './display';
import { catalog, catalogTool, matchCatalog } from './discovery/catalog';
import { prefillOutcome } from './discovery/prefill';
import { markDiscoveredRegistered } from './discovery/registered';
import { rowsOf } from '../db/rows';

/** The outcome of a registration. */
export type RegisterResult =
  | { kind: 'registered'; system: SystemView; request: RequestView; classification: Classification }
  /** A system with the same name (after folding) exists: it is offered instead. */
  | { kind: 'duplicate'; system: SystemView }
  | Refusal;

/** Finds an existing system whose folded name equals this one. */
export async function findDuplicate(ctx: FlowContext, name: string): Promise<SystemView | null> {
  const key = nameKey(name);
  if (!key) return null;
  const [row] = await ctx.deps.db
    .select({ id: aiSystems.id })
    .from(aiSystems)
    .where(and(eq(aiSystems.workspaceId, ctx.workspace.id), eq(aiSystems.nameKey, key)))
    .orderBy(aiSystems.refNumber)
    .limit(1);
  return row ? loadSystemView(ctx.deps.db, ctx.workspace.id, row.id) : null;
}

/** Validates fields and answers together, fields first. */
export function validateSubmission(
  fields: unknown,
  answers: unknown,
): { ok: true; fields: RegistrationFields; answers: Answers } | { ok: false; errors: FieldError[] } {
  const f = validateRegistration(fields);
  const a = validateAnswers(answers);
  const errors = [...(f.ok ? [] : f.errors), ...(a.ok ? [] : a.errors)];
  if (!f.ok || !a.ok) return { ok: false, errors };
  return { ok: true, fields: f.fields, answers: a.answers };
}

/** What a registration records about the catalog: the tool, and the answers the form was pre-filled with. */
function catalogRecord(catalogId: string | null | undefined, name: string, answers: Answers): { id: string; audit: Record<string, unknown> } | null {
  // A catalog id no longer in the catalog (a stale or forged form) counts as none.
  const prefilledFrom = catalogId ? catalogTool(catalogId) : undefined;
  const entry = prefilledFrom ?? matchCatalog(name);
  if (!entry) return null;
  const version = catalog().version;
  // Only a form that was filled from the catalog says so; a name that merely matches is just linked.
  if (!prefilledFrom) return { id: entry.id, audit: { id: entry.id, version, prefilled: false } };
  const { kept, changed } = prefillOutcome(entry.answers as Answers, answers);
  return { id: entry.id, audit: { id: entry.id, version, prefilled: true, answersKept: kept, answersChanged: changed } };
}

/**
 * Registers a system and submits its triage for approval. `catalogId` names the catalog tool the
 * form was pre-filled from; without it a name that matches a catalog tool still links the system
 * to it. Any discovered tool of the same catalog id or name is marked registered.
 */
export async function register(
  ctx: FlowContext,
  input: { fields: unknown; answers: unknown; ownerName?: string; ownerEmail?: string; catalogId?: string | null },
): Promise<RegisterResult> {
  const checked = validateSubmission(input.fields, input.answers);
  if (!checked.ok) return invalid(checked.errors);
  const { fields, answers } = checked;
  const duplicate = await findDuplicate(ctx, fields.name);
  if (duplicate) return { kind: 'duplicate', system: duplicate };

  const { db, policy, clock } = ctx.deps;
  const result = classify(answers, triagePolicyOf(policy));
  const now = clock.now();
  const ws = ctx.workspace.id;
  const fromCatalog = catalogRecord(input.catalogId, fields.name, answers);
  const owner = await ensurePerson(
    db,
    ws,
    { platformId: fields.owner, displayName: input.ownerName, email: input.ownerEmail },
    now,
  );
  let ids: { systemId: number; requestId: number };
  try {
    ids = await auditedTransaction(db, async (tx) => {
      // Everything that is this registration's alone is written first; its number, the duplicate
      // check and the audit chain come last, under the workspace lock (see takeSystemNumber), so
      // that concurrent registrations and decisions queue behind a few statements of each other,
      // not behind whole transactions. Until then the row holds a placeholder number no other
      // transaction can hold at the same time (minus its transaction id).
      const [sys] = await tx
        .insert(aiSystems)
        .values({
          workspaceId: ws,
          refNumber: sql`(-(txid_current() % 2147483647))::integer`,
          name: fields.name,
          nameKey: nameKey(fields.name),
          vendor: fields.vendor,
          url: fields.url ?? null,
          purpose: fields.purpose,
          ownerId: owner.id,
          department: fields.department,
          usageStatus: fields.usage_status,
          status: 'draft',
          riskClass: result.riskClass,
          submittedById: ctx.actor.id,
          catalogId: fromCatalog?.id ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: aiSystems.id });
      const systemId = sys!.id;
      // Audit events are hashed when the transaction ends, so the reference is filled in below,
      // once known, and the event keeps its place at the head of the registration's events.
      const registered: Record<string, unknown> = {
        ref: null,
        fields: { ...fields, owner: owner.platformId },
        ...(fromCatalog ? { catalog: fromCatalog.audit } : {}),
      };
      await appendAudit(tx, { workspaceId: ws, actor: ctx.actor.platformId, action: 'system.registered', subjectType: 'ai_system', subjectId: systemId, data: registered, at: now });
      // A system created in this transaction has no assessment yet: version 1, no need to look.
      const assessmentId = await storeAssessment(tx, ctx, systemId, answers, result, now, { firstVersion: true });
      const opened = await openApprovalRequestDeferred(tx, ctx, { id: systemId, ownerId: owner.id }, assessmentId, result);
      const recordDiscovered = await markDiscoveredRegistered(tx, {
        workspaceId: ws,
        actor: ctx.actor.platformId,
        systemId,
        catalogId: fromCatalog?.id ?? null,
        name: fields.name,
        now,
      });
      const ref = `AI-${await takeSystemNumber(tx, ws, systemId, nameKey(fields.name))}`;
      registered.ref = ref;
      await recordDiscovered(ref);
      await opened.route();
      return { systemId, requestId: opened.requestId };
    });
  } catch (err) {
    if (err instanceof DuplicateName) return { kind: 'duplicate', system: (await loadSystemView(db, ws, err.systemId))! };
    throw err;
  }
  const system = (await loadSystemView(db, ws, ids.systemId))!;
  const request = (await loadRequestView(db, policy, ws, ids.requestId))!;
  return { kind: 'registered', system, request, classification: result };
}

/** Thrown inside a registration's transaction to roll it back: a system of that name exists. */
class DuplicateName extends Error {
  constructor(readonly systemId: number) {
    super('a system of that name exists');
  }
}

/**
 * Gives a system registered in this transaction its number `AI-<n>`, unless a system of the same
 * folded name exists (then throws {@link DuplicateName}, rolling everything back). The first
 * statement locks the workspace row (FOR NO KEY UPDATE, as the audit head is locked, so rows
 * other flows insert into the workspace do not wait for it) and takes the number; the check runs
 * in the next statement, whose snapshot is taken after the lock and so sees a duplicate committed
 * while this one waited. From here to commit, registrations of one workspace run one at a time.
 */
async function takeSystemNumber(tx: Db, ws: number, systemId: number, key: string): Promise<number> {
  const [head] = await tx
    .update(workspaces)
    .set({ nextRef: sql`${workspaces.nextRef} + 1` })
    .where(eq(workspaces.id, ws))
    .returning({ taken: sql<number>`${workspaces.nextRef} - 1`, seq: workspaces.auditSeq, hash: workspaces.auditHash, alg: headAlg });
  const n = Number(head!.taken);
  // The row is now locked as the audit append locks it, and its head read: the append at
  // commit needs no statement of its own to lock and read it.
  knownAuditHead(tx, ws, { seq: head!.seq, hash: head!.hash, alg: head!.alg });
  const numbered = await tx.execute(sql`
    update ${aiSystems} set ref_number = ${n}
    where id = ${systemId} and not exists (
      select 1 from ${aiSystems} d where d.workspace_id = ${ws} and d.name_key = ${key} and d.id <> ${systemId})
    returning id`);
  if (rowsOf(numbered).length === 0) {
    const [dup] = await tx
      .select({ id: aiSystems.id })
      .from(aiSystems)
      .where(and(eq(aiSystems.workspaceId, ws), eq(aiSystems.nameKey, key), ne(aiSystems.id, systemId)))
      .orderBy(aiSystems.refNumber)
      .limit(1);
    throw new DuplicateName(dup!.id);
  }
  return n;
}


/** Stores a new assessment version and makes it the system's current one. */
export async function storeAssessment(
  tx: Db,
  ctx: FlowContext,
  systemId: number,
  answers: Answers,
  result: Classification,
  now: Date,
  /** `firstVersion`: the system was created in this transaction (its version is 1 without asking). */
  o: { firstVersion?: boolean } = {},
): Promise<number> {
  let version = 1;
  if (!o.firstVersion) {
    const [last] = await tx
      .select({ v: max(assessments.version) })
      .from(assessments)
      .where(eq(assessments.systemId, systemId));
    version = (last?.v ?? 0) + 1;
  }
  const [row] = await tx
    .insert(assessments)
    .values({
      workspaceId: ctx.workspace.id,
      systemId,
      version,
      questionnaireVersion: result.questionnaireVersion,
      answers,
      result,
      submittedById: ctx.actor.id,
      createdAt: now,
    })
    .returning({ id: assessments.id });
  await tx
    .update(aiSystems)
    // A new assessment answers any "re-triage needed (questionnaire v2)" flag.
    .set({ currentAssessmentId: row!.id, riskClass: result.riskClass, retriageNeededAt: null, retriageReason: null, updatedAt: now })
    .where(eq(aiSystems.id, systemId));
  await appendAudit(tx, {
    workspaceId: ctx.workspace.id,
    actor: ctx.actor.platformId,
    action: 'assessment.submitted',
    subjectType: 'ai_system',
    subjectId: systemId,
    data: { assessmentId: row!.id, version, riskClass: result.riskClass, answers },
    at: now,
  });
  return row!.id;
}

/** Resolves `AI-<n>` to a system view in the caller's workspace. */
export async function systemByRef(ctx: FlowContext, ref: string): Promise<SystemView | Refusal> {
  const n = parseSystemRef(ref);
  if (n === null) return refuse('invalid', `"${ref}" is not a system reference; use the form AI-12.`);
  const [row] = await ctx.deps.db
    .select({ id: aiSystems.id })
    .from(aiSystems)
    .where(and(eq(aiSystems.workspaceId, ctx.workspace.id), eq(aiSystems.refNumber, n)));
  if (!row) return refuse('not_found', `There is no system AI-${n}.`);
  return (await loadSystemView(ctx.deps.db, ctx.workspace.id, row.id))!;
}

/**
 * Loads a system the actor may resubmit: changes were requested or it was rejected, and the
 * actor is its owner or submitter. Adapters ask this before they open the form.
 */
export async function resubmittable(ctx: FlowContext, ref: string): Promise<SystemView | Refusal> {
  const found = await systemByRef(ctx, ref);
  if ('kind' in found) return found;
  // Who may first, so a stranger learns nothing about the state of someone else's system.
  if (ctx.actor.id !== found.owner.id && ctx.actor.id !== found.submittedBy.id) {
    const who = [...new Set([found.owner.name, found.submittedBy.name])].join(' or ');
    return refuse('not_authorised', `Only the owner or the submitter of ${found.ref} can resubmit it (${who}).`);
  }
  if (found.status !== 'changes_requested' && found.status !== 'rejected') {
    return refuse(
      'not_allowed',
      `${found.ref} is ${SYSTEM_STATUS_PHRASE[found.status]}; only a system that was rejected or on which changes were requested can be resubmitted.`,
    );
  }
  return found;
}

/**
 * Resubmits a system whose approval asked for changes (or was rejected): new answers make a new
 * assessment version and a new approval request. The submitter or the owner may do it.
 */
export async function resubmit(
  ctx: FlowContext,
  ref: string,
  answersInput: unknown,
): Promise<{ kind: 'resubmitted'; system: SystemView; request: RequestView; classification: Classification } | Refusal> {
  const found = await resubmittable(ctx, ref);
  if ('kind' in found) return found;
  const a = validateAnswers(answersInput);
  if (!a.ok) return invalid(a.errors);
  const { db, policy, clock } = ctx.deps;
  const result = classify(a.answers, triagePolicyOf(policy));
  const now = clock.now();
  const requestId = await auditedTransaction(db, async (tx) => {
    const assessmentId = await storeAssessment(tx, ctx, found.id, a.answers, result, now);
    return openApprovalRequest(tx, ctx, { id: found.id, ownerId: found.owner.id }, assessmentId, result);
  });
  const system = (await loadSystemView(db, ctx.workspace.id, found.id))!;
  const request = (await loadRequestView(db, policy, ctx.workspace.id, requestId))!;
  return { kind: 'resubmitted', system, request, classification: result };
}
