/**
 * `aimsbot audit verify` and `aimsbot audit checkpoint` on a chain that starts plain and becomes
 * keyed when AIMS_AUDIT_KEY is introduced, as an operator runs them against the real Postgres.
 * The tests run in order: the last ones rewrite the chain.
 */
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditCheckpoints, workspaces } from '../../db/schema';
import * as flows from '../../flows';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import { disableTriggers, rewriteFrom } from '../helpers/audit-attacks';
import { runCli } from '../../src/cli';

const KEY = 'cli-test-audit-key-0123456789abcdef';

/** The real binary, as an operator runs it (slow to start: used once). */
function spawned(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', ...args], {
    env: { ...process.env, AIMS_AUDIT_KEY: '', ...env, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same command line run in this process through the CLI's injected streams and environment. */
async function cli(args: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  let code: number;
  try {
    code = await runCli({ argv: args, stdin: Readable.from([]), stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { ...env, LOG_LEVEL: 'silent' } });
  } catch (err) {
    // What bin/aimsbot.js prints for an error that is not bad input.
    stderr += `aimsbot: ${(err as Error).message}\n`;
    code = 1;
  } finally {
    flows.setAuditKey(null);
  }
  return { code, stdout, stderr };
}

describe('aimsbot audit verify and checkpoint on a keyed chain', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let keyedFrom = 0;
  let checkpoint = { seq: 0, hash: '' };

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    env = { DATABASE_URL: database.url! };
    const { as } = actors(database.db, testClock());
    const registerAndApprove = async (name: string) => {
      const r = await flows.register(await as('alice'), { fields: fieldsFor(name, 'shell:bob'), answers: minimalAnswers });
      if (r.kind !== 'registered') throw new Error(r.kind);
      await flows.decideStep(await as('bob'), { stepId: r.request.steps[0]!.id, decision: 'approve' });
    };
    flows.setAuditKey(null);
    await registerAndApprove('Before the key');
    const [ws] = await database.db.select().from(workspaces);
    keyedFrom = ws!.auditSeq + 1;
    flows.setAuditKey(flows.auditKey(KEY));
    await registerAndApprove('After the key');
    flows.setAuditKey(null);
  });
  afterAll(async () => {
    flows.setAuditKey(null);
    await database?.destroy();
  });

  it('with the key: intact, keyed (HMAC-SHA-256) from the first event after the key', { timeout: 120_000 }, () => {
    const r = spawned(['audit', 'verify'], { ...env, AIMS_AUDIT_KEY: KEY });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^audit trail intact: \d+ events in 1 workspace\(s\)\n/);
    expect(r.stdout).toContain(`workspace 1: keyed (HMAC-SHA-256) from event ${keyedFrom} (events 1 to ${keyedFrom - 1}, from before the key, are plain SHA-256)`);
  });

  it('without the key: cannot check authenticity, exits 1', async () => {
    const r = await cli(['audit', 'verify'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^audit trail not verified: .*keyed.*AIMS_AUDIT_KEY is not set, so verify cannot check authenticity/);
    expect(r.stdout).toContain(`workspace 1: keyed (HMAC-SHA-256) from event ${keyedFrom}, but AIMS_AUDIT_KEY is not set: cannot check authenticity`);
  });

  it('with another key: names the first keyed event as not matching its HMAC', async () => {
    const r = await cli(['audit', 'verify'], { ...env, AIMS_AUDIT_KEY: 'x'.repeat(40) });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^audit trail broken at event \\d+ \\(workspace 1, seq ${keyedFrom}\\): content does not match its HMAC`));
  });

  it('refuses a key that is too short, without printing it', async () => {
    const r = await cli(['audit', 'verify'], { ...env, AIMS_AUDIT_KEY: 'short-secret' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('aimsbot audit: AIMS_AUDIT_KEY: must be at least 32 characters (generate one with: openssl rand -hex 32)\n');
    expect(r.stdout + r.stderr).not.toContain('short-secret');
  });

  it('a malformed --checkpoint value exits 2 with one line', async () => {
    for (const value of ['41:nothex', `0:${'a'.repeat(64)}`, `x:${'a'.repeat(64)}`]) {
      const r = await cli(['audit', 'verify', '--checkpoint', value], { ...env, AIMS_AUDIT_KEY: KEY });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^aimsbot audit: --checkpoint: expected <seq>:<hash> as posted in the checkpoint message .*got "${value}"\\n$`));
    }
    expect((await cli(['audit', 'verify', '--checkpoint'], env)).stderr).toMatch(/^aimsbot audit: --checkpoint needs a value/);
  });

  it('audit checkpoint without the key refuses to append an unkeyed event to the keyed chain', async () => {
    const r = await cli(['audit', 'checkpoint'], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/the audit trail is keyed \(HMAC-SHA-256\) but AIMS_AUDIT_KEY is not set in this process/);
    expect(await database.db.select().from(auditCheckpoints)).toEqual([]);
  });

  it('audit checkpoint publishes the head in the shell, records it, and verify compares with it', async () => {
    const [before] = await database.db.select().from(workspaces);
    const r = await cli(['audit', 'checkpoint'], { ...env, AIMS_AUDIT_KEY: KEY });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    checkpoint = { seq: before!.auditSeq, hash: before!.auditHash! };
    expect(r.stdout).toContain(`[#digest] Audit trail checkpoint: event ${checkpoint.seq}, hash ${checkpoint.hash}, recorded `);
    expect(r.stdout).toMatch(new RegExp(`checkpoint \\d+ of workspace 1: seq ${checkpoint.seq}, hash ${checkpoint.hash}, \\S+, printed in the shell\\n`));
    expect(r.stdout).toContain(`  compare later with: aimsbot audit verify --checkpoint ${checkpoint.seq}:${checkpoint.hash}\n`);
    const [recorded] = await database.db.select().from(auditCheckpoints);
    expect(recorded).toMatchObject({ seq: checkpoint.seq, hash: checkpoint.hash, source: 'command', postedPlatform: 'shell' });
    // Recording it is an audit event, keyed like the rest.
    const [after] = await database.db.select().from(workspaces).where(eq(workspaces.id, before!.id));
    expect(after!.auditSeq).toBe(checkpoint.seq + 1);

    const v = await cli(['audit', 'verify', '--checkpoint', `${checkpoint.seq}:${checkpoint.hash}`], { ...env, AIMS_AUDIT_KEY: KEY });
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('checkpoints: 1 recorded, all match');
    expect(v.stdout).toContain(`checkpoint ${checkpoint.seq}:${checkpoint.hash.slice(0, 12)}… given on the command line matches`);
  });

  it('after the chain was rewritten as plain SHA-256 from event 2, names the checkpoint that no longer matches', async () => {
    await database.db.transaction(async (tx) => {
      await disableTriggers(tx);
      const [ws] = await tx.select().from(workspaces);
      await rewriteFrom(tx, ws!.id, 2, (d) => ({ ...d, name: 'Forged' }));
    });
    const r = await cli(['audit', 'verify', '--checkpoint', `${checkpoint.seq}:${checkpoint.hash}`], { ...env, AIMS_AUDIT_KEY: KEY });
    expect(r.code).toBe(1);
    const day = new Date().toISOString().slice(0, 10);
    expect(r.stdout).toMatch(new RegExp(`^audit trail broken at event \\d+ \\(workspace 1, seq ${checkpoint.seq}\\): checkpoint of \\d{4}-\\d{2}-\\d{2} \\(seq ${checkpoint.seq}, printed in the shell\\) no longer matches: the chain was rewritten\\n`));
    expect(r.stdout).toContain(`checkpoint of ${day} (seq ${checkpoint.seq}, printed in the shell) no longer matches: the chain was rewritten\n`);
    expect(r.stdout).toContain(`checkpoint ${checkpoint.seq}:${checkpoint.hash.slice(0, 12)}… given on the command line no longer matches: the chain was rewritten`);
    expect(r.stdout).toContain('workspace 1: not keyed: anyone with write access to the database can recompute it; AIMS_AUDIT_KEY is set');
  });
});
