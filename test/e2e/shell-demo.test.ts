/**
 * The README's shell demo, taken from README.md itself, run twice on the same data directory:
 * the first run registers and approves the tool; the second stops the registration at the
 * duplicate name, skips the answers meant for it, and prints what the README says it prints.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedEnv } from '../helpers/cli-process';

/** The ```text blocks of the README's "Try it in the shell" section, in order. */
function demoBlocks(): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('## Try it in the shell');
  expect(start).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/```text\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
}

function runDemo(script: string, dir: string) {
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'start'], {
    input: `${script}\n`,
    env: embeddedEnv(dir),
    encoding: 'utf8',
    timeout: 110_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Each expected line is found (as part of a line) after the previous one; returns the misses. */
function missingInOrder(out: string, expected: string[]): string[] {
  const lines = out.split('\n');
  const missing: string[] = [];
  let at = 0;
  for (const want of expected) {
    const i = lines.findIndex((l, n) => n >= at && l.includes(want));
    if (i === -1) missing.push(want);
    else at = i + 1;
  }
  return missing;
}

const dir = mkdtempSync(join(tmpdir(), 'aims-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the README shell demo, twice on one data directory', { timeout: 240_000 }, () => {
  it('behaves as the README documents on a fresh directory and again on existing data', () => {
    const [script, secondRun] = demoBlocks();
    expect(script, 'the demo script block').toBeTruthy();
    expect(secondRun, 'the second-run output block').toBeTruthy();
    // The README shows the very script in examples/.
    expect(script!.trimEnd()).toBe(readFileSync('examples/shell-demo.txt', 'utf8').trimEnd());

    const first = runDemo(script!, dir);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^registered AI-1 "CV Screener" — waiting for approval$/m);
    expect(first.out.slice(first.out.lastIndexOf('/aims show AI-1'))).toMatch(/^status: approved$/m);
    expect(first.out).not.toMatch(/unknown command/);

    const second = runDemo(script!, dir);
    expect(second.err).toBe('');
    expect(second.code).toBe(0);
    expect(missingInOrder(second.out, secondRun!.split('\n'))).toEqual([]);
    // Nothing meant as an answer was read as a command, and nothing new was registered.
    expect(second.out).not.toMatch(/unknown command/);
    expect(second.out).not.toMatch(/^registered /m);
    expect(second.out).not.toContain('AI-2');
    expect(second.out.slice(second.out.lastIndexOf('/aims show AI-1'))).toMatch(/^status: approved$/m);
  });
});
