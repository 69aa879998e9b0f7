/**
 * A database handle that fails on command, as a dropped connection does: while `down()`, every
 * query the code starts fails; `failNext(op, table, n)` fails only the next `n` inserts or
 * updates of one table (inside transactions too). The database itself is untouched, so a test
 * can inject a blip at an exact moment (e.g. right after the fake platform answered a post)
 * without touching anyone else's connections.
 */
import type { Db } from '../../db/client';

/** The error a terminated backend gives postgres.js. */
function dropped(): Error {
  return Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
}

/** A switchable fault in front of a database handle. */
export interface FaultyDb {
  /** Wraps the real handle; give the result to the code under test. */
  wrap(db: Db): Db;
  /** Every query started from now on fails, until `up()`. */
  down(): void;
  up(): void;
  /** The next `n` calls of `op` on `table` fail. */
  failNext(op: 'insert' | 'update', table: unknown, n?: number): void;
  /** How many calls failed so far. */
  readonly failures: number;
}

/** Creates the switch; `wrap` each handle the code under test should see. */
export function faultyDb(): FaultyDb {
  let isDown = false;
  let failures = 0;
  const planned: Array<{ op: string; table: unknown; n: number }> = [];
  const fail = (): never => {
    failures += 1;
    throw dropped();
  };
  const plannedFor = (op: string, table: unknown) => {
    const p = planned.find((x) => x.op === op && x.table === table && x.n > 0);
    if (!p) return false;
    p.n -= 1;
    return true;
  };

  const wrap = (db: Db): Db =>
    new Proxy(db, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        const fn = value as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          if (isDown) fail();
          if ((prop === 'insert' || prop === 'update') && plannedFor(prop, args[0])) fail();
          if (prop === 'transaction') {
            const [body, ...rest] = args as [(tx: Db) => Promise<unknown>, ...unknown[]];
            return fn.call(target, (tx: Db) => body(wrap(tx)), ...rest);
          }
          return fn.apply(target, args);
        };
      },
    });

  return {
    wrap,
    down: () => void (isDown = true),
    up: () => void (isDown = false),
    failNext: (op, table, n = 1) => void planned.push({ op, table, n }),
    get failures() {
      return failures;
    },
  };
}
