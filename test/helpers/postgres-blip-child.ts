/**
 * A process that loses its Postgres backends the ways a server does, with the postgres.js build
 * named by `BUILD` (`esm` or `cjs`), and must stay alive: a transaction whose backend is
 * terminated mid-query (postgres.js then sends its own ROLLBACK on the dead connection), a
 * reserved connection whose backend is terminated while idle, and a burst of queries and
 * transactions while every backend of the database is terminated again and again, and queries
 * while the database refuses connections after its backends died mid-query. Prints one JSON line
 * of outcomes. Env: DATABASE_URL (a database of its own), ADMIN_URL (to refuse connections), BUILD.
 */
import { createRequire } from 'node:module';
import type postgresType from 'postgres';
import { postgresOptions } from '../../db/postgres-options';

type Postgres = typeof postgresType;
const url = process.env.DATABASE_URL!;
const build = process.env.BUILD === 'cjs' ? 'cjs' : 'esm';
const postgres: Postgres =
  build === 'cjs' ? (createRequire(import.meta.url)('postgres') as Postgres) : (await import('postgres')).default;

/** `ok:<value>`, `error:<code>`, or `hang` when it does not settle within `ms`. */
const outcome = (p: Promise<unknown>, ms = 5000): Promise<string> =>
  Promise.race([
    p.then(
      (v) => `ok:${JSON.stringify(v)}`,
      (e: { code?: string }) => `error:${e.code ?? 'unknown'}`,
    ),
    new Promise<string>((r) => setTimeout(() => r('hang'), ms).unref()),
  ]);

// The options the server uses (bounded reconnect back-off), so the burst settles as it would there.
const sql = postgres(url, postgresOptions(4));
const killer = postgres(url, postgresOptions(1));
const result: Record<string, unknown> = { build };

// 1. A transaction whose backend dies during a query.
let pid: number | null = null;
const tx = sql.begin(async (t) => {
  const [row] = await t<{ pid: number }[]>`select pg_backend_pid() as pid`;
  pid = row!.pid;
  await t`select pg_sleep(3)`;
});
// Watched from the start: the transaction may fail before the kill's own answer arrives, and a
// rejection nobody waits for yet would end this process (Node's default for unhandled rejections).
const txOutcome = outcome(tx, 8000);
while (pid === null) await new Promise((r) => setTimeout(r, 10));
await killer`select pg_terminate_backend(${pid})`;
result.transaction = await txOutcome;
result.afterTransaction = await outcome(sql`select 1 as one`.then((r) => r[0]!.one));

// 2. A reserved connection whose backend dies while idle (kept reserved: postgres.js 3.4.9 has a
// separate defect when a dead reserved connection is released, and aimsbot does not reserve).
const reserved = await sql.reserve();
const [own] = await reserved<{ pid: number }[]>`select pg_backend_pid() as pid`;
await killer`select pg_terminate_backend(${own!.pid})`;
result.reserved = [await outcome(reserved`select 1`), await outcome(reserved`select 1`)];

// 3. A burst of queries and transactions while every backend of this database is terminated
// again and again for a while; once that stops, every one of them must settle.
const killUntil = Date.now() + 1500;
const kills = (async () => {
  while (Date.now() < killUntil) {
    await killer`select pg_terminate_backend(pid) from pg_stat_activity
                 where datname = current_database() and pid <> pg_backend_pid()`.catch(() => {});
    await new Promise((r) => setTimeout(r, 15));
  }
})();
const burst: Promise<string>[] = [];
for (let i = 0; i < 120; i++) {
  burst.push(
    outcome(
      i % 2
        ? sql.begin(async (t) => {
            await t`select ${i}::int as i`;
            await t`select pg_sleep(0.002)`;
            return i;
          })
        : sql`select ${i}::int as i`.then((r) => r[0]!.i),
      8000,
    ),
  );
  if (i % 10 === 9) await new Promise((r) => setTimeout(r, 10));
}
const outcomes = await Promise.all(burst);
await kills;
result.burst = { total: outcomes.length, hung: outcomes.filter((o) => o === "hang").length };
if (process.env.BLIP_DEBUG) result.hungAt = outcomes.flatMap((o, i) => (o === "hang" ? [i] : []));
if (process.env.BLIP_DEBUG) result.outcomes = outcomes.join(" ");
result.afterBurst = await outcome(sql`select 3 as three`.then((r) => r[0]!.three));

// 4. Backends terminated in the middle of queries while the database refuses new connections
// (`allow_connections false`, as during a failover or maintenance): every query issued meanwhile
// must fail promptly, not wait for the database to come back.
const dbName = new URL(url).pathname.slice(1);
const admin = postgres(process.env.ADMIN_URL!, postgresOptions(1));
// Two plain queries and two transactions: a transaction's ROLLBACK then goes to a closed connection.
const inFlight = [
  ...[1, 2].map(() => outcome(sql`select pg_sleep(2)`, 8000)),
  ...[3, 4].map(() => outcome(sql.begin(async (t) => t`select pg_sleep(2)`), 8000)),
];
await new Promise((r) => setTimeout(r, 200));
await admin.unsafe(`alter database "${dbName}" allow_connections false`);
const refusing: Promise<string>[] = [];
try {
  await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${dbName}`;
  for (let i = 0; i < 24; i++) {
    refusing.push(outcome(sql`select ${i}::int as i`, 5000));
    await new Promise((r) => setTimeout(r, 100));
  }
  const settled = await Promise.all(refusing);
  result.refusing = { total: settled.length, hung: settled.filter((o) => o === 'hang').length, ok: settled.filter((o) => o.startsWith('ok')).length };
  await Promise.all(inFlight);
} finally {
  await admin.unsafe(`alter database "${dbName}" allow_connections true`);
}
result.afterRefusing = await outcome(sql`select 4 as four`.then((r) => r[0]!.four), 8000);
await admin.end({ timeout: 1 });

await Promise.all([sql.end({ timeout: 1 }), killer.end({ timeout: 1 })]);
// Exit as soon as the outcomes are out; reconnect timers of the terminated pool may linger.
process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
