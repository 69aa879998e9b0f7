/**
 * A long-running process (serve, worker) must outlive a database blip. A promise that rejects
 * with nobody waiting for it (a fire-and-forget path that met a dropped connection) would end the
 * process under Node's default; this logs it and goes on, since the work it belonged to is retried
 * (outbox leases, job schedules) or was answered with "try again".
 */
import type { Logger } from './logger';

/** Logs unhandled rejections instead of exiting; returns the function that removes the handler. */
export function logUnhandledRejections(logger: Logger): () => void {
  const onRejection = (reason: unknown) => logger.error({ err: reason }, 'unhandled promise rejection; carrying on');
  process.on('unhandledRejection', onRejection);
  return () => void process.off('unhandledRejection', onRejection);
}
