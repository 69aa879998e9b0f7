/**
 * The owner approves with a comment, then compliance rejects with a reason: on Slack, Teams and
 * the shell, the submitter is told compliance's reason and who decided — never the owner's
 * comment. A final approval names the last approver.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { aiSystems } from '../../db/schema';
import * as flows from '../../flows';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';
import { clickStep, lastOpenedView, seedRequest, submit } from '../helpers/slack-flows';
import type { SlackTestServer } from '../helpers/slack-server';
import { startSlackServer, USERS } from '../helpers/slack-server';
import type { TeamsBench } from '../helpers/teams-harness';
import { cardOf, cardText, formValues, people, startTeamsBench } from '../helpers/teams-harness';

const OWNER_COMMENT = 'Fine by me, we use it weekly';
const REASON = 'No DPIA on file yet';

describe('Slack: the outcome message quotes the deciding step', () => {
  let s: SlackTestServer;
  beforeAll(async () => {
    s = await startSlackServer();
  });
  afterAll(async () => {
    await s?.close();
  });
  const dmToAlice = () => s.fake.callsOf('chat.postMessage').filter((c) => [USERS.alice.id, `D${USERS.alice.id}`].includes(String(c.params.channel)));

  it('a rejection after an owner comment quotes the rejection and names the compliance member', async () => {
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('Commented', 'slack:U0BOB'), highAnswers);
    const bob = await flows.flowContext(s.deps, { platform: 'slack', externalId: 'T0TEAM' }, { platformId: 'slack:U0BOB', displayName: 'Bob' });
    expect(await flows.decideForSystem(bob, seeded.system.ref, 'approve', OWNER_COMMENT)).toMatchObject({ kind: 'recorded' });
    await s.settle();
    s.fake.reset();
    await clickStep(s, USERS.carol.id, 'approval.reject', seeded.steps.find((st) => st.role === 'compliance')!);
    await submit(s, USERS.carol.id, lastOpenedView(s), { reason: REASON });
    const [dm] = dmToAlice();
    const shown = JSON.stringify(dm?.params.blocks);
    expect(dm?.params.text).toContain('was rejected');
    expect(shown).toContain(REASON);
    expect(shown).toContain(`rejected by <@${USERS.carol.id}>`);
    expect(shown).toContain('compliance');
    expect(shown).not.toContain(OWNER_COMMENT);
  });

  it('an approval names who gave the final approval', async () => {
    const seeded = await seedRequest(s, USERS.alice.id, fieldsFor('Approved One', 'slack:U0BOB'), minimalAnswers);
    s.fake.reset();
    await clickStep(s, USERS.bob.id, 'approval.approve', seeded.steps[0]!);
    const shown = JSON.stringify(dmToAlice()[0]?.params.blocks);
    expect(shown).toContain('was *approved*');
    expect(shown).toContain(`approved by <@${USERS.bob.id}>`);
  });
});

describe('Teams: the outcome card quotes the deciding step', () => {
  let bench: TeamsBench;
  beforeAll(async () => {
    bench = await startTeamsBench('pglite');
    await bench.installChannel();
    for (const u of [people.alice, people.bob, people.compliance]) await bench.installPersonal(u);
  });
  afterAll(async () => bench?.close());

  it('a rejection after an owner comment quotes the rejection and names the compliance member', async () => {
    await bench.fillForm(people.alice, await bench.say(people.alice, 'register'), formValues(fieldsFor('Teams Commented', people.bob.aad), highAnswers));
    const [sys] = await bench.db.db.select().from(aiSystems).where(eq(aiSystems.name, 'Teams Commented'));
    const ref = `AI-${sys!.refNumber}`;
    await bench.drain();
    const request = (await flows.show(await teamsCtx(bench, people.bob), ref)) as { kind: 'system'; request: flows.RequestView };
    const step = (role: string) => request.request.steps.find((st) => st.role === role)!.id;
    await bench.execute(people.bob, { action: 'approval.approve', stepId: step('owner'), reason: OWNER_COMMENT }, { channel: true });
    await bench.execute(people.compliance, { action: 'approval.reject', stepId: step('compliance'), reason: REASON }, { channel: true });
    await bench.drain();
    const cards = bench.fake.sent(`a:personal-${people.alice.aad}`).map((c) => cardText(cardOf(c.body)));
    const outcome = cards.find((t) => t.includes('Teams Commented was rejected'));
    expect(outcome).toBeDefined();
    expect(outcome).toContain(REASON);
    expect(outcome).toContain(`Rejected by ${people.compliance.name} (compliance step)`);
    expect(outcome).not.toContain(OWNER_COMMENT);
  });
});

async function teamsCtx(bench: TeamsBench, u: (typeof people)[keyof typeof people]) {
  return flows.flowContext({ db: bench.db.db, policy: bench.policy, clock: bench.clock }, { platform: 'teams', externalId: 'tenant-acme' }, { platformId: `teams:${u.aad}`, displayName: u.name });
}

describe('shell: the outcome line quotes the deciding step', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aims-outcome-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a rejection after an owner comment quotes the rejection and names the compliance member', () => {
    // The triage answers of examples/shell-demo.txt (questionnaire v2).
    const demo = readFileSync('examples/shell-demo.txt', 'utf8').split('\n');
    const answers = demo.slice(demo.indexOf('planned') + 1, demo.indexOf('/as bob'));
    const script = [
      '/as alice', '/aims register', 'CV Screener', 'HireRight AI', 'https://hireright.example', 'Screen CVs', 'bob', 'HR', 'planned', ...answers,
      '/as bob', `/aims approve AI-1 ${OWNER_COMMENT}`,
      '/as compliance', `/aims reject AI-1 ${REASON}`,
    ].join('\n');
    const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'start'], {
      input: script,
      env: { ...process.env, AIMS_DATA_DIR: dir, DATABASE_URL: '', SLACK_BOT_TOKEN: '', MICROSOFT_APP_ID: '', AIMS_TEAMS: '', AIMS_POLICY: '', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(r.stderr).toBe('');
    const told = r.stdout.split('\n').find((l) => l.startsWith('[to alice] AI-1'));
    expect(told).toBe(`[to alice] AI-1 "CV Screener" was rejected by compliance (compliance step): "${REASON}"`);
  }, 120_000);
});
