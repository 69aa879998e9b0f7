/**
 * Encryption at rest for stored Slack installations: AES-256-GCM with the key from
 * AIMS_ENCRYPTION_KEY. A sealed value is `v1.<iv>.<tag>.<ciphertext>` (base64url parts); the
 * caller's `context` (the installation's key) is bound as associated data, so a sealed value
 * copied onto another row does not open there.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** How to make a key, for the messages that ask for one. */
export const ENCRYPTION_KEY_HINT = 'generate one with: openssl rand -hex 32 (64 hex characters, or 32 bytes in base64)';

const KEY = Symbol('aes-256-gcm key');

/** A 32-byte key. Its bytes never serialise (JSON, logs, `util.inspect`). */
export interface EncryptionKey {
  readonly [KEY]: Buffer;
  toJSON(): string;
}

/** Parses AIMS_ENCRYPTION_KEY: 64 hex characters, or base64 / base64url of 32 bytes; null otherwise. */
export function parseEncryptionKey(text: string): EncryptionKey | null {
  const t = text.trim();
  let bytes: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(t)) bytes = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) bytes = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (!bytes || bytes.length !== 32) return null;
  const key = Object.create(null) as Record<PropertyKey, unknown>;
  Object.defineProperty(key, KEY, { value: bytes, enumerable: false });
  Object.defineProperty(key, 'toJSON', { value: () => '[redacted]', enumerable: false });
  Object.defineProperty(key, Symbol.for('nodejs.util.inspect.custom'), { value: () => '[redacted]', enumerable: false });
  return key as unknown as EncryptionKey;
}

const b64 = (b: Buffer) => b.toString('base64url');

/** Encrypts `plain`, bound to `context`. */
export function seal(key: EncryptionKey, plain: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key[KEY], iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', b64(iv), b64(cipher.getAuthTag()), b64(body)].join('.');
}

/** Raised when a sealed value does not open: another key, another row, or altered bytes. */
export class SealError extends Error {
  readonly code = 'seal_failed';
}

/** Decrypts what `seal` made with the same key and context; throws `SealError` otherwise. */
export function unseal(key: EncryptionKey, sealed: string, context: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== 'v1') throw new SealError('not a sealed value');
  try {
    const [, iv, tag, body] = parts.map((p) => Buffer.from(p, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', key[KEY], iv!);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag!);
    return Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8');
  } catch {
    // Never echo the bytes: say only that it did not open.
    throw new SealError('the stored installation does not decrypt with AIMS_ENCRYPTION_KEY (another key, or altered data)');
  }
}
