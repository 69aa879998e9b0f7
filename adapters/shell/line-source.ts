/** Reads lines one at a time from a stream (a terminal or a pipe); null at end of input. */
import { createInterface } from 'node:readline';

export interface LineSource {
  next(): Promise<string | null>;
  close(): void;
}

export function lineSource(input: NodeJS.ReadableStream): LineSource {
  const rl = createInterface({ input, terminal: false, crlfDelay: Infinity });
  const it = rl[Symbol.asyncIterator]();
  return {
    async next() {
      const r = await it.next();
      return r.done ? null : r.value;
    },
    close: () => rl.close(),
  };
}
