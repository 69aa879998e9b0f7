/**
 * The README and docs/*.md name only files that are in the repository, and the README's
 * configuration table lists every environment variable the code reads.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const DOCS = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Top-level entries of the repository: a backticked path starting with one of them is a file reference. */
const TOP = new Set(readdirSync('.').filter((f) => f !== 'node_modules' && !f.startsWith('.git')));

/** Paths the build or the program writes, which are therefore not in the repository. */
const GENERATED = [/^teams\/build\//];

/** Markdown links (`[text](target)`) that point into the repository, relative to their file. */
function linkTargets(file: string, text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!.split('#')[0]!)
    .filter((t) => t && !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('/'))
    .map((t) => normalize(join(dirname(file), t)));
}

/** Backticked paths such as `docs/jobs.md`, `examples/policy.yaml` or `flows/triage/` (repository-relative). */
function backtickPaths(text: string): string[] {
  return [...text.matchAll(/`([^`\s]+)`/g)]
    .map((m) => m[1]!.replace(/[.,;:]$/, ''))
    .filter((p) => /^[\w.-]+\/[\w./*-]*$/.test(p) && TOP.has(p.split('/')[0]!) && !p.includes('*'));
}

/** Documents named without a path (`see jobs.md`): they must be beside the file or at the root. */
function bareDocuments(file: string, text: string): string[] {
  return [...text.matchAll(/(?<![\w/.-])([\w-]+\.md)\b/g)]
    .map((m) => m[1]!)
    .filter((name) => !existsSync(join(dirname(file), name)) && !existsSync(name));
}

describe('docs reference only files in the repository', () => {
  it.each(DOCS)('%s', (file) => {
    const text = readFileSync(file, 'utf8');
    const refs = [...new Set([...linkTargets(file, text), ...backtickPaths(text)])];
    const missing = refs.filter((p) => !GENERATED.some((g) => g.test(p)) && !existsSync(p));
    expect([...missing, ...bareDocuments(file, text)]).toEqual([]);
  });

  it('the scanner sees links and backticked paths (so a missing file would be caught)', () => {
    expect(linkTargets('docs/x.md', '[a](teams.md) [b](../examples/policy.yaml#x) [c](https://x.example)')).toEqual(['docs/teams.md', 'examples/policy.yaml']);
    expect(backtickPaths('`docs/nope.md`, `examples/policy.yaml`. `/metrics` `host:port` `text/csv`')).toEqual(['docs/nope.md', 'examples/policy.yaml']);
    expect(bareDocuments('docs/x.md', 'see triage.md §4, jobs.md and docs/teams.md')).toEqual(['triage.md']);
  });
});

/** Every environment variable the code reads: the keys of src/config.ts's schema and `env.X` elsewhere. */
function variablesRead(): string[] {
  const config = readFileSync('src/config.ts', 'utf8');
  const schema = config.slice(config.indexOf('const envSchema'), config.indexOf('\n});', config.indexOf('const envSchema')));
  const names = new Set([...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!));
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
  for (const f of ['src', 'adapters', 'flows', 'db'].flatMap(files)) {
    for (const m of readFileSync(f, 'utf8').matchAll(/\benv(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g)) names.add((m[1] ?? m[2])!);
  }
  return [...names].sort();
}

/** The variables in the first column of the README's configuration table. */
function readmeVariables(): Set<string> {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
  const firstCells = section.split('\n').filter((l) => l.startsWith('| `')).map((l) => l.split('|')[1]!);
  return new Set(firstCells.flatMap((c) => [...c.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!)));
}

describe('README configuration table', () => {
  it('lists every environment variable the code reads', () => {
    const read = variablesRead();
    expect(read).toEqual(expect.arrayContaining(['DATABASE_URL', 'AIMS_AUDIT_KEY', 'AIMS_QUEUE_PREFIX', 'NODE_ENV']));
    const listed = readmeVariables();
    expect(read.filter((v) => !listed.has(v))).toEqual([]);
  });
});
