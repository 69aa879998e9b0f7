/** The Slack OAuth settings: all three SLACK_CLIENT_* together, AIMS_ENCRYPTION_KEY required, each refusal names the variable. */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { AimsError } from '../../flows/errors';

const HEX_KEY = 'a'.repeat(64);
const OAUTH = { SLACK_CLIENT_ID: '1111.2222', SLACK_CLIENT_SECRET: 'client-secret', SLACK_STATE_SECRET: 'state-secret', SLACK_SIGNING_SECRET: 'sign', AIMS_ENCRYPTION_KEY: HEX_KEY };

const message = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(AimsError);
    return (err as Error).message;
  }
  throw new Error('expected an error');
};

describe('Slack OAuth configuration', () => {
  it('turns Slack on for many workspaces without a bot token', () => {
    const c = loadConfig(OAUTH);
    expect(c.slack).toMatchObject({ botToken: '', signingSecret: 'sign', apiUrl: 'https://slack.com/api/' });
    expect(c.slack?.oauth).toMatchObject({ clientId: '1111.2222', clientSecret: 'client-secret', stateSecret: 'state-secret' });
  });

  it('never shows the encryption key, in JSON or in inspection', () => {
    const c = loadConfig(OAUTH);
    expect(JSON.stringify(c)).not.toContain(HEX_KEY);
    expect(inspect(c, { depth: 10, showHidden: true })).not.toMatch(/aaaaaaaa|<Buffer/);
  });

  it('refuses OAuth without AIMS_ENCRYPTION_KEY, and a key that is not 32 bytes', () => {
    const { AIMS_ENCRYPTION_KEY: _k, ...without } = OAUTH;
    expect(message(without)).toMatch(/^AIMS_ENCRYPTION_KEY: required with the Slack OAuth install .*openssl rand -hex 32/);
    expect(message({ ...OAUTH, AIMS_ENCRYPTION_KEY: 'short' })).toMatch(/^AIMS_ENCRYPTION_KEY: must be 32 bytes/);
    expect(message({ ...OAUTH, AIMS_ENCRYPTION_KEY: 'b'.repeat(62) })).toMatch(/^AIMS_ENCRYPTION_KEY: must be 32 bytes/);
    // base64 of 32 bytes is accepted too.
    expect(loadConfig({ ...OAUTH, AIMS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }).slack?.oauth).toBeDefined();
  });

  it('names each missing companion, and refuses a bot token or Socket Mode alongside', () => {
    expect(message({ ...OAUTH, SLACK_CLIENT_SECRET: '' })).toMatch(/^SLACK_CLIENT_SECRET: required for the Slack OAuth install/);
    expect(message({ ...OAUTH, SLACK_STATE_SECRET: '' })).toMatch(/^SLACK_STATE_SECRET: required/);
    expect(message({ SLACK_STATE_SECRET: 'x' })).toMatch(/^SLACK_CLIENT_ID: required/);
    expect(message({ ...OAUTH, SLACK_BOT_TOKEN: 'xoxb-1' })).toMatch(/^SLACK_BOT_TOKEN: leave it unset with SLACK_CLIENT_ID/);
    expect(message({ ...OAUTH, SLACK_APP_TOKEN: 'xapp-1' })).toMatch(/^SLACK_APP_TOKEN: the Slack OAuth install runs in HTTP mode/);
    expect(message({ ...OAUTH, SLACK_SIGNING_SECRET: '' })).toMatch(/^SLACK_SIGNING_SECRET: required with SLACK_CLIENT_ID/);
  });

  it('leaves the single-token setup as it was', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }).slack?.oauth).toBeUndefined();
  });
});
