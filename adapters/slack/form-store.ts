/**
 * Where a registration / triage modal keeps its answers between pages: a row in Postgres
 * (`slack_form_states`) keyed by a random key that the view's `private_metadata` carries. Slack
 * caps `private_metadata` at 3,000 characters, which a long link and purpose used to fill; the
 * database has no such limit, and every replica sees the same row. Rows expire 24 hours after
 * the last page was answered. The last page is claimed before the flow runs, so two submissions
 * of one view (a double click, a retry, two replicas) record one registration. The answers a
 * process saved are remembered, so the next page usually needs no read: its save then lands only
 * while the stored answers are still those, and otherwise the page is answered again from the
 * database.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { slackFormStates } from '../../db/schema';
import type { Clock } from '../../flows';

/** How long a form's answers are kept after its last page (ms): 24 hours. */
export const FORM_TTL_MS = 24 * 60 * 60_000;

/** How long a claim of the last page holds before another submission may try again (ms). */
const CLAIM_MS = 60_000;

const answerValue = z.union([z.string(), z.array(z.string()), z.boolean()]);

/** What a form keeps between pages. */
export const formDataSchema = z.object({
  /** register: a new system; resubmit: after changes were requested; retriage: a review update. */
  mode: z.enum(['register', 'resubmit', 'retriage']),
  /** The registration fields (page 1), once given. */
  fields: z.record(z.string(), z.string()).optional(),
  /** Triage answers given so far, by question id. */
  answers: z.record(z.string(), answerValue),
  /** The system reference for resubmit / retriage. */
  ref: z.string().max(20).optional(),
  /** Triage pages whose "is it AI?" warnings were shown; submitting such a page again goes on. */
  warned: z.array(z.number().int()).optional(),
  /** The catalog tool a registration was pre-filled from (its answers are shown until answered). */
  catalogId: z.string().max(64).optional(),
});

/** A form's answers so far. */
export type FormData = z.infer<typeof formDataSchema>;

/** A stored form, as loaded for one page. */
export interface StoredForm {
  key: string;
  data: FormData;
  /** The system this form registered (or resubmitted, re-triaged) when it was completed. */
  doneRef: string | null;
  /**
   * True when this process answered the load from what it wrote itself, without a read: a save
   * on top of it then only lands while the stored answers are still those (else {@link FormChanged}).
   */
  remembered?: boolean;
}

/**
 * Thrown by a save on top of remembered answers when the stored ones changed meanwhile (another
 * replica, or a second submission of the same page): load the form afresh and answer the page again.
 */
export class FormChanged extends Error {
  constructor() {
    super('the form changed since it was last read here');
    this.name = 'FormChanged';
  }
}

/** Why a form cannot be continued. */
export type FormMissing = { missing: 'unknown' | 'expired' | 'not_yours' };

/** The outcome of claiming a form's last page. */
export type FormClaim = { claimed: true } | { claimed: false; doneRef: string | null };

/** The form state store of one adapter. */
export interface FormStore {
  /** Starts a form for a person; returns its key (22 characters). */
  create(owner: { teamId: string; userId: string }, data: FormData): Promise<string>;
  /**
   * The form of `key` for this person, or why there is none. Answers this process wrote itself
   * are remembered and given back without a read, unless `fresh`.
   */
  load(key: string, userId: string, fresh?: boolean): Promise<StoredForm | FormMissing>;
  /**
   * Saves the answers after a page; the form lives another 24 hours. Given the form as loaded,
   * a save on remembered answers throws {@link FormChanged} when the stored ones differ.
   */
  save(key: string, data: FormData, loaded?: StoredForm): Promise<void>;
  /** Claims the last page: true for the first submission, false while or after another one ran. */
  claim(key: string): Promise<FormClaim>;
  /** Records what the claimed submission produced. */
  finish(key: string, doneRef: string): Promise<void>;
  /** Gives the claim back (the flow refused or failed; the person may correct and submit again). */
  release(key: string): Promise<void>;
}

const SWEEP_EVERY_MS = 60_000;

/** Forms whose answers a store remembers at most (the oldest go first). */
const REMEMBERED_MAX = 10_000;

/** A store on the database, with the flows' clock. */
export function createFormStore(db: Db, clock: Clock): FormStore {
  const now = () => clock.now();
  const expiry = (at: Date) => new Date(at.getTime() + FORM_TTL_MS);
  // When expired forms were last swept: at most once a minute, not a statement per form
  // (`load` refuses an expired form by itself; the sweep only keeps the table small).
  let sweptAt = Number.NEGATIVE_INFINITY;
  // What this process last wrote of each open form: the next page's load needs no read.
  // A completed form is forgotten, so its outcome is always read from the database.
  const remembered = new Map<string, { userId: string; data: FormData; expiresAt: number }>();
  const remember = (key: string, userId: string, data: FormData, expiresAt: Date) => {
    remembered.delete(key);
    if (remembered.size >= REMEMBERED_MAX) remembered.delete(remembered.keys().next().value!);
    remembered.set(key, { userId, data, expiresAt: expiresAt.getTime() });
  };
  return {
    async create(owner, data) {
      const at = now();
      // Old forms go when new ones start; the index on expires_at keeps this cheap.
      if (at.getTime() - sweptAt >= SWEEP_EVERY_MS || at.getTime() < sweptAt) {
        sweptAt = at.getTime();
        await db.delete(slackFormStates).where(lt(slackFormStates.expiresAt, at));
      }
      const key = randomBytes(16).toString('base64url');
      await db.insert(slackFormStates).values({ key, teamId: owner.teamId, userId: owner.userId, data, createdAt: at, updatedAt: at, expiresAt: expiry(at) });
      remember(key, owner.userId, data, expiry(at));
      return key;
    },
    async load(key, userId, fresh = false) {
      const known = fresh ? undefined : remembered.get(key);
      // Only an answer the database would give too: anything else (expired, someone else's) is read.
      if (known && known.userId === userId && known.expiresAt > now().getTime()) return { key, data: known.data, doneRef: null, remembered: true };
      const [row] = await db.select().from(slackFormStates).where(eq(slackFormStates.key, key));
      remembered.delete(key);
      if (!row) return { missing: 'unknown' };
      if (row.expiresAt.getTime() <= now().getTime()) return { missing: 'expired' };
      if (row.userId !== userId) return { missing: 'not_yours' };
      const data = formDataSchema.safeParse(row.data);
      if (!data.success) return { missing: 'unknown' };
      return { key, data: data.data, doneRef: row.doneRef };
    },
    async save(key, data, loaded) {
      const at = now();
      const set = { data, updatedAt: at, expiresAt: expiry(at) };
      // Answers given back without a read must still be the stored ones, of an open form.
      const where = loaded?.remembered
        ? and(eq(slackFormStates.key, key), eq(slackFormStates.data, loaded.data), isNull(slackFormStates.doneRef))
        : eq(slackFormStates.key, key);
      const [saved] = await db.update(slackFormStates).set(set).where(where).returning({ userId: slackFormStates.userId, doneRef: slackFormStates.doneRef });
      if (saved && saved.doneRef === null) remember(key, saved.userId, data, set.expiresAt);
      else remembered.delete(key);
      if (!saved && loaded?.remembered) throw new FormChanged();
    },
    async claim(key) {
      const at = now();
      const claimed = await db
        .update(slackFormStates)
        .set({ submittingAt: at })
        .where(
          and(
            eq(slackFormStates.key, key),
            isNull(slackFormStates.doneAt),
            or(isNull(slackFormStates.submittingAt), lt(slackFormStates.submittingAt, new Date(at.getTime() - CLAIM_MS))),
          ),
        )
        .returning({ key: slackFormStates.key });
      if (claimed.length > 0) return { claimed: true };
      const [row] = await db.select({ doneRef: slackFormStates.doneRef }).from(slackFormStates).where(eq(slackFormStates.key, key));
      return { claimed: false, doneRef: row?.doneRef ?? null };
    },
    async finish(key, doneRef) {
      remembered.delete(key);
      const at = now();
      await db.update(slackFormStates).set({ doneRef, doneAt: at, updatedAt: at }).where(eq(slackFormStates.key, key));
    },
    async release(key) {
      await db.update(slackFormStates).set({ submittingAt: null }).where(and(eq(slackFormStates.key, key), isNull(slackFormStates.doneAt)));
    },
  };
}
