/**
 * `npm run teams:package [-- --placeholder] [-- --out FILE] [-- --variant default|discovery]`:
 * writes the Teams app package (default teams/build/aimsbot-teams.zip) and refreshes the committed
 * manifest template and icons next to this script.
 *
 * - `--variant discovery` (or AIMS_TEAMS_VARIANT=discovery) builds the discovery app instead
 *   (teams/build/aimsbot-teams-discovery.zip, template teams/manifest.discovery.json): it also asks
 *   for resource-specific consent `ChannelMessage.Read.Group`, for opt-in channel discovery.
 *
 * - The bot id is MICROSOFT_APP_ID; without it the command fails (exit 2), unless `--placeholder`
 *   asks for a package with a placeholder id, for looking at, not for uploading.
 * - The app version is the version in package.json.
 * - The developer name and pages come from AIMS_TEAMS_DEVELOPER_NAME, AIMS_TEAMS_WEBSITE_URL,
 *   AIMS_TEAMS_PRIVACY_URL and AIMS_TEAMS_TERMS_URL, else the policy's `teamsApp` (AIMS_POLICY);
 *   without them the package shows example.com pages and the command says which keys to set.
 * Errors: exit code 2 and one line on stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildTeamsPackage,
  colorIcon,
  developerFrom,
  outlineIcon,
  packageVersion,
  PLACEHOLDER_APP_ID,
  PLACEHOLDER_DEVELOPER,
  teamsManifest,
  TEAMS_APP_VARIANTS,
} from '../adapters/teams/app-package';
import type { TeamsAppVariant, TeamsDeveloper } from '../adapters/teams/app-package';
import { loadPolicy } from '../src/config';

const USAGE = 'usage: npm run teams:package [-- --placeholder] [-- --out FILE] [-- --variant default|discovery]';

function fail(message: string): never {
  process.stderr.write(`teams:package: ${message}\n`);
  process.exit(2);
}

/** A variant name, or a failure naming the ones there are. */
function variantOf(value: string | undefined, from: string): TeamsAppVariant {
  const v = (value ?? '').trim() || 'default';
  if (!(TEAMS_APP_VARIANTS as readonly string[]).includes(v)) fail(`${from} "${v}" is not a variant; use ${TEAMS_APP_VARIANTS.join(' or ')}`);
  return v as TeamsAppVariant;
}

function parseArgs(argv: string[]): { placeholder: boolean; out: string | null; variant: TeamsAppVariant } {
  let placeholder = false;
  let out: string | null = null;
  let variant = variantOf(process.env.AIMS_TEAMS_VARIANT, 'AIMS_TEAMS_VARIANT');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--placeholder') placeholder = true;
    else if (arg === '--variant' || arg.startsWith('--variant=')) {
      const next = arg.includes('=') ? arg.slice('--variant='.length) : argv[++i];
      if (!next) fail(`--variant needs default or discovery; ${USAGE}`);
      variant = variantOf(next, '--variant');
    } else if (arg === '--out') {
      const next = argv[++i];
      if (!next) fail(`--out needs a file name; ${USAGE}`);
      out = next;
    } else fail(`unknown argument "${arg}"; ${USAGE}`);
  }
  return { placeholder, out, variant };
}

function main(): void {
  const here = dirname(fileURLToPath(import.meta.url));
  const args = parseArgs(process.argv.slice(2));
  const env = process.env;
  const appId = env.MICROSOFT_APP_ID?.trim() ?? '';
  if (!appId && !args.placeholder) {
    fail('MICROSOFT_APP_ID is not set: set it to the Azure bot\'s app id, or pass --placeholder for a package with a placeholder id that cannot be uploaded');
  }
  const warnings: string[] = [];
  let version: string;
  let developer: TeamsDeveloper;
  try {
    version = packageVersion();
    const found = developerFrom(env, loadPolicy({ policyFile: env.AIMS_POLICY?.trim() || undefined }));
    if (found.invalid.length > 0) fail(found.invalid.join('; '));
    if (found.missing.length > 0 && !args.placeholder) {
      warnings.push(`the app's pages are not set, so the package shows example.com pages; set ${found.missing.join(', ')} before publishing it`);
    }
    developer = { ...PLACEHOLDER_DEVELOPER, ...found.developer };
  } catch (err) {
    fail((err as Error).message.split('\n')[0]!);
  }
  const variant = args.variant;
  const discovery = variant === 'discovery';
  const zip = buildTeamsPackage(appId || PLACEHOLDER_APP_ID, { version, developer, variant });
  const out = args.out ? resolve(args.out) : join(here, 'build', discovery ? 'aimsbot-teams-discovery.zip' : 'aimsbot-teams.zip');
  try {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, zip);
    if (!args.out) {
      // The committed template: placeholder id and pages, the current version.
      const template = teamsManifest(PLACEHOLDER_APP_ID, { version, developer: PLACEHOLDER_DEVELOPER, variant });
      writeFileSync(join(here, discovery ? 'manifest.discovery.json' : 'manifest.json'), `${JSON.stringify(template, null, 2)}\n`);
      writeFileSync(join(here, 'color.png'), colorIcon());
      writeFileSync(join(here, 'outline.png'), outlineIcon());
    }
  } catch (err) {
    fail(`cannot write ${out} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!appId) warnings.push('the package uses a placeholder bot id and pages; set MICROSOFT_APP_ID and the pages before uploading');
  for (const w of warnings) process.stderr.write(`teams:package: ${w}\n`);
  process.stdout.write(`${out}\n`);
}

main();
