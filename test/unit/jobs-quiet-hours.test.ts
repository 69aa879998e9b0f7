/** Quiet hours and weekends in the policy's time zone. */
import { describe, expect, it } from 'vitest';
import { nextAllowedTime, parsePolicy } from '../../flows';

const berlin = parsePolicy({ organization: { timezone: 'Europe/Berlin' }, quietHours: { start: '19:00', end: '08:00', weekends: true } });
const next = (iso: string, policy = berlin) => nextAllowedTime(policy, new Date(iso)).toISOString();

describe('nextAllowedTime', () => {
  it('sends at once outside quiet hours on a weekday', () => {
    expect(next('2026-10-07T10:00:00Z')).toBe('2026-10-07T10:00:00.000Z');
  });
  it('holds an evening notification until 08:00 local the next morning', () => {
    expect(next('2026-10-07T17:30:00Z')).toBe('2026-10-08T06:00:00.000Z'); // 19:30 CEST → 08:00 CEST
    expect(next('2026-10-08T03:00:00Z')).toBe('2026-10-08T06:00:00.000Z');
  });
  it('holds Friday evening and the weekend until Monday 08:00', () => {
    expect(next('2026-10-09T18:30:00Z')).toBe('2026-10-12T06:00:00.000Z');
    expect(next('2026-10-10T12:00:00Z')).toBe('2026-10-12T06:00:00.000Z');
  });
  it('follows the daylight-saving change (CET after 25 October)', () => {
    expect(next('2026-10-30T20:00:00Z')).toBe('2026-11-02T07:00:00.000Z');
  });
  it('allows weekends when the policy does, and everything without quiet hours', () => {
    const weekdaysOnly = parsePolicy({ organization: { timezone: 'Europe/Berlin' }, quietHours: { start: '19:00', end: '08:00' } });
    expect(next('2026-10-10T12:00:00Z', weekdaysOnly)).toBe('2026-10-10T12:00:00.000Z');
    expect(next('2026-10-10T23:00:00Z', parsePolicy({}))).toBe('2026-10-10T23:00:00.000Z');
  });
});
