/**
 * Bolt's installation store in Postgres (table `slack_installations`): one row per install,
 * keyed by team (`team:T…`) or, for an org-wide Enterprise Grid install, by enterprise
 * (`enterprise:E…`). The installation, tokens included, is stored only sealed with
 * AIMS_ENCRYPTION_KEY (AES-256-GCM, bound to the row's key); ids sit beside it in clear so rows can
 * be found. Uninstalling (or revoking the bot token) wipes the sealed installation and marks the
 * row revoked: it is never fetched again until the workspace installs the app anew. Tokens are
 * never logged.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { slackEnterpriseTeams, slackInstallations } from '../../db/schema';
import type { Clock } from '../../flows';
import type { EncryptionKey } from './seal';
import { seal, unseal } from './seal';

/** Why delivery to an installation stopped. */
export type RevokeReason = 'app_uninstalled' | 'tokens_revoked';

/** Where a team's deliveries get their token: the team's own install or its org's. */
export interface InstallSource {
  teamId: string | undefined;
  enterpriseId: string | undefined;
  isEnterpriseInstall: boolean;
}

/** The Postgres installation store, plus what aimsbot needs beyond Bolt's interface. */
export interface SlackInstallationStore extends InstallationStore {
  storeInstallation<AuthVersion extends 'v1' | 'v2'>(installation: Installation<AuthVersion, boolean>): Promise<void>;
  fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v1' | 'v2', boolean>>;
  deleteInstallation(query: InstallationQuery<boolean>): Promise<void>;
  /** The live install that serves a team (its own, else its org's), as a query for Bolt's `authorize`; null when none. */
  sourceForTeam(teamId: string): Promise<InstallSource | null>;
  /** Remembers that a team belongs to an org with an org-wide install (from a request of that team). */
  noteTeam(teamId: string, enterpriseId: string): Promise<void>;
  /**
   * Stops an install: its sealed installation is wiped and the row marked revoked. Returns the
   * team ids it served (the team, or every team of the org seen so far without an install of its own).
   */
  revoke(query: InstallSource, reason: RevokeReason): Promise<string[]>;
  /** Drops the user tokens of these users from the installation (tokens_revoked for user tokens only). */
  dropUserTokens(query: InstallSource, userIds: string[]): Promise<void>;
}

/** The key of the row an install or a query names. */
export function installKeyOf(q: { teamId?: string | undefined; enterpriseId?: string | undefined; isEnterpriseInstall?: boolean | undefined }): string | null {
  if (q.isEnterpriseInstall && q.enterpriseId) return `enterprise:${q.enterpriseId}`;
  if (q.teamId) return `team:${q.teamId}`;
  if (q.enterpriseId) return `enterprise:${q.enterpriseId}`;
  return null;
}

/** Raised when no live installation serves a query; Bolt then answers the request unauthorised. */
export class NoInstallationError extends Error {
  readonly code = 'slack_not_installed';
}

/** Creates the store over the database. */
export function createInstallationStore(o: { db: Db; clock: Clock; key: EncryptionKey }): SlackInstallationStore {
  const { db, clock, key } = o;
  const seen = new Set<string>();

  const live = async (installKey: string) => {
    const [row] = await db
      .select()
      .from(slackInstallations)
      .where(and(eq(slackInstallations.installKey, installKey), isNull(slackInstallations.revokedAt)));
    return row?.sealed ? row : null;
  };

  /** The live row a query names: the team's own, else (for a team of an org) the org's. */
  const find = async (q: InstallSource) => {
    const own = installKeyOf(q);
    const row = own ? await live(own) : null;
    if (row || q.isEnterpriseInstall || !q.enterpriseId) return row;
    return live(`enterprise:${q.enterpriseId}`);
  };

  const open = (row: { installKey: string; sealed: string | null }) =>
    JSON.parse(unseal(key, row.sealed!, row.installKey)) as Installation<'v1' | 'v2', boolean>;

  const store: SlackInstallationStore = {
    storeInstallation: async (installation) => {
      const enterpriseId = installation.enterprise?.id;
      const teamId = installation.team?.id;
      const installKey = installKeyOf({ teamId, enterpriseId, isEnterpriseInstall: !!installation.isEnterpriseInstall });
      if (!installKey) throw new Error('slack: an installation without a team or enterprise id cannot be stored');
      const at = clock.now();
      const values = {
        teamId: teamId ?? null,
        enterpriseId: enterpriseId ?? null,
        isEnterpriseInstall: !!installation.isEnterpriseInstall,
        appId: installation.appId ?? null,
        botUserId: installation.bot?.userId ?? null,
        sealed: seal(key, JSON.stringify(installation), installKey),
        updatedAt: at,
        revokedAt: null,
        revokedBy: null,
      };
      await db
        .insert(slackInstallations)
        .values({ installKey, installedAt: at, ...values })
        .onConflictDoUpdate({ target: slackInstallations.installKey, set: values });
    },

    fetchInstallation: async (query) => {
      const row = await find({ teamId: query.teamId, enterpriseId: query.enterpriseId, isEnterpriseInstall: query.isEnterpriseInstall });
      if (!row) throw new NoInstallationError(`slack: no installation for ${installKeyOf(query) ?? 'an unnamed workspace'}`);
      return open(row);
    },

    deleteInstallation: async (query) => {
      const installKey = installKeyOf(query);
      if (installKey) await db.delete(slackInstallations).where(eq(slackInstallations.installKey, installKey));
    },

    sourceForTeam: async (teamId) => {
      const own = await live(`team:${teamId}`);
      if (own) return { teamId, enterpriseId: own.enterpriseId ?? undefined, isEnterpriseInstall: false };
      const [org] = await db.select().from(slackEnterpriseTeams).where(eq(slackEnterpriseTeams.teamId, teamId));
      if (!org || !(await live(`enterprise:${org.enterpriseId}`))) return null;
      return { teamId, enterpriseId: org.enterpriseId, isEnterpriseInstall: true };
    },

    noteTeam: async (teamId, enterpriseId) => {
      const k = `${teamId}/${enterpriseId}`;
      if (seen.has(k)) return;
      await db
        .insert(slackEnterpriseTeams)
        .values({ teamId, enterpriseId, seenAt: clock.now() })
        .onConflictDoUpdate({ target: slackEnterpriseTeams.teamId, set: { enterpriseId, seenAt: clock.now() } });
      seen.add(k);
    },

    revoke: async (q, reason) => {
      const installKey = installKeyOf(q);
      if (!installKey) return [];
      await db
        .update(slackInstallations)
        .set({ sealed: null, revokedAt: clock.now(), revokedBy: reason, updatedAt: clock.now() })
        .where(eq(slackInstallations.installKey, installKey));
      if (!installKey.startsWith('enterprise:')) return q.teamId ? [q.teamId] : [];
      // An org-wide install served every team of the org that has no install of its own.
      const teams = await db.select({ teamId: slackEnterpriseTeams.teamId }).from(slackEnterpriseTeams).where(eq(slackEnterpriseTeams.enterpriseId, q.enterpriseId!));
      const out: string[] = [];
      for (const t of teams) if (!(await live(`team:${t.teamId}`))) out.push(t.teamId);
      return out;
    },

    dropUserTokens: async (q, userIds) => {
      const row = await find(q);
      if (!row) return;
      const installation = open(row);
      if (!userIds.includes(installation.user.id)) return;
      const { token: _token, refreshToken: _refresh, expiresAt: _expires, ...user } = installation.user;
      await store.storeInstallation({ ...installation, user: { ...user, token: undefined } } as Installation<'v2', boolean>);
    },
  };
  return store;
}
