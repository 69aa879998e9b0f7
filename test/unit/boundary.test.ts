/**
 * The one-way dependency rule: src → adapters → flows → db. flows/ never imports adapters/,
 * src/ or a platform SDK; adapters never import src/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Module specifiers of every import, export-from and dynamic import in a file. */
export function importsOf(text: string): string[] {
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
  for (const m of text.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3])!);
  return specs;
}

const PLATFORM_SDKS = [/^@slack\//, /^botbuilder/, /^botframework-/, /^bullmq$/, /^ioredis$/, /^express$/, /^@microsoft\//];

function violations(layer: string, forbiddenDirs: string[], forbidSdks: boolean): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(join(root, layer))) {
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const rel = relative(root, file);
      if (spec.startsWith('.')) {
        const target = relative(root, resolve(join(file, '..'), spec));
        const top = target.split(/[\\/]/)[0]!;
        if (forbiddenDirs.includes(top)) found.push(`${rel} imports ${spec}`);
      } else if (forbidSdks && PLATFORM_SDKS.some((re) => re.test(spec))) {
        found.push(`${rel} imports ${spec}`);
      }
    }
  }
  return found;
}

describe('dependency boundaries', () => {
  it('finds imports of every form (so the rule below can fail)', () => {
    expect(importsOf(`import { a } from '../adapters/x';\nimport type { B } from "@slack/bolt";\nexport * from './y';\nawait import('bullmq');\nimport 'side';`)).toEqual([
      '../adapters/x',
      '@slack/bolt',
      './y',
      'bullmq',
      'side',
    ]);
  });

  it('flows/ imports nothing from adapters/ or src/, and no platform SDK', () => {
    expect(violations('flows', ['adapters', 'src'], true)).toEqual([]);
  });

  it('db/ imports nothing from flows/, adapters/ or src/', () => {
    expect(violations('db', ['flows', 'adapters', 'src'], true)).toEqual([]);
  });

  it('adapters/ import nothing from src/', () => {
    expect(violations('adapters', ['src'], false)).toEqual([]);
  });
});
