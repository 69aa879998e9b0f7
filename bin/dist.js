// The compiled CLI in dist/ (made by bin/build.js) and whether it may be run: only when every
// source it was built from is still as it was then. Kept free of dependencies, so the check costs
// a few milliseconds at start (a stat of each source; a file is read and hashed only when its
// size is the same but its modification time is not, as after a checkout).
/* global process */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The package root: the directory above bin/. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What the build writes beside the bundle: the sources it read, with their sizes, times and hashes. */
export const MANIFEST = 'manifest.json';

/** The bundle's entry point, compiled from src/cli.ts. */
export const ENTRY = 'cli.js';

/** Bumped when the manifest's shape changes, so an older dist/ counts as stale. */
export const MANIFEST_VERSION = 1;

export function sha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Why the build in `outdir` cannot be run for the sources under `root` (missing, unreadable,
 * built by another Node major or from sources that changed since), or null when it can.
 */
export function whyStale(root = ROOT, outdir = join(root, 'dist')) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(outdir, MANIFEST), 'utf8'));
  } catch {
    return 'not built';
  }
  if (manifest?.version !== MANIFEST_VERSION || typeof manifest.files !== 'object' || !manifest.files) return 'built by another version of the build';
  for (const [file, was] of Object.entries(manifest.files)) {
    const path = join(root, file);
    let st;
    try {
      st = statSync(path);
    } catch {
      return `${file} is gone`;
    }
    if (st.size !== was.size) return `${file} changed`;
    if (st.mtimeMs === was.mtimeMs) continue;
    if (sha256(path) !== was.sha256) return `${file} changed`;
  }
  return null;
}

/**
 * The module that exports `runCli`: the compiled bundle when it is current, otherwise the
 * TypeScript entry point (which needs tsx loaded first). `reason` says why the bundle was not used.
 */
export function cliEntry(root = ROOT) {
  const outdir = join(root, 'dist');
  const reason = process.env.AIMS_NO_BUILD === '1' ? 'AIMS_NO_BUILD=1' : whyStale(root, outdir);
  if (reason === null) return { compiled: true, url: pathToFileURL(join(outdir, ENTRY)).href, reason: null };
  return { compiled: false, url: pathToFileURL(join(root, 'src', 'cli.ts')).href, reason };
}
