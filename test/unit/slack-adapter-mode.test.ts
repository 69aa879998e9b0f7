/** The adapter picks Socket Mode when an app token is set, and mounts no HTTP route then. */
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createSlackAdapter } from '../../adapters/slack/create-slack-adapter';
import { createHttpApp } from '../../src/http-server';
import { defaultPolicy } from '../../flows/policy';
import type { Db } from '../../db/client';
import { testClock } from '../helpers/clock';

const deps = { db: {} as Db, policy: defaultPolicy(), clock: testClock() };
const logger = pino({ level: 'silent' });

describe('Slack adapter transport', () => {
  it('uses Socket Mode with an app token and leaves /slack/events unmounted', async () => {
    const adapter = createSlackAdapter({
      deps,
      logger,
      afterChange: () => {},
      config: { botToken: 'xoxb-x', signingSecret: '', appToken: 'xapp-x', apiUrl: 'http://127.0.0.1:9/api/' },
    });
    expect(adapter.mode).toBe('socket');
    const http = createHttpApp();
    adapter.install(http.app);
    const listening = await http.listen(0, '127.0.0.1');
    try {
      const res = await fetch(`http://127.0.0.1:${listening.port}/slack/events`, { method: 'POST', body: 'x' });
      expect(res.status).toBe(404);
    } finally {
      await listening.close();
    }
  });

  it('uses HTTP mode with only a bot token and signing secret', () => {
    const adapter = createSlackAdapter({
      deps,
      logger,
      afterChange: () => {},
      config: { botToken: 'xoxb-x', signingSecret: 'secret', appToken: undefined, apiUrl: 'http://127.0.0.1:9/api/' },
    });
    expect(adapter.mode).toBe('http');
  });
});
