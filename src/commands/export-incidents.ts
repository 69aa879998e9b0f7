/**
 * `aimsbot export incidents --format csv|json [--out FILE] [--since D] [--until D] [--ref AI-n]...`:
 * every incident of every workspace with its Art. 26(5)/73 due times, steps and NC, snake_case
 * keys like the other exports; CSV with a UTF-8 BOM and formulas neutralised. The range means
 * "reported or changed in range"; `--ref` keeps the incidents of those systems.
 */
import { writeFileSync } from 'node:fs';
import { incidentExportText, incidentRecords } from '../../flows/incidents/export';
import { loadConfig, loadPolicy } from '../config';
import { openExistingDatabase } from '../open-database';
import { parseExportArgs } from './export-args';
import type { CliIo } from './io';
import { UsageError } from './io';

/** Runs `export incidents …` (`io.argv` starts with `incidents`). */
export async function exportIncidentsCommand(io: CliIo): Promise<number> {
  // The same flags and checks as the other per-system exports (risks): format, out, range, refs.
  const args = parseExportArgs(['risks', ...io.argv.slice(1)]);
  if (args.format === 'md') throw new UsageError('--format must be csv or json');
  const config = loadConfig(io.env);
  const policy = loadPolicy(config);
  const database = await openExistingDatabase(config);
  try {
    const records = await incidentRecords(database.db, { since: args.since, until: args.until, refs: args.refs, timezone: policy.organization.timezone });
    const text = incidentExportText(records, args.format);
    if (!args.out) {
      io.stdout(text);
      return 0;
    }
    try {
      writeFileSync(args.out, text);
    } catch (err) {
      throw new UsageError(`--out: cannot write ${args.out} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    io.stderr(`wrote ${records.length} incidents rows to ${args.out}\n`);
    return 0;
  } finally {
    await database.close();
  }
}
