/**
 * `npm run teams:package`: writes teams/build/aimsbot-teams.zip (manifest with the bot id from
 * MICROSOFT_APP_ID, and the two icons) and refreshes the committed manifest and icons next to it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTeamsPackage, colorIcon, outlineIcon, PLACEHOLDER_APP_ID, teamsManifest } from '../adapters/teams/app-package';

const here = dirname(fileURLToPath(import.meta.url));
const appId = process.env.MICROSOFT_APP_ID?.trim() || PLACEHOLDER_APP_ID;
if (appId === PLACEHOLDER_APP_ID) {
  process.stderr.write('teams:package: MICROSOFT_APP_ID is not set; the package uses a placeholder bot id — set it before uploading\n');
}
writeFileSync(join(here, 'manifest.json'), `${JSON.stringify(teamsManifest(PLACEHOLDER_APP_ID), null, 2)}\n`);
writeFileSync(join(here, 'color.png'), colorIcon());
writeFileSync(join(here, 'outline.png'), outlineIcon());
mkdirSync(join(here, 'build'), { recursive: true });
const out = join(here, 'build', 'aimsbot-teams.zip');
writeFileSync(out, buildTeamsPackage(appId));
process.stdout.write(`${out}\n`);
