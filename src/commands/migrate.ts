/** `aimsbot migrate`: applies the SQL migrations to DATABASE_URL (or the embedded database). */
import { loadConfig } from '../config';
import { openDatabase } from '../../db/client';
import { describeDatabaseError, describeTarget } from '../../db/schema-version';
import type { CliIo } from './io';
import { UsageError } from './io';

export async function migrateCommand(io: CliIo): Promise<number> {
  if (io.argv.length) throw new UsageError(`unexpected argument "${io.argv[0]}"; migrate takes none`);
  const config = loadConfig(io.env);
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, fromTemplate: true });
  try {
    await database.migrate().catch((err: unknown) => {
      throw describeDatabaseError(err, describeTarget(config.databaseUrl));
    });
    io.stdout(`migrations applied (${database.kind === 'postgres' ? 'Postgres' : `embedded, ${config.dataDir}`})\n`);
    return 0;
  } finally {
    await database.close();
  }
}
