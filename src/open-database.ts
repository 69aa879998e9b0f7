/**
 * Opens the configured database for a command and makes sure it is one aimsbot can use: reachable
 * and with the current schema. Commands that write may migrate embedded data on open; read-only
 * commands (`audit verify`, `export`) only check, and never create or change anything.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../db/client';
import { openDatabase } from '../db/client';
import { assertDatabaseUsable, DatabaseUnusableError, describeDatabaseError, describeTarget, NO_SCHEMA } from '../db/schema-version';
import type { Config } from './config';

/** Opens the database and checks it; with `migrate`, applies pending migrations first. */
export async function openUsableDatabase(config: Config, options: { migrate: boolean }): Promise<Database> {
  const target = describeTarget(config.databaseUrl);
  // A command that migrates may start a new embedded directory from the migrated template.
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, fromTemplate: options.migrate });
  try {
    if (options.migrate) {
      try {
        await database.migrate();
      } catch (err) {
        throw describeDatabaseError(err, target);
      }
    }
    await assertDatabaseUsable(database, target);
    return database;
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
}

/** Opens an existing database for reading: an embedded directory that holds no database yet is
 * reported, not created. */
export async function openExistingDatabase(config: Config): Promise<Database> {
  const embedded = !config.databaseUrl && !config.dataDir.startsWith('memory://');
  if (embedded && !existsSync(join(config.dataDir, 'PG_VERSION'))) throw new DatabaseUnusableError(NO_SCHEMA, 2);
  return openUsableDatabase(config, { migrate: false });
}
