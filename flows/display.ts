/**
 * How states, people and dates read to people, the same in every adapter. Ids such as
 * `pending_approval` or `shell:carol` stay in data and exports; whatever a person reads goes
 * through these labels, and every date is shown in the policy's time zone.
 */
import { zonedParts } from './jobs/time';
import type { Policy } from './policy';
import type { RequestView, StepView, SystemView } from './views';

/** A system's status as people read it. */
export const SYSTEM_STATUS_LABEL: Readonly<Record<SystemView['status'], string>> = {
  draft: 'draft',
  pending_approval: 'waiting for approval',
  approved: 'approved',
  rejected: 'rejected',
  changes_requested: 'changes requested',
  blocked: 'prohibited — do not use',
  retired: 'retired',
};

/** An approval request's status as people read it. */
export const REQUEST_STATUS_LABEL: Readonly<Record<RequestView['status'], string>> = {
  pending: 'waiting for approval',
  approved: 'approved',
  rejected: 'rejected',
  changes_requested: 'changes requested',
  blocked: 'blocked (prohibited)',
  superseded: 'superseded by a newer request',
};

/** A step's status as people read it. */
export const STEP_STATUS_LABEL: Readonly<Record<StepView['status'], string>> = {
  pending: 'waiting',
  approved: 'approved',
  rejected: 'rejected',
  changes_requested: 'changes requested',
  cancelled: 'cancelled',
};

/** A step role (`owner`, `compliance`, …) as people read it. */
export function roleLabel(role: string): string {
  return role === 'owner' ? 'business owner' : role.replace(/_/g, ' ');
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The policy's time zone. */
export function timezoneOf(policy: Policy): string {
  return policy.organization.timezone;
}

/** `2026-12-14`: the calendar day of `at` in the policy's time zone; `—` for none. */
export function localDay(at: Date | null | undefined, tz: string): string {
  if (!at) return '—';
  const p = zonedParts(at, tz);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** `2026-12-14 09:30 (Europe/Berlin)`: day and time of `at` in the policy's time zone. */
export function localDateTime(at: Date | null | undefined, tz: string): string {
  if (!at) return '—';
  const p = zonedParts(at, tz);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)} (${tz})`;
}

/** A system's status after "AI-3 is …", as a sentence reads it ("AI-3 is waiting for approval"). */
export const SYSTEM_STATUS_PHRASE: Readonly<Record<SystemView['status'], string>> = {
  draft: 'a draft',
  pending_approval: 'waiting for approval',
  approved: 'approved',
  rejected: 'rejected',
  changes_requested: 'waiting for changes (changes were requested)',
  blocked: 'prohibited — do not use',
  retired: 'retired',
};
