/**
 * `aimsbot export` for people who open it in Excel and auditors who filter it: a UTF-8 BOM on
 * CSV, real types in JSON, who submitted and approved, decision reasons and the thread link,
 * ISO UTC times with a local twin in the policy's zone, and `--since`/`--until`/`--ref`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as flows from '../../flows';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';

const dir = mkdtempSync(join(tmpdir(), 'aims-export-filters-'));
const policyFile = join(dir, 'policy.yaml');
writeFileSync(policyFile, 'organization: { name: Acme, timezone: Europe/Berlin }\n');

function cli(args: string[], url: string) {
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'export', ...args], {
    env: { ...process.env, DATABASE_URL: url, AIMS_POLICY: policyFile, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Json = Record<string, unknown>;

describe('aimsbot export: Excel, real types and filters', () => {
  let database: TestDatabase;
  let json: (args: string[]) => Json[];
  let csv: (args: string[]) => Array<Record<string, string>>;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const clock = testClock('2026-11-02T09:00:00Z');
    const { as } = actors(database.db, clock);
    const alice = await as('alice');
    const bob = await as('bob');
    // AI-1 registered and approved by its owner on 2 November.
    await flows.register(alice, { fields: fieldsFor('Café Chat', 'shell:bob'), answers: minimalAnswers });
    clock.set('2026-11-02T09:30:00Z');
    expect(await flows.decideForSystem(bob, 'AI-1', 'approve')).toMatchObject({ kind: 'recorded', outcome: 'approved' });
    // AI-2 registered on 10 November; privacy asks for changes on the 12th.
    clock.set('2026-11-10T12:00:00Z');
    const r2 = await flows.register(alice, { fields: fieldsFor('CV Screen', 'shell:bob'), answers: highAnswers });
    if (r2.kind !== 'registered') throw new Error(`unexpected ${r2.kind}`);
    await flows.recordMessage(
      database.db,
      { workspaceId: alice.workspace.id, subjectType: 'approval_request', subjectId: r2.request.id, platform: 'slack', role: 'parent', conversationId: 'C0APPROVALS', messageId: '1762776000.000200' },
      clock.now(),
    );
    clock.set('2026-11-12T08:00:00Z');
    const pat = await as('pat');
    expect(await flows.decideForSystem(pat, 'AI-2', 'request_changes', 'Say which personal data')).toMatchObject({ kind: 'recorded' });
    // AI-1's review confirmed on 20 November.
    clock.set('2026-11-20T16:00:00Z');
    expect(await flows.confirmReview(bob, 'AI-1')).toMatchObject({ kind: 'confirmed' });
    json = (args) => {
      const r = cli([...args, '--format', 'json'], database.url!);
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as Json[];
    };
    csv = (args) => {
      const r = cli([...args, '--format', 'csv'], database.url!);
      expect(r.stderr).toBe('');
      return parse(r.stdout, { columns: true, bom: true }) as Array<Record<string, string>>;
    };
  }, 60_000);
  afterAll(async () => database?.destroy());

  it('CSV starts with a UTF-8 byte order mark, on stdout and in a file, and keeps the original columns first', () => {
    const r = cli(['inventory', '--format', 'csv'], database.url!);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('\uFEFFworkspace,ref,name,vendor,url,purpose,owner,owner_email,department,usage_status,status,risk_class,in_scope,ai_act_roles,iso_roles,approvers,obligations,controls,data_categories,assessment_version,questionnaire_version,next_review_at,registered_at,')).toBe(true);
    const out = join(dir, 'audit.csv');
    expect(cli(['audit', '--format', 'csv', '--out', out], database.url!).code).toBe(0);
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.toString('utf8'), { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(rows[0]).toMatchObject({ seq: '1', action: 'system.registered' });
    expect(JSON.parse(rows[0]!.data!)).toMatchObject({ ref: 'AI-1' });
  });

  it('the inventory names the submitter, the approval, the reasons, the reviews and the thread, in UTC and in the policy zone', () => {
    const [one, two] = csv(['inventory']);
    expect(one).toMatchObject({
      ref: 'AI-1',
      name: 'Café Chat',
      submitted_by: 'alice',
      submitted_by_id: 'shell:alice',
      status: 'approved',
      approved_at: '2026-11-02T09:30:00.000Z',
      approved_at_local: '2026-11-02 10:30 (Europe/Berlin)',
      approved_by: 'bob (business owner)',
      last_review_at: '2026-11-20T16:00:00.000Z',
      last_review_at_local: '2026-11-20 17:00 (Europe/Berlin)',
      registered_at: '2026-11-02T09:00:00.000Z',
      registered_at_local: '2026-11-02 10:00 (Europe/Berlin)',
      decision_reasons: '',
      decision_link: '',
    });
    expect(one!.next_review_at).toMatch(/^2027-11-20T16:00:00.000Z$/);
    expect(one!.next_review_at_local).toBe('2027-11-20 17:00 (Europe/Berlin)');
    expect(two).toMatchObject({
      ref: 'AI-2',
      status: 'changes_requested',
      approved_at: '',
      approved_by: '',
      decision_reasons: 'privacy changes requested by pat on 2026-11-12 09:00 (Europe/Berlin): Say which personal data',
      decision_link: 'https://slack.com/archives/C0APPROVALS/p1762776000000200',
    });
  });

  it('JSON keeps real types: booleans, numbers, lists and nested objects', () => {
    const [one, two] = json(['inventory']);
    expect(one).toMatchObject({ in_scope: true, assessment_version: 1, questionnaire_version: 2, url: 'https://acme.example' });
    expect(one!.approved_by).toEqual([{ role: 'owner', name: 'bob', id: 'shell:bob' }]);
    expect(Array.isArray(one!.controls) && Array.isArray(one!.ai_act_roles) && Array.isArray(one!.data_categories)).toBe(true);
    expect(two!.obligations).toContainEqual({ id: 'deployer_high_risk', ref: 'Art. 26', duty: 'deployer', applicable_from: '2027-12-02' });
    expect(two!.decision_reasons).toEqual([
      { request: 1, role: 'privacy', decision: 'changes_requested', by: 'pat', by_id: 'shell:pat', at: '2026-11-12T08:00:00.000Z', at_local: '2026-11-12 09:00 (Europe/Berlin)', reason: 'Say which personal data' },
    ]);
    expect(two).toMatchObject({ approved_at: null, last_review_at: null, decision_link: 'https://slack.com/archives/C0APPROVALS/p1762776000000200' });
    // AI-2 waits for changes: its controls are planned, not applicable.
    const soa = (json(['soa', '--draft']) as unknown as { controls: Json[] }).controls;
    expect(soa.find((c) => c.control === 'A.6.2.8')).toMatchObject({ applicable: false, systems: [], planned_systems: [{ ref: 'AI-2', name: 'CV Screen' }] });
    expect(soa.find((c) => c.control === 'A.7.2')).toMatchObject({ applicable: false, systems: [] });
    const audit = json(['audit']);
    expect(audit[0]).toMatchObject({ seq: 1, action: 'system.registered', data: { ref: 'AI-1' }, occurred_at_local: '2026-11-02 10:00 (Europe/Berlin)' });
    expect(typeof audit[0]!.data).toBe('object');
  });

  it('--since/--until select systems created or changed in range; a bare --until date includes that day', () => {
    expect(csv(['inventory', '--since', '2026-11-05', '--until', '2026-11-15']).map((r) => r.ref)).toEqual(['AI-2']);
    expect(csv(['inventory', '--until', '2026-11-02']).map((r) => r.ref)).toEqual(['AI-1']);
    // AI-1 changed on the 20th (its review): it counts although it was created before.
    expect(json(['inventory', '--since=2026-11-15T00:00:00Z']).map((r) => r.ref)).toEqual(['AI-1']);
    expect(json(['inventory', '--since', '2026-12-01'])).toEqual([]);
  });

  it('--since/--until select audit events by when they happened', () => {
    const all = json(['audit']);
    const day = json(['audit', '--since', '2026-11-10', '--until', '2026-11-10']);
    expect(day.length).toBeGreaterThan(0);
    expect(day.every((e) => String(e.occurred_at).startsWith('2026-11-10'))).toBe(true);
    expect(day.map((e) => e.seq)).toEqual(all.filter((e) => String(e.occurred_at).startsWith('2026-11-10')).map((e) => e.seq));
  });

  it('--ref, repeated or as a comma list, selects systems in every export', () => {
    expect(csv(['inventory', '--ref', 'AI-2']).map((r) => r.ref)).toEqual(['AI-2']);
    expect(csv(['inventory', '--ref', 'ai-1', '--ref', '2']).map((r) => r.ref)).toEqual(['AI-1', 'AI-2']);
    const all = json(['audit']).map((e) => e.seq);
    const one = json(['audit', '--ref', 'AI-1']);
    const two = json(['audit', '--ref', 'AI-2']).map((e) => e.seq);
    expect(one.some((e) => e.action === 'review.confirmed')).toBe(true);
    expect(one.some((e) => e.action === 'step.changes_requested')).toBe(false);
    // Every event belongs to one of the two systems but the workspace's own task (AI literacy).
    const everything = json(['audit']);
    const ofWorkspace = everything.filter((e) => e.subject_type === 'task' && (e.data as { systemId?: unknown }).systemId === null).map((e) => e.seq);
    expect(ofWorkspace).toHaveLength(1);
    const ofSystems = all.filter((s) => !ofWorkspace.includes(s));
    expect([...one.map((e) => e.seq), ...two].sort((a, b) => Number(a) - Number(b))).toEqual(ofSystems);
    expect(json(['audit', '--ref', 'AI-1,AI-2']).map((e) => e.seq)).toEqual(ofSystems);
    // The Statement of Applicability covers the whole AIMS: it takes no system filter.
    const soa = cli(['soa', '--format', 'json', '--draft', '--ref', 'AI-1'], database.url!);
    expect(soa).toMatchObject({ code: 2, stderr: expect.stringContaining('--ref does not apply to export soa') });
  });

  it.each([
    [['inventory', '--format', 'csv', '--since', 'yesterday'], /--since: "yesterday" is not an ISO date/],
    [['audit', '--format', 'csv', '--until', '2026-02-30'], /--until: "2026-02-30" is not an ISO date/],
    [['audit', '--format', 'json', '--since', '2026-11-01T25:00'], /--since: "2026-11-01T25:00"/],
    [['soa', '--format', 'csv', '--ref', 'foo'], /--ref: "foo" is not a system reference such as AI-12/],
    [['inventory', '--format', 'csv', '--ref', 'AI-1,,AI-2'], /--ref: "" is not a system reference/],
    [['inventory', '--format', 'csv', '--ref'], /--ref needs a value/],
    [['inventory', '--format', 'csv', '--since', '2026-12-01', '--until', '2026-11-01'], /--since \(2026-12-01\) is after --until \(2026-11-01\)/],
    [['inventory', '--format', 'csv', '--since', '2026-11-01', '--since', '2026-11-02'], /--since given twice/],
  ])('bad filter %j exits 2 with one line', (args, expected) => {
    const r = cli(args, database.url!);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(expected);
  });
});
