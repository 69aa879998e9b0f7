/**
 * Many workspaces, one adapter: each Slack call goes out with the token of the workspace it is
 * about. A request runs with the token Bolt authorised it with; a delivery runs with the token of
 * its notification's workspace (its own install, or its org's). The handlers and deliverers keep
 * using one `client` and one `directory`: both resolve, call by call, to the ones of the workspace
 * in scope (AsyncLocalStorage), so concurrent requests and deliveries of different workspaces
 * never borrow each other's token, and a directory's caches (e-mail → user id, DM channels) stay
 * per workspace. With a single SLACK_BOT_TOKEN everything runs on that token, as before.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { webApi } from '@slack/bolt';
import type { Deliverer, DeliveryResult, OutboxRow } from '../../flows';
import type { Directory } from './directory';
import { createDirectory } from './directory';

/** The client and directory of one token. */
interface Scope {
  client: webApi.WebClient;
  directory: Directory;
}

/** How many tokens' clients are kept (rotated tokens push old ones out). */
const MAX_SCOPES = 1000;

/** What `tokenFor` answers: a token, or why this workspace gets nothing. */
export type TokenLookup = { token: string } | { failure: DeliveryResult };

/** Clients by workspace. */
export interface WorkspaceClients {
  /** The client of the workspace in scope (a request's or a delivery's). */
  client: webApi.WebClient;
  /** The directory of the workspace in scope. */
  directory: Directory;
  /** Runs `fn` with the client and directory of `token` in scope. */
  run<T>(token: string, fn: () => Promise<T>): Promise<T>;
  /** Wraps a deliverer so each row runs with its workspace's token (or fails as `tokenFor` says). */
  deliverer(inner: Deliverer): Deliverer;
}

/** Options of `createWorkspaceClients`. */
export interface WorkspaceClientsOptions {
  options: webApi.WebClientOptions;
  /** The one token outside any scope (SLACK_BOT_TOKEN); empty with OAuth: calls out of scope then fail. */
  defaultToken: string;
  /** The token for a notification's workspace; absent with a single bot token. */
  tokenFor?: ((workspaceId: number) => Promise<TokenLookup>) | undefined;
  /** Builds the client of one token (e.g. one paced by Slack's limits); default a plain WebClient. */
  makeClient?: ((token: string, options: webApi.WebClientOptions) => webApi.WebClient) | undefined;
}

/** Creates the per-workspace clients. */
export function createWorkspaceClients(o: WorkspaceClientsOptions): WorkspaceClients {
  const als = new AsyncLocalStorage<Scope>();
  const scopes = new Map<string, Scope>();
  const scopeOf = (token: string): Scope => {
    let s = scopes.get(token);
    if (!s) {
      const client = o.makeClient ? o.makeClient(token, o.options) : new webApi.WebClient(token, o.options);
      s = { client, directory: createDirectory(client) };
      if (scopes.size >= MAX_SCOPES) scopes.delete(scopes.keys().next().value!);
      scopes.set(token, s);
    }
    return s;
  };
  const fallback = o.defaultToken ? scopeOf(o.defaultToken) : null;
  const current = (): Scope => {
    const s = als.getStore() ?? fallback;
    if (!s) throw new Error('slack: no workspace in scope for this call (no installation token)');
    return s;
  };
  const run = <T>(token: string, fn: () => Promise<T>) => als.run(scopeOf(token), fn);
  return {
    client: forward(() => current().client),
    directory: forward(() => current().directory),
    run,
    deliverer: (inner) => {
      const tokenFor = o.tokenFor;
      if (!tokenFor) return inner;
      const outer: Deliverer = async (row: OutboxRow) => {
        const t = await tokenFor(row.workspaceId);
        return 'failure' in t ? t.failure : run(t.token, () => inner(row));
      };
      // Reading ahead only reads the database: no token needed.
      outer.prepare = inner.prepare;
      return outer;
    },
  };
}

/** An object whose every property is read from `target()` at the time of use (methods bound to it). */
function forward<T extends object>(target: () => T): T {
  return new Proxy({} as T, {
    get: (_, prop) => {
      const t = target();
      const v = Reflect.get(t, prop, t) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
}
