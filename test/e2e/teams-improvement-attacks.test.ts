/** Teams: the incident.report card sent again, or twice at once, reports one incident; the second hears which one. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidents } from '../../db/schema-improve';
import type { FlowDeps } from '../../flows';
import * as flows from '../../flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import type { TeamsBench, TeamsUser } from '../helpers/teams-harness';
import { APPROVALS, TENANT, buttons, cardText, people, startTeamsBench, teamsPolicy } from '../helpers/teams-harness';

describe('Teams: replayed incident reports', () => {
  let bench: TeamsBench;
  let deps: FlowDeps;
  let ref = '';
  const ctxOf = (u: TeamsUser) => flows.flowContext(deps, { platform: 'teams', externalId: TENANT }, { platformId: `teams:${u.aad}`, displayName: u.name, email: u.email });
  const local = (at: Date) => flows.localDateTime(at, 'UTC').slice(0, 16);

  beforeAll(async () => {
    bench = await startTeamsBench('pglite', teamsPolicy({ channels: { approvals: { teams: APPROVALS }, digest: { teams: APPROVALS } } }));
    await bench.installChannel();
    for (const u of [people.bob, people.compliance, people.mallory]) await bench.installPersonal(u);
    deps = { db: bench.db.db, policy: bench.policy, clock: bench.clock };
    const r = await flows.register(await ctxOf(people.alice), { fields: fieldsFor('CV Screen', `teams:${people.bob.aad}`), answers: highAnswers });
    if (r.kind !== 'registered') throw new Error(JSON.stringify(r));
    ref = r.system.ref;
    await bench.drain();
  });
  afterAll(async () => bench?.close());

  it('a card with a bad answer, fixed, then sent twice more reports one incident', async () => {
    const form = await bench.say(people.mallory, `incident ${ref}`);
    const report = buttons(form).find((b) => b.data.action === 'incident.report')!;
    expect(typeof report.data.key).toBe('string');
    const answers = { occurred_at: local(new Date(bench.clock.now().getTime() - 3_600_000)), description: 'Ranked applicants by surname', harm: 'to_rights' };
    const bad = await bench.execute(people.mallory, { ...report.data, ...answers, harm: 'lots' });
    const again = buttons(bad).find((b) => b.data.action === 'incident.report')!;
    expect(again.data.key).toBe(report.data.key);
    const done = await bench.execute(people.mallory, { ...again.data, ...answers });
    expect(cardText(done)).toContain('Your report is INC-1');
    const replay = await bench.execute(people.mallory, { ...again.data, ...answers });
    expect(cardText(replay)).toContain('This form already reported INC-1; nothing new was recorded.');
    const fresh = buttons(await bench.say(people.mallory, `incident ${ref}`)).find((b) => b.data.action === 'incident.report')!;
    expect(fresh.data.key).not.toBe(report.data.key);
    const both = await Promise.all([bench.execute(people.mallory, { ...fresh.data, ...answers }), bench.execute(people.mallory, { ...fresh.data, ...answers })]);
    expect(both.map(cardText).join('\n')).toContain('This form already reported INC-2');
    expect(await bench.db.db.select().from(incidents)).toHaveLength(2);
  });
});
