/**
 * How an audit event is hashed into its chain. An event is either chained with plain SHA-256,
 * which anyone who can write to the database can recompute, or with HMAC-SHA-256 under the
 * audit key (AIMS_AUDIT_KEY), which is kept outside the database. A keyed event hashes the name
 * of its algorithm too, so flipping a stored event between the two cannot go unnoticed.
 */
import { createHash, createHmac } from 'node:crypto';

/** The hash a workspace's first event points back to. */
export const GENESIS_HASH = '0'.repeat(64);

/** Plain SHA-256: the chain holds together, but it can be recomputed by anyone. */
export const PLAIN = 'sha256';
/** HMAC-SHA-256 under the audit key: only the key holder can recompute it. */
export const KEYED = 'hmac-sha256';
/** The algorithm of one event. */
export type HashAlg = typeof PLAIN | typeof KEYED;

/** The shortest audit key accepted, in characters (`openssl rand -hex 32` gives 64). */
export const AUDIT_KEY_MIN_LENGTH = 32;

/** JSON with object keys sorted at every level, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** What an event's hash covers. */
export interface HashedContent {
  workspaceId: number;
  seq: number;
  occurredAt: Date;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  data: unknown;
  prevHash: string;
}

/** The canonical text of an event; a keyed event also names its algorithm. */
function contentOf(e: HashedContent, alg: HashAlg): string {
  // Only the listed fields: a row read back also has `id` and `hash`, which are not content.
  // A plain event keeps the form it always had, so chains written before keys existed verify.
  return canonicalJson({
    workspaceId: e.workspaceId,
    seq: e.seq,
    occurredAt: e.occurredAt.toISOString(),
    actor: e.actor,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    data: e.data,
    prevHash: e.prevHash,
    ...(alg === KEYED ? { hashAlg: KEYED } : {}),
  });
}

/** The plain SHA-256 hash of one event's content. */
export function eventHash(e: HashedContent): string {
  return createHash('sha256').update(contentOf(e, PLAIN)).digest('hex');
}

/** The HMAC-SHA-256 of one event's content (algorithm included) under `key`. */
export function keyedEventHash(e: HashedContent, key: AuditKey): string {
  return createHmac('sha256', key.bytes).update(contentOf(e, KEYED)).digest('hex');
}

/**
 * The audit key. Its bytes are not enumerable, so logging or serialising the object shows
 * nothing of it.
 */
export interface AuditKey {
  readonly bytes: Buffer;
}

/** Wraps the configured key (a string of at least AUDIT_KEY_MIN_LENGTH characters). */
export function auditKey(secret: string): AuditKey {
  if (secret.length < AUDIT_KEY_MIN_LENGTH) throw new Error(`the audit key must be at least ${AUDIT_KEY_MIN_LENGTH} characters`);
  const key = {} as AuditKey;
  Object.defineProperty(key, 'bytes', { value: Buffer.from(secret, 'utf8'), enumerable: false });
  Object.defineProperty(key, 'toJSON', { value: () => '[audit key]', enumerable: false });
  return key;
}

/**
 * The key this process chains new events with, or null. It is process configuration, like
 * the log level: the composition root sets it once from AIMS_AUDIT_KEY, so that every flow that
 * appends an event chains it the same way without the key passing through each of them.
 */
let processKey: AuditKey | null = null;

/** Sets (or, with null, clears) the key new events are chained with. */
export function setAuditKey(key: AuditKey | null): void {
  processKey = key;
}

/** The key new events are chained with, or null when the process runs without one. */
export function currentAuditKey(): AuditKey | null {
  return processKey;
}
