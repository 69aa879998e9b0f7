#!/usr/bin/env node
// Runs the CLI in this process. The compiled bundle in dist/ (made by npm install or
// `npm run build`, see bin/build.js) is used while it matches the sources; otherwise, or with
// AIMS_NO_BUILD=1, the TypeScript runs through tsx, which compiles it at start (slower, and more
// memory). One process either way: signals such as `docker stop` reach the command itself, which
// shuts down gracefully.
/* global process */
import { cliEntry } from './dist.js';

const entry = cliEntry();
// The bundle's source maps (dist/*.map) are not loaded by default, which would cost about 20 MiB:
// NODE_OPTIONS=--enable-source-maps shows TypeScript lines in stack traces.
if (!entry.compiled) await import('tsx');
const { runCli } = await import(entry.url);
runCli({
  argv: process.argv.slice(2),
  stdin: process.stdin,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`aimsbot: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
