/** Sealing stored installations: AES-256-GCM round trip, bound to its row, and refusing other keys or altered bytes. */
import { describe, expect, it } from 'vitest';
import { parseEncryptionKey, seal, SealError, unseal } from '../../adapters/slack/seal';

const key = parseEncryptionKey('0f'.repeat(32))!;
const other = parseEncryptionKey('f0'.repeat(32))!;
const TOKEN = '{"bot":{"token":"xoxb-secret-123"}}';

describe('seal', () => {
  it('round-trips, never shows the plaintext, and differs every time (random IV)', () => {
    const a = seal(key, TOKEN, 'team:T1');
    const b = seal(key, TOKEN, 'team:T1');
    expect(a).not.toContain('xoxb');
    expect(Buffer.from(a.split('.')[3]!, 'base64url').toString('utf8')).not.toContain('xoxb');
    expect(a).not.toBe(b);
    expect(unseal(key, a, 'team:T1')).toBe(TOKEN);
  });

  it('does not open with another key, on another row, or when altered', () => {
    const a = seal(key, TOKEN, 'team:T1');
    expect(() => unseal(other, a, 'team:T1')).toThrow(SealError);
    expect(() => unseal(key, a, 'team:T2')).toThrow(SealError);
    const parts = a.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    expect(() => unseal(key, [parts[0], parts[1], parts[2], body.toString('base64url')].join('.'), 'team:T1')).toThrow(SealError);
    expect(() => unseal(key, 'plain text', 'team:T1')).toThrow(SealError);
  });

  it('accepts only 32-byte keys', () => {
    expect(parseEncryptionKey('0f'.repeat(31))).toBeNull();
    expect(parseEncryptionKey('not a key')).toBeNull();
    expect(parseEncryptionKey(Buffer.alloc(32, 1).toString('base64url'))).not.toBeNull();
  });
});
