/**
 * The Teams app package: manifest.json (bot id from MICROSOFT_APP_ID, version from package.json,
 * developer pages from the policy's `teamsApp` or AIMS_TEAMS_* variables, the commands of the help
 * card), color.png (192×192) and outline.png (32×32, white on transparent), zipped. PNG and zip
 * are written with node:zlib only, so packaging needs no extra dependency.
 */
import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import type { Policy } from '../../flows';
import { TEAMS_HELP } from './render-views';

/** A placeholder bot id used only with `teams:package --placeholder` (replace it before uploading). */
export const PLACEHOLDER_APP_ID = '00000000-0000-0000-0000-000000000000';

/** The developer block of the manifest: who publishes the app and its https pages. */
export interface TeamsDeveloper {
  name: string;
  websiteUrl: string;
  privacyUrl: string;
  termsOfUseUrl: string;
}

/** Placeholder pages, for a package that is not meant to be published (`--placeholder`). */
export const PLACEHOLDER_DEVELOPER: TeamsDeveloper = {
  name: 'aimsbot',
  websiteUrl: 'https://example.com',
  privacyUrl: 'https://example.com/privacy',
  termsOfUseUrl: 'https://example.com/terms',
};

/** The version in package.json: the app's version, so a new release is a new app version. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string' || !/^\d+\.\d+\.\d+$/.test(pkg.version)) {
    throw new Error(`package.json: version "${String(pkg.version)}" is not the MAJOR.MINOR.PATCH a Teams manifest needs`);
  }
  return pkg.version;
}

/** The `teamsApp` keys of the policy and the variables that override them. */
const DEVELOPER_SOURCES = [
  ['name', 'developerName', 'AIMS_TEAMS_DEVELOPER_NAME'],
  ['websiteUrl', 'websiteUrl', 'AIMS_TEAMS_WEBSITE_URL'],
  ['privacyUrl', 'privacyUrl', 'AIMS_TEAMS_PRIVACY_URL'],
  ['termsOfUseUrl', 'termsOfUseUrl', 'AIMS_TEAMS_TERMS_URL'],
] as const;

/**
 * The developer block from the environment (AIMS_TEAMS_DEVELOPER_NAME, _WEBSITE_URL, _PRIVACY_URL,
 * _TERMS_URL), else the policy's `teamsApp`; `missing` names what neither gives (the name
 * defaults to the organisation's). Environment URLs must be https.
 */
export function developerFrom(
  env: Record<string, string | undefined>,
  policy: Pick<Policy, 'teamsApp' | 'organization'>,
): { developer: Partial<TeamsDeveloper>; missing: string[]; invalid: string[] } {
  const developer: Partial<TeamsDeveloper> = {};
  const missing: string[] = [];
  const invalid: string[] = [];
  for (const [field, key, variable] of DEVELOPER_SOURCES) {
    const fromEnv = env[variable]?.trim();
    const value = fromEnv || policy.teamsApp?.[key];
    if (fromEnv && field !== 'name' && !/^https:\/\/[^\s/]+\S*$/.test(fromEnv)) invalid.push(`${variable} must be an https:// address`);
    if (value) developer[field] = field === 'name' ? value.slice(0, 32) : value;
    else if (field === 'name') developer.name = policy.organization.name.slice(0, 32);
    else missing.push(`teamsApp.${key} (or ${variable})`);
  }
  return { developer, missing, invalid };
}

/**
 * Which app: `default` (the bot reads only messages meant for it), or `discovery` (it also
 * reads the channel messages of the teams it is installed in, through resource-specific consent
 * `ChannelMessage.Read.Group`, for opt-in channel discovery; docs/discovery.md).
 */
export type TeamsAppVariant = 'default' | 'discovery';

/** The variants `teams:package --variant` accepts. */
export const TEAMS_APP_VARIANTS: readonly TeamsAppVariant[] = ['default', 'discovery'];

/**
 * What the discovery variant adds (manifest 1.12+): resource-specific consent to read a team's
 * channel messages, granted by the team owner when the app is added to a team. RSC needs
 * `webApplicationInfo` with the bot's Entra app id; its `resource` is unused but must be set.
 */
export function discoveryPermissions(appId: string): Record<string, unknown> {
  return {
    webApplicationInfo: { id: appId, resource: 'https://RscBasedStoreApp' },
    authorization: { permissions: { resourceSpecific: [{ name: 'ChannelMessage.Read.Group', type: 'Application' }] } },
  };
}

/** The app manifest (schema 1.16: Universal Actions, bots in personal, team and group chat). */
export function teamsManifest(appId: string, opts: { version?: string; developer?: TeamsDeveloper; variant?: TeamsAppVariant } = {}): Record<string, unknown> {
  const all = TEAMS_HELP.map(([command, description]) => ({ title: command.split(' ')[0]!, description: description.slice(0, 128) }));
  // The manifest allows at most 10 commands per list: the first nine and help; help lists them all.
  const commands = [...all.filter((c) => c.title !== 'help').slice(0, 9), ...all.filter((c) => c.title === 'help')];
  const developer = opts.developer ?? PLACEHOLDER_DEVELOPER;
  return {
    $schema: 'https://developer.microsoft.com/en-us/json-schemas/teams/v1.16/MicrosoftTeams.schema.json',
    manifestVersion: '1.16',
    version: opts.version ?? packageVersion(),
    id: appId,
    developer: { name: developer.name, websiteUrl: developer.websiteUrl, privacyUrl: developer.privacyUrl, termsOfUseUrl: developer.termsOfUseUrl },
    name: { short: 'aimsbot', full: 'aimsbot — AI management system (ISO/IEC 42001)' },
    description: {
      short: 'Register AI tools, triage them and route approvals.',
      full: 'aimsbot keeps the inventory of AI tools, classifies each one under the EU AI Act, routes approvals to the right people and keeps reviews on schedule.',
    },
    icons: { color: 'color.png', outline: 'outline.png' },
    accentColor: '#2E5AAC',
    bots: [
      {
        botId: appId,
        scopes: ['personal', 'team', 'groupChat'],
        supportsFiles: false,
        isNotificationOnly: false,
        commandLists: [
          { scopes: ['personal'], commands },
          { scopes: ['team', 'groupChat'], commands },
        ],
      },
    ],
    permissions: ['identity', 'messageTeamMembers'],
    validDomains: [],
    ...(opts.variant === 'discovery' ? discoveryPermissions(appId) : {}),
  };
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Encodes an RGBA image (`pixel(x, y)` → [r, g, b, a]) as a PNG. */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The colour icon: a white ring and dot on the accent colour. */
export function colorIcon(): Buffer {
  return encodePng(192, 192, (x, y) => {
    const d = Math.hypot(x - 95.5, y - 95.5);
    return (d > 52 && d < 68) || d < 20 ? [255, 255, 255, 255] : [0x2e, 0x5a, 0xac, 255];
  });
}

/** The outline icon: the same ring and dot, white on transparent. */
export function outlineIcon(): Buffer {
  return encodePng(32, 32, (x, y) => {
    const d = Math.hypot(x - 15.5, y - 15.5);
    return (d > 9 && d < 12) || d < 3.5 ? [255, 255, 255, 255] : [0, 0, 0, 0];
  });
}

/** 1980-01-01 as an MS-DOS date (day 1, month 1 << 5, year 0 << 9); 0 would be month 0, day 0. */
const DOS_DATE_1980_01_01 = (1 << 5) | 1;

/** Writes a zip archive (stored, no compression) of the given files. */
export function zip(files: Array<{ name: string; data: Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const crc = crc32(f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(0, 10); // time 00:00:00
    local.writeUInt16LE(DOS_DATE_1980_01_01, 12); // a fixed date: reproducible builds
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(f.data.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(DOS_DATE_1980_01_01, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(f.data.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, f.data);
    centrals.push(central, name);
    offset += local.length + name.length + f.data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

/** The whole package as zip bytes. */
export function buildTeamsPackage(appId: string, opts: { version?: string; developer?: TeamsDeveloper; variant?: TeamsAppVariant } = {}): Buffer {
  return zip([
    { name: 'manifest.json', data: Buffer.from(JSON.stringify(teamsManifest(appId, opts), null, 2)) },
    { name: 'color.png', data: colorIcon() },
    { name: 'outline.png', data: outlineIcon() },
  ]);
}
