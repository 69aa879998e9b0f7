/** AIMS_AUDIT_KEY: validated at start, and its value never shows in a message, a log line or a dump. */
import { inspect } from 'node:util';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loadConfig } from '../../src/config';
import { AimsError } from '../../flows/errors';

const KEY = 'a-long-enough-audit-key-0123456789abcdef';

describe('AIMS_AUDIT_KEY', () => {
  it('is off by default, and an empty value is the same as unset', () => {
    expect(loadConfig({}).auditKey).toBeNull();
    expect(loadConfig({ AIMS_AUDIT_KEY: '  ' }).auditKey).toBeNull();
  });

  it('refuses a key shorter than 32 characters, naming the variable and the fix but not the value', () => {
    let err: unknown;
    try {
      loadConfig({ AIMS_AUDIT_KEY: 'short-but-secret-value' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AimsError);
    expect((err as AimsError).message).toBe('AIMS_AUDIT_KEY: must be at least 32 characters (generate one with: openssl rand -hex 32)');
    expect(loadConfig({ AIMS_AUDIT_KEY: 'x'.repeat(32) }).auditKey).not.toBeNull();
  });

  it('keeps the key out of JSON, inspection and log lines of the configuration', () => {
    const config = loadConfig({ AIMS_AUDIT_KEY: KEY });
    expect(config.auditKey!.bytes.toString('utf8')).toBe(KEY);
    let logged = '';
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => void ((logged += chunk.toString()), done()) });
    pino({ level: 'info' }, sink).info({ config }, 'configuration');
    for (const text of [JSON.stringify(config), inspect(config, { depth: 10 }), logged]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(Buffer.from(KEY).toString('hex').slice(0, 16));
    }
    expect(logged).toContain('configuration');
  });
});
