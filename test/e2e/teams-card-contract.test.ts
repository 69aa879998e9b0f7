/**
 * What Teams requires of our cards and invoke answers: the people picker on a card of the version
 * that defines it, an error message on every required input, user MRIs (never AAD object ids) in
 * `refresh.userIds`, error responses for failed actions, and a capped Link input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { aiSystems, approvalRequests, approvalSteps } from '../../db/schema';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';
import type { FaultyDb } from '../helpers/faulty-db';
import { faultyDb } from '../helpers/faulty-db';
import type { TeamsBench } from '../helpers/teams-harness';
import { APPROVALS, buttons, cardOf, cardText, formValues, inputs, people, startTeamsBench, teamsPolicy } from '../helpers/teams-harness';

type Json = Record<string, unknown>;

let bench: TeamsBench;
let faults: FaultyDb;

/** A compliance member who never spoke to the bot and whom the roster does not know. */
const stranger = { aad: '00000000-0000-4000-8000-00000000057a', name: 'Stella Stranger' };

beforeAll(async () => {
  faults = faultyDb();
  const policy = teamsPolicy({
    groups: {
      compliance: [`teams:${people.compliance.aad}`, `teams:${stranger.aad}`],
      privacy: ['email:dpo@acme.example'],
      security: [`teams:${people.security.aad}`],
    },
  });
  bench = await startTeamsBench('pglite', policy, { wrapDb: (db) => faults.wrap(db) });
  await bench.installChannel();
  for (const u of [people.alice, people.bob, people.compliance]) await bench.installPersonal(u);
});
afterAll(async () => bench?.close());

/** Invokes a card action and returns the raw invoke response body. */
async function invoke(u: typeof people.alice, data: Json): Promise<{ status: number; body: Json }> {
  const r = await bench.post({
    id: `inv-${Math.random()}`,
    type: 'invoke',
    name: 'adaptiveCard/action',
    channelId: 'msteams',
    serviceUrl: bench.fake.url,
    from: { id: `29:${u.aad}`, aadObjectId: u.aad, name: u.name },
    recipient: { id: '28:aimsbot', name: 'aimsbot' },
    conversation: { id: `a:personal-${u.aad}`, conversationType: 'personal', tenantId: 'tenant-acme' },
    channelData: { tenant: { id: 'tenant-acme' } },
    value: { action: { type: 'Action.Execute', verb: String(data.action), data }, trigger: 'manual' },
  });
  return { status: r.status, body: r.body as Json };
}

describe('Teams card contract', () => {
  it('declares 1.6 on the card with the people picker, 1.5 elsewhere; required inputs carry an error message', async () => {
    const first = await bench.say(people.alice, 'register');
    const owner = inputs(first).find((i) => i.id === 'owner')!;
    expect(owner['choices.data']).toMatchObject({ type: 'Data.Query', dataset: 'graph.microsoft.com/users' });
    expect(first.version).toBe('1.6');
    expect((await bench.say(people.alice, 'help')).version).toBe('1.5');

    const required = inputs(first).filter((i) => i.isRequired === true);
    expect(required.map((i) => i.id)).toEqual(expect.arrayContaining(['name', 'purpose', 'owner', 'usage_status']));
    for (const i of required) expect(typeof i.errorMessage === 'string' && (i.errorMessage as string).length > 0, String(i.id)).toBe(true);

    // The triage pages: no people picker, so 1.5, and their required choices say what is missing.
    const data: Json = { ...buttons(first).find((b) => b.data.action === 'form.next')!.data };
    Object.assign(data, fieldsFor('Version Probe', people.bob.aad));
    const page2 = await bench.execute(people.alice, data);
    expect(page2.version).toBe('1.5');
    const page2Required = inputs(page2).filter((i) => i.isRequired === true);
    expect(page2Required.length).toBeGreaterThan(0);
    for (const i of page2Required) expect(String(i.errorMessage ?? ''), String(i.id)).toMatch(/required/);
  });

  it('caps the Link input at 2,000 characters and refuses a longer link with a clear message', async () => {
    const first = await bench.say(people.alice, 'register');
    const url = inputs(first).find((i) => i.id === 'url')!;
    expect(url.maxLength).toBe(2000);

    const data: Json = { ...buttons(first).find((b) => b.data.action === 'form.next')!.data, ...fieldsFor('Long Link Tool', people.bob.aad) };
    data.url = `https://acme.example/${'a'.repeat(2001 - 'https://acme.example/'.length + 1)}`;
    const again = await bench.execute(people.alice, data);
    const text = cardText(again);
    expect(text).toContain('Link: is 2002 characters long; links can be at most 2000 characters');
    expect(text).not.toMatch(/Purpose:.*too long/);
    expect(await bench.db.db.select().from(aiSystems).where(eq(aiSystems.name, 'Long Link Tool'))).toHaveLength(0);

    // Exactly 2,000 characters is accepted: the next card is the triage.
    data.url = String(data.url).slice(0, 2000);
    const next = await bench.execute(people.alice, data);
    expect(cardText(next)).not.toContain('Link:');
    expect(cardText(next)).toContain('page 2');
  });

  it('refresh.userIds holds user MRIs only; an approver no reference or roster knows is left out', async () => {
    bench.fake.members.delete(stranger.aad.toLowerCase());
    await bench.fillForm(people.alice, await bench.say(people.alice, 'register'), formValues(fieldsFor('Mri Check', people.bob.aad), minimalAnswers));
    await bench.drain();
    const card = cardOf(bench.fake.sent(APPROVALS).at(-1)!.body);
    expect(cardText(card)).toContain('Mri Check');
    const userIds = (card.refresh as { userIds: string[] }).userIds;
    expect(userIds).toEqual([`29:${people.bob.aad}`]);
    expect(JSON.stringify(card)).not.toContain(stranger.aad);

  });

  it('a failed card action answers an error response, not a card; a malformed invoke a 400 error response', async () => {
    await bench.fillForm(people.alice, await bench.say(people.alice, 'register'), formValues(fieldsFor('Error Path', people.bob.aad), minimalAnswers));
    await bench.drain();
    const [system] = await bench.db.db.select().from(aiSystems).where(eq(aiSystems.name, 'Error Path'));
    const [request] = await bench.db.db.select().from(approvalRequests).where(eq(approvalRequests.systemId, system!.id));
    const [step] = await bench.db.db.select().from(approvalSteps).where(eq(approvalSteps.requestId, request!.id));

    faults.failNext('update', approvalSteps, 1);
    const r = await invoke(people.bob, { action: 'approval.approve', stepId: step!.id });
    expect(faults.failures).toBe(1);
    // botbuilder answers the HTTP request with the response's statusCode, as Teams expects.
    expect(r.status, JSON.stringify(r.body)).toBe(500);
    expect(r.body.type).toBe('application/vnd.microsoft.error');
    expect(r.body.statusCode).toBe(500);
    expect(r.body.value).toEqual({ code: 'InternalError', message: 'Something went wrong on our side; nothing was changed. Please try again.' });
    const [still] = await bench.db.db.select().from(approvalSteps).where(eq(approvalSteps.id, step!.id));
    expect(still!.status).toBe('pending');

    const malformed = await bench.post({ type: 'invoke', name: 'adaptiveCard/action', serviceUrl: bench.fake.url, from: { id: '' }, conversation: { id: 'x' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: expect.stringContaining('from.id') });
  });
});
