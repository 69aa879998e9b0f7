/** Workspaces and people: created on first sight, updated when a platform tells us more. */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { people, workspaces } from '../db/schema';
import type { ActorInput, FlowContext, FlowDeps, Person, WorkspaceInput } from './ports';

/** Finds or creates the workspace. */
export async function ensureWorkspace(deps: FlowDeps, input: WorkspaceInput): Promise<FlowContext['workspace']> {
  const now = deps.clock.now();
  await deps.db
    .insert(workspaces)
    .values({ platform: input.platform, externalId: input.externalId, name: input.name ?? null, createdAt: now })
    .onConflictDoNothing();
  const [row] = await deps.db
    .select()
    .from(workspaces)
    .where(and(eq(workspaces.platform, input.platform), eq(workspaces.externalId, input.externalId)));
  if (!row) throw new Error(`workspace ${input.platform}:${input.externalId} could not be created`);
  return { id: row.id, platform: input.platform, externalId: row.externalId };
}

/** Finds or creates a person in a workspace; a known name or email is kept up to date. */
export async function ensurePerson(db: Db, workspaceId: number, input: ActorInput, now: Date): Promise<Person> {
  const email = input.email?.trim().toLowerCase() || null;
  const displayName = input.displayName?.trim() || null;
  const [row] = await db
    .insert(people)
    .values({ workspaceId, platformId: input.platformId, displayName, email, createdAt: now })
    .onConflictDoUpdate({
      target: [people.workspaceId, people.platformId],
      set: {
        displayName: sql`coalesce(excluded.display_name, ${people.displayName})`,
        email: sql`coalesce(excluded.email, ${people.email})`,
      },
    })
    .returning();
  if (!row) throw new Error(`person ${input.platformId} could not be stored`);
  return { id: row.id, platformId: row.platformId, displayName: row.displayName, email: row.email };
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
