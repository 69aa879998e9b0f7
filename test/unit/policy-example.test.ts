/**
 * examples/policy.yaml shows every key the policy schema accepts, and is itself a valid policy:
 * a key added to flows/policy.ts without an example here fails this test.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { parsePolicyText, policySchema } from '../../flows/policy';

const EXAMPLE = 'examples/policy.yaml';

/** Keys still read for old policies but replaced: the example mentions them in a comment only. */
const REPLACED = ['organization.publicServiceProvider'];

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
}
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/**
 * Every key path of a zod schema: objects give their keys, wrappers (optional, default,
 * prefault, nullable, a transform's input) are looked through; a record is a leaf whose keys
 * are the user's (groups, legalDates).
 */
function keyPaths(schema: z.ZodType, prefix = ''): string[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape!).flatMap(([key, child]) => {
        const path = prefix ? `${prefix}.${key}` : key;
        const below = keyPaths(child, path);
        return below.length ? [path, ...below] : [path];
      });
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
      return keyPaths(def.innerType!, prefix);
    case 'pipe':
      return keyPaths(def.in!, prefix);
    default:
      return [];
  }
}

function has(value: unknown, path: string): boolean {
  let at: unknown = value;
  for (const key of path.split('.')) {
    if (typeof at !== 'object' || at === null || !(key in at)) return false;
    at = (at as Record<string, unknown>)[key];
  }
  return true;
}

describe('examples/policy.yaml', () => {
  const text = readFileSync(EXAMPLE, 'utf8');

  it('is a valid policy', () => {
    expect(() => parsePolicyText(text, EXAMPLE)).not.toThrow();
  });

  it('the schema walk finds the nested keys (so the next test means something)', () => {
    const paths = keyPaths(policySchema);
    expect(paths).toEqual(expect.arrayContaining(['organization.timezone', 'reviews.repeatEveryDays', 'approvals.extraApprovers.high', 'channels.approvals.teams', 'quietHours.weekends', 'groups', 'legalDates']));
    expect(paths.length).toBeGreaterThan(30);
  });

  it('shows every key path of the policy schema', () => {
    const example = parse(text) as unknown;
    const missing = keyPaths(policySchema).filter((p) => !REPLACED.includes(p) && !has(example, p));
    expect(missing, `add these keys to ${EXAMPLE}`).toEqual([]);
  });

  it('fills the groups and legal dates it shows', () => {
    const example = parse(text) as { groups: Record<string, string[]>; legalDates: Record<string, string> };
    expect(Object.keys(example.groups).length).toBeGreaterThan(0);
    expect(Object.keys(example.legalDates).length).toBeGreaterThan(0);
  });

  it('mentions the replaced keys in a comment, not as keys', () => {
    const example = parse(text) as unknown;
    for (const path of REPLACED) {
      expect(has(example, path)).toBe(false);
      expect(text).toContain(path.split('.').at(-1));
    }
  });
});
