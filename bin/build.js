#!/usr/bin/env node
// `npm run build` (and npm install, through postinstall): compiles the CLI (src/cli.ts and all it
// imports) into dist/ with esbuild, so `aimsbot` starts without compiling TypeScript at run time.
// The packages it uses are bundled too (one file read and compiled instead of hundreds resolved,
// read and compiled one by one: half the start-up), except those in EXTERNAL. Each lazily
// imported module (a command, an adapter) becomes a chunk of its own, loaded only when used. Sources that read files beside themselves
// (`new URL('./file', import.meta.url)`) still find them: import.meta.url is replaced by the
// source file's own address, so data such as flows/discovery/ai-tools.yaml and db/migrations are
// read where they are, not copied. dist/manifest.json lists every file the bundle was made from
// (bundled packages included); bin/aimsbot.js runs the bundle only while they are unchanged
// (bin/dist.js).
//
// `--postinstall`: never fails (the sources may not be there yet, as in the Docker layer that
// installs before copying them); without a build `aimsbot` runs the TypeScript through tsx.
/* global process, console */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENTRY, MANIFEST, MANIFEST_VERSION, ROOT } from './dist.js';

/** Files that decide the bundle besides the sources esbuild reads. */
const BUILD_FILES = ['bin/build.js', 'bin/dist.js', 'tsconfig.json'];

/**
 * Packages left as imports of node_modules: those that find files of their own at run time
 * (PGlite's WebAssembly and data, pino's worker transports), those loaded only when a feature is
 * configured (Teams, BullMQ on Redis), whose size would only add to the bundle, and the build
 * tools. Their subpaths (`pkg/sub`) stay external with them.
 */
const EXTERNAL = [
  '@electric-sql/pglite', 'pino', 'pino-*', 'thread-stream', 'bullmq', 'ioredis', 'botbuilder', 'botbuilder-*', 'botframework-*', '@azure/*', 'esbuild', 'tsx',
  // Charts and PDF: a native binding (resvg) and packages that read their own data files (pdfkit's
  // fonts, vega's schemas) from beside their code; loaded only when a chart or a pack is made.
  '@resvg/*', 'vega', 'vega-*', 'pdfkit', 'fontkit',
];

/** Bundled CommonJS packages call require() for Node's modules; an ES module has no require of its own. */
const REQUIRE_BANNER = "import { createRequire as __aimsbotCreateRequire } from 'node:module';\nconst require = __aimsbotCreateRequire(import.meta.url);";

const IMPORT_META = /\bimport\.meta\.(url|filename|dirname)\b/g;

const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.json': 'json' };

/**
 * Replaces import.meta.url, .filename and .dirname in one source by the source's own values,
 * relative to the bundle (in dist/, one level below the root), so the built tree can be moved as
 * a whole.
 */
function pinImportMeta(text, path, root) {
  const own = `new URL(${JSON.stringify(relative(join(root, 'dist'), path).split(sep).join('/'))}, import.meta.url)`;
  return text.replace(IMPORT_META, (_m, what) => {
    if (what === 'url') return `${own}.href`;
    if (what === 'filename') return `decodeURIComponent(${own}.pathname)`;
    return `decodeURIComponent(new URL('.', ${own}).pathname).replace(/\\/$/, '')`;
  });
}

/** Reads a file for the manifest: its size and time as before the read, the hash of what was read. */
function readRecorded(path, files, root) {
  const st = statSync(path);
  const bytes = readFileSync(path);
  files[relative(root, path).split(sep).join('/')] = { size: bytes.length, mtimeMs: st.mtimeMs, sha256: createHash('sha256').update(bytes).digest('hex') };
  return bytes.toString('utf8');
}

/**
 * Builds the bundle for the sources under `root` into `root/dist`, replacing the previous one at
 * once (made in a directory of its own, then renamed), so a process starting meanwhile sees the
 * old bundle, the new one or none (and runs the sources), never half of one.
 */
export async function build(root = ROOT) {
  const { build: esbuild } = await import('esbuild');
  const outdir = join(root, 'dist');
  const tmp = join(root, `.dist-${process.pid}-${randomBytes(3).toString('hex')}`);
  const started = Date.now();
  // Every file the bundle is made of, recorded as it was read (a file changed during the build
  // then counts as changed).
  const files = {};
  for (const f of BUILD_FILES) readRecorded(join(root, f), files, root);
  try {
    const result = await esbuild({
      absWorkingDir: root,
      entryPoints: { [ENTRY.replace(/\.js$/, '')]: join(root, 'src', 'cli.ts') },
      outdir: tmp,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: `node${process.versions.node.split('.')[0]}`,
      external: EXTERNAL,
      banner: { js: REQUIRE_BANNER },
      keepNames: true,
      sourcemap: true,
      metafile: true,
      logLevel: 'warning',
      plugins: [
        {
          name: 'recorded-sources',
          setup(b) {
            b.onLoad({ filter: /\.(?:[cm]?[jt]s|json)$/, namespace: 'file' }, (args) => {
              const text = readRecorded(args.path, files, root);
              IMPORT_META.lastIndex = 0;
              return { contents: IMPORT_META.test(text) ? pinImportMeta(text, args.path, root) : text, loader: LOADERS[extname(args.path)] };
            });
          },
        },
      ],
    });
    for (const input of Object.keys(result.metafile.inputs)) {
      const key = input.split(sep).join('/');
      if (!files[key]) readRecorded(join(root, input), files, root);
    }
    writeFileSync(join(tmp, MANIFEST), JSON.stringify({ version: MANIFEST_VERSION, node: process.version, builtAt: new Date(started).toISOString(), files }, null, 1));
    const old = `${tmp}-old`;
    if (existsSync(outdir)) renameSync(outdir, old);
    renameSync(tmp, outdir);
    rmSync(old, { recursive: true, force: true });
    return { outdir, sources: Object.keys(files).length - BUILD_FILES.length, ms: Date.now() - started };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** `node bin/build.js [--postinstall]`: builds, and says what it did. */
export async function main(argv = process.argv.slice(2)) {
  const postinstall = argv.includes('--postinstall');
  if (!existsSync(join(ROOT, 'src', 'cli.ts'))) {
    if (!postinstall) {
      console.error('aimsbot build: src/cli.ts not found');
      process.exitCode = 1;
    }
    return;
  }
  try {
    const r = await build();
    console.log(`aimsbot: compiled ${r.sources} sources into ${relative(process.cwd(), r.outdir) || '.'} in ${r.ms} ms`);
  } catch (err) {
    console.error(`aimsbot: not compiled (${err instanceof Error ? err.message : String(err)}); aimsbot will compile the TypeScript at each start instead`);
    if (!postinstall) process.exitCode = 1;
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await main();
