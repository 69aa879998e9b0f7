/** METRICS_TOKEN and METRICS_PORT in the configuration: defaults, valid values, and refusals naming the variable. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';

const TOKEN = 'a3f1c9e07b5d4e21a3f1c9e07b5d4e21';

describe('metrics configuration', () => {
  it('leaves /metrics open on the main port by default', () => {
    expect(loadConfig({}).metrics).toEqual({ token: undefined, port: undefined });
    expect(loadConfig({ METRICS_TOKEN: ' ', METRICS_PORT: '' }).metrics).toEqual({ token: undefined, port: undefined });
  });

  it('reads a token and a port', () => {
    expect(loadConfig({ METRICS_TOKEN: TOKEN, METRICS_PORT: '9464' }).metrics).toEqual({ token: TOKEN, port: 9464 });
  });

  it.each([
    ['short', { METRICS_TOKEN: 'short-token' }, /^METRICS_TOKEN: must be at least 16 characters/],
    ['with a space', { METRICS_TOKEN: 'correct horse battery staple' }, /^METRICS_TOKEN: must be visible ASCII characters without spaces/],
    ['with a non-ASCII character', { METRICS_TOKEN: `${TOKEN}é` }, /^METRICS_TOKEN: must be visible ASCII/],
    ['not a number', { METRICS_PORT: 'metrics' }, /^METRICS_PORT: must be a port number \(1–65535\)$/],
    ['zero', { METRICS_PORT: '0' }, /^METRICS_PORT: must be a port number/],
    ['too large', { METRICS_PORT: '70000' }, /^METRICS_PORT: must be a port number/],
    ['negative', { METRICS_PORT: '-1' }, /^METRICS_PORT: must be a port number/],
    ['the main port', { PORT: '8080', METRICS_PORT: '8080' }, /^METRICS_PORT: must differ from PORT \(8080\)/],
    ['the default main port', { METRICS_PORT: '3000' }, /^METRICS_PORT: must differ from PORT \(3000\)/],
  ])('refuses a value %s, naming the variable', (_name, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
