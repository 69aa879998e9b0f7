/**
 * Malformed Teams activities over HTTP: no 500, no crash, nothing written. Payloads a client or
 * a probe could send: no speaker or conversation, ids of the wrong type, no activity type, JSON
 * that does not parse, invokes the app does not declare, card actions whose data is not an object.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { aiSystems } from '../../db/schema';
import type { TeamsBench } from '../helpers/teams-harness';
import { cardOf, cardText, people, startTeamsBench, TENANT } from '../helpers/teams-harness';

let bench: TeamsBench;
beforeAll(async () => {
  bench = await startTeamsBench('pglite');
});
afterAll(async () => bench?.close());

const TABLES = ['workspaces', 'people', 'conversation_refs', 'inbound_events', 'audit_events', 'notifications', 'ai_systems'];

async function rowCounts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) {
    const r = (await bench.db.db.execute(sql.raw(`select count(*)::int as n from ${t}`))) as unknown as { rows: Array<{ n: number }> };
    out[t] = r.rows[0]!.n;
  }
  return out;
}

const u = people.mallory;
let seq = 0;
const activity = (over: Record<string, unknown>) => ({
  id: `robust-${++seq}`,
  channelId: 'msteams',
  serviceUrl: bench.fake.url,
  from: { id: `29:${u.aad}`, aadObjectId: u.aad, name: u.name },
  recipient: { id: '28:aimsbot' },
  conversation: { id: `a:personal-${u.aad}`, conversationType: 'personal', tenantId: TENANT },
  channelData: { tenant: { id: TENANT } },
  ...over,
});
const cardInvoke = (action: unknown) => activity({ type: 'invoke', name: 'adaptiveCard/action', value: { action, trigger: 'manual' } });

describe('Teams robustness', () => {
  it('refuses malformed activities without a 500 and without writing anything', async () => {
    const cases: Record<string, Record<string, unknown>> = {
      'message without from': activity({ type: 'message', text: 'register', from: undefined }),
      'message without conversation': activity({ type: 'message', text: 'register', conversation: undefined }),
      'from with numbers for ids': activity({ type: 'message', text: 'list', from: { id: 5, aadObjectId: 7 } }),
      'tenant and conversation of the wrong type': activity({ type: 'message', text: 'list', conversation: { id: 5, conversationType: 'personal', tenantId: { a: 1 } } }),
      'no service URL': activity({ type: 'message', text: 'help', serviceUrl: undefined }),
      'install without conversation': activity({ type: 'installationUpdate', action: 'add', conversation: undefined }),
      'an invoke the app does not declare': activity({ type: 'invoke', name: 'composeExtension/query', value: { commandId: 'x' } }),
      'an invoke without a name': activity({ type: 'invoke' }),
      'card action with string data': cardInvoke({ type: 'Action.Execute', verb: 'approval.approve', data: 'approve please' }),
      'card action with array data': cardInvoke({ type: 'Action.Execute', verb: 'approval.approve', data: [1, 2] }),
      'card action with number data': cardInvoke({ type: 'Action.Execute', verb: 'approval.approve', data: 5 }),
      'card action with a step id beyond any id': cardInvoke({ type: 'Action.Execute', verb: 'approval.approve', data: { action: 'approval.approve', stepId: 99999999999999 } }),
      'card action of an unknown verb': cardInvoke({ type: 'Action.Execute', verb: 'launch.missiles', data: {} }),
      'card invoke without a value': activity({ type: 'invoke', name: 'adaptiveCard/action' }),
      'no activity type': activity({ text: 'help' }),
    };
    for (const [name, body] of Object.entries(cases)) {
      const before = await rowCounts();
      const r = await bench.post(body);
      expect(r.status, name).toBeLessThan(500);
      expect(await rowCounts(), name).toEqual(before);
    }
    const before = await rowCounts();
    for (const raw of ['{not json', '"a string"', '[1,2]']) {
      const res = await fetch(bench.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
      expect(res.status, raw).toBe(400);
      expect(await res.text(), raw).not.toMatch(/ at |<html/i);
    }
    expect(await rowCounts()).toEqual(before);
    // The server is still there and answers a good activity.
    const ok = await bench.say(people.alice, 'help');
    expect(cardText(ok)).toContain('register');
  });

  it('a card action with data that is not ours is told the card is out of date', async () => {
    const r = await bench.post(cardInvoke({ type: 'Action.Execute', verb: 'approval.reject', data: 'reject' }));
    expect(r.status).toBe(200);
    const body = r.body as { statusCode: number; value: Record<string, unknown> };
    expect(body.statusCode).toBe(200);
    expect(cardText(body.value)).toContain('out of date');
  });

  it('a huge message is answered with a card of bounded size and registers nothing', async () => {
    const before = bench.fake.sent().length;
    const r = await bench.post(activity({ type: 'message', text: `check ${'a'.repeat(600_000)}` }));
    expect(r.status).toBe(200);
    const sent = bench.fake.sent().slice(before);
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(cardOf(sent[0]!.body)).length).toBeLessThan(28_000);
    const tooBig = await fetch(bench.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity({ type: 'message', text: 'x'.repeat(2_000_000) })) });
    expect(tooBig.status).toBe(413);
    expect(await bench.db.db.select().from(aiSystems)).toHaveLength(0);
  });
});
