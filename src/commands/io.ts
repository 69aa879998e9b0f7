/** What a CLI command may touch: its arguments, streams and environment. Injected so tests can drive commands in-process. */
export interface CliIo {
  argv: string[];
  stdin: NodeJS.ReadableStream;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

/** An error whose message is shown to the operator as one line, with exit code 2 (bad input). */
export class UsageError extends Error {
  readonly code = 'usage';
  constructor(message: string) {
    super(message);
  }
}

/** Reads a whole stream as UTF-8 text. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
