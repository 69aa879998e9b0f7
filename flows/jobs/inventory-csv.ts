/** The AI system inventory as CSV (attached to the digest, and for `aimsbot export inventory`). */
import { asc, eq } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../../db/client';
import { aiSystems, assessments, people } from '../../db/schema';
import type { Classification } from '../triage/types';
import { systemRef } from '../views';

/** Columns of the inventory CSV, in order. */
export const INVENTORY_COLUMNS = [
  'ref',
  'name',
  'vendor',
  'url',
  'purpose',
  'owner',
  'owner_email',
  'department',
  'usage_status',
  'status',
  'risk_class',
  'approvers',
  'obligations',
  'next_review_at',
  'registered_at',
] as const;

/** Every system of a workspace (retired ones included, with their status), one row each. */
export async function inventoryCsv(db: Db, workspaceId: number): Promise<string> {
  const rows = await db
    .select({ s: aiSystems, owner: people, result: assessments.result })
    .from(aiSystems)
    .innerJoin(people, eq(people.id, aiSystems.ownerId))
    .leftJoin(assessments, eq(assessments.id, aiSystems.currentAssessmentId))
    .where(eq(aiSystems.workspaceId, workspaceId))
    .orderBy(asc(aiSystems.refNumber));
  const records = rows.map(({ s, owner, result }) => {
    const c = result as Classification | null;
    return [
      systemRef(s.refNumber),
      s.name,
      s.vendor,
      s.url ?? '',
      s.purpose,
      owner.displayName ?? owner.platformId,
      owner.email ?? '',
      s.department,
      s.usageStatus,
      s.status,
      s.riskClass ?? '',
      c?.approvers.join('; ') ?? '',
      c?.obligations.map((o) => o.id).join('; ') ?? '',
      s.nextReviewAt?.toISOString() ?? '',
      s.createdAt.toISOString(),
    ];
  });
  return stringify([[...INVENTORY_COLUMNS], ...records.map((r) => r.map(cell))]);
}

/** Neutralises spreadsheet formulas in user text (a cell starting with = + - @ is read as one). */
function cell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
