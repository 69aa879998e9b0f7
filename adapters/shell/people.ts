/**
 * Who a typed name means in the shell. People are `shell:<name>`, typed as `bob`, `@bob`, `Bob`
 * or `shell:bob` (names are case-insensitive), or, when the policy lists them, as their
 * `email:` member id (`email:dpo@acme.example`).
 */
import type { Policy } from '../../flows/policy';

/** A person the shell can speak as or name as an owner. */
export interface ShellPerson {
  /** `shell:bob`, or the policy's `email:…` member id. */
  platformId: string;
  /** What people read: `bob`, or the email address. */
  name: string;
  /** Set for an `email:` member, so group membership by email holds. */
  email?: string;
}

/** A resolved person, or the sentence saying why the text names nobody. */
export type PersonResult = { ok: true; person: ShellPerson } | { ok: false; message: string };

const NAME = /^[\w.-]+$/;
const ADDRESS = /^[^@\s]+@[^@\s]+$/;

function members(policy: Policy): string[] {
  return [...new Set(Object.values(policy.groups).flat())];
}

/**
 * Resolves what a person typed. `me` is `speaker`. A name is lower-cased, unless the policy
 * spells that member otherwise, in which case the policy's spelling wins so membership holds.
 */
export function resolvePerson(typed: string, policy: Policy, speaker?: ShellPerson): PersonResult {
  const text = typed.trim();
  if (!text) return { ok: false, message: 'Give a person, e.g. bob.' };
  if (speaker && text.toLowerCase() === 'me') return { ok: true, person: speaker };
  const address = /^email:/i.test(text) ? text.slice(6) : ADDRESS.test(text) ? text : null;
  if (address !== null) return byEmail(address.toLowerCase(), policy);
  const name = text.replace(/^@/, '').replace(/^shell:/i, '');
  if (/^(slack|teams):/i.test(name)) {
    return { ok: false, message: `"${text}" is a Slack or Teams id; in the shell give a name such as bob, or an email: member of the policy.` };
  }
  if (!NAME.test(name)) {
    return { ok: false, message: `"${text}" is not a person: give a name as one word (bob, @bob or shell:bob), or an email: member of the policy.` };
  }
  const wanted = `shell:${name.toLowerCase()}`;
  const platformId = members(policy).find((m) => m.toLowerCase() === wanted) ?? wanted;
  return { ok: true, person: { platformId, name: platformId.slice('shell:'.length) } };
}

function byEmail(address: string, policy: Policy): PersonResult {
  const all = members(policy);
  const member = all.find((m) => m.toLowerCase() === `email:${address}`);
  if (member) return { ok: true, person: { platformId: member, name: address, email: address } };
  const known = all.filter((m) => m.startsWith('email:'));
  return {
    ok: false,
    message:
      `Nobody in the policy has the address ${address}. ` +
      (known.length ? `The policy's email members are ${known.join(', ')}; ` : 'The policy names nobody by email; ') +
      'or give a shell name such as bob.',
  };
}
