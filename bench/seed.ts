/**
 * Bulk data for the jobs and delivery scenarios: one approved system registered through the
 * flows (so every row is as the product writes it), then cloned `n − 1` times with plain SQL
 * (generate_series) — the system, its current assessment, its open review and, optionally, its
 * own owner. Column lists come from the catalog, so columns added later are copied too.
 */
import postgres from 'postgres';
import { openDatabase } from '../db/client';
import * as flows from '../flows';
import { parsePolicy } from '../flows/policy';
import { fieldsFor, minimalAnswers } from '../test/fixtures/answers';
import { BENCH_POLICY } from './lib';

/** When the template is registered (a Thursday, 10:00 UTC). */
export const SEED_AT = '2026-10-01T10:00:00.000Z';

/** When the jobs run: 8 days before the reviews fall due (SEED_AT + minimalDays 20), a Tuesday. */
export const JOBS_AT = '2026-10-13T10:00:00.000Z';

async function columns(sql: postgres.TransactionSql, table: string): Promise<string[]> {
  const rows = await sql<{ column_name: string }[]>`
    select column_name from information_schema.columns
    where table_schema = 'public' and table_name = ${table} and is_generated = 'NEVER' and coalesce(identity_generation, '') <> 'ALWAYS'
    order by ordinal_position`;
  return rows.map((r) => r.column_name);
}

/** `insert into <table> (cols) select <expr per col> <from>` with some columns replaced. */
async function cloneInto(sql: postgres.TransactionSql, table: string, replace: Record<string, string>, from: string): Promise<number> {
  const cols = await columns(sql, table);
  const exprs = cols.map((c) => replace[c] ?? `t.${c}`);
  const r = await sql.unsafe(`insert into ${table} (${cols.join(', ')}) select ${exprs.join(', ')} ${from}`);
  return r.count;
}

/**
 * Seeds `n` approved minimal-risk systems in the Slack workspace T0TEAM, each with an open review
 * due at SEED_AT + 20 days; with `ownersEach`, every system has its own owner (`slack:UB<n>`).
 */
export async function seedSystems(url: string, n: number, o: { ownersEach: boolean }): Promise<void> {
  const database = await openDatabase({ url });
  const clock = { now: () => new Date(SEED_AT) };
  const deps = { db: database.db, policy: parsePolicy(BENCH_POLICY), clock };
  const ctx = await flows.flowContext(deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: 'slack:UB0', displayName: 'Owner 0' });
  const r = await flows.register(ctx, { fields: fieldsFor('Bench System', 'slack:UB0'), answers: minimalAnswers });
  if (r.kind !== 'registered') throw new Error(`seed: ${r.kind}`);
  const d = await flows.decideForSystem(ctx, r.system.ref, 'approve');
  if (d.kind !== 'recorded') throw new Error(`seed: approve ${d.kind}`);
  // The registration's own notifications are not part of what is measured.
  await flows.dispatchDue(database.db, clock, async () => ({ ok: true }));
  await database.close();

  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.begin(async (tx) => {
      const [tmpl] = await tx<{ id: number; ref_number: number; owner_id: number; current_assessment_id: number; workspace_id: number }[]>`
        select id, ref_number, owner_id, current_assessment_id, workspace_id from ai_systems`;
      if (!tmpl) throw new Error('seed: no template system');
      const m = n - 1;
      if (o.ownersEach) {
        await cloneInto(tx, 'people', { platform_id: `'slack:UB' || g`, display_name: `'Owner ' || g` }, `from people t, generate_series(1, ${m}) g where t.id = ${tmpl.owner_id}`);
      }
      const owner = o.ownersEach ? `(select p.id from people p where p.workspace_id = t.workspace_id and p.platform_id = 'slack:UB' || g)` : 't.owner_id';
      await cloneInto(
        tx,
        'ai_systems',
        { ref_number: `t.ref_number + g`, name: `t.name || ' ' || g`, name_key: `t.name_key || g`, owner_id: owner, submitted_by_id: owner },
        `from ai_systems t, generate_series(1, ${m}) g where t.id = ${tmpl.id}`,
      );
      await cloneInto(tx, 'assessments', { system_id: 's.id' }, `from assessments t, ai_systems s where t.id = ${tmpl.current_assessment_id} and s.id <> ${tmpl.id}`);
      await tx.unsafe(`update ai_systems s set current_assessment_id = a.id from assessments a where a.system_id = s.id and s.id <> ${tmpl.id}`);
      await cloneInto(tx, 'reviews', { system_id: 's.id' }, `from reviews t, ai_systems s where t.system_id = ${tmpl.id} and t.status = 'open' and s.id <> ${tmpl.id}`);
      await tx.unsafe(`update workspaces set next_ref = (select max(ref_number) + 1 from ai_systems) where id = ${tmpl.workspace_id}`);
    });
    await sql.unsafe('analyze');
    const [c] = await sql<{ systems: number; reviews: number }[]>`
      select (select count(*)::int from ai_systems where status = 'approved') as systems, (select count(*)::int from reviews where status = 'open') as reviews`;
    if (c!.systems !== n || c!.reviews !== n) throw new Error(`seed: ${c!.systems} approved systems and ${c!.reviews} open reviews, not ${n}`);
  } finally {
    await sql.end();
  }
}
