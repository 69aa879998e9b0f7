/**
 * Policy values are refused, not clamped: a review interval longer than the legal one stops
 * start-up naming the key and the legal maximum; `approvals.fallback` is checked like any key.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy, triagePolicyOf } from '../../flows';
import { classify } from '../../flows/triage/classify';
import { embeddedEnv, runCli } from '../helpers/cli-process';
import { minimalAnswers } from '../fixtures/answers';

const refusal = (input: unknown): string => {
  try {
    parsePolicy(input);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the policy was accepted');
};

describe('review intervals above the legal maximum are refused', () => {
  it.each([
    ['highDays', 91, 90],
    ['limitedDays', 181, 180],
    ['minimalDays', 400, 365],
    ['outOfScopeDays', 366, 365],
    ['excludedDays', 366, 365],
  ])('reviews.%s: %i names the key and the maximum %i', (key, value, max) => {
    const message = refusal({ reviews: { [key]: value } });
    expect(message).toContain(`reviews.${key}`);
    expect(message).toContain(`at most ${max} days`);
    expect(message).toContain('legal maximum');
  });

  it('accepts the maximum itself and a shorter interval, which the classifier then uses', () => {
    const policy = parsePolicy({ reviews: { minimalDays: 365, highDays: 30 } });
    expect(policy.reviews).toMatchObject({ minimalDays: 365, highDays: 30 });
    const shorter = parsePolicy({ reviews: { minimalDays: 200 } });
    expect(classify(minimalAnswers, triagePolicyOf(shorter)).reviewIntervalDays).toBe(200);
  });

  it('refuses zero, fractions and text with the key', () => {
    expect(refusal({ reviews: { minimalDays: 0 } })).toMatch(/reviews\.minimalDays: must be at least 1 day/);
    expect(refusal({ reviews: { highDays: 30.5 } })).toMatch(/reviews\.highDays: must be a whole number of days from 1 to 90/);
    expect(refusal({ reviews: { limitedDays: 'soon' } })).toMatch(/reviews\.limitedDays: must be a whole number of days from 1 to 180/);
  });
});

describe('approvals.fallback', () => {
  const groups = { compliance: ['shell:carol'], security: ['shell:sam'], board: ['shell:bea'] };

  it('accepts a group or a person per role', () => {
    const policy = parsePolicy({ groups, approvals: { fallback: { compliance: 'security', privacy: 'email:dpo@acme.example', owner: 'board', board: 'shell:carol' } } });
    expect(policy.approvals.fallback).toEqual({ compliance: 'security', privacy: 'email:dpo@acme.example', owner: 'board', board: 'shell:carol' });
    expect(parsePolicy({}).approvals.fallback).toEqual({});
  });

  it('refuses an unknown role, naming the key', () => {
    const message = refusal({ groups, approvals: { fallback: { complaince: 'security' } } });
    expect(message).toContain('approvals.fallback.complaince');
    expect(message).toContain('unknown role "complaince"');
  });

  it('refuses a group that does not exist (and is no person id), naming the key', () => {
    const message = refusal({ groups, approvals: { fallback: { compliance: 'legal' } } });
    expect(message).toContain('approvals.fallback.compliance');
    expect(message).toContain('"legal" is neither a group of groups nor a person');
  });
});

describe('the CLI stops on a clamped-looking value', () => {
  it.each([['serve'], ['start']])('`%s` with reviews.minimalDays: 400 exits 2 with one line naming the key and the maximum', async (command) => {
    const dir = mkdtempSync(join(tmpdir(), 'aims-policy-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'reviews:\n  minimalDays: 400\n');
    const r = await runCli([command], embeddedEnv(join(dir, 'data'), { AIMS_POLICY: file, PORT: '0' }));
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('reviews.minimalDays');
    expect(lines[0]).toContain('at most 365 days');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
