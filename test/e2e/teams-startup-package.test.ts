/**
 * Teams says what is running: without an app id it warns that it is unauthenticated, and the app
 * package is built only with a real bot id (or `--placeholder`), its version from package.json and
 * its pages from the policy or the environment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createTeamsAdapter } from '../../adapters/teams';
import { createHttpApp } from '../../src/http-server';
import { testClock } from '../helpers/clock';
import type { TestDatabase } from '../helpers/db';
import { createTestDatabase } from '../helpers/db';
import { teamsPolicy } from '../helpers/teams-harness';

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase('pglite');
  dir = mkdtempSync(join(tmpdir(), 'aims-teams-package-'));
});
afterAll(async () => {
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** The log lines of a Teams adapter built and installed with `appId`. */
function startupLog(appId: string): string[] {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => void (lines.push(chunk.toString('utf8')), done()) });
  const logger = pino({ level: 'info' }, sink);
  const teams = createTeamsAdapter({
    deps: { db: db.db, policy: teamsPolicy(), clock: testClock() },
    config: { appId, appPassword: appId ? 'secret' : undefined, tenantId: undefined, appType: 'MultiTenant' },
    logger,
  });
  teams.install(createHttpApp().app);
  return lines.map((l) => String((JSON.parse(l) as { msg: string }).msg));
}

/** Reads the files of a stored (uncompressed) zip. */
function unzip(buf: Buffer): Map<string, Buffer> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let p = buf.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < buf.readUInt16LE(end + 10); i++) {
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const at = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    files.set(name, buf.subarray(at, at + size));
    p += 46 + nameLen;
  }
  return files;
}

/** Runs `npm run teams:package` (through tsx, as npm does) with `env` and `args`. */
function teamsPackage(env: Record<string, string>, args: string[]) {
  const r = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'teams/package.ts', ...args], {
    env: { ...process.env, MICROSOFT_APP_ID: '', AIMS_POLICY: '', AIMS_TEAMS_WEBSITE_URL: '', AIMS_TEAMS_PRIVACY_URL: '', AIMS_TEAMS_TERMS_URL: '', AIMS_TEAMS_DEVELOPER_NAME: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const manifestOf = (file: string) => JSON.parse(unzip(readFileSync(file)).get('manifest.json')!.toString('utf8')) as { id: string; version: string; developer: Record<string, string> };
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('Teams start-up and app package', () => {
  it('warns that Teams is unauthenticated without an app id, and only then', () => {
    const warned = startupLog('');
    expect(warned.some((m) => m.includes('Teams is running unauthenticated — local testing only'))).toBe(true);
    expect(startupLog('11111111-2222-3333-4444-555555555555').some((m) => m.includes('unauthenticated'))).toBe(false);
  });

  it('refuses to package without MICROSOFT_APP_ID (exit 2, one line) unless --placeholder is given', () => {
    const out = join(dir, 'none.zip');
    const refused = teamsPackage({}, ['--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.err.trim().split('\n')).toHaveLength(1);
    expect(refused.err).toContain('MICROSOFT_APP_ID is not set');
    expect(refused.err).not.toMatch(/ at /);

    const placeholder = teamsPackage({}, ['--placeholder', '--out', out]);
    expect(placeholder.code, placeholder.err).toBe(0);
    const m = manifestOf(out);
    expect(m.id).toBe('00000000-0000-0000-0000-000000000000');
    expect(m.version).toBe(version);
  });

  it('takes the version from package.json and the pages from the policy, the environment overriding it', () => {
    const policyFile = join(dir, 'policy.yaml');
    writeFileSync(
      policyFile,
      [
        'organization: { name: Acme Corp, timezone: Europe/Berlin }',
        'teamsApp:',
        '  websiteUrl: https://aims.acme.example',
        '  privacyUrl: https://aims.acme.example/privacy',
        '  termsOfUseUrl: https://aims.acme.example/terms',
        '',
      ].join('\n'),
    );
    const out = join(dir, 'real.zip');
    const appId = '11111111-2222-3333-4444-555555555555';
    // Without pages the package is built, and the command names the keys to set before publishing.
    const missing = teamsPackage({ MICROSOFT_APP_ID: appId }, ['--out', out]);
    expect(missing.code, missing.err).toBe(0);
    expect(missing.err).toContain('set teamsApp.websiteUrl (or AIMS_TEAMS_WEBSITE_URL)');
    expect(manifestOf(out).version).toBe(version);

    const built = teamsPackage({ MICROSOFT_APP_ID: appId, AIMS_POLICY: policyFile, AIMS_TEAMS_PRIVACY_URL: 'https://legal.acme.example/privacy' }, ['--out', out]);
    expect(built.code, built.err).toBe(0);
    const m = manifestOf(out);
    expect(m.id).toBe(appId);
    expect(m.version).toBe(version);
    expect(m.developer).toEqual({
      name: 'Acme Corp',
      websiteUrl: 'https://aims.acme.example',
      privacyUrl: 'https://legal.acme.example/privacy',
      termsOfUseUrl: 'https://aims.acme.example/terms',
    });

    const bad = teamsPackage({ MICROSOFT_APP_ID: appId, AIMS_POLICY: policyFile, AIMS_TEAMS_TERMS_URL: 'http://plain.example' }, ['--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('AIMS_TEAMS_TERMS_URL must be an https:// address');
  });
});
