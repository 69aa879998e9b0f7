/**
 * The "discovery" app variants: only they ask Slack for channel message events and Teams for
 * resource-specific consent to read channel messages; the default app does not.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildTeamsPackage, PLACEHOLDER_APP_ID, teamsManifest } from '../../adapters/teams/app-package';

type SlackManifest = { oauth_config: { scopes: { bot: string[] } }; settings: { event_subscriptions: { bot_events: string[] } } };
const slack = (file: string) => parseYaml(readFileSync(new URL(`../../slack/${file}`, import.meta.url), 'utf8')) as SlackManifest;
const MESSAGE_EVENTS = ['message.channels', 'message.groups'];
const RSC = { name: 'ChannelMessage.Read.Group', type: 'Application' };

describe('Slack manifests', () => {
  it('the default manifest subscribes to no message events', () => {
    const m = slack('manifest.yml');
    for (const e of MESSAGE_EVENTS) expect(m.settings.event_subscriptions.bot_events).not.toContain(e);
  });

  it('the discovery manifest adds the message events and has the history scopes, and is otherwise the default', () => {
    const d = slack('manifest.discovery.yml');
    expect(d.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(MESSAGE_EVENTS));
    expect(d.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['channels:history', 'groups:history']));
    const stripped = structuredClone(d);
    stripped.settings.event_subscriptions.bot_events = d.settings.event_subscriptions.bot_events.filter((e) => !MESSAGE_EVENTS.includes(e));
    expect(stripped).toEqual(slack('manifest.yml'));
  });
});

describe('Teams app variants', () => {
  const appId = '11111111-2222-4333-8444-555555555555';

  it('the default app asks for no resource-specific consent', () => {
    const m = teamsManifest(appId, { version: '1.0.0' });
    expect(m.authorization).toBeUndefined();
    expect(m.webApplicationInfo).toBeUndefined();
    expect(buildTeamsPackage(appId, { version: '1.0.0' }).includes('ChannelMessage.Read.Group')).toBe(false);
  });

  it('the discovery app asks for ChannelMessage.Read.Group (manifest 1.12+, with webApplicationInfo)', () => {
    const m = teamsManifest(appId, { version: '1.0.0', variant: 'discovery' }) as { manifestVersion: string; authorization: { permissions: { resourceSpecific: unknown[] } }; webApplicationInfo: { id: string; resource: string } };
    const [major, minor] = m.manifestVersion.split('.').map(Number) as [number, number];
    expect(major > 1 || minor >= 12).toBe(true);
    expect(m.authorization.permissions.resourceSpecific).toEqual([RSC]);
    expect(m.webApplicationInfo.id).toBe(appId);
    expect(m.webApplicationInfo.resource.length).toBeGreaterThan(0);
    // Everything else is the default app.
    const { authorization: _a, webApplicationInfo: _w, ...rest } = m as unknown as Record<string, unknown>;
    expect(rest).toEqual(teamsManifest(appId, { version: '1.0.0' }));
  });

  it('the committed templates: only the discovery one asks for the consent', () => {
    const read = (f: string) => JSON.parse(readFileSync(new URL(`../../teams/${f}`, import.meta.url), 'utf8')) as Record<string, unknown>;
    expect(read('manifest.json').authorization).toBeUndefined();
    expect(read('manifest.discovery.json').authorization).toEqual({ permissions: { resourceSpecific: [RSC] } });
    expect((read('manifest.discovery.json').webApplicationInfo as { id: string }).id).toBe(PLACEHOLDER_APP_ID);
  });

  it('teams:package builds the variant named by --variant or AIMS_TEAMS_VARIANT, and refuses others', async () => {
    const run = promisify(execFile);
    const dir = mkdtempSync(join(tmpdir(), 'aims-teams-variant-'));
    const env = { ...process.env, MICROSOFT_APP_ID: appId, AIMS_POLICY: '' };
    const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
    try {
      await run(tsx, ['teams/package.ts', '--out', join(dir, 'd.zip')], { env: { ...env, AIMS_TEAMS_VARIANT: 'discovery' } });
      expect(readFileSync(join(dir, 'd.zip')).includes('ChannelMessage.Read.Group')).toBe(true);
      await run(tsx, ['teams/package.ts', '--variant', 'default', '--out', join(dir, 'p.zip')], { env: { ...env, AIMS_TEAMS_VARIANT: 'discovery' } });
      expect(readFileSync(join(dir, 'p.zip')).includes('ChannelMessage.Read.Group')).toBe(false);
      await expect(run(tsx, ['teams/package.ts', '--variant', 'loud', '--out', join(dir, 'x.zip')], { env })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('"loud" is not a variant') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
