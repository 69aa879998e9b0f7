/**
 * Time arithmetic in the policy's time zone, without a date library: wall-clock parts via
 * `Intl.DateTimeFormat`, and the instant of a local wall time found by correcting the offset.
 */
import type { Policy } from '../policy';

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;
/** One hour in milliseconds. */
export const HOUR_MS = 3_600_000;

/** Local wall-clock parts of an instant in a time zone. */
export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * Parts already worked out, by zone and minute: a wave of reminders or a sweep names the same
 * few instants again and again, and `formatToParts` is the costly part. Bounded; cleared when full.
 */
const recent = new Map<string, ZonedParts>();
const RECENT_MAX = 4096;

/** The wall-clock parts of `at` in `tz`. */
export function zonedParts(at: Date, tz: string): ZonedParts {
  const ms = at.getTime();
  // Offsets in use since 1972 are whole minutes, so the parts change only on the minute (older
  // instants, with offsets in seconds, are not cached).
  const key = ms >= 63_072_000_000 ? `${tz}|${Math.floor(ms / 60_000)}` : '';
  const known = key ? recent.get(key) : undefined;
  if (known) return { ...known };
  const parts = formatParts(at, tz);
  if (key) {
    if (recent.size >= RECENT_MAX) recent.clear();
    recent.set(key, parts);
  }
  return { ...parts };
}

function formatParts(at: Date, tz: string): ZonedParts {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(at)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? 'Sun'),
  };
}

/** The instant at which the wall clock in `tz` shows the given local date and time. */
export function fromZoned(year: number, month: number, day: number, hour: number, minute: number, tz: string): Date {
  const wanted = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wanted;
  // Two corrections settle the offset, also across a daylight-saving change.
  for (let i = 0; i < 2; i++) {
    const p = zonedParts(new Date(guess), tz);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
    guess += wanted - shown;
  }
  return new Date(guess);
}

/** The local calendar date (YYYY-MM-DD) of an instant in `tz`. */
export function localDate(at: Date, tz: string): string {
  const p = zonedParts(at, tz);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The earliest instant at or after `at` when the policy allows sending: outside quiet hours and,
 * with `weekends: true`, not on a Saturday or Sunday (both in the policy's time zone).
 */
export function nextAllowedTime(policy: Policy, at: Date): Date {
  const quiet = policy.quietHours;
  if (!quiet) return at;
  const tz = policy.organization.timezone;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  let candidate = at;
  // A handful of steps always suffices: leave the quiet window, then skip a weekend.
  for (let i = 0; i < 6; i++) {
    const p = zonedParts(candidate, tz);
    const m = p.hour * 60 + p.minute;
    if (quiet.weekends && (p.weekday === 0 || p.weekday === 6)) {
      const skip = p.weekday === 6 ? 2 : 1;
      const next = new Date(Date.UTC(p.year, p.month - 1, p.day + skip));
      candidate = fromZoned(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0, tz);
      continue;
    }
    const inQuiet = start === end ? false : start < end ? m >= start && m < end : m >= start || m < end;
    if (!inQuiet) return candidate;
    // The quiet window ends at `end` today when we are before it, else tomorrow.
    const addDay = m >= end ? 1 : 0;
    const next = new Date(Date.UTC(p.year, p.month - 1, p.day + addDay));
    candidate = fromZoned(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), Math.floor(end / 60), end % 60, tz);
  }
  return candidate;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function wholeDays(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

/** The notification kinds the scheduled jobs write; only these wait for the end of quiet hours. */
export const QUIET_HOURS_KINDS: ReadonlySet<string> = new Set([
  'review.reminder',
  'review.escalation',
  'approval.reminder',
  'approval.escalation',
  'digest.weekly',
  'triage.retriage_needed',
  'task.reminder',
  'task.escalation',
  'nc.reminder',
  'survey.ask',
  'survey.reminder',
]);

/**
 * When a claimed notification may go out under the policy's quiet hours: null for now, else the
 * next allowed time. Interactive notifications (approval threads, outcomes) are never held.
 */
export function quietHoursHold(policy: Policy): (row: { kind: string }, now: Date) => Date | null {
  // The rows of one claim share its time: the next allowed time is worked out once per `now`
  // (formatting it in the policy's time zone is not cheap), not once per row.
  let at = Number.NaN;
  let allowed = new Date(0);
  return (row, now) => {
    if (!QUIET_HOURS_KINDS.has(row.kind)) return null;
    if (now.getTime() !== at) {
      at = now.getTime();
      allowed = nextAllowedTime(policy, now);
    }
    return allowed.getTime() > now.getTime() ? allowed : null;
  };
}
