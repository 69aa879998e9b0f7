/**
 * `aimsbot export fria <ref> [--out FILE] [--json] [--workspace ID]`: the fundamental rights
 * impact assessment of one system. Markdown on standard output by default (spec/aims.md: no
 * `--format`); `--json` writes the JSON instead; `--out x.md` writes the Markdown to x.md and
 * the JSON beside it as x.json. `--workspace` (a Slack team id, Teams tenant id or `local`) is
 * needed only when the reference exists in several workspaces.
 */
import { writeFileSync } from 'node:fs';
import { friaExport } from '../../flows/impact/fria';
import { parseSystemRef } from '../../flows/views';
import { loadConfig, loadPolicy } from '../config';
import { openExistingDatabase } from '../open-database';
import type { CliIo } from './io';
import { UsageError } from './io';

/** Parsed `export fria` arguments. */
export interface FriaArgs {
  ref: string;
  out: string | undefined;
  json: boolean;
  workspace: string | undefined;
}

/** Parses the arguments after `fria`; throws UsageError naming what is wrong. */
export function parseFriaArgs(argv: string[]): FriaArgs {
  const [ref, ...rest] = argv;
  if (!ref || ref.startsWith('--') || parseSystemRef(ref) === null) throw new UsageError(`export fria needs a system reference such as AI-12 (got "${ref ?? ''}")`);
  const args: FriaArgs = { ref, out: undefined, json: false, workspace: undefined };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (flag === '--json' && inline === undefined) args.json = true;
    else if (flag === '--format') throw new UsageError('export fria writes Markdown and takes no --format; add --json for the JSON, or --out FILE.md to write both');
    else if (flag === '--out' || flag === '--workspace') {
      const value = inline ?? rest[++i];
      if (!value || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      if (flag === '--out') args.out = value;
      else args.workspace = value;
    } else throw new UsageError(`unexpected argument "${a}"`);
  }
  return args;
}

/** The JSON file written beside a Markdown `--out` file: `x.md` → `x.json`, `x` → `x.json`. */
export function jsonBeside(out: string): string {
  return /\.md$/i.test(out) ? out.replace(/\.md$/i, '.json') : `${out}.json`;
}

/** Runs `export fria`; exit code 1 when the system has no FRIA. */
export async function exportFriaCommand(io: CliIo): Promise<number> {
  const args = parseFriaArgs(io.argv);
  const config = loadConfig(io.env);
  const { timezone, name: organisation } = loadPolicy(config).organization;
  const database = await openExistingDatabase(config);
  try {
    const r = await friaExport(database.db, args.ref, { workspace: args.workspace, timezone, organisation });
    if (r.kind === 'refused') {
      io.stderr(`aimsbot export: ${r.message}\n`);
      return 1;
    }
    const json = `${JSON.stringify(r.record, null, 2)}\n`;
    if (!args.out) {
      io.stdout(args.json ? json : r.markdown);
      return 0;
    }
    const write = (file: string, text: string) => {
      try {
        writeFileSync(file, text);
      } catch (err) {
        throw new UsageError(`--out: cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    };
    if (args.json) {
      write(args.out, json);
      io.stderr(`wrote the FRIA of ${r.record.system.ref} (${r.record.assessment.ref}) as JSON to ${args.out}\n`);
    } else {
      write(args.out, r.markdown);
      write(jsonBeside(args.out), json);
      io.stderr(`wrote the FRIA of ${r.record.system.ref} (${r.record.assessment.ref}) to ${args.out} and ${jsonBeside(args.out)}\n`);
    }
    return 0;
  } finally {
    await database.close();
  }
}
