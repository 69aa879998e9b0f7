/**
 * Backpressure on the Slack request path: with two requests at work and three waiting, a burst
 * of twelve `/aims check` commands gets seven polite "busy" answers at once, the five others are
 * acknowledged and every one of them is answered after all; the queue never holds more than its
 * bound. A modal submission beyond the bound gets a "busy" modal pushed over the form, and a
 * button click a "busy" note through its response URL; nothing is written for either.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aiSystems } from '../../db/schema';
import { BUSY_MESSAGE } from '../../flows/work-gate';
import { startSlackServer, USERS } from '../helpers/slack-server';
import type { SlackTestServer } from '../helpers/slack-server';
import { blockAction, slashCommand, viewSubmission } from '../helpers/slack-requests';

/** A response URL that holds every answer until released, so the work behind the ack stays busy. */
async function holdingResponseUrl() {
  const held: Array<{ body: Record<string, unknown>; release: () => void }> = [];
  let holding = true;
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      };
      held.push({ body: JSON.parse(data) as Record<string, unknown>, release });
      if (!holding) release();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    held,
    /** Releases every held answer, and every later one at once. */
    releaseAll: () => {
      holding = false;
      for (const h of held) h.release();
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

const until = async (cond: () => boolean, what: string) => {
  // Generous: a loaded CI machine can be slow, and the condition is met as soon as it holds.
  const deadline = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('Slack backpressure', () => {
  let s: SlackTestServer;
  let hold: Awaited<ReturnType<typeof holdingResponseUrl>>;
  beforeAll(async () => {
    s = await startSlackServer({ limits: { maxInFlight: 2, maxQueued: 3 } });
  });
  afterAll(async () => {
    await s.close();
  });
  beforeEach(async () => {
    hold = await holdingResponseUrl();
  });
  afterEach(async () => {
    hold.releaseAll();
    await s.settle();
    await hold.close();
  });

  it('sheds a burst beyond the bounds with "busy" and answers everything it acknowledged', async () => {
    const send = (i: number) => s.send(slashCommand({ text: 'check Tool X', user: USERS.alice.id, responseUrl: `${hold.base}/cmd-${i}` }));
    // Two requests take the slots and stay at work (their answers are held).
    const first = await Promise.all([send(0), send(1)]);
    await until(() => hold.held.length === 2, 'two answers in flight');
    const rest = await Promise.all(Array.from({ length: 10 }, (_, i) => send(i + 2)));
    const bodies = await Promise.all([...first, ...rest].map(async (r) => ({ status: r.status, text: await r.text() })));
    expect(bodies.every((b) => b.status === 200)).toBe(true);
    const busy = bodies.filter((b) => b.text.includes(BUSY_MESSAGE));
    expect(busy).toHaveLength(7);
    expect(JSON.parse(busy[0]!.text)).toEqual({ response_type: 'ephemeral', text: BUSY_MESSAGE });
    expect(s.adapter.load()).toMatchObject({ inFlight: 2, queued: 3, peakQueued: 3, shed: 7 });

    hold.releaseAll();
    await s.settle();
    // Every acknowledged command was answered, once, with the check itself.
    const answered = hold.held.map((h) => String(h.body.text));
    expect(answered).toHaveLength(5);
    expect(answered.every((t) => !t.includes('busy') && /Tool X/.test(t))).toBe(true);
    expect(s.adapter.load()).toMatchObject({ inFlight: 0, queued: 0, peakQueued: 3 });
  });

  it('pushes a busy modal over a shed submission and tells a shed click through its response URL; nothing is written', async () => {
    const shedBefore = s.adapter.load().shed;
    const busyWork = Array.from({ length: 5 }, (_, i) => s.send(slashCommand({ text: 'check Y', user: USERS.bob.id, responseUrl: `${hold.base}/b-${i}` })));
    await Promise.all(busyWork);
    await until(() => hold.held.length === 2 && s.adapter.load().queued === 3, 'the gate to be full');

    const view = await s.send(viewSubmission({ user: USERS.alice.id, callbackId: 'aims.form', privateMetadata: '{"k":"x"}', values: {} }));
    const viewBody = (await view.json()) as { response_action: string; view: { blocks: Array<{ text: { text: string } }> } };
    expect(viewBody.response_action).toBe('push');
    expect(viewBody.view.blocks[0]!.text.text).toBe(BUSY_MESSAGE);

    const click = await s.send(blockAction({ actionId: 'aims.approve', value: '1', user: USERS.carol.id, channel: 'C0APPROVALS', messageTs: '1.000001', responseUrl: `${hold.base}/click` }));
    expect(click.status).toBe(200);
    await until(() => hold.held.some((h) => h.body.text === BUSY_MESSAGE), 'the busy note for the click');
    expect(hold.held.find((h) => h.body.text === BUSY_MESSAGE)!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(s.adapter.load().shed - shedBefore).toBe(2);

    hold.releaseAll();
    await s.settle();
    expect(await s.deps.db.select().from(aiSystems)).toHaveLength(0);
  });

  it('stopping waits for the requests it acknowledged', async () => {
    await Promise.all(Array.from({ length: 5 }, (_, i) => s.send(slashCommand({ text: 'check Z', user: USERS.alice.id, responseUrl: `${hold.base}/stop-${i}` }))));
    await until(() => hold.held.length === 2 && s.adapter.load().queued === 3, 'the gate to be full');
    let stopped = false;
    const stopping = s.adapter.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(stopped).toBe(false);
    hold.releaseAll();
    await stopping;
    expect(hold.held).toHaveLength(5);
    expect(s.adapter.load()).toMatchObject({ inFlight: 0, queued: 0 });
  });
});
