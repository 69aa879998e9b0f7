/**
 * The `flows` baseline: the writes of one complete flow (register → owner, compliance and
 * privacy approve) done directly with postgres.js, each step in one transaction as the product
 * does — the person upsert, the reference number, the system, assessment, request and steps,
 * an audit event per change on the workspace's chain, the notifications; then per decision the
 * step locked and decided, its audit event and notifications, and on the last one the request,
 * the system and its first review. No rendering, no platform calls: the floor the database allows.
 */
import { createHash, randomBytes } from 'node:crypto';
import type postgres from 'postgres';

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

async function audit(tx: postgres.TransactionSql, ws: number, actor: string, action: string, subjectType: string, subjectId: number, data: unknown) {
  const [head] = await tx<{ audit_seq: number; audit_hash: string | null }[]>`select audit_seq, audit_hash from workspaces where id = ${ws} for no key update`;
  const seq = head!.audit_seq + 1;
  const prev = head!.audit_hash ?? '';
  const h = hash(`${prev}${action}${subjectId}${JSON.stringify(data)}`);
  await tx`insert into audit_events (workspace_id, seq, occurred_at, actor, action, subject_type, subject_id, data, prev_hash, hash)
    values (${ws}, ${seq}, now(), ${actor}, ${action}, ${subjectType}, ${String(subjectId)}, ${tx.json(data as never)}, ${prev}, ${h})`;
  await tx`update workspaces set audit_seq = ${seq}, audit_hash = ${h} where id = ${ws}`;
}

async function notify(tx: postgres.TransactionSql, ws: number, kind: string, recipient: unknown, payload: unknown) {
  await tx`insert into notifications (workspace_id, dedupe_key, kind, recipient, payload, not_before, created_at)
    values (${ws}, ${`${kind}:${randomBytes(8).toString('hex')}`}, ${kind}, ${tx.json(recipient as never)}, ${tx.json(payload as never)}, now(), now())
    on conflict (dedupe_key) do nothing`;
}

async function person(tx: postgres.TransactionSql, ws: number, platformId: string): Promise<number> {
  const [p] = await tx<{ id: number }[]>`insert into people (workspace_id, platform_id, display_name, created_at) values (${ws}, ${platformId}, ${platformId}, now())
    on conflict (workspace_id, platform_id) do update set display_name = excluded.display_name returning id`;
  return p!.id;
}

/**
 * One transaction, run again when Postgres picks it as a deadlock victim (40P01) or a
 * serialisation failure (40001): under load the floor's own statements can still cross (a
 * people row locked by one step while another holds the workspace), and a failed floor run
 * would say nothing about aimsbot.
 */
async function begin<T>(sql: postgres.Sql, fn: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await sql.begin(fn)) as T;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 5 || (code !== '40P01' && code !== '40001')) throw err;
    }
  }
}

/** One complete flow; returns the system id. */
export async function floorFlow(sql: postgres.Sql, ws: number, name: string, answers: unknown): Promise<number> {
  const roles = [
    { role: 'owner', group: null, by: 'slack:U0BOB' },
    { role: 'compliance', group: 'compliance', by: 'slack:U0COMP' },
    { role: 'privacy', group: 'privacy', by: 'slack:U0DPO' },
  ];
  const reg = await begin(sql, async (tx) => {
    const alice = await person(tx, ws, 'slack:U0ALICE');
    const bob = await person(tx, ws, 'slack:U0BOB');
    const [dup] = await tx`select id from ai_systems where workspace_id = ${ws} and name_key = ${name.toLowerCase()}`;
    if (dup) throw new Error('duplicate');
    const [{ next_ref: ref }] = (await tx`update workspaces set next_ref = next_ref + 1 where id = ${ws} returning next_ref - 1 as next_ref`) as unknown as [{ next_ref: number }];
    const [sys] = await tx<{ id: number }[]>`insert into ai_systems (workspace_id, ref_number, name, name_key, vendor, url, purpose, owner_id, department, usage_status, status, submitted_by_id, created_at, updated_at)
      values (${ws}, ${ref}, ${name}, ${name.toLowerCase()}, 'Acme AI', 'https://acme.example', ${`Use ${name}`}, ${bob}, 'Operations', 'in_use', 'pending_approval', ${alice}, now(), now()) returning id`;
    const [as] = await tx<{ id: number }[]>`insert into assessments (workspace_id, system_id, version, questionnaire_version, answers, result, submitted_by_id, created_at)
      values (${ws}, ${sys!.id}, 1, 2, ${tx.json(answers as never)}, ${tx.json({ riskClass: 'high' })}, ${alice}, now()) returning id`;
    await tx`update ai_systems set current_assessment_id = ${as!.id}, risk_class = 'high' where id = ${sys!.id}`;
    const [req] = await tx<{ id: number }[]>`insert into approval_requests (workspace_id, system_id, assessment_id, status, submitted_by_id, created_at)
      values (${ws}, ${sys!.id}, ${as!.id}, 'pending', ${alice}, now()) returning id`;
    const steps: number[] = [];
    for (const [i, r] of roles.entries()) {
      const [st] = await tx<{ id: number }[]>`insert into approval_steps (workspace_id, request_id, position, role, group_name, owner_id, status, created_at)
        values (${ws}, ${req!.id}, ${i}, ${r.role}, ${r.group}, ${r.role === 'owner' ? bob : null}, 'pending', now()) returning id`;
      steps.push(st!.id);
    }
    await audit(tx, ws, 'slack:U0ALICE', 'system.registered', 'system', sys!.id, { name });
    await audit(tx, ws, 'slack:U0ALICE', 'approval.requested', 'request', req!.id, { steps });
    await notify(tx, ws, 'approval.requested', { channel: 'approvals' }, { requestId: req!.id });
    await notify(tx, ws, 'registration.summary', { person: alice }, { systemId: sys!.id });
    return { system: sys!.id, request: req!.id, steps };
  });
  for (const [i, stepId] of reg.steps.entries()) {
    await begin(sql, async (tx) => {
      const by = await person(tx, ws, roles[i]!.by);
      const [st] = await tx<{ status: string }[]>`select status from approval_steps where id = ${stepId} for update`;
      if (st?.status !== 'pending') throw new Error('step not pending');
      await tx`select s.*, a.answers from ai_systems s join assessments a on a.id = s.current_assessment_id where s.id = ${reg.system}`;
      await tx`update approval_steps set status = 'approved', decided_by_id = ${by}, decided_at = now() where id = ${stepId}`;
      await audit(tx, ws, roles[i]!.by, 'approval.step_decided', 'request', reg.request, { stepId, decision: 'approve' });
      await notify(tx, ws, 'approval.updated', { copiesOf: { subjectType: 'approval_request', subjectId: reg.request } }, { requestId: reg.request });
      const open = await tx`select id from approval_steps where request_id = ${reg.request} and status = 'pending'`;
      if (open.length === 0) {
        await tx`update approval_requests set status = 'approved', decided_at = now() where id = ${reg.request}`;
        await tx`update ai_systems set status = 'approved', next_review_at = now() + interval '90 days', updated_at = now() where id = ${reg.system}`;
        await tx`insert into reviews (workspace_id, system_id, due_at, status, created_at) values (${ws}, ${reg.system}, now() + interval '90 days', 'open', now())`;
        await audit(tx, ws, 'system', 'approval.outcome', 'request', reg.request, { outcome: 'approved' });
        await notify(tx, ws, 'approval.outcome', { person: by }, { requestId: reg.request });
      }
    });
  }
  return reg.system;
}
