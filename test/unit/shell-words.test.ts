/** The shell's reading of what people type: command typos and people's names. */
import { describe, expect, it } from 'vitest';
import { editDistance, nearestCommand, unknownCommand } from '../../adapters/shell/commands';
import { resolvePerson } from '../../adapters/shell/people';
import { parsePolicy } from '../../flows';

describe('command typos', () => {
  it('suggests the nearest command within two edits, or by a unique prefix', () => {
    expect(editDistance('lsit', 'list')).toBe(2);
    expect(nearestCommand('lsit')).toBe('list');
    expect(nearestCommand('regsiter')).toBe('register');
    expect(nearestCommand('pendng')).toBe('pending');
    expect(nearestCommand('APROVE')).toBe('approve');
    expect(nearestCommand('resub')).toBe('resubmit');
    expect(nearestCommand('frobnicate')).toBeNull();
    expect(nearestCommand('re')).toBeNull();
    expect(unknownCommand('lsit')).toBe('unknown command `lsit` — did you mean `list`?');
    expect(unknownCommand('frobnicate')).toMatch(/^unknown command `frobnicate`\.\ncommands:/);
  });
});

describe('people typed in the shell', () => {
  const policy = parsePolicy({ groups: { compliance: ['shell:Compliance', 'email:DPO@acme.example'], privacy: ['shell:privacy'] } });
  const id = (typed: string) => {
    const r = resolvePerson(typed, policy, { platformId: 'shell:alice', name: 'alice' });
    return r.ok ? r.person.platformId : `✗ ${r.message}`;
  };

  it('takes bob, @bob, Bob, BOB and shell:bob as one person, and me as the speaker', () => {
    for (const typed of ['bob', '@bob', 'Bob', 'BOB', 'shell:bob', 'SHELL:Bob', ' bob ']) expect(id(typed)).toBe('shell:bob');
    expect(id('me')).toBe('shell:alice');
  });

  it("uses the policy's spelling of a member, so /as compliance is the compliance member", () => {
    expect(id('compliance')).toBe('shell:Compliance');
    expect(id('@COMPLIANCE')).toBe('shell:Compliance');
  });

  it('takes an email: member of the policy, with or without the prefix, in any case', () => {
    const r = resolvePerson('email:dpo@ACME.example', policy);
    expect(r).toEqual({ ok: true, person: { platformId: 'email:DPO@acme.example', name: 'dpo@acme.example', email: 'dpo@acme.example' } });
    expect(id('dpo@acme.example')).toBe('email:DPO@acme.example');
  });

  it('says why a text names nobody', () => {
    expect(id('email:nobody@acme.example')).toMatch(/^✗ Nobody in the policy has the address nobody@acme\.example/);
    expect(id('slack:U123')).toMatch(/^✗ "slack:U123" is a Slack or Teams id/);
    expect(id('bob smith')).toMatch(/^✗ "bob smith" is not a person: give a name as one word/);
    expect(id('')).toBe('✗ Give a person, e.g. bob.');
  });
});
