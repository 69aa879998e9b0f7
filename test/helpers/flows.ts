/** Builds flow contexts for tests: a workspace on a platform and people by name. */
import type { Db } from '../../db/client';
import type { FlowContext, FlowDeps, Platform } from '../../flows';
import { flowContext, parsePolicy } from '../../flows';
import type { Policy } from '../../flows/policy';
import type { TestClock } from './clock';

/** A policy whose groups are shell people, as the shell's demo policy. */
export function testPolicy(extra: Record<string, unknown> = {}): Policy {
  return parsePolicy({
    groups: { compliance: ['shell:carol', 'shell:cora'], privacy: ['shell:pat'], security: ['email:sec@acme.example'] },
    ...extra,
  });
}

/** A function that gives the context of a named person in one workspace. */
export function actors(db: Db, clock: TestClock, policy = testPolicy(), platform: Platform = 'shell', externalId = 'local') {
  const deps: FlowDeps = { db, policy, clock };
  const as = (name: string, email?: string): Promise<FlowContext> =>
    flowContext(deps, { platform, externalId }, { platformId: `${platform}:${name}`, displayName: name, email });
  return { deps, as };
}
