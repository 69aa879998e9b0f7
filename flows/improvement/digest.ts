/**
 * The nonconformities part of the weekly digest: the open NCs by age (how many in each age
 * bucket) and the oldest few with their ref, stage and owner, so an NC nobody moves is seen.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { NC_STATUS_LABEL } from './view';

/** Age buckets, in days since the NC was raised: up to 30, 31–90, over 90. */
export const NC_AGE_BUCKETS = [
  { key: '0-30', label: 'up to 30 days', max: 30 },
  { key: '31-90', label: '31–90 days', max: 90 },
  { key: '90+', label: 'over 90 days', max: Infinity },
] as const;
/** Oldest open NCs named in the digest. */
export const NC_DIGEST_TOP = 5;

/** An open NC named in the digest. */
export interface NcDigestItem {
  ref: string;
  severity: string;
  status: string;
  owner: string | null;
  ageDays: number;
}

/** Open NCs by age. */
export interface NcDigest {
  open: number;
  byAge: Array<{ key: string; label: string; count: number }>;
  oldest: NcDigestItem[];
}

type Row = { number: number; severity: string; status: string; owner: string | null; age_days: number };

/** The NC part of a workspace's digest as of `end`. */
export async function ncDigest(db: Db, workspaceId: number, end: Date): Promise<NcDigest> {
  const result = await db.execute<Row>(sql`
    select n.number, n.severity, n.status, coalesce(p.display_name, p.platform_id) as owner,
           floor(extract(epoch from (${end.toISOString()}::timestamptz - n.created_at)) / 86400)::int as age_days
    from nonconformities n left join people p on p.id = n.owner_id
    where n.workspace_id = ${workspaceId} and n.status <> 'closed' and n.created_at < ${end.toISOString()}::timestamptz
    order by n.created_at, n.number`);
  const rows = Array.isArray(result) ? (result as Row[]) : ((result as { rows?: Row[] }).rows ?? []);
  const byAge = NC_AGE_BUCKETS.map((b, i) => ({
    key: b.key,
    label: b.label,
    count: rows.filter((r) => r.age_days <= b.max && (i === 0 || r.age_days > NC_AGE_BUCKETS[i - 1]!.max)).length,
  }));
  const oldest = rows.slice(0, NC_DIGEST_TOP).map((r) => ({ ref: `NC-${r.number}`, severity: r.severity, status: r.status, owner: r.owner, ageDays: Number(r.age_days) }));
  return { open: rows.length, byAge, oldest };
}

/** The NC part as plain lines (each adapter escapes them); none when no NC is open. */
export function ncDigestLines(d: NcDigest | undefined): string[] {
  if (!d || d.open === 0) return [];
  const out = [`Open nonconformities (${d.open}) by age: ${d.byAge.map((b) => `${b.label} ${b.count}`).join(', ')}`];
  for (const i of d.oldest) {
    out.push(`  ${i.ref} (${i.severity}) — ${NC_STATUS_LABEL[i.status] ?? i.status}, ${i.ageDays} day${i.ageDays === 1 ? '' : 's'} old, owner ${i.owner ?? 'none'}`);
  }
  if (d.open > d.oldest.length) out.push(`  …and ${d.open - d.oldest.length} more (export nonconformities)`);
  return out;
}
