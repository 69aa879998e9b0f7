/**
 * What drizzle costs to build the SQL of a statement, before anything is sent: the four statements
 * of a decision's first round trips (the step and its request locked, the steps read, the audit
 * head moved), built again and again without a database. Prints microseconds per statement.
 * Building is on the request path of every flow (about 73 statements per complete flow).
 * Run: `npx tsx bench/query-build.ts` (not part of `npm test` or `npm run bench`).
 */
import { performance } from 'node:perf_hooks';
import { and, asc, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { aiSystems, approvalRequests, approvalSteps, assessments, workspaces } from '../db/schema';

// Never connected: toSQL() only builds.
const db = drizzle(postgres('postgres://nobody@127.0.0.1:1/none'));
const ROUNDS = Number(process.env.ROUNDS ?? 20_000);
const PER_ROUND = 4;

function buildAll(): void {
  db.select({ requestId: approvalSteps.requestId, systemId: approvalRequests.systemId })
    .from(approvalSteps)
    .innerJoin(approvalRequests, eq(approvalRequests.id, approvalSteps.requestId))
    .innerJoin(aiSystems, eq(aiSystems.id, approvalRequests.systemId))
    .where(and(eq(approvalSteps.id, 5), eq(approvalSteps.workspaceId, 1)))
    .for('update', { of: aiSystems })
    .toSQL();
  db.select({ req: approvalRequests, assessment: assessments })
    .from(approvalRequests)
    .innerJoin(assessments, eq(assessments.id, approvalRequests.assessmentId))
    .where(and(eq(approvalRequests.id, 3), eq(approvalRequests.workspaceId, 1)))
    .toSQL();
  db.select().from(approvalSteps).where(eq(approvalSteps.requestId, 3)).orderBy(asc(approvalSteps.position)).toSQL();
  db.update(workspaces).set({ auditSeq: 5, auditHash: 'x' }).where(eq(workspaces.id, 1)).toSQL();
}

for (let i = 0; i < ROUNDS / 2; i++) buildAll(); // warm-up: the first rounds run before V8 has optimised the builders
const runs: number[] = [];
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  for (let i = 0; i < ROUNDS; i++) buildAll();
  runs.push(((performance.now() - t0) * 1000) / (ROUNDS * PER_ROUND));
}
console.log(`drizzle query building: ${runs.map((v) => v.toFixed(1)).join(', ')} µs per statement (${ROUNDS * PER_ROUND} statements per run)`);
process.exit(0);
