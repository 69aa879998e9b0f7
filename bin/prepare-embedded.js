#!/usr/bin/env node
// npm postinstall: makes the migrated template that new embedded data directories are copied
// from (db/embedded-template.ts), so the first `npm start` does not run initdb. Never fails the
// install: when the sources are not there yet (a Docker layer that installs before copying
// them) or the template cannot be made, the first start makes it instead.
/* global process */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const script = join(root, 'db', 'make-template.ts');
const loader = join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs');
if (existsSync(script) && existsSync(join(root, 'db', 'migrations')) && existsSync(loader)) {
  spawnSync(process.execPath, ['--import', pathToFileURL(loader).href, script], { stdio: 'inherit', cwd: root });
}
