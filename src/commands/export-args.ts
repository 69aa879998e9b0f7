/**
 * The arguments of `aimsbot export`: what, in which format, where, and the filters
 * `--since`/`--until` (ISO dates or times) and `--ref AI-n` (repeatable, or a comma list).
 * `soa` and `controls` cover a workspace's whole AIMS: no filters, `--workspace` to pick one,
 * and for `soa` also `--draft` and `--format md`.
 */
import { parseSystemRef } from '../../flows/views';
import { UsageError } from './io';

/** What can be exported. */
export const EXPORT_KINDS = ['inventory', 'soa', 'audit', 'controls', 'tasks', 'risks', 'impact', 'nonconformities', 'literacy'] as const;

/** Parsed `export` arguments. */
export interface ExportArgs {
  kind: (typeof EXPORT_KINDS)[number];
  /** `md` only for `soa`. */
  format: 'csv' | 'json' | 'md';
  out: string | undefined;
  /** `soa`: the current draft instead of the latest approved version. */
  draft: boolean;
  /** `soa`: an earlier approved version (`SoA-3` → 3) instead of the latest. */
  version: number | undefined;
  /** `soa`, `controls`: `platform:externalId` of the workspace (needed when there are several). */
  workspace: string | undefined;
  /** Inclusive lower bound: a bare date means its first instant (UTC). */
  since: Date | undefined;
  /** Inclusive upper bound: a bare date means its last instant (UTC), so the whole day counts. */
  until: Date | undefined;
  /** Reference numbers (`AI-12` → 12), in the order given, without repeats. */
  refs: number[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * Parses a `--since`/`--until` value: `YYYY-MM-DD` (a whole UTC day) or an ISO time; a time
 * without a zone is read as UTC, like `jobs run --at`.
 */
export function parseExportTime(flag: '--since' | '--until', text: string): Date {
  const bad = () => new UsageError(`${flag}: "${text}" is not an ISO date such as 2026-11-01 or a time such as 2026-11-01T09:00:00Z`);
  const day = DATE.exec(text);
  const time = day ? null : DATE_TIME.exec(text);
  if (!day && !time) throw bad();
  const [, y, m, d] = (day ?? time)!;
  // Refuse dates that do not exist (2026-02-30) instead of letting Date roll them over.
  const probe = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (probe.getUTCFullYear() !== Number(y) || probe.getUTCMonth() !== Number(m) - 1 || probe.getUTCDate() !== Number(d)) throw bad();
  if (day) return flag === '--since' ? probe : new Date(probe.getTime() + 24 * 3600 * 1000 - 1);
  const at = new Date(time![7] ? text : `${text}Z`);
  if (Number.isNaN(at.getTime()) || Number(time![4]) > 23 || Number(time![5]) > 59 || Number(time![6] ?? 0) > 59) throw bad();
  return at;
}

/** Parses `--ref` values: `AI-3`, `ai-3`, `3`, or a comma list of them. */
export function parseRefs(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  return parts.map((p) => {
    const n = p ? parseSystemRef(p) : null;
    if (n === null || n < 1) throw new UsageError(`--ref: "${p}" is not a system reference such as AI-12`);
    return n;
  });
}

const VALUE_FLAGS = ['--format', '--out', '--since', '--until', '--ref', '--workspace', '--version'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

/** Parses the arguments; throws UsageError naming what is wrong. */
export function parseExportArgs(argv: string[]): ExportArgs {
  const [kind, ...rest] = argv;
  if (!kind || !(EXPORT_KINDS as readonly string[]).includes(kind)) throw new UsageError(`what to export: ${EXPORT_KINDS.join(', ')} (got "${kind ?? ''}")`);
  const values: Partial<Record<ValueFlag, string>> = {};
  const refs: number[] = [];
  let draft = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--draft') {
      if (kind !== 'soa') throw new UsageError('--draft only applies to export soa');
      draft = true;
      continue;
    }
    const eq = a.indexOf('=');
    const flag = (eq > 0 ? a.slice(0, eq) : a) as ValueFlag;
    if (!VALUE_FLAGS.includes(flag)) throw new UsageError(`unexpected argument "${a}"`);
    let value: string | undefined;
    if (eq > 0) value = a.slice(eq + 1);
    else {
      value = rest[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      i++;
    }
    if (value === '') throw new UsageError(`${flag} needs a value`);
    if (flag === '--ref') refs.push(...parseRefs(value));
    else if (values[flag] !== undefined) throw new UsageError(`${flag} given twice`);
    else values[flag] = value;
  }
  const format = values['--format'];
  const whole = kind === 'soa' || kind === 'controls' || kind === 'literacy';
  const formats = kind === 'soa' ? 'csv, json or md' : 'csv or json';
  if (format === undefined) throw new UsageError(`--format is required: ${formats}`);
  if (format !== 'csv' && format !== 'json' && !(format === 'md' && kind === 'soa')) throw new UsageError(`--format must be ${formats} (got "${format}")`);
  if (whole) {
    const filter = (['--since', '--until'] as const).find((f) => values[f] !== undefined) ?? (refs.length ? '--ref' : null);
    if (filter) throw new UsageError(`${filter} does not apply to export ${kind}: it covers the whole AI management system of a workspace`);
  } else if (values['--workspace'] !== undefined) throw new UsageError(`--workspace only applies to export soa, export controls and export literacy`);
  let version: number | undefined;
  if (values['--version'] !== undefined) {
    if (kind !== 'soa') throw new UsageError('--version only applies to export soa');
    if (draft) throw new UsageError('--version and --draft cannot be combined: a draft has no version yet');
    const m = /^(?:soa-)?(\d{1,9})$/i.exec(values['--version'].trim());
    if (!m || Number(m[1]) < 1) throw new UsageError(`--version: "${values['--version']}" is not a version such as SoA-2`);
    version = Number(m[1]);
  }
  const since = values['--since'] !== undefined ? parseExportTime('--since', values['--since']) : undefined;
  const until = values['--until'] !== undefined ? parseExportTime('--until', values['--until']) : undefined;
  if (since && until && since > until) throw new UsageError(`--since (${values['--since']}) is after --until (${values['--until']})`);
  return { kind: kind as ExportArgs['kind'], format, out: values['--out'], since, until, refs: [...new Set(refs)], draft, version, workspace: values['--workspace'] };
}
