/**
 * The known attacks on the audit trail by someone who can write to the database:
 * delete the newest events and roll the head back; edit an event and recompute every later hash;
 * disable the append-only trigger and edit; downgrade a keyed chain to plain SHA-256. Each is
 * first refused by the database, then, with the triggers disabled, caught by `verifyAudit`
 * through the keyed hashes or the recorded checkpoints. Every attack is rolled back.
 *
 * Two workspaces: `plain` is chained with SHA-256 only; `keyed` starts plain and becomes keyed
 * (HMAC-SHA-256) when the key is introduced. Each has a checkpoint followed by more events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditCheckpoints, auditEvents } from '../../db/schema';
import * as flows from '../../flows';
import type { AuditVerification, CheckpointView } from '../../flows';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import { cutFrom, dbMessage, disableTriggers, inRolledBack, refusal, rewriteFrom } from '../helpers/audit-attacks';

const KEY = flows.auditKey('k3y-for-tests-only-0123456789abcdef');
const WRONG_KEY = flows.auditKey('an-attacker-guess-0123456789abcdef');

describe.each(DB_KINDS)('attacks on the audit trail on %s', (kind) => {
  let database: TestDatabase;
  const ws = { plain: 0, keyed: 0 };
  const cp: Record<'plain' | 'keyed', CheckpointView | null> = { plain: null, keyed: null };
  let keyedFrom = 0;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const clock = testClock('2026-11-30T09:00:00Z');
    const plain = actors(database.db, clock, undefined, 'shell', 'plain');
    const keyed = actors(database.db, clock, undefined, 'shell', 'keyed');
    const registerAndApprove = async (as: typeof plain.as, name: string) => {
      const r = await flows.register(await as('alice'), { fields: fieldsFor(name, 'shell:bob'), answers: minimalAnswers });
      if (r.kind !== 'registered') throw new Error(r.kind);
      await flows.decideStep(await as('bob'), { stepId: r.request.steps[0]!.id, decision: 'approve' });
      return (await as('alice')).workspace.id;
    };
    const checkpoint = (workspaceId: number) =>
      database.db.transaction((tx) => flows.recordCheckpoint(tx, { workspaceId, at: clock.now(), source: 'command' }));

    flows.setAuditKey(null);
    ws.plain = await registerAndApprove(plain.as, 'One');
    ws.keyed = await registerAndApprove(keyed.as, 'Alpha');
    cp.plain = await checkpoint(ws.plain);
    await registerAndApprove(plain.as, 'Two');
    // The key is introduced: from here the keyed workspace's events are HMACs.
    flows.setAuditKey(KEY);
    const [{ seq }] = (await database.db.select({ seq: sql<number>`max(${auditEvents.seq})` }).from(auditEvents).where(eq(auditEvents.workspaceId, ws.keyed))) as [{ seq: number }];
    keyedFrom = Number(seq) + 1;
    await registerAndApprove(keyed.as, 'Beta');
    cp.keyed = await checkpoint(ws.keyed);
    await registerAndApprove(keyed.as, 'Gamma');
    flows.setAuditKey(null);
  });
  afterAll(async () => {
    flows.setAuditKey(null);
    await database?.destroy();
  });

  const verify = (db = database.db, options: flows.VerifyOptions = { key: KEY }) => flows.verifyAudit(db, options);
  const attack = (fn: (tx: typeof database.db) => Promise<void>, options?: flows.VerifyOptions) =>
    inRolledBack(database.db, async (tx) => {
      await disableTriggers(tx);
      await fn(tx);
      return verify(tx, options);
    });
  const problemOf = (r: AuditVerification) => (r.ok ? '(intact)' : r.problem);

  it('is intact, keyed from the event after the key was introduced, with both checkpoints matching', async () => {
    const r = await verify();
    expect(r).toMatchObject({ ok: true, authenticated: true });
    expect(r.chains.find((c) => c.workspaceId === ws.plain)).toMatchObject({ keyedFrom: null, authenticated: true });
    expect(r.chains.find((c) => c.workspaceId === ws.keyed)).toMatchObject({ keyedFrom, authenticated: true });
    expect(r.checkpoints.map((c) => c.matches)).toEqual([true, true]);
    expect(cp.keyed!.seq).toBeGreaterThan(keyedFrom);
  });

  it('without the key, links the keyed chain up but reports that it cannot authenticate it', async () => {
    const r = await verify(database.db, {});
    expect(r).toMatchObject({ ok: true, authenticated: false });
    expect(r.chains.find((c) => c.workspaceId === ws.keyed)).toMatchObject({ keyedFrom, authenticated: false });
    expect(r.chains.find((c) => c.workspaceId === ws.plain)).toMatchObject({ authenticated: true });
  });

  it('refuses to delete the newest events and to roll the head back', async () => {
    const seq = cp.plain!.seq;
    expect(await refusal(database.db, sql`delete from audit_events where workspace_id = ${ws.plain} and seq >= ${seq}`)).toMatch(/audit_events is append-only: DELETE refused/);
    expect(await refusal(database.db, sql`truncate audit_events`)).toMatch(/audit_events is append-only: TRUNCATE refused/);
    expect(await refusal(database.db, sql`update workspaces set audit_seq = ${seq - 1} where id = ${ws.plain}`)).toMatch(/audit head of workspace \d+ only moves forward/);
    expect(await refusal(database.db, sql`update workspaces set audit_seq = audit_seq + 5 where id = ${ws.plain}`)).toMatch(/audit head of workspace \d+ must name an event of its chain/);
    // The head is checked after the statement that moves it (migration 0016): an event written
    // by the same statement may be named, one it did not write may not.
    const appendThenMove = (by: number) => sql`with appended as (
        insert into audit_events (workspace_id, seq, occurred_at, actor, action, subject_type, subject_id, data, prev_hash, hash_alg, hash)
        select id, audit_seq + 1, now(), 'system', 'test.appended', 'workspace', id::text, '{}'::jsonb, audit_hash, 'sha256', 'next-hash'
        from workspaces where id = ${ws.plain} returning seq)
      update workspaces set audit_seq = audit_seq + ${by}, audit_hash = 'next-hash' where id = ${ws.plain} and exists (select 1 from appended)`;
    expect(await refusal(database.db, appendThenMove(1))).toBeNull();
    expect(await refusal(database.db, appendThenMove(2))).toMatch(/audit head of workspace \d+ must name an event of its chain/);
    // Replication mode does not skip the triggers either.
    const replica = await inRolledBack(database.db, async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql`delete from audit_events where workspace_id = ${ws.plain}`);
    }).then(
      () => null,
      (err: unknown) => dbMessage(err),
    );
    expect(replica).toMatch(/append-only: DELETE refused/);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('with the triggers disabled, catches the newest events deleted and the head rolled back by the checkpoint', async () => {
    const r = await attack((tx) => cutFrom(tx, ws.plain, cp.plain!.seq));
    expect(r).toMatchObject({ ok: false, workspaceId: ws.plain, seq: cp.plain!.seq, eventId: null });
    expect(problemOf(r)).toBe(`checkpoint of 2026-11-30 (workspace ${ws.plain}, seq ${cp.plain!.seq}, not posted yet) no longer matches: the chain was rewritten (it has no event ${cp.plain!.seq} any more)`);
  });

  it('…and, when the checkpoints table was emptied too, by the value copied from chat', async () => {
    const given = { seq: cp.plain!.seq, hash: cp.plain!.hash };
    // With the checkpoints table emptied too, nothing left in the database shows the cut…
    const emptied = await attack(async (tx) => {
      await cutFrom(tx, ws.plain, cp.plain!.seq);
      await tx.delete(auditCheckpoints);
    });
    expect(emptied).toMatchObject({ ok: true });
    const r = await attack(
      async (tx) => {
        await cutFrom(tx, ws.plain, cp.plain!.seq);
        await tx.delete(auditCheckpoints);
      },
      { key: KEY, given: [given] },
    );
    expect(r).toMatchObject({ ok: false, seq: given.seq });
    expect(problemOf(r)).toMatch(new RegExp(`^checkpoint ${given.seq}:${given.hash.slice(0, 12)}… given on the command line no longer matches: the chain was rewritten`));
  });

  it('with the triggers disabled, catches an edit with every later hash recomputed (plain chain) by the checkpoint', async () => {
    const r = await attack((tx) => rewriteFrom(tx, ws.plain, 2, (d) => ({ ...d, name: 'Forged' })));
    expect(r.chains.every((c) => c.authenticated)).toBe(true);
    expect(r).toMatchObject({ ok: false, workspaceId: ws.plain, seq: cp.plain!.seq });
    expect(problemOf(r)).toMatch(/^checkpoint of 2026-11-30 \(workspace \d+, seq \d+, not posted yet\) no longer matches: the chain was rewritten$/);
  });

  it('with the triggers disabled, catches an edit of a keyed event with every later hash recomputed, by the key alone', async () => {
    const edited = keyedFrom + 1;
    const r = await attack(async (tx) => {
      await rewriteFrom(tx, ws.keyed, edited, (d) => ({ ...d, name: 'Forged' }), (_seq, alg) => (alg === 'sha256' ? { alg } : { alg, key: WRONG_KEY }));
      await tx.delete(auditCheckpoints);
    });
    const [event] = await database.db.select().from(auditEvents).where(and(eq(auditEvents.workspaceId, ws.keyed), eq(auditEvents.seq, edited)));
    expect(r).toMatchObject({ ok: false, workspaceId: ws.keyed, seq: edited, eventId: event!.id });
    expect(problemOf(r)).toMatch(/content does not match its HMAC/);
  });

  it('with the triggers disabled, catches an edit of a keyed event without recomputing', async () => {
    const [event] = await database.db.select().from(auditEvents).where(and(eq(auditEvents.workspaceId, ws.keyed), eq(auditEvents.seq, keyedFrom)));
    const r = await attack(async (tx) => {
      await tx.execute(sql`update audit_events set actor = 'shell:mallory' where id = ${event!.id}`);
    });
    expect(r).toMatchObject({ ok: false, eventId: event!.id });
    expect(problemOf(r)).toMatch(/content does not match its HMAC/);
  });

  it('with the triggers disabled, catches a downgrade of the keyed tail to plain SHA-256', async () => {
    const from = keyedFrom + 2;
    const [event] = await database.db.select().from(auditEvents).where(and(eq(auditEvents.workspaceId, ws.keyed), eq(auditEvents.seq, from)));
    const r = await attack(async (tx) => {
      await rewriteFrom(tx, ws.keyed, from, (d) => ({ ...d, forged: true }));
      await tx.delete(auditCheckpoints);
    });
    expect(r).toMatchObject({ ok: false, eventId: event!.id, seq: from });
    expect(problemOf(r)).toBe(`the event is not keyed although event ${keyedFrom} before it is: a keyed chain never goes back to plain SHA-256, so the events from here were rewritten`);
  });

  it('with the triggers disabled, catches a downgrade of the whole keyed part by the checkpoint', async () => {
    const r = await attack((tx) => rewriteFrom(tx, ws.keyed, keyedFrom, (d) => ({ ...d, forged: true })));
    expect(r.chains.find((c) => c.workspaceId === ws.keyed)).toMatchObject({ keyedFrom: null });
    expect(r).toMatchObject({ ok: false, workspaceId: ws.keyed, seq: cp.keyed!.seq });
    expect(problemOf(r)).toMatch(/no longer matches: the chain was rewritten$/);
  });

  it('refuses to change a recorded checkpoint, and fills in where it was posted only once', async () => {
    const id = (await database.db.select({ id: auditCheckpoints.id }).from(auditCheckpoints))[0]!.id;
    expect(await refusal(database.db, sql`update audit_checkpoints set hash = repeat('a', 64) where id = ${id}`)).toMatch(/checkpoint \d+ cannot change once recorded/);
    expect(await refusal(database.db, sql`delete from audit_checkpoints`)).toMatch(/audit_checkpoints is append-only: DELETE refused/);
    await inRolledBack(database.db, async (tx) => {
      const at = new Date('2026-11-30T10:00:00Z');
      await flows.checkpointPosted(tx, id, { platform: 'slack', conversationId: 'C0COMPLIANCE', messageId: '1764496800.000100' }, at);
      await flows.checkpointPosted(tx, id, { platform: 'slack', conversationId: 'C0OTHER', messageId: '1' }, at);
      const [row] = await tx.select().from(auditCheckpoints).where(eq(auditCheckpoints.id, id));
      expect(row).toMatchObject({ postedPlatform: 'slack', postedConversation: 'C0COMPLIANCE', postedMessage: '1764496800.000100' });
    });
  });
});
