import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { classify, classifyV1 } from '../../flows/triage/classify';
import { cvScreening as cvScreeningV1 } from '../helpers/triage-answers';
import { cvScreener as cvScreening } from '../helpers/triage-answers-v2';

const dir = mkdtempSync(join(tmpdir(), 'aimsbot-classify-'));

function cli(args: string[], stdin = '') {
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'classify', ...args], {
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
    const r = cli([], JSON.stringify({ answers: { technique: 'rules_by_people', ai_capabilities: ['none'], data_categories: ['none'] } }));
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
  it('a v1 answer set with questionnaireVersion 1 gives exactly the v1 output', () => {
    const r = cli(['-'], JSON.stringify({ questionnaireVersion: 1, answers: cvScreeningV1 }));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(JSON.stringify(classifyV1(cvScreeningV1), null, 2) + '\n');
    expect(JSON.parse(r.stdout).questionnaireVersion).toBe(1);
  });
  it('questionnaireVersion 2 is the default; v1 answers without the version are refused naming the field', () => {
    expect(JSON.parse(cli(['-'], JSON.stringify({ questionnaireVersion: 2, answers: cvScreening })).stdout)).toEqual(classify(cvScreening));
    expectOneLineError(cli(['-'], JSON.stringify({ answers: cvScreeningV1 })), 'technique: is required');
  });
  it('an unknown questionnaireVersion exits 2', () => {
    expectOneLineError(cli(['-'], JSON.stringify({ questionnaireVersion: 3, answers: cvScreening })), 'questionnaireVersion must be 1 or 2');
    expectOneLineError(cli(['-'], JSON.stringify({ questionnaireVersion: '1', answers: cvScreening })), 'questionnaireVersion must be 1 or 2');
  });
  it('the §5 example files print applicableFrom and duty for every obligation', () => {
    const outputs: Record<string, string> = {};
    for (const name of ['1-vendor-assistant.json', '2-cv-screening.json', '3-support-chatbot.json']) {
      const path = join('examples', 'classify', name);
      const r = cli([path]);
      outputs[name] = r.stdout;
      expect(r.code, name).toBe(0);
      const out = JSON.parse(r.stdout) as { questionnaireVersion: number; obligations: Array<Record<string, unknown>> };
      expect(out.questionnaireVersion).toBe(2);
      expect(out.obligations.length).toBeGreaterThan(0);
      for (const o of out.obligations) expect(Object.keys(o)).toEqual(['id', 'ref', 'duty', 'applicableFrom']);
      expect(out).toEqual(classify((JSON.parse(readFileSync(path, 'utf8')) as { answers: never }).answers));
    }
    const three = JSON.parse(outputs['3-support-chatbot.json'] ?? '{}') as { aiActRoles: string[] };
    expect(three.aiActRoles).toEqual(['provider', 'deployer']);
  }, 60_000);
  it('the policy legalDates correct a date in the output', () => {
    const policy = file('policy.yaml', 'legalDates:\n  deployer_high_risk: "2026-08-02"\n');
    const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'classify', join('examples', 'classify', '2-cv-screening.json')], {
      encoding: 'utf8',
      env: { ...process.env, AIMS_POLICY: policy },
    });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { obligations: Array<{ id: string; applicableFrom: string }> };
    expect(out.obligations.find((o) => o.id === 'deployer_high_risk')?.applicableFrom).toBe('2026-08-02');
  });
  it('an unknown legalDates id in the policy is refused naming the id', () => {
    const policy = file('bad-policy.yaml', 'legalDates:\n  deployer_high_rsik: "2026-08-02"\n');
    const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'classify', join('examples', 'classify', '2-cv-screening.json')], {
      encoding: 'utf8',
      env: { ...process.env, AIMS_POLICY: policy },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('legalDates.deployer_high_rsik');
    expect(r.stderr).toContain('unknown obligation date id "deployer_high_rsik"');
  });
});
