/** What the flows need from the outside world, injected by the composition root. */
import type { Db } from '../db/client';
import type { Policy } from './policy';

/** The source of time. Rules never call `Date.now()` themselves. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A chat platform, or the local shell. */
export type Platform = 'slack' | 'teams' | 'shell';

/** Dependencies of every flow. */
export interface FlowDeps {
  db: Db;
  policy: Policy;
  clock: Clock;
}

/** Identifies the tenant a request came from. */
export interface WorkspaceInput {
  platform: Platform;
  /** Slack team id, Teams tenant id, or `local` for the shell. */
  externalId: string;
  name?: string | undefined;
}

/** Identifies the person acting, as the platform knows them. */
export interface ActorInput {
  /** `slack:U123`, `teams:<aad object id>`, `shell:alice`. */
  platformId: string;
  displayName?: string | undefined;
  email?: string | undefined;
}

/** A person as stored. */
export interface Person {
  id: number;
  platformId: string;
  displayName: string | null;
  email: string | null;
}

/** The context of one flow call: who acts, in which workspace. */
export interface FlowContext {
  deps: FlowDeps;
  workspace: { id: number; platform: Platform; externalId: string };
  actor: Person;
}
