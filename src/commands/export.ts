/**
 * `aimsbot export inventory|audit --format csv|json [--out FILE] [--since D] [--until D]
 * [--ref AI-n]...`, `export soa --format csv|json|md [--draft]` and `export controls --format
 * csv|json` (both `[--workspace platform:id]`): evidence for auditors. CSV starts with a UTF-8
 * byte order mark so Excel reads it as UTF-8; JSON keeps real types (booleans, numbers, lists,
 * nested objects). `export soa` without an approved version writes nothing and exits 3.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { controlsExport, exportWorkspace, soaExport } from '../../flows/controls';
import { literacyExport } from '../../flows/discovery';
import type { ExportOptions } from '../../flows/exports';
import { exportChunks } from '../../flows/export-stream';
import type { Db } from '../../db/client';
import type { Policy } from '../../flows/policy';
import { loadConfig, loadPolicy } from '../config';
import { openExistingDatabase } from '../open-database';
import type { ExportArgs } from './export-args';
import { parseExportArgs } from './export-args';
import type { CliIo } from './io';
import { UsageError } from './io';

export { parseExportArgs } from './export-args';

export async function exportCommand(io: CliIo): Promise<number> {
  // Markdown exports take their own arguments (no --format).
  if (io.argv[0] === 'fria') return (await import('./export-fria')).exportFriaCommand({ ...io, argv: io.argv.slice(1) });
  if (io.argv[0] === 'incidents') return (await import('./export-incidents')).exportIncidentsCommand(io);
  if (io.argv[0] === 'audit-report' || io.argv[0] === 'audits') return (await import('./export-audits')).exportAuditsCommand({ ...io, argv: io.argv.slice(1) }, io.argv[0]);
  if (io.argv[0] === 'management-review') return (await import('./export-management-review')).exportManagementReviewCommand({ ...io, argv: io.argv.slice(1) });
  const args = parseExportArgs(io.argv);
  const config = loadConfig(io.env);
  // The `*_local` columns are in the policy's time zone.
  const policy = loadPolicy(config);
  const timezone = policy.organization.timezone;
  // Read-only: checks the schema, never migrates.
  const database = await openExistingDatabase(config);
  try {
    if (args.kind === 'soa' || args.kind === 'controls' || args.kind === 'literacy') return await wholeAimsExport(io, database.db, args, policy);
    if (args.format === 'md') throw new UsageError('--format md only applies to export soa');
    const options: ExportOptions = { since: args.since, until: args.until, refs: args.refs, timezone, acceptBelow: policy.risk.acceptBelow };
    // Written page by page as it is read: the export never holds every row.
    const count = { rows: 0 };
    const chunks = exportChunks(database.db, args.kind, args.format, options, count);
    await writeChunks(io, args, chunks, () => `wrote ${count.rows} ${args.kind} rows to ${args.out}`);
    return 0;
  } finally {
    await database.close();
  }
}

/** Writes the chunks to `--out` (then tells what was written) or to standard output. */
async function writeChunks(io: CliIo, args: ExportArgs, chunks: AsyncIterable<string>, done: () => string): Promise<void> {
  if (!args.out) {
    for await (const chunk of chunks) io.stdout(chunk);
    return;
  }
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
  io.stderr(`${done()}\n`);
}

/** `export soa` and `export controls`: one workspace's whole register, written at once (a few dozen rows). */
async function wholeAimsExport(io: CliIo, db: Db, args: ExportArgs, policy: Policy): Promise<number> {
  const ws = await exportWorkspace(db, args.workspace);
  if ('error' in ws) throw new UsageError(ws.error);
  const format = args.format;
  if (args.kind === 'literacy') return literacyCommandExport(io, db, args, policy, ws.id);
  const result =
    args.kind === 'soa' ? await soaExport(db, policy, ws.id, format, args.draft, args.version) : await controlsExport(db, ws.id, format === 'md' ? 'json' : format);
  if ('missing' in result) {
    io.stderr(`aimsbot export: ${result.missing}\n`);
    return 3;
  }
  const text = result.text;
  async function* once() {
    yield text;
  }
  await writeChunks(io, args, once(), () => `wrote ${args.kind === 'soa' ? result.version : 'the control register'} (${result.rows} controls) to ${args.out}`);
  return 0;
}

/** `export literacy`: who acknowledged which AI policy version and who attested literacy training, when. */
async function literacyCommandExport(io: CliIo, db: Db, args: ExportArgs, policy: Policy, workspaceId: number): Promise<number> {
  if (args.format === 'md') throw new UsageError('--format md only applies to export soa');
  const result = await literacyExport(db, policy, workspaceId, args.format);
  async function* once() {
    yield result.text;
  }
  await writeChunks(io, args, once(), () => `wrote the literacy records (${result.rows} people) to ${args.out}`);
  return 0;
}
