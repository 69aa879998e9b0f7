/**
 * `aimsbot jobs run … --at … [--dry-run]` as a child process on a seeded Postgres database:
 * a dry run prints one line per notification and writes nothing; a run as of a future time
 * leaves no future dates in the audit trail.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { approvalSteps, auditEvents, notifications, reviews, workspaces } from '../../db/schema';
import { dispatchDue, verifyAudit } from '../../flows';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { SEED_AT, seedDataset, seedPolicy, seedPolicyInput } from '../helpers/jobs-seed';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Each test starts a few CLI processes; allow for a busy machine. */
const CHILD_TIMEOUT = 120_000;

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/aimsbot.js', 'jobs', ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('aimsbot jobs run --at / --dry-run (child process)', () => {
  let tdb: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => run(['run', ...args], env);
  const snapshot = async () =>
    JSON.stringify({
      notifications: await tdb.db.select().from(notifications).orderBy(asc(notifications.id)),
      audit: await tdb.db.select().from(auditEvents).orderBy(asc(auditEvents.id)),
      reviews: await tdb.db.select().from(reviews).orderBy(asc(reviews.id)),
      steps: await tdb.db.select().from(approvalSteps).orderBy(asc(approvalSteps.id)),
      workspaces: await tdb.db.select().from(workspaces).orderBy(asc(workspaces.id)),
    });

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    const clock = testClock(SEED_AT);
    await seedDataset({ db: tdb.db, policy: seedPolicy(), clock });
    await dispatchDue(tdb.db, clock, async () => ({ ok: true }));
    const policyFile = join(mkdtempSync(join(tmpdir(), 'aims-dry-')), 'policy.json');
    writeFileSync(policyFile, JSON.stringify(seedPolicyInput));
    env = { DATABASE_URL: tdb.url, AIMS_POLICY: policyFile };
  });
  afterAll(async () => {
    await tdb?.destroy();
  });

  it('--dry-run prints kind, recipient and subject of each notification and writes nothing', async () => {
    const before = await snapshot();
    const r = await cli('review-reminders', '--at', '2027-01-15T10:00:00Z', '--dry-run');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'review-reminders as of 2027-01-15T10:00:00.000Z (dry run): 4 notification(s) would be sent; nothing was written',
      'would send review.reminder to alice (shell:alice): AI-1 "Chatty"',
      'would send review.escalation to #digest: AI-1 "Chatty"',
      'would send review.reminder to bob (shell:bob): AI-2 "Screener"',
      'would send review.escalation to #digest: AI-2 "Screener"',
    ]);
    const digest = await cli('weekly-digest', '--dry-run');
    expect(digest.code).toBe(0);
    expect(digest.stdout).toMatch(/^weekly-digest as of \S+ \(dry run\): 1 notification\(s\) would be sent/);
    expect(digest.stdout).toContain('would send digest.weekly to #digest: weekly digest ');
    expect(await snapshot()).toBe(before);
    // An unknown flag is still refused.
    const bad = await cli('review-reminders', '--dry');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('aimsbot jobs: unexpected argument "--dry"');
  }, CHILD_TIMEOUT);

  it('--at in the future dates the audit events now and records the simulated time as asOf', async () => {
    const started = Date.now();
    const first = await cli('approval-reminders', '--at', '2027-01-15T10:00:00Z');
    expect(first.code).toBe(0);
    const second = await cli('approval-reminders', '--at', '2027-01-18T10:00:00Z');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Stalled approval');
    const reviewRun = await cli('review-reminders', '--at', '2027-01-15T10:00:00Z');
    expect(reviewRun.stdout).toContain('4 notification(s) written');
    const ended = Date.now();
    const system = await tdb.db.select().from(auditEvents).where(eq(auditEvents.actor, 'system')).orderBy(asc(auditEvents.seq));
    expect(system.map((e) => e.action)).toEqual(['approval.escalated', 'approval.escalated', 'approval.escalated', 'review.escalated', 'review.escalated']);
    for (const e of system) {
      expect(e.occurredAt.getTime()).toBeGreaterThanOrEqual(started - 1000);
      expect(e.occurredAt.getTime()).toBeLessThanOrEqual(ended);
    }
    expect(system.map((e) => (e.data as { asOf?: string }).asOf)).toEqual([
      ...Array(3).fill('2027-01-18T10:00:00.000Z'),
      '2027-01-15T10:00:00.000Z',
      '2027-01-15T10:00:00.000Z',
    ]);
    expect(await verifyAudit(tdb.db)).toMatchObject({ ok: true });
  }, CHILD_TIMEOUT);
});
