/**
 * The outside witness of the audit chain, end to end: `aimsbot audit checkpoint` and the weekly
 * digest publish the head through the outbox to the compliance (digest) channel — over HTTP to
 * the fake Slack Web API and to the fake Bot Connector — the deliverer records where it went, and
 * `audit verify` names a posted checkpoint that a rewritten chain no longer matches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditCheckpoints, platformMessages, workspaces } from '../../db/schema';
import type { CheckpointView, FlowDeps } from '../../flows';
import * as flows from '../../flows';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import { disableTriggers, inRolledBack, rewriteFrom } from '../helpers/audit-attacks';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, TEST_POLICY } from '../helpers/slack-server';
import type { TeamsBench } from '../helpers/teams-harness';
import { APPROVALS, TENANT, cardOf, cardText, people, startTeamsBench, teamsPolicy } from '../helpers/teams-harness';

const COMPLIANCE = 'C0COMPLIANCE';
const DIGEST = '19:compliance@thread.tacv2';

/** Registers a minimal tool owned by its registrant and approves it: a few audit events. */
async function someEvents(deps: FlowDeps, platform: 'slack' | 'teams', externalId: string, who: string, name: string): Promise<number> {
  const as = () => flows.flowContext(deps, { platform, externalId }, { platformId: `${platform}:${who}`, displayName: who });
  const r = await flows.register(await as(), { fields: fieldsFor(name, `${platform}:${who}`), answers: minimalAnswers });
  if (r.kind !== 'registered') throw new Error(r.kind);
  await flows.decideStep(await as(), { stepId: r.request.steps[0]!.id, decision: 'approve' });
  return (await as()).workspace.id;
}

async function checkpointRow(deps: FlowDeps, id: number) {
  const [row] = await deps.db.select().from(auditCheckpoints).where(eq(auditCheckpoints.id, id));
  return row!;
}

describe('audit checkpoints published in Slack', () => {
  let s: SlackTestServer;
  let workspaceId = 0;
  let published: CheckpointView;
  const postsTo = (channel: string) => s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === channel);

  beforeAll(async () => {
    s = await startSlackServer({
      policy: { ...TEST_POLICY, organization: { name: 'Acme', timezone: 'UTC' }, channels: { approvals: { slack: 'C0APPROVALS' }, digest: { slack: COMPLIANCE } } },
    });
    s.clock.set('2026-11-30T09:00:00Z');
    workspaceId = await someEvents(s.deps, 'slack', 'T0TEAM', 'U0ALICE', 'Notes Helper');
    await s.settle();
  });
  afterAll(async () => s?.close());

  it('audit checkpoint posts the head to the compliance channel once despite a 429, and records where', async () => {
    s.fake.reset();
    s.fake.rateLimitOnce('chat.postMessage', 1);
    const [head] = await s.deps.db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
    published = (await flows.publishCheckpoints(s.deps))[0]!;
    expect(published).toMatchObject({ workspaceId, seq: head!.auditSeq, hash: head!.auditHash, createdAt: '2026-11-30T09:00:00.000Z' });
    await s.settle();
    expect(s.fake.limitedCalls.map((c) => c.method)).toEqual(['chat.postMessage']);
    expect((await checkpointRow(s.deps, published.id)).postedAt).toBeNull();
    s.clock.advance(1500);
    await s.settle();

    const posts = postsTo(COMPLIANCE);
    expect(posts).toHaveLength(1);
    const text = JSON.stringify(posts[0]!.params.blocks);
    expect(text).toContain(`*Audit trail checkpoint*: event *${published.seq}*, hash \`${published.hash}\`, recorded 2026-11-30 09:00 (UTC).`);
    expect(text).toContain(`\`aimsbot audit verify --checkpoint ${published.seq}:${published.hash}\``);
    const [copy] = await s.deps.db.select().from(platformMessages).where(eq(platformMessages.role, 'checkpoint'));
    expect(copy).toMatchObject({ platform: 'slack', conversationId: COMPLIANCE });
    expect(await checkpointRow(s.deps, published.id)).toMatchObject({
      source: 'command',
      postedPlatform: 'slack',
      postedConversation: COMPLIANCE,
      postedMessage: copy!.messageId,
      postedAt: new Date('2026-11-30T09:00:01.500Z'),
    });
  });

  it('the weekly digest carries the head at its foot and records where it went; a second run publishes nothing more', async () => {
    s.clock.set('2026-12-07T09:00:00Z');
    s.fake.reset();
    await flows.runWeeklyDigest(s.deps, s.clock.now());
    await flows.runWeeklyDigest(s.deps, s.clock.now());
    await s.settle();
    const digests = postsTo(COMPLIANCE);
    expect(digests).toHaveLength(1);
    const fromDigest = await s.deps.db.select().from(auditCheckpoints).where(eq(auditCheckpoints.source, 'weekly-digest'));
    expect(fromDigest).toHaveLength(1);
    const cp = fromDigest[0]!;
    // The digest's head is the one after the command's checkpoint event.
    expect(cp.seq).toBe(published.seq + 1);
    const blocks = digests[0]!.params.blocks as Array<{ type: string }>;
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(blocks.at(-2))).toContain(`Audit trail checkpoint: event *${cp.seq}*, hash \`${cp.hash}\``);
    const [message] = await s.deps.db
      .select()
      .from(platformMessages)
      .where(and(eq(platformMessages.subjectType, 'digest'), eq(platformMessages.role, 'digest')));
    expect(cp).toMatchObject({ postedPlatform: 'slack', postedConversation: COMPLIANCE, postedMessage: message!.messageId });
  });

  it('audit verify names the posted checkpoint that a rewritten chain no longer matches', async () => {
    const intact = await flows.verifyAudit(s.deps.db);
    expect(intact).toMatchObject({ ok: true });
    expect(intact.checkpoints.map((c) => c.matches)).toEqual([true, true]);
    const ts = (await checkpointRow(s.deps, published.id)).postedMessage;
    const r = await inRolledBack(s.deps.db, async (tx) => {
      await disableTriggers(tx);
      await rewriteFrom(tx, workspaceId, 1, (d) => ({ ...d, name: 'Something else' }));
      return flows.verifyAudit(tx);
    });
    expect(r).toMatchObject({ ok: false, seq: published.seq, problem: `checkpoint of 2026-11-30 (seq ${published.seq}, posted to ${COMPLIANCE} at ${ts}) no longer matches: the chain was rewritten` });
    expect(r.checkpoints.filter((c) => !c.matches)).toHaveLength(2);
  });
});

describe('audit checkpoints published in Teams', () => {
  let bench: TeamsBench;
  let deps: FlowDeps;
  const posts = (conversation: string) =>
    bench.fake.calls.filter((c) => c.method === 'POST' && c.status < 300 && c.path.endsWith('/activities') && (c.conversationId ?? '').split(';')[0] === conversation);

  beforeAll(async () => {
    bench = await startTeamsBench('pglite', teamsPolicy({ organization: { name: 'Acme', timezone: 'UTC' }, channels: { approvals: { teams: APPROVALS }, digest: { teams: DIGEST } } }));
    deps = { db: bench.db.db, policy: bench.policy, clock: bench.clock };
    bench.clock.set('2026-11-30T09:00:00Z');
    await bench.installChannel();
    await someEvents(deps, 'teams', TENANT, people.alice.aad, 'Notes Helper');
    await bench.drain();
  });
  afterAll(async () => bench?.close());

  it('audit checkpoint posts the checkpoint card in the digest channel and records conversation and activity id', async () => {
    const [cp] = await flows.publishCheckpoints(deps);
    await bench.drain();
    await bench.drain();
    const cards = posts(DIGEST).map((c) => cardText(cardOf(c.body))).filter((t) => t.includes('Audit trail checkpoint'));
    expect(cards).toHaveLength(1);
    expect(cards[0]).toContain(`event ${cp!.seq}, hash ${cp!.hash}, recorded 2026-11-30 09:00 UTC.`);
    expect(cards[0]).toContain(`aimsbot audit verify --checkpoint ${cp!.seq}:${cp!.hash}`);
    const [copy] = await deps.db.select().from(platformMessages).where(eq(platformMessages.role, 'audit.checkpoint'));
    expect(copy!.messageId).toMatch(/^act-\d+$/);
    expect(await checkpointRow(deps, cp!.id)).toMatchObject({ postedPlatform: 'teams', postedConversation: DIGEST, postedMessage: copy!.messageId });
  });

  it('the weekly digest card carries the head and records where it went', async () => {
    bench.clock.set('2026-12-07T09:00:00Z');
    await flows.runWeeklyDigest(deps, bench.clock.now());
    await bench.drain();
    const [cp] = await deps.db.select().from(auditCheckpoints).where(eq(auditCheckpoints.source, 'weekly-digest'));
    const digest = posts(DIGEST).map((c) => cardText(cardOf(c.body))).filter((t) => t.includes('Weekly AI compliance digest'));
    expect(digest).toHaveLength(1);
    expect(digest[0]).toContain(`Audit trail checkpoint: event ${cp!.seq}, hash ${cp!.hash}`);
    const [copy] = await deps.db.select().from(platformMessages).where(eq(platformMessages.role, 'digest.weekly'));
    expect(cp).toMatchObject({ postedPlatform: 'teams', postedConversation: DIGEST, postedMessage: copy!.messageId });
  });
});
