/**
 * Workspaces and people: created on first sight, updated when a platform tells us more.
 *
 * Every command starts here, so the common case reads and never writes: a workspace's id is
 * immutable once created and is kept in a small per-database cache (other replicas can only
 * create the same row, never change its id); a person is read by its unique key and written
 * only when missing or when the platform now tells us a different name or email. People are
 * cached too, briefly: a person's id never changes and only this module writes the row, so while
 * the platform keeps telling the same name and email the cached row is what the database holds
 * (a replica that learns a new name writes it, and the others, told the same, read it again).
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { people, workspaces } from '../db/schema';
import type { ActorInput, FlowContext, FlowDeps, Person, WorkspaceInput } from './ports';

/** How long a cached workspace id is trusted before it is read again, in ms. */
const WORKSPACE_TTL_MS = 60_000;
/** At most this many workspaces are cached per database handle (the oldest go first). */
const WORKSPACE_CACHE_MAX = 1_000;

interface CachedWorkspace {
  id: number;
  at: number;
}

/** Per database handle, so test databases and replicas never share ids. */
const workspaceIds = new WeakMap<Db, Map<string, CachedWorkspace>>();

function cacheOf(db: Db): Map<string, CachedWorkspace> {
  let cache = workspaceIds.get(db);
  if (!cache) {
    cache = new Map();
    workspaceIds.set(db, cache);
  }
  return cache;
}

/** How long a cached person is trusted before it is read again, in ms. */
const PERSON_TTL_MS = 30_000;
/** At most this many people are cached per database handle (the oldest go first). */
const PERSON_CACHE_MAX = 10_000;

interface CachedPerson {
  person: Person;
  at: number;
}

/** Per database handle, like the workspace ids. */
const peopleCache = new WeakMap<Db, Map<string, CachedPerson>>();

function peopleCacheOf(db: Db): Map<string, CachedPerson> {
  let cache = peopleCache.get(db);
  if (!cache) {
    cache = new Map();
    peopleCache.set(db, cache);
  }
  return cache;
}

function remember(db: Db, key: string, person: Person): Person {
  const cache = peopleCacheOf(db);
  cache.delete(key);
  cache.set(key, { person, at: Date.now() });
  if (cache.size > PERSON_CACHE_MAX) cache.delete(cache.keys().next().value!);
  return person;
}

/** Finds or creates the workspace: one cached look-up in the common case, an insert only the first time. */
export async function ensureWorkspace(deps: FlowDeps, input: WorkspaceInput): Promise<FlowContext['workspace']> {
  const key = `${input.platform}\u0000${input.externalId}`;
  const cache = cacheOf(deps.db);
  // Time here only ages a cache entry; it is not a rule, so the wall clock is right even under a test clock.
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < WORKSPACE_TTL_MS) return { id: hit.id, platform: input.platform, externalId: input.externalId };
  const id = await findOrCreateWorkspace(deps, input);
  cache.delete(key);
  cache.set(key, { id, at: Date.now() });
  if (cache.size > WORKSPACE_CACHE_MAX) cache.delete(cache.keys().next().value!);
  return { id, platform: input.platform, externalId: input.externalId };
}

async function findOrCreateWorkspace(deps: FlowDeps, input: WorkspaceInput): Promise<number> {
  const where = and(eq(workspaces.platform, input.platform), eq(workspaces.externalId, input.externalId));
  const [found] = await deps.db.select({ id: workspaces.id }).from(workspaces).where(where);
  if (found) return found.id;
  const [created] = await deps.db
    .insert(workspaces)
    .values({ platform: input.platform, externalId: input.externalId, name: input.name ?? null, createdAt: deps.clock.now() })
    .onConflictDoNothing()
    .returning({ id: workspaces.id });
  if (created) return created.id;
  // Another replica created it between our read and our insert.
  const [raced] = await deps.db.select({ id: workspaces.id }).from(workspaces).where(where);
  if (!raced) throw new Error(`workspace ${input.platform}:${input.externalId} could not be created`);
  return raced.id;
}

/**
 * Finds or creates a person in a workspace; a known name or email is kept up to date. Reads
 * first: one SELECT when nothing changed, an UPDATE only when the platform now says something
 * different, an INSERT only for a new person (safe under races: the unique key decides).
 */
export async function ensurePerson(db: Db, workspaceId: number, input: ActorInput, now: Date): Promise<Person> {
  const email = input.email?.trim().toLowerCase() || null;
  const displayName = input.displayName?.trim() || null;
  const key = `${workspaceId}\u0000${input.platformId}`;
  // Time here only ages a cache entry, as for workspaces; it is not a rule.
  const hit = peopleCacheOf(db).get(key);
  if (hit && Date.now() - hit.at < PERSON_TTL_MS && (displayName ?? hit.person.displayName) === hit.person.displayName && (email ?? hit.person.email) === hit.person.email) {
    return hit.person;
  }
  const [row] = await db
    .select({ id: people.id, platformId: people.platformId, displayName: people.displayName, email: people.email })
    .from(people)
    .where(and(eq(people.workspaceId, workspaceId), eq(people.platformId, input.platformId)));
  if (row) {
    // An unknown value never erases a known one.
    const nextName = displayName ?? row.displayName;
    const nextEmail = email ?? row.email;
    if (nextName === row.displayName && nextEmail === row.email) return remember(db, key, row);
    await db.update(people).set({ displayName: nextName, email: nextEmail }).where(eq(people.id, row.id));
    return remember(db, key, { ...row, displayName: nextName, email: nextEmail });
  }
  const [created] = await db
    .insert(people)
    .values({ workspaceId, platformId: input.platformId, displayName, email, createdAt: now })
    .onConflictDoNothing({ target: [people.workspaceId, people.platformId] })
    .returning({ id: people.id, platformId: people.platformId, displayName: people.displayName, email: people.email });
  if (created) return remember(db, key, created);
  // Created by a concurrent request between our read and our insert: take theirs, then our news.
  return ensurePerson(db, workspaceId, input, now);
}

/** Builds the context of a flow call from the platform's view of who and where. */
export async function flowContext(deps: FlowDeps, workspace: WorkspaceInput, actor: ActorInput): Promise<FlowContext> {
  const ws = await ensureWorkspace(deps, workspace);
  const person = await ensurePerson(deps.db, ws.id, actor, deps.clock.now());
  return { deps, workspace: ws, actor: person };
}

/** A person's display label: the name when known, else the platform id. */
export function personLabel(p: Pick<Person, 'displayName' | 'platformId'>): string {
  return p.displayName ?? p.platformId;
}

/**
 * A person's platform id as forms and commands take it: `slack:U123`, `teams:<aad id>`,
 * `shell:alice` or `email:name@domain` (each part bounded, so a pasted essay is no id).
 */
export const PERSON_ID = /^(slack:[A-Z0-9]{2,30}|teams:[\w:.-]{1,200}|shell:[\w.-]{1,60}|email:[^@\s:]{1,100}@[^@\s]{1,200})$/;
