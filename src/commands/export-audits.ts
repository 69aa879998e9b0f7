/**
 * `aimsbot export audit-report <id> [--out FILE] [--workspace W]`: the report of an internal
 * audit as Markdown (spec/aims.md: no `--format`), on standard output or to FILE; writing it the
 * first time moves the audit to `reported`. `aimsbot export audits --format csv|json [--out FILE]
 * [--workspace W]`: one row per finding with its audit, audits without findings too. `--workspace`
 * (`slack:T0123`, or the bare team id, tenant id or `local`) picks one workspace.
 */
import { writeFileSync } from 'node:fs';
import { auditExportRecords, auditExportText, auditReportExport } from '../../flows/audits';
import { exportWorkspace } from '../../flows/controls';
import { loadConfig, loadPolicy } from '../config';
import { openExistingDatabase } from '../open-database';
import type { CliIo } from './io';
import { UsageError } from './io';

/** Parsed arguments of both commands. */
export interface AuditExportArgs {
  ref: string | undefined;
  format: 'csv' | 'json' | undefined;
  out: string | undefined;
  workspace: string | undefined;
}

/** Parses the arguments after `audit-report` or `audits`; throws UsageError naming what is wrong. */
export function parseAuditExportArgs(kind: 'audit-report' | 'audits', argv: string[]): AuditExportArgs {
  const args: AuditExportArgs = { ref: undefined, format: undefined, out: undefined, workspace: undefined };
  let rest = argv;
  if (kind === 'audit-report') {
    const [ref, ...more] = argv;
    if (!ref || ref.startsWith('--') || !/^ia-\d{4}-\d{1,9}$/i.test(ref)) throw new UsageError(`export audit-report needs an audit reference such as IA-2026-1 (got "${ref ?? ''}")`);
    args.ref = ref;
    rest = more;
  }
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (flag === '--format' && kind === 'audit-report') throw new UsageError('export audit-report writes Markdown and takes no --format; add --out FILE.md to write it to a file');
    if (flag !== '--format' && flag !== '--out' && flag !== '--workspace') throw new UsageError(`unexpected argument "${a}"`);
    const value = inline ?? rest[++i];
    if (!value || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    if (flag === '--format') {
      if (value !== 'csv' && value !== 'json') throw new UsageError(`--format must be csv or json (got "${value}")`);
      args.format = value;
    } else if (flag === '--out') args.out = value;
    else args.workspace = value;
  }
  if (kind === 'audits' && !args.format) throw new UsageError('--format is required: csv or json');
  return args;
}

function write(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new UsageError(`--out: cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Runs `export audit-report` (exit 1 when there is no such audit) or `export audits`. */
export async function exportAuditsCommand(io: CliIo, kind: 'audit-report' | 'audits'): Promise<number> {
  const args = parseAuditExportArgs(kind, io.argv);
  const config = loadConfig(io.env);
  const { timezone, name: organisation } = loadPolicy(config).organization;
  const database = await openExistingDatabase(config);
  try {
    if (kind === 'audit-report') {
      const r = await auditReportExport(database.db, args.ref!, { workspace: args.workspace, now: new Date(), timezone, organisation });
      if (r.kind === 'refused') {
        io.stderr(`aimsbot export: ${r.message}\n`);
        return 1;
      }
      if (!args.out) io.stdout(r.markdown);
      else {
        write(args.out, r.markdown);
        io.stderr(`wrote the report of ${r.ref} (${r.findings} findings) to ${args.out}${r.reported ? `; ${r.ref} is now reported` : ''}\n`);
      }
      return 0;
    }
    let workspaceId: number | undefined;
    if (args.workspace !== undefined) {
      const ws = await exportWorkspace(database.db, args.workspace);
      if ('error' in ws) throw new UsageError(ws.error);
      workspaceId = ws.id;
    }
    const records = await auditExportRecords(database.db, workspaceId);
    const text = auditExportText(records, args.format!);
    if (!args.out) io.stdout(text);
    else {
      write(args.out, text);
      io.stderr(`wrote ${records.length} audits rows to ${args.out}\n`);
    }
    return 0;
  } finally {
    await database.close();
  }
}
