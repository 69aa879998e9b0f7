/** `aimsbot export fria <ref>`: Markdown on stdout, Markdown and JSON files with --out, clear refusals. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as flows from '../../flows';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { HOSTILE_TEXT, markdownHazards } from '../helpers/hostile-text';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';

function cli(args: string[], url: string) {
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'export', ...args], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('aimsbot export fria', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const { as } = actors(database.db, testClock());
    const alice = await as('alice');
    const high = await flows.register(alice, { fields: fieldsFor('CV Screen', 'shell:bob'), answers: { ...highAnswers, public_sector: 'public_authority' } });
    await flows.register(alice, { fields: fieldsFor('Writer', 'shell:bob'), answers: minimalAnswers });
    await flows.register(alice, { fields: fieldsFor('Unassessed', 'shell:bob'), answers: { ...highAnswers, public_sector: 'public_authority' } });
    if (high.kind !== 'registered') throw new Error(high.kind);
    const answers = Object.fromEntries(flows.impactQuestions(true).map((q) => [q.id, q.id === 'fria_risks' ? HOSTILE_TEXT : `Answer to ${q.id}.`]));
    const r = await flows.assessImpact(await as('bob'), 'AI-1', answers);
    expect(r.kind).toBe('assessed');
  });
  afterAll(async () => database?.destroy());

  it('prints the Markdown with the Art. 27(1)(a)–(f) elements, the system, assessor and date', () => {
    const r = cli(['fria', 'AI-1'], database.url!);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Fundamental rights impact assessment — AI-1 CV Screen\n/);
    for (const p of ['a', 'b', 'c', 'd', 'e', 'f']) expect(r.stdout).toContain(`### (${p}) `);
    expect(r.stdout).toContain('> Answer to fria\\_oversight.');
    expect(r.stdout).toContain('- Organisation: My organisation');
    expect(r.stdout).toContain('- Assessor: bob');
    expect(r.stdout).toContain('- Date: 2026-11-02');
    expect(markdownHazards(r.stdout)).toEqual([]);
  });

  it('--out writes the Markdown and the JSON beside it; --json prints the JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aims-fria-'));
    const r = cli(['fria', 'ai-1', '--out', join(dir, 'fria.md')], database.url!);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'fria.md'), 'utf8')).toContain('## Art. 27(1) elements');
    const json = JSON.parse(readFileSync(join(dir, 'fria.json'), 'utf8')) as flows.FriaRecord;
    expect(json.assessment).toMatchObject({ ref: 'AI-1/IA-1', version: 1, assessed_by: 'bob' });
    expect(json.elements.find((e) => e.point === 'd')!.answer).toBe(HOSTILE_TEXT.replace('\u202E', ''));
    const printed = JSON.parse(cli(['fria', 'AI-1', '--json'], database.url!).stdout) as flows.FriaRecord;
    expect(printed).toEqual(json);
  });

  it('refuses a system without a FRIA, a bad reference and --format, writing nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aims-fria-'));
    const notApplicable = cli(['fria', 'AI-2', '--out', join(dir, 'x.md')], database.url!);
    expect(notApplicable.code).toBe(1);
    expect(notApplicable.stderr).toBe('aimsbot export: AI-2 has no FRIA: the fundamental rights impact assessment (Art. 27) does not apply to its classification.\n');
    expect(existsSync(join(dir, 'x.md'))).toBe(false);
    const none = cli(['fria', 'AI-3'], database.url!);
    expect([none.code, none.stderr]).toEqual([1, 'aimsbot export: AI-3 has no FRIA yet: no impact assessment has filled the Art. 27 elements. Run "impact AI-3" first.\n']);
    const format = cli(['fria', 'AI-1', '--format', 'csv'], database.url!);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('takes no --format');
    expect(cli(['fria'], database.url!).stderr).toContain('needs a system reference');
  });

  it('export impact lists every impact assessment (FRIA or not) with its answers; CSV formula-safe', async () => {
    const { as } = actors(database.db, testClock());
    const plain = Object.fromEntries(flows.impactQuestions(false).map((q) => [q.id, q.id === 'societal' ? '=cmd|calc' : `Plain ${q.id}.`]));
    expect((await flows.assessImpact(await as('bob'), 'AI-2', plain)).kind).toBe('assessed');
    const json = JSON.parse(cli(['impact', '--format', 'json'], database.url!).stdout) as Array<Record<string, unknown>>;
    expect(json.map((r) => [r.ref, r.fria, r.current])).toEqual([
      ['AI-1/IA-1', true, true],
      ['AI-2/IA-1', false, true],
    ]);
    expect(json[0]).toMatchObject({ system_name: 'CV Screen', version: 1, assessed_by: 'bob' });
    expect((json[1]!.answers as Record<string, string>).societal).toBe('=cmd|calc');
    const csv = cli(['impact', '--format', 'csv', '--ref', 'AI-2'], database.url!);
    expect([csv.code, csv.stderr]).toEqual([0, '']);
    const lines = csv.stdout.replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines[0]).toBe('workspace,system_ref,system_name,ref,current,version,fria,assessed_by,assessed_at,assessed_at_local,due_at,answers');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('AI-2/IA-1');
    // The answers are one JSON cell; a formula inside it is not at the start of a cell.
    expect(lines[1]).not.toMatch(/,=/);
  });
});
