import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyV1 as classify } from '../../flows/triage/classify';
import { cvScreening } from '../helpers/triage-answers';

const dir = mkdtempSync(join(tmpdir(), 'aimsbot-classify-'));

function cli(args: string[], stdin = '') {
  const r = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src/cli.ts', 'classify', ...args], {
    input: stdin,
    encoding: 'utf8',
    cwd: process.cwd(),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function expectOneLineError(r: ReturnType<typeof cli>, text: string): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toContain(text);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

describe('aimsbot classify', () => {
  it('classifies a file: exit 0, pretty JSON equal to classify()', () => {
    const r = cli([file('ok.json', JSON.stringify({ answers: cvScreening }))]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(classify(cvScreening));
    expect(r.stdout).toBe(JSON.stringify(classify(cvScreening), null, 2) + '\n');
  });
  it('reads stdin with -', () => {
    const r = cli(['-'], JSON.stringify({ answers: cvScreening }));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).riskClass).toBe('high');
  });
  it('reads stdin without an argument', () => {
    const r = cli([], JSON.stringify({ answers: { ai_capabilities: ['none'], data_categories: ['none'] } }));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).riskClass).toBe('out_of_scope');
  });
  it('an invalid value exits 2 with one line starting with the field id', () => {
    const r = cli(['-'], JSON.stringify({ answers: { ...cvScreening, ai_capabilities: ['foo'] } }));
    expectOneLineError(r, 'aimsbot classify: ai_capabilities: unknown value "foo"; allowed: generates_content');
  });
  it('a missing file exits 2 naming the file', () => {
    expectOneLineError(cli([join(dir, 'missing.json')]), 'missing.json: no such file');
  });
  it('non-JSON input exits 2', () => {
    expectOneLineError(cli([file('bad.json', '{ answers: ')]), 'is not valid JSON');
  });
  it('JSON without an answers object exits 2', () => {
    expectOneLineError(cli(['-'], '{"answer": {}}'), 'unknown top-level key "answer"');
    expectOneLineError(cli(['-'], '{}'), '"answers" object');
    expectOneLineError(cli(['-'], '{"answers": [1]}'), '"answers" object');
  });
  it('another top-level key next to answers is named', () => {
    expectOneLineError(cli(['-'], JSON.stringify({ answers: cvScreening, policy: {} })), 'unknown top-level key "policy"');
  });
});
