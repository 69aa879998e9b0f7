/**
 * Teams for internal audits: `audit plan` (the `audit.plan` card, compliance), `audit <id>`,
 * `finding <id>` and `finding.record` (the card, then its submission; the audit's auditors),
 * `export audit-report <id>` and `export audits [csv|json]` (compliance, in a personal chat).
 * Rights and input are the flows'; a bad answer comes back on the same card under its input.
 */
import type { AuditFormValues, Refusal } from '../../../flows';
import * as flows from '../../../flows';
import type { CardJson } from '../card-kit';
import { messageCard } from '../card-kit';
import type { FormTurn } from '../form-flow';
import { inputValue } from '../parse-activity';
import { resolveOwner } from '../people';
import { auditCard, auditPlanCard, fileCard, findingCard, reportCard } from './cards';

/** A parsed audit action (see parse-activity.ts). */
export interface AuditAction {
  action: 'audit.plan' | 'finding.record';
  token?: string | undefined;
  audit?: string | undefined;
  submit?: boolean | undefined;
}

const refusal = (r: Refusal) => messageCard(r.message, { error: true });

const errorsOf = (r: Refusal): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const e of r.errors ?? []) out[e.field] = out[e.field] ? `${out[e.field]}; ${e.message}` : e.message;
  return out;
};

/** `audit plan`, `audit <id>`, `finding <id>`. */
export async function auditCommand(turn: FormTurn, name: 'audit' | 'finding', arg: string): Promise<CardJson> {
  if (name === 'finding') {
    if (!arg) return messageCard('Usage: finding <audit id>, e.g. finding IA-2026-1');
    return openFinding(turn, arg);
  }
  if (arg.toLowerCase() === 'plan') {
    const refused = flows.planAccess(turn.ctx);
    return refused ? refusal(refused) : auditPlanCard(flows.newFormToken(), {}, {}, turn.speaker);
  }
  if (!arg) return messageCard('Usage: audit plan (compliance), or audit <id>, e.g. audit IA-2026-1');
  const v = await flows.auditView(turn.ctx, arg);
  return v.kind === 'refused' ? refusal(v) : auditCard(v);
}

async function openFinding(turn: FormTurn, auditText: string, values: AuditFormValues = {}, errors: Record<string, string> = {}, token?: string): Promise<CardJson> {
  const audit = await flows.findingAudit(turn.ctx, auditText);
  if ('kind' in audit) return refusal(audit);
  const subjects = await flows.findingSubjects(turn.ctx.deps.db, audit);
  return findingCard(flows.auditRefOf(audit), audit.title, token ?? flows.newFormToken(), subjects, values, errors);
}

/** The auditors picked (AAD ids, comma-separated), typed emails or `me`, as platform ids. */
async function auditorsOf(turn: FormTurn, raw: string): Promise<{ ok: true; ids: string[] } | { ok: false; message: string }> {
  const ids: string[] = [];
  for (const part of raw.split(/[,;]/).map((p) => p.trim()).filter(Boolean)) {
    const who = await resolveOwner(turn.context, turn.directory, part, turn.speaker.id);
    if (!who.ok) return { ok: false, message: `${part.slice(0, 40)}: ${who.message}` };
    ids.push(who.platformId);
  }
  return { ok: true, ids };
}

/** Handles `audit.plan` and `finding.record` from a card. */
export async function handleAuditAction(turn: FormTurn, a: AuditAction, data: Record<string, unknown>): Promise<CardJson> {
  if (a.action === 'finding.record') {
    if (!a.submit || !a.token) return openFinding(turn, a.audit ?? '');
    const values: AuditFormValues = {};
    for (const f of flows.FINDING_FIELDS) values[f.id] = inputValue(data, f.id);
    const r = await flows.recordFinding(turn.ctx, a.audit ?? '', values, { token: a.token });
    if (r.kind === 'refused') return r.code === 'invalid' && r.errors?.length ? openFinding(turn, a.audit ?? '', values, errorsOf(r), a.token) : refusal(r);
    if (!r.created) return messageCard(`${r.ref} was already recorded from this form; nothing new was recorded.`);
    turn.afterChange();
    return messageCard(`Recorded ${r.ref}${r.nc ? ` and opened nonconformity ${r.nc.ref}` : ''}.`);
  }
  const refused = flows.planAccess(turn.ctx);
  if (refused) return refusal(refused);
  const token = a.token || flows.newFormToken();
  if (!a.submit) return auditPlanCard(token, {}, {}, turn.speaker);
  const values: AuditFormValues = {};
  for (const f of flows.AUDIT_PLAN_FIELDS) values[f.id] = inputValue(data, f.id);
  const auditors = await auditorsOf(turn, String(values['auditors'] ?? ''));
  if (!auditors.ok) return auditPlanCard(token, values, { auditors: auditors.message }, turn.speaker);
  const r = await flows.planAudit(turn.ctx, { ...values, auditors: auditors.ids }, { token });
  if (r.kind === 'refused') return r.errors?.length ? auditPlanCard(token, values, errorsOf(r), turn.speaker) : refusal(r);
  if (!r.created) return messageCard(`${r.ref} was already planned from this form; nothing new was planned.`);
  turn.afterChange();
  const n = r.audit.sample.length;
  return messageCard(`Planned ${r.ref} for ${r.audit.plannedFor}: ${n} system${n === 1 ? '' : 's'} sampled (seed ${r.audit.sampleSeed}); evidence requested from their owners (${r.tasks.join(', ') || 'none'}). See it with: audit ${r.ref}`);
}

/** `export audit-report <id>` and `export audits [csv|json]`: only in a personal chat. */
export async function auditExportCommand(turn: FormTurn, arg: string): Promise<CardJson> {
  const [what = '', param = ''] = arg.trim().split(/\s+/);
  const kind = what.toLowerCase();
  if (kind !== 'audit-report' && kind !== 'audits') return messageCard('In chat: export audit-report <id>, export audits [csv|json] (compliance). Other exports: aimsbot export on the command line.');
  const scope = turn.context.activity.conversation?.conversationType;
  if (scope && scope !== 'personal') return messageCard('Audit exports come only in a personal chat with me: open a chat with the bot and ask there.');
  if (kind === 'audit-report') {
    if (!param) return messageCard('Usage: export audit-report <id>, e.g. export audit-report IA-2026-1');
    const r = await flows.auditReportForChat(turn.ctx, param);
    if (r.kind === 'refused') return refusal(r);
    if (r.reported) turn.afterChange();
    return reportCard(r, turn.auditReportLink?.(turn.ctx.workspace.id, r.auditId) ?? null);
  }
  const file = await flows.auditsExportFile(turn.ctx, (param || 'csv').toLowerCase());
  if (file.kind === 'refused') return refusal(file);
  return fileCard(file.filename, `The internal audits: ${file.rows} rows.`, file.content.replace(/^\uFEFF/, ''));
}
