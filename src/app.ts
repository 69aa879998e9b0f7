/**
 * The composition root shared by every command: open the database (migrating embedded data) and
 * check its schema, load the policy, and build the flow dependencies.
 */
import type { Database } from '../db/client';
import { setAuditKey } from '../flows/audit-hash';
import type { Clock, FlowDeps } from '../flows/ports';
import { systemClock } from '../flows/ports';
import type { Policy } from '../flows/policy';
import { policyWarnings } from '../flows/policy';
import type { Config } from './config';
import { loadPolicy } from './config';
import type { Logger } from './logger';
import { createLogger } from './logger';
import { openUsableDatabase } from './open-database';

/** A running core: database, policy, clock, logger. */
export interface Core {
  config: Config;
  database: Database;
  deps: FlowDeps;
  logger: Logger;
  close(): Promise<void>;
}

/** Options of `createCore`. */
export interface CoreOptions {
  clock?: Clock;
  logger?: Logger;
  /** Which policy to use when no file is configured. Default `default`. */
  policyFallback?: 'default' | 'demo';
  /** Apply migrations on open. Default: only for embedded Postgres. Either way the database must
   * then be reachable with the current schema, or `DatabaseUnusableError` says why. */
  migrate?: boolean;
  policy?: Policy;
}

/** Opens the core described by the configuration. */
export async function createCore(config: Config, options: CoreOptions = {}): Promise<Core> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const policy = options.policy ?? loadPolicy(config, options.policyFallback ?? 'default');
  // Every event this process appends is chained with the configured key (or plain SHA-256).
  setAuditKey(config.auditKey);
  for (const warning of policyWarnings(policy)) logger.warn(warning);
  const database = await openUsableDatabase(config, { migrate: options.migrate ?? !config.databaseUrl });
  // Not an error: the new directory started with initdb, only more slowly.
  if (database.seed && 'error' in database.seed) logger.warn({ reason: database.seed.error }, 'new embedded database started without the template');
  return {
    config,
    database,
    deps: { db: database.db, policy, clock: options.clock ?? systemClock },
    logger,
    close: () => database.close(),
  };
}
