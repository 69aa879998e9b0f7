/** `aimsbot export inventory|soa|audit --format csv|json [--out FILE]`: evidence for auditors. */
import { writeFileSync } from 'node:fs';
import { auditRows, EXPORT_COLUMNS, inventoryRows, soaRows, toCsv } from '../../flows/exports';
import { loadConfig } from '../config';
import { openExistingDatabase } from '../open-database';
import type { CliIo } from './io';
import { UsageError } from './io';

const KINDS = { inventory: inventoryRows, soa: soaRows, audit: auditRows } as const;

/** Parses the arguments; throws UsageError naming what is wrong. */
export function parseExportArgs(argv: string[]): { kind: keyof typeof KINDS; format: 'csv' | 'json'; out: string | undefined } {
  const [kind, ...rest] = argv;
  if (!kind || !(kind in KINDS)) throw new UsageError(`what to export: inventory, soa or audit (got "${kind ?? ''}")`);
  let format: string | undefined;
  let out: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const value = rest[i + 1];
    if (a === '--format' || a === '--out') {
      if (!value || value.startsWith('--')) throw new UsageError(`${a} needs a value`);
      if (a === '--format') format = value;
      else out = value;
      i++;
    } else if (a.startsWith('--format=')) format = a.slice(9);
    else if (a.startsWith('--out=')) out = a.slice(6);
    else throw new UsageError(`unexpected argument "${a}"`);
  }
  if (format === undefined) throw new UsageError('--format is required: csv or json');
  if (format !== 'csv' && format !== 'json') throw new UsageError(`--format must be csv or json (got "${format}")`);
  return { kind: kind as keyof typeof KINDS, format, out };
}

export async function exportCommand(io: CliIo): Promise<number> {
  const args = parseExportArgs(io.argv);
  const config = loadConfig(io.env);
  // Read-only: checks the schema, never migrates.
  const database = await openExistingDatabase(config);
  try {
    const rows = (await KINDS[args.kind](database.db)) as unknown as Array<Record<string, unknown>>;
    const text = args.format === 'json' ? `${JSON.stringify(rows, null, 2)}\n` : toCsv(rows, EXPORT_COLUMNS[args.kind]);
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
