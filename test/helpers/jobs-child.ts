/**
 * A jobs process for the kill test: runs every job as of `AT` (a clock that then moves with real
 * time), and delivers through a slow deliverer that appends each notification's dedupe key to
 * `OUT` — the "platform". Env: DATABASE_URL, AT, OUT.
 */
import { appendFileSync } from 'node:fs';
import { openDatabase } from '../../db/client';
import type { Clock } from '../../flows';
import { createDispatcher } from '../../src/dispatcher';
import { JOB_HANDLERS, JOB_NAMES } from '../../src/jobs/handlers';
import { createLogger } from '../../src/logger';
import { seedPolicy } from './jobs-seed';

const started = Date.now();
const at = new Date(process.env.AT!).getTime();
const clock: Clock = { now: () => new Date(at + (Date.now() - started)) };
const database = await openDatabase({ url: process.env.DATABASE_URL });
const deps = { db: database.db, policy: seedPolicy(), clock };
for (const name of JOB_NAMES) await JOB_HANDLERS[name](deps, clock.now());
const dispatcher = createDispatcher(deps, createLogger('silent'), { leaseMs: 2000, batchSize: 50 });
dispatcher.register('shell', async (row) => {
  await new Promise((r) => setTimeout(r, 150));
  appendFileSync(process.env.OUT!, `${row.dedupeKey}\n`);
  return { ok: true };
});
await dispatcher.drain();
await database.close();
