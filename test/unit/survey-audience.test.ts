/** Survey audience resolution and campaign refs: filters, dedupe across people, emails and channels. */
import { describe, expect, it } from 'vitest';
import type { AudienceDirectory, AudienceMember } from '../../flows';
import { nextSurveyRef, parseAudienceEntry, parseSurveyRef, quarterRef, resolveAudience } from '../../flows';

const everyone: AudienceMember[] = [
  { platformId: 'slack:U1', displayName: 'Ann' },
  { platformId: 'slack:U2', displayName: 'Ben' },
  { platformId: 'slack:U3', displayName: 'Cat', email: 'cat@acme.example' },
  { platformId: 'slack:UBOT', displayName: 'Deploy bot', isBot: true },
  { platformId: 'slack:USLACKBOT', displayName: 'Slackbot' },
  { platformId: 'slack:UGONE', displayName: 'Gone', deleted: true },
];
const channels: Record<string, string[]> = { C1: ['U1', 'U2', 'UBOT'], C2: ['U2', 'U3', 'UGONE'] };
const dir: AudienceDirectory = {
  everyone: async () => everyone,
  channelMembers: async (c) => (channels[c] ?? []).map((u) => ({ platformId: `slack:${u}` })),
  byEmail: async (e) => everyone.find((m) => m.email === e) ?? null,
};
const ids = (r: { people: AudienceMember[] }) => r.people.map((p) => p.platformId);

describe('survey audience', () => {
  it('unset: everyone the bot can reach, without bots, Slackbot and deactivated users', async () => {
    expect(ids(await resolveAudience(undefined, 'slack', dir))).toEqual(['slack:U1', 'slack:U2', 'slack:U3']);
    expect(ids(await resolveAudience([], 'slack', dir))).toEqual(['slack:U1', 'slack:U2', 'slack:U3']);
  });

  it('people, emails and channel members, each person once, filters applied to channel members', async () => {
    const r = await resolveAudience(['slack:C1', '#C2', 'slack:U1', 'email:CAT@acme.example', 'slack:UBOT'], 'slack', dir);
    expect(ids(r)).toEqual(['slack:U1', 'slack:U2', 'slack:U3']);
    expect(r.skipped).toEqual(['slack:UBOT']);
  });

  it('entries of another platform, unknown emails and unknown text name nobody', async () => {
    const r = await resolveAudience(['teams:abc-123', 'email:nobody@acme.example', 'whatever', 'slack:U2'], 'slack', dir);
    expect(ids(r)).toEqual(['slack:U2']);
    expect(r.skipped).toEqual(['teams:abc-123', 'email:nobody@acme.example', 'whatever']);
  });

  it('parses entries', () => {
    expect(parseAudienceEntry('slack:C0123')).toEqual({ kind: 'channel', platform: 'slack', channel: 'C0123' });
    expect(parseAudienceEntry('slack:U0123')).toEqual({ kind: 'person', platformId: 'slack:U0123' });
    expect(parseAudienceEntry('teams:19:abc@thread.tacv2')).toEqual({ kind: 'channel', platform: 'teams', channel: '19:abc@thread.tacv2' });
    expect(parseAudienceEntry('teams:0f1e-22')).toEqual({ kind: 'person', platformId: 'teams:0f1e-22' });
  });
});

describe('campaign refs', () => {
  it('S-YEAR-Qn in the policy time zone, then -2, -3 in the same quarter', () => {
    expect(quarterRef(new Date('2026-12-31T23:30:00Z'), 'UTC')).toBe('S-2026-Q4');
    expect(quarterRef(new Date('2026-12-31T23:30:00Z'), 'Europe/Berlin')).toBe('S-2027-Q1');
    expect(nextSurveyRef('S-2026-Q4', [])).toBe('S-2026-Q4');
    expect(nextSurveyRef('S-2026-Q4', ['S-2026-Q4', 'S-2026-Q4-2'])).toBe('S-2026-Q4-3');
    expect(parseSurveyRef(' s-2026-q4-2 ')).toBe('S-2026-Q4-2');
    expect(parseSurveyRef('S-2026-Q5')).toBeNull();
  });
});
