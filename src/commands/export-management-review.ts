/**
 * `aimsbot export management-review <ref> [--out FILE] [--workspace ID]`: the management review
 * pack as Markdown (spec/aims.md: no `--format`), on standard output by default. With `--out
 * x.md` the Markdown goes to x.md and each chart it links is written beside it as a PNG
 * (`mr-2026-q4-nc-ageing.png` …), with the PDF as x.pdf.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { managementReviewExport } from '../../flows/management-review';
import { loadConfig } from '../config';
import { openExistingDatabase } from '../open-database';
import type { CliIo } from './io';
import { UsageError } from './io';

/** Parsed arguments. */
export interface ReviewExportArgs {
  ref: string;
  out: string | undefined;
  workspace: string | undefined;
}

/** Parses the arguments after `management-review`. */
export function parseReviewExportArgs(argv: string[]): ReviewExportArgs {
  const [ref, ...rest] = argv;
  if (!ref || ref.startsWith('--')) throw new UsageError('export management-review needs a review reference such as MR-2026-Q4');
  const args: ReviewExportArgs = { ref, out: undefined, workspace: undefined };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (flag === '--format') throw new UsageError('export management-review writes Markdown and takes no --format; --out FILE.md writes the charts (PNG) and the PDF beside it');
    if (flag !== '--out' && flag !== '--workspace') throw new UsageError(`unexpected argument "${a}"`);
    const value = inline ?? rest[++i];
    if (!value || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    if (flag === '--out') args.out = value;
    else args.workspace = value;
  }
  return args;
}

/** The PDF written beside a Markdown `--out` file: `x.md` → `x.pdf`. */
export function pdfBeside(out: string): string {
  return /\.md$/i.test(out) ? out.replace(/\.md$/i, '.pdf') : `${out}.pdf`;
}

/** Runs the export; exit code 1 when the review is not found. */
export async function exportManagementReviewCommand(io: CliIo): Promise<number> {
  const args = parseReviewExportArgs(io.argv);
  const config = loadConfig(io.env);
  const database = await openExistingDatabase(config);
  try {
    const r = await managementReviewExport(database.db, args.ref, args.workspace);
    if (r.kind === 'refused') {
      io.stderr(`aimsbot export: ${r.message}\n`);
      return 1;
    }
    const { files } = r;
    if (!args.out) {
      io.stdout(files.markdown);
      return 0;
    }
    const write = (file: string, data: string | Buffer) => {
      try {
        writeFileSync(file, data);
      } catch (err) {
        throw new UsageError(`--out: cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    };
    write(args.out, files.markdown);
    const dir = dirname(args.out);
    for (const c of files.charts) write(join(dir, c.fileName), c.png);
    write(pdfBeside(args.out), files.pdf);
    io.stderr(`wrote ${files.ref} to ${args.out}, its ${files.charts.length} charts (PNG) beside it and the PDF to ${pdfBeside(args.out)}\n`);
    return 0;
  } finally {
    await database.close();
  }
}
