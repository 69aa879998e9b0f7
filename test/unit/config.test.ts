/** Configuration and policy validation: defaults, and misconfigurations named with the fix. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { AimsError } from '../../flows/errors';
import { defaultPolicy, demoPolicy, isGroupMember, parsePolicyText, triagePolicyOf } from '../../flows/policy';

const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AimsError);
    return (err as Error).message;
  }
  throw new Error('expected an error');
};

describe('loadConfig', () => {
  it('defaults to embedded Postgres, port 3000 and no platforms', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ databaseUrl: undefined, dataDir: './.aimsbot', port: 3000, host: '0.0.0.0', slack: null, teams: null, redisUrl: undefined });
  });

  it('reads Slack settings with the default Web API URL', () => {
    const c = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' });
    expect(c.slack).toEqual({ botToken: 'xoxb-1', signingSecret: 's', appToken: undefined, apiUrl: 'https://slack.com/api/', limits: { maxInFlight: 64, maxQueued: 256 } });
  });

  it('reads the request-path limits and refuses nonsense', () => {
    const c = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', AIMS_MAX_IN_FLIGHT: '8', AIMS_MAX_QUEUED: '0' });
    expect(c.slack?.limits).toEqual({ maxInFlight: 8, maxQueued: 0 });
    expect(message(() => loadConfig({ AIMS_MAX_IN_FLIGHT: '0' }))).toMatch(/^AIMS_MAX_IN_FLIGHT: must be a whole number of at least 1/);
    expect(message(() => loadConfig({ AIMS_MAX_QUEUED: 'lots' }))).toMatch(/^AIMS_MAX_QUEUED: must be a whole number/);
  });

  it('names the variable and the fix on misconfiguration', () => {
    expect(message(() => loadConfig({ PORT: 'abc' }))).toMatch(/^PORT: must be a port number/);
    expect(message(() => loadConfig({ DATABASE_URL: 'mysql://x' }))).toMatch(/^DATABASE_URL: must start with postgres/);
    expect(message(() => loadConfig({ SLACK_SIGNING_SECRET: 's' }))).toMatch(/^SLACK_BOT_TOKEN: required/);
    expect(message(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' }))).toMatch(/^SLACK_SIGNING_SECRET: required/);
  });

  it('allows an empty Teams app id only outside production', () => {
    expect(loadConfig({ AIMS_TEAMS: '1' }).teams).toMatchObject({ appId: '' });
    expect(message(() => loadConfig({ AIMS_TEAMS: '1', NODE_ENV: 'production' }))).toMatch(/^MICROSOFT_APP_ID: .*refused/);
    // Set but empty, or a password without an id, is the same request for unauthenticated Teams.
    expect(message(() => loadConfig({ MICROSOFT_APP_ID: '', NODE_ENV: 'production' }))).toMatch(/^MICROSOFT_APP_ID: .*refused/);
    expect(message(() => loadConfig({ MICROSOFT_APP_ID: '  ', MICROSOFT_APP_PASSWORD: 'x', NODE_ENV: 'production' }))).toMatch(/^MICROSOFT_APP_ID: .*refused/);
    expect(message(() => loadConfig({ MICROSOFT_APP_PASSWORD: 'x', NODE_ENV: 'production' }))).toMatch(/^MICROSOFT_APP_ID: .*refused/);
    expect(loadConfig({ NODE_ENV: 'production' }).teams).toBeNull();
    expect(loadConfig({ MICROSOFT_APP_ID: '' }).teams).toBeNull();
    expect(message(() => loadConfig({ MICROSOFT_APP_ID: 'abc' }))).toMatch(/^MICROSOFT_APP_PASSWORD: required/);
  });

  it('never echoes a secret in its messages', () => {
    const m = message(() => loadConfig({ SLACK_SIGNING_SECRET: 'super-secret-value' }));
    expect(m).not.toContain('super-secret-value');
  });
});

describe('policy file', () => {
  it('applies the documented defaults', () => {
    const p = defaultPolicy();
    expect(p.reviews).toMatchObject({ highDays: 90, limitedDays: 180, minimalDays: 365, remindBeforeDays: 14, escalateAfterDays: 7 });
    expect(p.approvals).toMatchObject({ remindAfterHours: 48, escalateAfterReminders: 3 });
    expect(p.digest.cron).toBe('0 9 * * 1');
    expect(p.organization).toMatchObject({ timezone: 'UTC', publicSector: 'no' });
    expect(p.legalDates).toEqual({});
    expect(p.reviews.excludedDays).toBe(365);
  });

  it('parses the example of product.md', () => {
    const p = parsePolicyText(`
organization: { name: Acme, timezone: Europe/Berlin, publicServiceProvider: false }
groups:
  compliance: [slack:U0COMPLIANCE]
  privacy: [email:dpo@acme.example]
  security: [slack:U0SECURITY]
channels:
  approvals: { slack: C0APPROVALS, teams: "19:abc@thread.tacv2" }
  digest: { slack: C0COMPLIANCE }
reviews: { highDays: 90, limitedDays: 180, minimalDays: 365, remindBeforeDays: 14, escalateAfterDays: 7 }
approvals: { remindAfterHours: 48, escalateAfterReminders: 3 }
digest: { cron: "0 9 * * 1" }
quietHours: { start: "19:00", end: "08:00", weekends: true }
`);
    expect(p.channels.approvals).toEqual({ slack: 'C0APPROVALS', teams: '19:abc@thread.tacv2' });
    expect(isGroupMember(p, 'privacy', 'slack:U9', 'DPO@acme.example')).toBe(true);
    expect(isGroupMember(p, 'privacy', 'slack:U9', 'someone@acme.example')).toBe(false);
    expect(isGroupMember(p, 'compliance', 'slack:U0COMPLIANCE')).toBe(true);
  });

  it.each([
    ['unknown: 1', /unknown: unknown key/],
    ['reviews: { highDays: -1 }', /^policy: reviews.highDays:/],
    ['organization: { timezone: Mars/Olympus }', /organization.timezone: must be an IANA time zone/],
    ['digest: { cron: "every monday" }', /digest.cron: must be a five-field cron/],
    ['quietHours: { start: "25:00", end: "08:00" }', /quietHours.start: must be a time HH:MM/],
    ['groups: { compliance: [U123] }', /groups.compliance.0: must be slack:/],
    ['approvals: { extraApprovers: { high: [legal] } }', /approvals.extraApprovers.high: role "legal" has no group/],
    ['reviews: [1, 2', /not valid YAML/],
  ])('refuses %s naming the key', (text, expected) => {
    expect(message(() => parsePolicyText(text))).toMatch(expected);
  });

  it('hands the classifier review caps and extra approvers', () => {
    const p = parsePolicyText('groups: { legal: [shell:lee] }\nreviews: { highDays: 30 }\napprovals: { extraApprovers: { high: [legal] } }');
    expect(triagePolicyOf(p)).toMatchObject({ reviewDays: { high: 30, limited: 180 }, extraApprovers: { high: ['legal'] } });
  });

  it('the demo policy makes the shell people compliance, privacy and security the groups', () => {
    expect(demoPolicy().groups).toEqual({ compliance: ['shell:compliance'], privacy: ['shell:privacy'], security: ['shell:security'] });
  });
});
