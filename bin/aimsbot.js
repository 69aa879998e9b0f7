#!/usr/bin/env node
// Runs the TypeScript entry point through tsx so the CLI needs no build step. Termination
// signals are passed on, so `docker stop` or a process manager stops the real process
// gracefully instead of leaving it running without its parent. tsx is loaded into the one
// child process (`node --import`) rather than through the tsx command, which would add a
// process of its own in between that turns a signal into SIGKILL when the real process does
// not acknowledge it within 30 ms, as happens while it is busy.
/* global process */
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const child = spawn(process.execPath, ['--import', tsx, join(root, 'src', 'cli.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
