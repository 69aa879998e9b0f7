/**
 * `aimsbot export inventory|soa|audit --format csv|json [--out FILE] [--since D] [--until D]
 * [--ref AI-n]...`: evidence for auditors. CSV starts with a UTF-8 byte order mark so Excel
 * reads it as UTF-8; JSON keeps real types (booleans, numbers, lists, nested objects).
 */
import { writeFileSync } from 'node:fs';
import type { ExportOptions } from '../../flows/exports';
import { auditRecords, auditRows, CSV_BOM, EXPORT_COLUMNS, inventoryRecords, inventoryRows, soaRecords, soaRows, toCsv } from '../../flows/exports';
import type { Db } from '../../db/client';
import { loadConfig, loadPolicy } from '../config';
import { openExistingDatabase } from '../open-database';
import type { ExportArgs } from './export-args';
import { parseExportArgs } from './export-args';
import type { CliIo } from './io';
import { UsageError } from './io';

export { parseExportArgs } from './export-args';

type Rows = Array<Record<string, unknown>>;

/** Each export's JSON records and CSV rows. */
const KINDS: Record<ExportArgs['kind'], { json(db: Db, o: ExportOptions): Promise<unknown[]>; csv(db: Db, o: ExportOptions): Promise<unknown[]> }> = {
  inventory: { json: async (db, o) => (await inventoryRecords(db, o)).map((e) => e.record), csv: inventoryRows },
  soa: { json: soaRecords, csv: soaRows },
  audit: { json: (db, o) => auditRecords(db, o), csv: (db, o) => auditRows(db, o) },
};

export async function exportCommand(io: CliIo): Promise<number> {
  const args = parseExportArgs(io.argv);
  const config = loadConfig(io.env);
  // The `*_local` columns are in the policy's time zone.
  const timezone = loadPolicy(config).organization.timezone;
  // Read-only: checks the schema, never migrates.
  const database = await openExistingDatabase(config);
  try {
    const options: ExportOptions = { since: args.since, until: args.until, refs: args.refs, timezone };
    const rows = (await KINDS[args.kind][args.format](database.db, options)) as Rows;
    const text = args.format === 'json' ? `${JSON.stringify(rows, null, 2)}\n` : CSV_BOM + toCsv(rows, EXPORT_COLUMNS[args.kind]);
    if (args.out) {
      try {
        writeFileSync(args.out, text);
      } catch (err) {
        throw new UsageError(`--out: cannot write ${args.out} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      io.stderr(`wrote ${rows.length} ${args.kind} rows to ${args.out}\n`);
    } else io.stdout(text);
    return 0;
  } finally {
    await database.close();
  }
}
