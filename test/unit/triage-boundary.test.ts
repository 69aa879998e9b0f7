import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join('flows', 'triage');

describe('flows/triage boundary', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
  it('has source files to check', () => {
    expect(files).toContain('classify.ts');
  });
  it.each(files)('%s imports only zod and files of its own folder', (file) => {
    const source = readFileSync(join(DIR, file), 'utf8');
    const specifiers = [...source.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]);
    for (const spec of specifiers) expect(spec === 'zod' || /^\.\/[\w-]+$/.test(spec ?? ''), `${file}: ${spec}`).toBe(true);
  });
  it.each(files)('%s stays under 300 lines', (file) => {
    expect(readFileSync(join(DIR, file), 'utf8').split('\n').length).toBeLessThan(300);
  });
});
