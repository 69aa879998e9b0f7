/**
 * The shell session in-process on PGlite, with a scripted line source (as piped input): people
 * typed in every accepted way, checks before the first question, answers re-asked one by one,
 * and what a person reads — labels, names and local dates, never ids, JSON or threads.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellDeliverer } from '../../adapters/shell/deliver';
import { runShell } from '../../adapters/shell/session';
import type { FlowDeps, OutboxRow } from '../../flows';
import { parsePolicy } from '../../flows';
import { testClock } from '../helpers/clock';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

// The triage answers of examples/shell-demo.txt: high-risk, decided by the owner, compliance and privacy.
const demo = readFileSync('examples/shell-demo.txt', 'utf8').split('\n');
const TRIAGE = demo.slice(demo.indexOf('planned') + 1, demo.indexOf('/as bob'));
const register = (name: string, owner: string) => ['/aims register', name, '', '', 'Screening', owner, '', 'planned', ...TRIAGE];

let database: TestDatabase;
let deps: FlowDeps;
const clock = testClock('2026-11-02T20:00:00Z');

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  deps = {
    db: database.db,
    clock,
    // Auckland is 13 hours ahead in November: the local day is already the 3rd.
    policy: parsePolicy({
      organization: { timezone: 'Pacific/Auckland' },
      groups: { compliance: ['shell:compliance', 'email:DPO@acme.example'], privacy: ['shell:privacy'] },
    }),
  };
});
afterAll(() => database.destroy());

async function session(lines: string[], speaker?: string): Promise<string> {
  const queue = [...lines];
  const out: string[] = [];
  await runShell({ deps, lines: { next: async () => queue.shift() ?? null, close: () => {} }, print: (t) => void out.push(t), echo: true, speaker });
  return out.join('\n');
}

/** What the shell said, without the lines it echoed from the input. */
const said = (transcript: string) =>
  transcript
    .split('\n')
    .filter((l) => !/^[\w.@-]+> /.test(l) && !/^ {2}>/.test(l))
    .join('\n');

describe('shell session', () => {
  it('knows people as bob, @bob, Bob, shell:bob and email: members; says why a name is nobody', async () => {
    const t = await session([
      ...register('Screener One', '@Bob'),
      '/aims show AI-1',
      '/as BOB', '/aims pending', '/aims approve AI-1',
      '/as Compliance', '/aims approve AI-1',
      '/as shell:privacy', '/aims approve AI-1',
      '/as slack:U123',
      '/as alice',
      ...register('Screener Two', 'email:nobody@acme.example').slice(0, 6), 'email:dpo@ACME.example', '', 'planned', ...TRIAGE,
      '/as email:dpo@acme.example', '/aims pending',
    ], 'Alice');
    expect(t).toMatch(/you are "alice"/);
    const show = t.slice(t.indexOf('alice> /aims show AI-1'));
    expect(show).toMatch(/^owner: bob$/m);
    expect(t).toMatch(/^bob> \/aims pending\nAI-1 "Screener One" \(high-risk\) — your step: business owner/m);
    expect(t).toMatch(/^compliance> \/aims approve AI-1\nrecorded\./m);
    expect(t).toMatch(/you are now "privacy"/);
    expect(t).toMatch(/\[to alice\] AI-1 "Screener One" was approved by privacy \(privacy step\)/);
    expect(t).toMatch(/✗ "slack:U123" is a Slack or Teams id/);
    // An email owner must be a member of the policy; asked again, then accepted.
    expect(t).toMatch(/✗ Nobody in the policy has the address nobody@acme\.example/);
    expect(t).toMatch(/registered AI-2 "Screener Two"/);
    expect(t).toMatch(/you are now "dpo@acme\.example"/);
    const pending = t.slice(t.lastIndexOf('> /aims pending'));
    expect(pending).toMatch(/AI-2 "Screener Two" \(high-risk\) — your step: business owner, compliance/);
  });

  it('refuses review and resubmit before the first question; the piped answers are skipped, not run', async () => {
    const t = await session([
      '/as mallory', '/aims review AI-1', '1', 'snooze',
      '/aims resubmit AI-1', 'machine_learning',
      '/as email:dpo@acme.example', '/aims review AI-2', '3',
      '/aims list',
    ]);
    expect(t).toMatch(/mallory> \/aims review AI-1\n✗ Only the owner of AI-1 \(bob\) or compliance can review it\./);
    // Who may comes before the state, so a stranger learns nothing about the tool.
    expect(t).toMatch(/✗ Only the owner or the submitter of AI-1 can resubmit it \(bob or alice\)\./);
    expect(t).toMatch(/dpo@acme\.example> \/aims review AI-2\n✗ AI-2 is [^\n]*needs it to be approved\./);
    expect(t).toMatch(/\(skipped 2 lines meant as answers to the review that stopped; reading commands again\)/);
    expect(t).not.toMatch(/unknown command/);
    expect(t).not.toMatch(/Review: 1\)/);
    expect(t).not.toMatch(/\[technique\]/);
  });

  it('asks one review answer again until it is right; the snooze date is the local day', async () => {
    const t = await session(['/as bob', '/aims review AI-1', '9', 'snooze', '0', '45', 'seven', '7', '', 'on holiday', '/aims show AI-1']);
    expect(t).toMatch(/✗ Choose 1, 2, 3 or 4/);
    expect(t.match(/✗ Snooze for 1 to 30 whole days\./g)).toHaveLength(3);
    expect(t).toMatch(/✗ Say why the review is postponed\./);
    // Due 2027-02-01 with reminders from 14 days before: a snooze never ends before that window
    // opens, so 7 days run from 2027-01-18 and end on the 25th in Auckland.
    expect(t).toMatch(/review reminders for AI-1 paused until 2027-01-25$/m);
    expect(t).toMatch(/^submitted by: alice on 2026-11-03$/m);
  });

  it('tells the submitter that changes were requested, in a sentence', async () => {
    const t = await session(['/as dpo@acme.example', '/aims changes AI-2 add the vendor contract', '/as alice', '/aims show AI-2']);
    expect(t).toMatch(/\[to alice\] AI-2 "Screener Two": changes were requested by dpo@acme\.example \(business owner step\): "add the vendor contract"/);
    expect(t).toMatch(/^\[update\] approval of AI-2 "Screener Two": changes requested — business owner changes requested by dpo@acme\.example; compliance cancelled; privacy cancelled$/m);
    expect(t).toMatch(/^status: changes requested$/m);
    expect(t).toMatch(/business owner: changes requested by dpo@acme\.example on 2026-11-03/);
    expect(t).toMatch(/compliance: cancelled/);
  });

  it('never shows ids, raw event data or threads where a person reads', async () => {
    const t = said(await session(['/as alice', '/aims list', '/aims show AI-1', '/aims show AI-2', '/aims check Screener One']));
    for (const id of ['pending_approval', 'changes_requested', 'out_of_scope', 'shell:', 'email:', '{"', 'thread']) expect(t).not.toContain(id);
  });

  it('prints every notification kind as a sentence: reminders without threads, unknown kinds without JSON', async () => {
    const out: string[] = [];
    const deliver = shellDeliverer(deps, (text) => void out.push(text));
    const row = (kind: string, payload: Record<string, unknown>, recipient: Record<string, unknown> = { channel: 'approvals' }) =>
      ({ id: 1, workspaceId: 1, dedupeKey: kind, kind, recipient, payload, status: 'pending', attempts: 0, notBefore: clock.now() }) as unknown as OutboxRow;
    await deliver(
      row('approval.reminder', {
        requestId: 999, stepId: 1, role: 'owner', ref: 'AI-7', name: 'Tool', ageHours: 50, reminderNumber: 2, approvers: ['shell:carol'],
        thread: { platform: 'slack', conversationId: 'C1', messageId: '1.2', threadId: null },
        text: "Reminder: the owner approval of AI-7 \"Tool\" has been waiting for 2 days. Please approve, reject or request changes in the request's thread.",
      }),
    );
    await deliver(row('approval.escalation', { requestId: 999, role: 'compliance', ref: 'AI-7', name: 'Tool', ageHours: 100, reminders: 3, approvers: ['shell:carol', 'email:dpo@acme.example'] }, { channel: 'digest' }));
    await deliver(row('something.new', { ref: 'AI-7', name: 'Tool', detail: { nested: true } }));
    await deliver(row('other.kind', { count: 3 }));
    await deliver(row('review.updated', { reviewId: 1, systemId: 1, status: 'snoozed', until: '2026-11-09T20:00:00.000Z' }, { copiesOf: { subjectType: 'review', subjectId: 1 } }));
    await deliver(row('digest.weekly', { digest: {}, csv: 'x', csvName: 'x.csv', text: 'Weekly digest\n  AI-7 Tool — waiting 3 days for shell:carol\nInventory: 3 systems\n  by risk class: high 1, out_of_scope 2' }, { channel: 'digest' }));
    await deliver(row('triage.retriage_needed', { systemId: 1, ref: 'AI-1', name: 'Screener One', reasons: ['old_answer'], text: 'Choose "Update answers" on its review card' }, { person: 1 }));
    const text = out.join('\n');
    expect(out[0]).toBe('[#approvals] Reminder: the business owner approval of AI-7 "Tool" has been waiting for 2 days. Please approve, reject or request changes: /aims approve AI-7, /aims reject AI-7 <reason> or /aims changes AI-7 <reason>. (reminder 2)');
    expect(out[1]).toMatch(/^\[#digest\] Stalled approval: the compliance step of AI-7 "Tool" has waited 4 days despite 3 reminders \(approvers: carol, dpo@acme\.example\)\.$/);
    expect(out[2]).toBe('[#approvals] there is news about AI-7 "Tool" (something new) — see /aims show AI-7.');
    expect(out[3]).toBe('[#approvals] there is news (other kind).');
    expect(out[4]).toBe('[update] the review of AI-1 "Screener One" is snoozed until 2026-11-10');
    expect(out[5]).toContain('  AI-7 Tool — waiting 3 days for carol\n');
    expect(out[5]).toContain('  by risk class: high-risk 1, out of scope (not an AI system) 2');
    expect(out[6]).toMatch(/^\[to \w+\] AI-1 "Screener One" needs a re-triage: .*old_answer\. Answer the new questions with \/aims review AI-1/);
    for (const bad of ['{', 'thread', 'card', 'out_of_scope', 'shell:', 'email:', '[something.new]']) expect(text).not.toContain(bad);
  });
});
