/**
 * The same scenario through Teams and through the shell leaves the same records in Postgres
 * (ignoring ids, platform ids and times): systems, assessments, requests, steps, audit actions.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fieldsFor, highAnswers } from '../fixtures/answers';
import { PARITY_NAME, records, shellRecords } from '../helpers/parity';
import type { TeamsBench } from '../helpers/teams-harness';
import { buttons, formValues, people, startTeamsBench, teamsPolicy } from '../helpers/teams-harness';

const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

describe('Teams and shell give the same records (Postgres)', () => {
  it('registers and approves the same system with the same rows', async () => {
    // Through the shell.
    const shell = await shellRecords(highAnswers);
    cleanup.push(() => shell.database.destroy());

    // Through Teams.
    const bench: TeamsBench = await startTeamsBench('postgres', teamsPolicy());
    cleanup.push(() => bench.close());
    await bench.installChannel();
    const first = await bench.say(people.alice, 'register');
    await bench.fillForm(people.alice, first, formValues(fieldsFor(PARITY_NAME, people.bob.aad), highAnswers));
    await bench.drain();
    for (const u of [people.bob, people.compliance, people.dpo]) {
      const pending = await bench.say(u, 'pending');
      const open = buttons(pending).find((b) => b.data.action === 'approval.open')!;
      const card = await bench.execute(u, open.data, { channel: true });
      await bench.execute(u, buttons(card).find((b) => b.data.action === 'approval.approve')!.data, { channel: true });
      await bench.drain();
    }

    const viaShell = shell.records;
    const viaTeams = await records(bench.db.db);
    expect(viaShell.systems[0]?.status, shell.transcript).toBe('approved');
    expect(viaShell.steps).toHaveLength(3);
    expect(viaShell.audit.length).toBeGreaterThan(6);
    expect(viaTeams).toEqual(viaShell);
  });
});
