/**
 * Remembers the signed requests already accepted, so a request replayed with the same signature
 * and timestamp is processed once — on this replica and on every other one sharing the database.
 * A map in memory answers repeats on this replica without a query; Postgres (`request_replay`,
 * unique key) decides between replicas. Entries older than the retention are purged: by then the
 * request's timestamp is outside the accepted window and its signature is refused anyway.
 */
import { randomBytes } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { requestReplay } from '../../db/schema';

/** How long an accepted signature is remembered (ms): twice the five-minute timestamp window. */
export const REPLAY_RETENTION_MS = 10 * 60_000;
/** How often one replica purges old rows (ms). */
const PURGE_EVERY_MS = 60_000;

/** Options of `createReplayStore`. */
export interface ReplayStoreOptions {
  db: Db;
  /** Wall-clock time in ms. Default `Date.now`. */
  now?: () => number;
}

/** Records accepted requests. */
export interface ReplayStore {
  /**
   * True the first time `key` is seen by any replica, false for a replay. Throws when the
   * database cannot be asked; the key is then remembered by this replica only.
   */
  firstSeen(key: string): Promise<boolean>;
}

/** A replay store on the given database. */
export function createReplayStore(opts: ReplayStoreOptions): ReplayStore {
  const { db } = opts;
  const now = opts.now ?? Date.now;
  /** key → time (ms) after which it is forgotten here. */
  const seen = new Map<string, number>();
  let lastPurge = 0;

  const forgetOld = async (at: number) => {
    // Insertion order is time order, so the expired entries are at the front.
    for (const [key, until] of seen) {
      if (until > at) break;
      seen.delete(key);
    }
    if (at - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = at;
    await db.delete(requestReplay).where(lt(requestReplay.seenAt, new Date(at - REPLAY_RETENTION_MS)));
  };

  /** One attempt: insert, and on conflict find out whether the row is this attempt's own. */
  const claim = async (key: string, nonce: string, at: number): Promise<boolean> => {
    const inserted = await db
      .insert(requestReplay)
      .values({ key, nonce, seenAt: new Date(at) })
      .onConflictDoNothing()
      .returning({ key: requestReplay.key });
    if (inserted.length > 0) return true;
    const [row] = await db.select({ nonce: requestReplay.nonce }).from(requestReplay).where(eq(requestReplay.key, key));
    return row?.nonce === nonce;
  };

  return {
    async firstSeen(key) {
      const at = now();
      const until = seen.get(key);
      if (until !== undefined && until > at) return false;
      // Claimed here before the query, so a concurrent copy on this replica stops at the map.
      seen.set(key, at + REPLAY_RETENTION_MS);
      const nonce = randomBytes(12).toString('hex');
      // When both attempts fail the error goes to the caller and the key stays in this replica's
      // memory, so a copy of the request sent here again is still refused.
      let first: boolean;
      try {
        first = await claim(key, nonce, at);
      } catch {
        // A dropped connection: the pool reconnects, and the nonce tells whether the first
        // attempt's insert went through before the connection was lost.
        first = await claim(key, nonce, at);
      }
      // A failed purge is tried again a minute later; it never refuses a request.
      await forgetOld(at).catch(() => {});
      return first;
    },
  };
}
