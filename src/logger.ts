/** Structured logging with pino, to stderr so stdout stays for command output. Secrets are redacted. */
import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/** Creates the process logger. */
export function createLogger(level = 'info'): Logger {
  return pino(
    {
      level,
      redact: {
        paths: ['token', '*.token', 'botToken', '*.botToken', 'signingSecret', '*.signingSecret', 'appPassword', '*.appPassword', 'headers.authorization', '*.headers.authorization', 'password', '*.password', 'clientSecret', '*.clientSecret', 'stateSecret', '*.stateSecret', 'encryptionKey', '*.encryptionKey'],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}
