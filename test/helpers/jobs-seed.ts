/**
 * A seeded dataset for the jobs tests, created through the real flows with a test clock at
 * 2026-10-01T10:00Z in the shell workspace:
 *   AI-1 Chatty       minimal, owner alice, approved   → review due 2026-10-21T10:00Z (in use)
 *   AI-2 Screener     high, owner bob (HR), approved   → review due 2026-10-31T10:00Z
 *   AI-3 Pending Tool high, owner carol, pending (owner, compliance, privacy) (in use)
 *   AI-4 Scorer       prohibited, owner dave → blocked
 *   AI-5 Rejecto      minimal, owner erin → rejected
 *   AI-6 Fixme        minimal, owner frank → changes requested
 */
import { expect } from 'vitest';
import type { FlowDeps } from '../../flows';
import { decideForSystem, dispatchDue, flowContext, parsePolicy, register } from '../../flows';
import type { Policy } from '../../flows/policy';
import type { Answers } from '../../flows/triage/types';
import { fieldsFor, highAnswers, minimalAnswers, prohibitedAnswers } from '../fixtures/answers';
import type { TestClock } from './clock';
import { createTestDatabase } from './db';
import type { TestDatabase } from './db';

/** The policy the dataset is made for (as a plain object, for a policy file too). */
export const seedPolicyInput = {
  organization: { name: 'Acme', timezone: 'UTC' },
  groups: { compliance: ['shell:compliance'], privacy: ['shell:dpo', 'shell:dpo2'] },
  reviews: { minimalDays: 20, highDays: 30, remindBeforeDays: 14, repeatEveryDays: 3, escalateAfterDays: 7 },
  approvals: { remindAfterHours: 48, escalateAfterReminders: 2 },
};

/** The parsed seed policy, optionally with changes. */
export function seedPolicy(extra: Record<string, unknown> = {}): Policy {
  return parsePolicy({ ...seedPolicyInput, ...extra });
}

/** When the dataset is created. */
export const SEED_AT = '2026-10-01T10:00:00.000Z';

export const WS = { platform: 'shell' as const, externalId: 'local', name: 'Local shell' };

const as = (deps: FlowDeps, who: string) => flowContext(deps, WS, { platformId: `shell:${who}`, displayName: who });

async function reg(deps: FlowDeps, who: string, name: string, answers: Answers, fields: Record<string, string> = {}): Promise<string> {
  const r = await register(await as(deps, who), { fields: { ...fieldsFor(name, `shell:${who}`), ...fields }, answers });
  if (r.kind !== 'registered') expect.fail(`seed: ${name} not registered: ${JSON.stringify(r)}`);
  return r.system.ref;
}

async function decide(deps: FlowDeps, who: string, ref: string, decision: 'approve' | 'reject' | 'request_changes', reason?: string) {
  const r = await decideForSystem(await as(deps, who), ref, decision, reason);
  if (r.kind !== 'recorded') expect.fail(`seed: ${who} could not ${decision} ${ref}: ${JSON.stringify(r)}`);
}

/** Creates the dataset; `deps.clock` must read SEED_AT. Returns the workspace id. */
export async function seedDataset(deps: FlowDeps): Promise<number> {
  const a1 = await reg(deps, 'alice', 'Chatty', minimalAnswers);
  await decide(deps, 'alice', a1, 'approve');
  const a2 = await reg(deps, 'bob', 'Screener', highAnswers, { department: 'HR', usage_status: 'planned' });
  await decide(deps, 'bob', a2, 'approve');
  await decide(deps, 'compliance', a2, 'approve');
  await decide(deps, 'dpo', a2, 'approve');
  await reg(deps, 'carol', 'Pending Tool', highAnswers);
  await reg(deps, 'dave', 'Scorer', prohibitedAnswers, { usage_status: 'planned' });
  const a5 = await reg(deps, 'erin', 'Rejecto', minimalAnswers, { usage_status: 'planned' });
  await decide(deps, 'erin', a5, 'reject', 'Not needed');
  const a6 = await reg(deps, 'frank', 'Fixme', minimalAnswers, { usage_status: 'piloting' });
  await decide(deps, 'frank', a6, 'request_changes', 'Describe the data');
  return (await as(deps, 'alice')).workspace.id;
}

/** A context of someone in the seed workspace. */
export function seedActor(deps: FlowDeps, who: string) {
  return as(deps, who);
}

/**
 * A fresh Postgres database holding the seeded dataset, with the seed's own notifications
 * already delivered, so a test sees only what its jobs write.
 */
export async function seededJobsDatabase(clock: TestClock): Promise<{ tdb: TestDatabase; deps: FlowDeps }> {
  const tdb = await createTestDatabase('postgres');
  const deps = { db: tdb.db, policy: seedPolicy(), clock };
  await seedDataset(deps);
  await dispatchDue(deps.db, clock, async () => ({ ok: true }));
  return { tdb, deps };
}
