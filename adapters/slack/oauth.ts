/**
 * The Slack OAuth install (many workspaces). Bolt's receiver serves `GET /slack/install` and
 * `/slack/oauth_redirect` and exchanges the code with `oauth.v2.access` on SLACK_API_URL; each
 * installation lands in Postgres (installation-store.ts), sealed. Requests are authorised from
 * the store; deliveries take the token of their notification's workspace (`tokenFor`, through
 * Bolt's InstallProvider so rotating tokens are refreshed). `app_uninstalled` and a revoked bot
 * token stop delivery for the workspaces the install served: the install is wiped, their pending
 * notifications fail with a reason, and their records (systems, approvals, audit events) stay.
 * An org-wide (Enterprise Grid) install serves each team of the org as its own aimsbot workspace.
 */
import { InstallProvider } from '@slack/oauth';
import type { CallbackOptions } from '@slack/oauth';
import type { App, Logger as SlackLogger, webApi } from '@slack/bolt';
import { and, eq, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import { notifications, slackEnterpriseTeams, slackInstallations, workspaces } from '../../db/schema';
import type { FlowDeps } from '../../flows';
import { appendAudit } from '../../flows';
import type { InstallSource, RevokeReason, SlackInstallationStore } from './installation-store';
import { createInstallationStore, installKeyOf } from './installation-store';
import type { EncryptionKey } from './seal';
import type { TokenLookup, WorkspaceClients } from './workspace-clients';
import { slackLogger } from './web-errors';

/** OAuth settings (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET, AIMS_ENCRYPTION_KEY). */
export interface SlackOAuthSettings {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  encryptionKey: EncryptionKey;
}

/** The bot scopes an install asks for (as in slack/manifest.yml). */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'channels:history',
  'groups:history',
  'im:history',
  'mpim:history',
  'files:write',
  'im:write',
  'users:read',
  'users:read.email',
  'channels:read',
  'groups:read',
];

/** How long a workspace's token lookup is reused by deliveries, in ms (an uninstall here clears it at once). */
const TOKEN_TTL_MS = 10_000;

/** The OAuth side of the adapter. */
export interface SlackOAuth {
  store: SlackInstallationStore;
  /** Options for Bolt's ExpressReceiver: the install routes and the store. */
  receiverOptions(apiUrl: string): {
    clientId: string;
    clientSecret: string;
    stateSecret: string;
    scopes: string[];
    installationStore: SlackInstallationStore;
    installerOptions: { clientOptions: webApi.WebClientOptions; directInstall: boolean; callbackOptions: CallbackOptions };
  };
  /** The token of a notification's workspace, or why it gets nothing. */
  tokenFor(workspaceId: number): Promise<TokenLookup>;
  /** Middleware and events: request scope, teams of org-wide installs, uninstall and revocation. */
  register(bolt: App, clients: WorkspaceClients): void;
}

/** Builds the OAuth side over the flow dependencies. */
export function createSlackOAuth(o: { deps: FlowDeps; settings: SlackOAuthSettings; apiUrl: string; clientOptions: webApi.WebClientOptions; logger: Logger }): SlackOAuth {
  const { deps, settings, logger } = o;
  // The Web API client logs request bodies at debug level, and oauth.v2.access carries the client secret.
  const clientOptions = { ...o.clientOptions, logger: scrubbed(o.clientOptions.logger ?? slackLogger(logger), [settings.clientSecret, settings.stateSecret]) };
  const store = createInstallationStore({ db: deps.db, clock: deps.clock, key: settings.encryptionKey });
  const logged: typeof store = {
    ...store,
    storeInstallation: async (installation) => {
      await store.storeInstallation(installation);
      forget();
      logger.info({ team: installation.team?.id, enterprise: installation.enterprise?.id, orgWide: !!installation.isEnterpriseInstall }, 'slack: app installed');
    },
  };
  // Deliveries authorise like requests do, so a rotating token is refreshed and stored again.
  const installer = new InstallProvider({
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    stateSecret: settings.stateSecret,
    installationStore: logged,
    logger: clientOptions.logger,
    clientOptions,
  });
  const cache = new Map<number, { value: TokenLookup; at: number }>();
  const looking = new Map<number, Promise<TokenLookup>>();
  let generation = 0;
  const forget = () => {
    generation += 1;
    cache.clear();
    looking.clear();
  };

  const lookup = async (workspaceId: number): Promise<TokenLookup> => {
    const [ws] = await deps.db.select({ platform: workspaces.platform, externalId: workspaces.externalId }).from(workspaces).where(eq(workspaces.id, workspaceId));
    if (!ws || ws.platform !== 'slack') return { failure: { ok: false, permanent: true, error: `slack: workspace ${workspaceId} is not a Slack workspace` } };
    const source = await store.sourceForTeam(ws.externalId);
    if (!source) return { failure: { ok: false, permanent: true, error: await notInstalled(ws.externalId) } };
    try {
      const auth = await installer.authorize(source);
      if (!auth.botToken) return { failure: { ok: false, permanent: true, error: `slack: the installation for ${ws.externalId} has no bot token` } };
      return { token: auth.botToken };
    } catch (err) {
      // A refresh that failed now may succeed later; the outbox backs off.
      return { failure: { ok: false, retryAfterMs: 30_000, error: `slack: could not authorise ${ws.externalId}: ${(err as Error).message}` } };
    }
  };

  /** Why a team has no live install: its own (or its org's) was uninstalled or revoked, or it never installed. */
  const notInstalled = async (teamId: string): Promise<string> => {
    const [org] = await deps.db.select({ enterpriseId: slackEnterpriseTeams.enterpriseId }).from(slackEnterpriseTeams).where(eq(slackEnterpriseTeams.teamId, teamId));
    const keys = [`team:${teamId}`, ...(org ? [`enterprise:${org.enterpriseId}`] : [])];
    const rows = await deps.db.select({ revokedBy: slackInstallations.revokedBy }).from(slackInstallations).where(inArray(slackInstallations.installKey, keys));
    const reason = rows.map((r) => r.revokedBy).find((r): r is RevokeReason => r === 'app_uninstalled' || r === 'tokens_revoked');
    return stopMessage(teamId, reason ?? null);
  };

  /** Stops an install: wipes it, fails the pending notifications of the teams it served. */
  const stop = async (source: InstallSource, reason: RevokeReason) => {
    const teams = await store.revoke(source, reason);
    forget();
    let failed = 0;
    if (teams.length > 0) {
      const ws = await deps.db
        .select({ id: workspaces.id, externalId: workspaces.externalId })
        .from(workspaces)
        .where(and(eq(workspaces.platform, 'slack'), inArray(workspaces.externalId, teams)));
      for (const w of ws) {
        // The stop is evidence too: the workspace's trail says when and why its delivery ended.
        failed += await deps.db.transaction(async (tx) => {
          const rows = await tx
            .update(notifications)
            .set({ status: 'failed', lastError: stopMessage(w.externalId, reason), lockedUntil: null })
            .where(and(eq(notifications.workspaceId, w.id), eq(notifications.status, 'pending')))
            .returning({ id: notifications.id });
          await appendAudit(tx, {
            workspaceId: w.id,
            actor: 'system',
            action: 'slack.delivery_stopped',
            subjectType: 'workspace',
            subjectId: w.id,
            data: { reason, install: installKeyOf(source), failedNotifications: rows.length },
            at: deps.clock.now(),
          });
          return rows.length;
        });
      }
    }
    logger.warn({ install: installKeyOf(source), reason, teams, failedNotifications: failed }, 'slack: delivery stopped for an uninstalled workspace; its records are kept');
  };

  return {
    store: logged,
    receiverOptions: (apiUrl) => ({
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      stateSecret: settings.stateSecret,
      scopes: BOT_SCOPES,
      installationStore: logged,
      installerOptions: { clientOptions: { ...clientOptions, slackApiUrl: apiUrl }, directInstall: false, callbackOptions: { failure: installFailed(logger) } },
    }),
    tokenFor: async (workspaceId) => {
      const hit = cache.get(workspaceId);
      if (hit && deps.clock.now().getTime() - hit.at < TOKEN_TTL_MS) return hit.value;
      // Concurrent deliveries of one workspace share one look-up (and at most one token refresh).
      let p = looking.get(workspaceId);
      if (!p) {
        const gen = generation;
        p = lookup(workspaceId)
          .then((value) => {
            // A look-up that raced an uninstall or a new install is used once, not kept.
            if ('token' in value && gen === generation) cache.set(workspaceId, { value, at: deps.clock.now().getTime() });
            return value;
          })
          .finally(() => looking.delete(workspaceId));
        looking.set(workspaceId, p);
      }
      return p;
    },
    register: (bolt, clients) => {
      bolt.use(async ({ context, next }) => {
        // Each team of an org-wide install is its own aimsbot workspace; remember whose org it is for deliveries.
        if (context.isEnterpriseInstall && context.enterpriseId && context.teamId) await store.noteTeam(context.teamId, context.enterpriseId);
        if (context.botToken) await clients.run(context.botToken, next);
        else await next();
      });
      bolt.event('app_uninstalled', async ({ context }) => {
        await stop(sourceOf(context), 'app_uninstalled');
      });
      bolt.event('tokens_revoked', async ({ context, event }) => {
        const tokens = (event as { tokens?: { bot?: unknown; oauth?: unknown } }).tokens;
        const ids = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
        if (ids(tokens?.bot).length > 0) await stop(sourceOf(context), 'tokens_revoked');
        else if (ids(tokens?.oauth).length > 0) {
          await store.dropUserTokens(sourceOf(context), ids(tokens?.oauth));
          forget();
        }
      });
    },
  };
}

/** Why an install did not complete, for the person in the browser: their request (400) or Slack's answer (502). */
function installFailed(logger: Logger): NonNullable<CallbackOptions['failure']> {
  return (error, _options, _req, res) => {
    const code = (error as { code?: string }).code ?? 'unknown';
    const platform = (error as { data?: { error?: string } }).data?.error;
    const ours: Record<string, string> = {
      slack_oauth_missing_state: 'the link has no state; start again',
      slack_oauth_invalid_state: 'the link was not started in this browser or has expired; start again',
      slack_oauth_missing_code: 'Slack sent no authorisation code',
      slack_oauth_installer_authorization_error: 'the install was cancelled',
    };
    const badCode = platform === 'invalid_code' || platform === 'code_already_used' || platform === 'bad_redirect_uri';
    const reason = ours[code] ?? (badCode ? `Slack refused the authorisation code (${platform})` : 'something failed at Slack or on our side, and nothing was stored');
    logger.warn({ code, slackError: platform }, 'slack: an install did not complete');
    res.writeHead(ours[code] || badCode ? 400 : 502, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`The Slack install did not complete: ${reason}. Start again at /slack/install.\n`);
  };
}

/** A Slack logger that never writes these secrets (replaced by `[redacted]`). */
function scrubbed(l: SlackLogger, secrets: string[]): SlackLogger {
  const clean = (msg: unknown[]) => msg.map((m) => secrets.reduce((t, x) => (x ? t.split(x).join('[redacted]') : t), String(m)));
  return {
    debug: (...m) => l.debug(...clean(m)),
    info: (...m) => l.info(...clean(m)),
    warn: (...m) => l.warn(...clean(m)),
    error: (...m) => l.error(...clean(m)),
    setLevel: (v) => l.setLevel(v),
    getLevel: () => l.getLevel(),
    setName: (n) => l.setName(n),
  };
}

/** What a notification of an uninstalled workspace records as its last error. */
export function stopMessage(teamId: string, reason: RevokeReason | null): string {
  const why = reason === 'tokens_revoked' ? "the app's bot token was revoked" : reason === 'app_uninstalled' ? 'the app was uninstalled' : 'the app is not installed';
  return `slack: ${why} in workspace ${teamId} (${reason ?? 'not_installed'}); nothing more is sent there until it is installed again at /slack/install`;
}

/** The install an event is about (Bolt reads team, enterprise and org-wide from the envelope's authorizations). */
function sourceOf(context: { teamId?: string | undefined; enterpriseId?: string | undefined; isEnterpriseInstall?: boolean | undefined }): InstallSource {
  return { teamId: context.teamId, enterpriseId: context.enterpriseId, isEnterpriseInstall: !!context.isEnterpriseInstall };
}
