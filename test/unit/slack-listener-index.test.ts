import { App, onlyActions, onlyCommands, onlyEvents, onlyViewActions } from '@slack/bolt';
import type { AnyMiddlewareArgs, Middleware, Receiver, ReceiverEvent } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { narrowListeners, reachableListeners } from '../../adapters/slack/listener-index';

const noop: Middleware<AnyMiddlewareArgs> = async () => {};
const custom: Middleware<AnyMiddlewareArgs> = async ({ next }) => next();

describe('reachableListeners', () => {
  const chains = [[onlyActions, noop], [onlyCommands, noop], [custom, noop], [onlyViewActions, noop], [onlyEvents, noop]];

  it('keeps only the listeners whose kind filter admits the request, in order, and any other listener', () => {
    expect(reachableListeners(chains, { command: { command: '/aims' } })).toEqual([chains[1], chains[2]]);
    expect(reachableListeners(chains, { action: { action_id: 'a' } })).toEqual([chains[0], chains[2]]);
    expect(reachableListeners(chains, { view: { callback_id: 'v' } })).toEqual([chains[2], chains[3]]);
    expect(reachableListeners(chains, { event: { type: 'app_home_opened' } })).toEqual([chains[2], chains[4]]);
  });
});

/** A receiver that hands events to Bolt directly. */
function directReceiver(): Receiver & { bolt?: App } {
  const r: Receiver & { bolt?: App } = {
    init: (bolt) => void (r.bolt = bolt),
    start: async () => undefined,
    stop: async () => undefined,
  };
  return r;
}

function boltApp() {
  const app = new App({ receiver: directReceiver(), authorize: async () => ({ botToken: 'xoxb-test' }), convoStore: false });
  const ran: string[] = [];
  for (const id of ['a1', 'a2', 'a3']) app.action(id, async ({ ack }) => void (await ack(), ran.push(`action ${id}`)));
  for (const id of ['v1', 'v2']) app.view(id, async ({ ack }) => void (await ack(), ran.push(`view ${id}`)));
  app.command('/aims', async ({ ack, command }) => void (await ack(), ran.push(`command ${command.text}`)));
  app.event('app_home_opened', async () => void ran.push('event app_home_opened'));
  // Bolt keeps its listeners in a private array; record how many it reads at each dispatch.
  const holder = app as unknown as { listeners: unknown[] };
  let current = holder.listeners;
  const read: number[] = [];
  Object.defineProperty(holder, 'listeners', {
    configurable: true,
    get: () => (read.push(current.length), current),
    set: (v: unknown[]) => void (current = v),
  });
  return { app, ran, read, all: () => current };
}

const ack = async () => undefined;
const command = { command: '/aims', text: 'check x', team_id: 'T1', user_id: 'U1', channel_id: 'C1', trigger_id: 't', response_url: 'http://127.0.0.1:9/r', api_app_id: 'A1' };
const action = { type: 'block_actions', team: { id: 'T1' }, user: { id: 'U1' }, api_app_id: 'A1', actions: [{ action_id: 'a2', type: 'button', block_id: 'b', action_ts: '1' }], trigger_id: 't' };
const view = { type: 'view_submission', team: { id: 'T1' }, user: { id: 'U1' }, api_app_id: 'A1', view: { callback_id: 'v2', id: 'V1', state: { values: {} } } };
const event = { type: 'event_callback', team_id: 'T1', api_app_id: 'A1', event_id: 'E1', event: { type: 'app_home_opened', user: 'U1', channel: 'D1', tab: 'home' } };

describe('narrowListeners on a real Bolt app', () => {
  it('lets each request meet only the listeners of its kind, and every kind still reaches its listener', async () => {
    const { app, ran, read, all } = boltApp();
    narrowListeners(app);
    for (const body of [command, action, view, event]) {
      read.length = 0;
      await app.processEvent({ body, ack } as unknown as ReceiverEvent);
      // The dispatch read the narrowed list: 3 actions, 2 views, 1 command or 1 event, not all 7.
      expect(Math.min(...read)).toBe(body === action ? 3 : body === view ? 2 : 1);
    }
    expect(ran).toEqual(['command check x', 'action a2', 'view v2', 'event app_home_opened']);
    // The full list is back in place, so a listener added later is kept and reached.
    expect(all()).toHaveLength(7);
    app.action('a4', async ({ ack: done }) => void (await done(), ran.push('action a4')));
    await app.processEvent({ body: { ...action, actions: [{ ...action.actions[0], action_id: 'a4' }] }, ack } as unknown as ReceiverEvent);
    expect(ran.at(-1)).toBe('action a4');
  });

  it('without it Bolt walks every listener for every request (what the index saves)', async () => {
    const { app, read } = boltApp();
    await app.processEvent({ body: command, ack } as unknown as ReceiverEvent);
    expect(Math.min(...read)).toBe(7);
  });
});
