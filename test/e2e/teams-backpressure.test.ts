/**
 * Backpressure on the Teams path: with the gate full (its one slot held, no queue), a message
 * gets a "busy" reply in its chat and a card button a "busy" invoke answer; nothing runs for
 * either. Once the slot frees, the same message is answered as usual.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiSystems } from '../../db/schema';
import { BUSY_MESSAGE, createWorkGate } from '../../flows/work-gate';
import type { TeamsBench } from '../helpers/teams-harness';
import { people, startTeamsBench } from '../helpers/teams-harness';

describe('Teams backpressure', () => {
  let bench: TeamsBench;
  const gate = createWorkGate({ maxInFlight: 1, maxQueued: 0 });
  beforeAll(async () => {
    bench = await startTeamsBench('pglite', undefined, { gate });
  });
  afterAll(async () => bench.close());

  /** A personal-chat activity from Alice. */
  function activity(type: string): Record<string, unknown> {
    return {
      id: `act-${Math.random().toString(36).slice(2)}`,
      type,
      channelId: 'msteams',
      serviceUrl: bench.fake.url,
      timestamp: new Date().toISOString(),
      from: { id: `29:${people.alice.aad}`, aadObjectId: people.alice.aad, name: people.alice.name },
      recipient: { id: '28:aimsbot', name: 'aimsbot' },
      conversation: { id: `a:personal-${people.alice.aad}`, conversationType: 'personal', tenantId: 'tenant-acme' },
      channelData: { tenant: { id: 'tenant-acme' } },
    };
  }

  it('answers "busy" while the gate is full, and works again once it frees', async () => {
    let release!: () => void;
    const held = gate.offer(() => new Promise<void>((r) => (release = r)));
    expect(held.admission).toBe('running');

    const before = bench.fake.sent(`a:personal-${people.alice.aad}`).length;
    const said = await bench.post({ ...activity('message'), text: 'help' });
    expect(said.status).toBe(200);
    const replies = bench.fake.sent(`a:personal-${people.alice.aad}`);
    expect(replies).toHaveLength(before + 1);
    expect(replies.at(-1)!.body).toMatchObject({ text: BUSY_MESSAGE });

    const clicked = await bench.post({
      ...activity('invoke'),
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'register.start', data: { action: 'register.start' } }, trigger: 'manual' },
    });
    expect(clicked).toMatchObject({ status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: BUSY_MESSAGE } });
    expect(gate.load()).toMatchObject({ inFlight: 1, queued: 0, shed: 2 });

    release();
    await held.done;
    const card = await bench.say(people.alice, 'help');
    expect(JSON.stringify(card)).not.toContain('busy');
    expect(await bench.db.db.select().from(aiSystems)).toHaveLength(0);
  });
});
