/**
 * `approval.stuck` delivered by the real Slack and Teams deliverers: the submitter gets a direct
 * message, compliance a post in the digest channel, each saying which step nobody can decide,
 * why, and how to unblock it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { notifications } from '../../db/schema';
import * as flows from '../../flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { seedRequest } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';
import type { TeamsBench } from '../helpers/teams-harness';
import { APPROVALS, TENANT, cardOf, cardText, people, startTeamsBench, teamsPolicy } from '../helpers/teams-harness';

describe('Slack', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer({
      policy: {
        organization: { name: 'Acme' },
        groups: { compliance: ['slack:U0COMP'], privacy: ['email:dpo@acme.example'] },
        channels: { approvals: { slack: 'C0APPROVALS' }, digest: { slack: 'C0DIGEST' } },
      },
    });
  });
  afterAll(async () => s?.close());

  it('tells the submitter by DM and compliance in the digest channel, once each', async () => {
    const r = await seedRequest(s, USERS.carol.id, fieldsFor('Screener', 'slack:U0BOB'), highAnswers);
    const rows = await s.deps.db.select().from(notifications).where(and(eq(notifications.kind, 'approval.stuck'), eq(notifications.workspaceId, r.workspaceId)));
    expect(rows.map((n) => n.status)).toEqual(['sent', 'sent']);
    const posts = s.fake.callsOf('chat.postMessage');
    const dm = posts.filter((c) => [USERS.carol.id, `D${USERS.carol.id}`].includes(String(c.params.channel)));
    expect(dm).toHaveLength(1);
    expect(String(dm[0]!.params.text)).toContain(`Nobody can decide the compliance step of ${r.system.ref} "Screener"`);
    const digest = posts.filter((c) => c.params.channel === 'C0DIGEST');
    expect(digest).toHaveLength(1);
    expect(String(digest[0]!.params.text)).toContain('set approvals.fallback.compliance in the policy');
    // Delivering again posts nothing new.
    await s.dispatcher.drain();
    expect(s.fake.callsOf('chat.postMessage').filter((c) => c.params.channel === 'C0DIGEST')).toHaveLength(1);
  });
});

describe('Teams', () => {
  let bench: TeamsBench;
  const DIGEST = '19:digest@thread.tacv2';
  beforeAll(async () => {
    bench = await startTeamsBench(
      'pglite',
      teamsPolicy({
        groups: { compliance: [`teams:${people.compliance.aad}`], privacy: ['email:dpo@acme.example'] },
        channels: { approvals: { teams: APPROVALS }, digest: { teams: DIGEST } },
      }),
    );
    await bench.installChannel();
    await bench.installPersonal(people.compliance);
  });
  afterAll(async () => bench?.close());

  it('tells the submitter in personal chat and compliance in the digest channel', async () => {
    const deps = { db: bench.db.db, policy: bench.policy, clock: bench.clock };
    const cora = await flows.flowContext(deps, { platform: 'teams', externalId: TENANT }, { platformId: `teams:${people.compliance.aad}`, displayName: people.compliance.name, email: people.compliance.email });
    const r = await flows.register(cora, { fields: fieldsFor('Screener', `teams:${people.bob.aad}`), answers: highAnswers, ownerName: people.bob.name });
    if (r.kind !== 'registered') throw new Error(r.kind);
    await bench.drain();
    const texts = (conversation: string) =>
      bench.fake.sent().filter((c) => (c.conversationId ?? '').split(';')[0] === conversation).map((c) => cardText(cardOf(c.body)));
    expect(texts(`a:personal-${people.compliance.aad}`).filter((t) => t.includes(`Nobody can decide the compliance step of ${r.system.ref}`))).toHaveLength(1);
    expect(texts(DIGEST).filter((t) => t.includes('Approval stuck:') && t.includes('approvals.fallback.compliance'))).toHaveLength(1);
  });
});
