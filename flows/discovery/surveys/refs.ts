/** Campaign references: `S-2026-Q4` for the first campaign of a quarter, `S-2026-Q4-2` for the second. */
import { zonedParts } from '../../jobs/time';

/** The kinds of campaign. */
export const SURVEY_KINDS = ['ai_use', 'policy_ack', 'literacy'] as const;
/** A campaign kind. */
export type SurveyKind = (typeof SURVEY_KINDS)[number];

/** `S-2026-Q4` for a time in the policy's time zone. */
export function quarterRef(at: Date, tz: string): string {
  const p = zonedParts(at, tz);
  return `S-${p.year}-Q${Math.floor((p.month - 1) / 3) + 1}`;
}

/** The next free ref of the quarter, given the refs taken in it already. */
export function nextSurveyRef(base: string, taken: readonly string[]): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Parses `S-2026-Q4` or `S-2026-Q4-2` (case and spaces ignored), or null. */
export function parseSurveyRef(text: string): string | null {
  const m = /^s-(\d{4})-q([1-4])(?:-(\d{1,4}))?$/i.exec(text.trim());
  if (!m) return null;
  const n = m[3] ? Number(m[3]) : 1;
  if (n < 1) return null;
  return `S-${m[1]}-Q${m[2]}${n >= 2 ? `-${n}` : ''}`;
}
