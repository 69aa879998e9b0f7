/**
 * `aimsbot export inventory|soa|audit --format csv|json [--out FILE] [--since D] [--until D]
 * [--ref AI-n]...`: evidence for auditors. CSV starts with a UTF-8 byte order mark so Excel
 * reads it as UTF-8; JSON keeps real types (booleans, numbers, lists, nested objects).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ExportOptions } from '../../flows/exports';
import { exportChunks } from '../../flows/export-stream';
import { loadConfig, loadPolicy } from '../config';
import { openExistingDatabase } from '../open-database';
import { parseExportArgs } from './export-args';
import type { CliIo } from './io';
import { UsageError } from './io';

export { parseExportArgs } from './export-args';

export async function exportCommand(io: CliIo): Promise<number> {
  const args = parseExportArgs(io.argv);
  const config = loadConfig(io.env);
  // The `*_local` columns are in the policy's time zone.
  const policy = loadPolicy(config);
  const timezone = policy.organization.timezone;
  // Read-only: checks the schema, never migrates.
  const database = await openExistingDatabase(config);
  try {
    const options: ExportOptions = { since: args.since, until: args.until, refs: args.refs, timezone, acceptBelow: policy.risk.acceptBelow };
    // Written page by page as it is read: the export never holds every row.
    const count = { rows: 0 };
    const chunks = exportChunks(database.db, args.kind, args.format, options, count);
    if (args.out) {
      const out = args.out;
      const fail = (err: unknown) => new UsageError(`--out: cannot write ${out} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      let fd: number;
      try {
        fd = openSync(out, 'w');
      } catch (err) {
        throw fail(err);
      }
      try {
        for await (const chunk of chunks) {
          try {
            writeSync(fd, chunk);
          } catch (err) {
            throw fail(err);
          }
        }
      } finally {
        closeSync(fd);
      }
      io.stderr(`wrote ${count.rows} ${args.kind} rows to ${out}\n`);
    } else {
      for await (const chunk of chunks) io.stdout(chunk);
    }
    return 0;
  } finally {
    await database.close();
  }
}
