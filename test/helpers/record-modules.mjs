// Preloaded with `node --import ./test/helpers/record-modules.mjs`: appends to the file named by
// AIMS_RECORD_MODULES the address of every module the process loads, so a test can tell which
// code ran (the compiled bundle or the TypeScript) and which packages were never loaded. ES
// modules are recorded as they are resolved; CommonJS modules (which packages such as botbuilder
// and ioredis are) from the require cache when the process exits.
/* global process */
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const file = process.env.AIMS_RECORD_MODULES;
if (file) {
  register('./record-modules-hooks.mjs', import.meta.url, { data: { file } });
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => {
    const urls = Object.keys(cache).map((p) => `file://${p}`);
    if (urls.length) appendFileSync(file, `${urls.join('\n')}\n`);
  });
}
