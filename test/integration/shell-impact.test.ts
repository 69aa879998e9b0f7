/**
 * The shell's impact commands, in-process on PGlite with scripted input: `impact` asks the
 * questions with triage answers pre-filled (an empty line keeps them) and re-asks an empty
 * answer; `show` says whether the assessment is missing; `inventory` pages and refuses
 * non-compliance; `home` prints the dashboard; a re-triage tells the owner it is due again.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runShell } from '../../adapters/shell/session';
import type { FlowDeps } from '../../flows';
import { parsePolicy } from '../../flows';
import { testClock } from '../helpers/clock';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

const demo = readFileSync('examples/shell-demo.txt', 'utf8').split('\n');
const TRIAGE = demo.slice(demo.indexOf('planned') + 1, demo.indexOf('/as bob'));
const register = (name: string) => ['/as alice', '/aims register', name, '', '', 'Screening', 'bob', '', 'planned', ...TRIAGE];
const approve = ['/as bob', '/aims approve AI-1', '/as compliance', '/aims approve AI-1', '/as privacy', '/aims approve AI-1'];

let database: TestDatabase;
let deps: FlowDeps;

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  deps = {
    db: database.db,
    clock: testClock('2026-11-02T10:00:00Z'),
    // A public authority: the Art. 27 FRIA applies to its high-risk systems.
    policy: parsePolicy({ organization: { publicSector: 'public_authority' }, groups: { compliance: ['shell:compliance'], privacy: ['shell:privacy'] } }),
  };
});
afterAll(() => database.destroy());

async function session(lines: string[]): Promise<string> {
  const queue = [...lines];
  const out: string[] = [];
  await runShell({ deps, lines: { next: async () => queue.shift() ?? null, close: () => {} }, print: (t) => void out.push(t), echo: true });
  return out.join('\n');
}

describe('shell impact, inventory and home', () => {
  it('assesses the impact with the FRIA elements, shows it, lists the inventory and the dashboard', async () => {
    const answers = [
      '', // affected_groups: keeps "Affected: job applicants."
      '', // fundamental_rights: nothing pre-filled, asked again
      'Fair treatment of applicants.',
      'Rejection rates compared by sex and age every quarter.',
      '', // privacy
      '', // autonomy
      'Applicants could be screened out.',
      'None beyond the organisation.',
      'Vendor-hosted; small volume.',
      '', // fria_process: the registered purpose
      'Every hiring round, about monthly.',
      '', // fria_people
      '[x](https://evil.example) **bold** <!channel>',
      '', // fria_oversight
      'Complaints go to HR; the tool is paused.',
    ];
    const t = await session([
      ...register('CV Screener'),
      ...approve,
      '/as bob',
      '/aims show AI-1',
      '/aims impact AI-1',
      ...answers,
      '/aims show AI-1',
      '/aims inventory',
      '/as compliance',
      '/aims impact AI-1',
      '/aims inventory class=high status=approved',
      '/aims inventory sparkly',
      '/aims home',
    ]);
    expect(t).toContain('Impact assessment: missing — assess it with "impact AI-1".');
    expect(t).toContain('and the EU AI Act Art. 27(1)(a)–(f) elements');
    expect(t).toContain('(empty line keeps, from triage: affected_people: Affected: job applicants.)');
    expect(t).toMatch(/✗ Fundamental rights: describe it/);
    expect(t).toMatch(/recorded AI-1\/IA-1 \(with the Art\. 27 elements: export it with "aimsbot export fria AI-1"\); the next one falls due with the review on /);
    expect(t).toMatch(/Impact assessment: AI-1\/IA-1, next due 2027-01-31\./);
    expect(t).toContain('✗ Only compliance can see the whole inventory');
    // Compliance sees the previous answers offered; its piped input ends there, so nothing is recorded twice.
    expect(t).toContain('The answers of AI-1/IA-1 are offered');
    expect(t).toMatch(/inventory \(class=high status=approved\): 1 tool, page 1 of 1\nAI-1/);
    expect(t).toContain('"sparkly" is not an inventory filter');
    expect(t).toMatch(/AI systems \(1\)\n {2}By class \(in use or under approval\): high-risk 1\n {2}By status: approved 1/);
    expect(t).toContain('Overdue reviews (0)');
  });
});
