/**
 * The compiled CLI (bin/build.js → dist/, run by bin/aimsbot.js): it is used only while every
 * source it was built from is unchanged, falls back to the TypeScript through tsx otherwise,
 * finds files read beside their sources (import.meta.url), every chunk parses, and a `serve` on
 * Postgres with Slack only never loads the Teams, Redis/BullMQ or PGlite packages.
 *
 * Builds happen in temporary package roots (bin/ copied, everything else linked), never in this
 * checkout's dist/, which other processes may be running.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../bin/build.js';
import { whyStale } from '../../bin/dist.js';
import { ADMIN_URL } from '../helpers/db';
import { startFakeSlackApi } from '../helpers/fake-slack-api';
import { SIGNING_SECRET } from '../helpers/slack-requests';

const REPO = join(import.meta.dirname, '..', '..');
const RECORDER = join(REPO, 'test', 'helpers', 'record-modules.mjs');
const temps: string[] = [];

/** A package root with its own bin/ (so bin/dist.js finds this root) and `links` to the checkout. */
function packageRoot(links: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'aims-compiled-'));
  temps.push(root);
  cpSync(join(REPO, 'bin'), join(root, 'bin'), { recursive: true });
  for (const l of ['node_modules', 'tsconfig.json', ...links]) symlinkSync(join(REPO, l), join(root, l));
  return root;
}

/** Runs `node [recorder] <root>/bin/aimsbot.js <args>`; returns its output and the modules it loaded. */
function run(root: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const record = join(root, `modules-${randomBytes(3).toString('hex')}.txt`);
  writeFileSync(record, '');
  const r = spawnSync(process.execPath, ['--import', RECORDER, join(root, 'bin', 'aimsbot.js'), ...args], {
    env: { ...process.env, AIMS_NO_BUILD: '', AIMS_RECORD_MODULES: record, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const modules = readFileSync(record, 'utf8').split('\n').filter(Boolean);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, modules };
}

const ranCompiled = (modules: string[]) => modules.some((m) => m.endsWith('/dist/cli.js'));
const ranTypeScript = (modules: string[]) => modules.some((m) => m.endsWith('/src/cli.ts'));
/** Whether any module of `pkg` (a package name) was loaded. */
const loaded = (modules: string[], pkg: string) => modules.some((m) => m.includes(`/node_modules/${pkg}/`));

afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

describe('what installs and starts aimsbot', () => {
  it('npm install and the image build compile; npm start and the image run bin/aimsbot.js', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };
    expect(pkg.scripts.start).toBe('node bin/aimsbot.js start');
    expect(pkg.scripts.build).toBe('node bin/build.js');
    expect(pkg.scripts.postinstall).toContain("import('./bin/build.js')");
    expect(pkg.bin.aimsbot).toBe('bin/aimsbot.js');
    const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
    // Built after the sources are copied, before the image's entrypoint runs bin/aimsbot.js.
    expect(dockerfile.indexOf('RUN node bin/build.js')).toBeGreaterThan(dockerfile.lastIndexOf('COPY '));
    expect(dockerfile).toContain('ENTRYPOINT ["node", "bin/aimsbot.js"]');
  });
});

describe('a package with a data file read beside its source', () => {
  let root: string;
  beforeAll(() => {
    root = packageRoot([]);
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fixture', private: true, type: 'module' }));
    mkdirSync(join(root, 'src', 'lib'), { recursive: true });
    writeFileSync(join(root, 'src', 'lib', 'greeting.txt'), 'hello from beside the source');
    writeFileSync(
      join(root, 'src', 'lib', 'read.ts'),
      `import { readFileSync } from 'node:fs';\nexport const greeting = (): string => readFileSync(new URL('./greeting.txt', import.meta.url), 'utf8');\nexport const where = (): string => import.meta.filename;\n`,
    );
    writeFileSync(
      join(root, 'src', 'cli.ts'),
      `export async function runCli(io: { argv: string[]; stdout(t: string): void }): Promise<number> {\n  const { greeting, where } = await import('./lib/read');\n  io.stdout(\`v1 \${greeting()} \${where()} \${io.argv.join(',')}\\n\`);\n  return Number(io.argv[0] ?? 0);\n}\n`,
    );
  });

  it('runs the TypeScript through tsx until it is built', () => {
    expect(whyStale(root)).toBe('not built');
    const r = run(root, ['0', 'x']);
    expect(r.stdout).toContain('v1 hello from beside the source');
    expect(ranTypeScript(r.modules)).toBe(true);
    expect(ranCompiled(r.modules)).toBe(false);
  });

  it('runs the bundle once built: the data file is found, the exit code and arguments pass through, tsx is not loaded', async () => {
    await build(root);
    expect(whyStale(root)).toBeNull();
    const r = run(root, ['3', 'y']);
    expect(r.stdout).toBe(`v1 hello from beside the source ${join(root, 'src', 'lib', 'read.ts')} 3,y\n`);
    expect(r.status).toBe(3);
    expect(ranCompiled(r.modules)).toBe(true);
    expect(ranTypeScript(r.modules)).toBe(false);
    expect(loaded(r.modules, 'tsx')).toBe(false);
  });

  it('keeps using the bundle when a source is only touched, not changed', () => {
    const file = join(root, 'src', 'lib', 'read.ts');
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    expect(whyStale(root)).toBeNull();
    expect(ranCompiled(run(root, []).modules)).toBe(true);
  });

  it('falls back to the TypeScript when a source changed since the build, and when AIMS_NO_BUILD=1', async () => {
    const cli = join(root, 'src', 'cli.ts');
    writeFileSync(cli, readFileSync(cli, 'utf8').replace('v1 ', 'v2 '));
    expect(whyStale(root)).toBe('src/cli.ts changed');
    const r = run(root, []);
    expect(r.stdout).toContain('v2 hello from beside the source');
    expect(ranTypeScript(r.modules)).toBe(true);
    expect(ranCompiled(r.modules)).toBe(false);

    await build(root);
    expect(ranCompiled(run(root, []).modules)).toBe(true);
    const forced = run(root, [], { AIMS_NO_BUILD: '1' });
    expect(forced.stdout).toContain('v2 hello');
    expect(ranTypeScript(forced.modules)).toBe(true);
  });

  it('falls back when a source the bundle was made of is gone, or the manifest is unreadable', async () => {
    rmSync(join(root, 'src', 'lib', 'read.ts'));
    expect(whyStale(root)).toBe('src/lib/read.ts is gone');
    writeFileSync(join(root, 'src', 'lib', 'read.ts'), `export const greeting = (): string => 'restored';\nexport const where = (): string => '';\n`);
    await build(root);
    expect(run(root, []).stdout).toContain('v2 restored');
    writeFileSync(join(root, 'dist', 'manifest.json'), '{');
    expect(whyStale(root)).toBe('not built');
    const r = run(root, []);
    expect(r.stdout).toContain('v2 restored');
    expect(ranTypeScript(r.modules)).toBe(true);
  });
});

describe('the aimsbot CLI compiled', () => {
  let root: string;
  let dbName: string;
  let dbUrl: string;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });

  beforeAll(async () => {
    root = packageRoot(['src', 'adapters', 'flows', 'db', 'package.json']);
    await build(root);
    dbName = `aims_test_compiled_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    await admin.unsafe(`create database ${dbName}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${dbName}`;
    dbUrl = url.toString();
  }, 120_000);

  afterAll(async () => {
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });

  it('every file of the bundle parses as an ES module (a chunk is loaded only when its command runs)', () => {
    const check = `const vm = require('node:vm'); const fs = require('node:fs'); const dir = process.argv[1];
      for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.js'))) new vm.SourceTextModule(fs.readFileSync(dir + '/' + f, 'utf8'), { identifier: f });
      console.log('parsed');`;
    const r = spawnSync(process.execPath, ['--experimental-vm-modules', '--no-warnings', '-e', check, join(root, 'dist')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('parsed\n');
  });

  it('prints the help', () => {
    const r = run(root, ['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: aimsbot <command>/);
    expect(ranCompiled(r.modules)).toBe(true);
  });

  it('migrates a new Postgres database (the migrations are read from db/migrations)', () => {
    const r = run(root, ['migrate'], { DATABASE_URL: dbUrl, LOG_LEVEL: 'silent' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(ranCompiled(r.modules)).toBe(true);
  });

  it('serves Slack on Postgres without loading Teams, BullMQ, Redis or PGlite, and stops on SIGTERM', async () => {
    const fake = await startFakeSlackApi();
    const record = join(root, 'serve-modules.txt');
    writeFileSync(record, '');
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AIMS_RECORD_MODULES: record,
      AIMS_NO_BUILD: '',
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: dbUrl,
      AIMS_DATA_DIR: '',
      REDIS_URL: '',
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_APP_TOKEN: '',
      SLACK_API_URL: fake.apiUrl,
      AIMS_POLICY: '',
      LOG_LEVEL: 'silent',
    };
    for (const k of ['MICROSOFT_APP_ID', 'MICROSOFT_APP_PASSWORD', 'AIMS_TEAMS']) delete env[k];
    const child = spawn(process.execPath, ['--import', RECORDER, join(root, 'bin', 'aimsbot.js'), 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ready) break;
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`serve not ready:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await fake.close();
    }
    const modules = readFileSync(record, 'utf8').split('\n').filter(Boolean);
    expect(ranCompiled(modules)).toBe(true);
    // Bolt and postgres.js are bundled; pino is one of the packages kept in node_modules, and used.
    expect(loaded(modules, 'pino')).toBe(true);
    for (const unused of ['botbuilder', 'botframework-connector', 'bullmq', 'ioredis', '@electric-sql/pglite', 'tsx', 'vega', 'vega-lite', '@resvg/resvg-js', 'pdfkit']) {
      expect(loaded(modules, unused), unused).toBe(false);
    }
  }, 60_000);
});
