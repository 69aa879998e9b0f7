/**
 * A process that takes the lock of a data directory, for the lock tests. Args: <dir> [graceful].
 * Prints `ready`, waits for a `go` line, then prints `held <pid>` or `refused <holder pid>`; it
 * exits (without releasing by hand) when stdin ends. With `graceful` it has its own SIGTERM
 * handler, as `serve` and `worker` do, which prints `stopping` and then releases and exits 0.
 */
import { createInterface } from 'node:readline';
import { DataDirLockedError, lockEmbeddedDataDir } from '../../db/embedded-lock';

const [dir, mode] = process.argv.slice(2);
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
lines.once('line', () => {
  lockEmbeddedDataDir(dir!).then(
    (lock) => {
      if (mode === 'graceful') {
        process.once('SIGTERM', () => {
          process.stdout.write('stopping\n');
          lock.release();
          process.exit(0);
        });
      }
      process.stdout.write(`held ${process.pid}\n`);
    },
    (err: unknown) => {
      process.stdout.write(err instanceof DataDirLockedError ? `refused ${err.pid}\n` : `error ${String(err)}\n`);
    },
  );
});
