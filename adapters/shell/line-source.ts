/**
 * Reads lines one at a time from a pipe, or from a terminal with line editing, history and a
 * prompt (node:readline with `terminal: true`); null at end of input.
 */
import { createInterface } from 'node:readline';

/** Thrown by `next` when Ctrl-C is pressed on a terminal. */
export class CtrlC extends Error {
  /** `hadText`: the line being typed was not empty (Ctrl-C only cleared it). */
  constructor(readonly hadText: boolean) {
    super('interrupted');
  }
}

/** Where the shell's lines come from. */
export interface LineSource {
  /** True on a terminal: a person types, sees `prompt` and may press Ctrl-C. */
  readonly interactive?: boolean;
  /** The next line; null at end of input. Rejects with CtrlC when Ctrl-C is pressed (terminal only). */
  next(prompt?: string): Promise<string | null>;
  close(): void;
}

/** Lines from a pipe or file; prompts are not shown (the session echoes what it reads). */
export function lineSource(input: NodeJS.ReadableStream): LineSource {
  const rl = createInterface({ input, terminal: false, crlfDelay: Infinity });
  const it = rl[Symbol.asyncIterator]();
  return {
    interactive: false,
    async next() {
      const r = await it.next();
      return r.done ? null : r.value;
    },
    close: () => rl.close(),
  };
}

/** How many typed lines the terminal remembers (arrow up and down). */
const HISTORY_SIZE = 500;

/** Lines typed on a terminal: editing, history, a prompt, and Ctrl-C reported as CtrlC. */
export function terminalLineSource(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): LineSource {
  const rl = createInterface({ input, output, terminal: true, historySize: HISTORY_SIZE, removeHistoryDuplicates: true });
  const typed: string[] = [];
  let ended = false;
  let interrupted: CtrlC | null = null;
  let waiting: { resolve: (line: string | null) => void; reject: (err: CtrlC) => void } | null = null;
  const settle = (f: (w: NonNullable<typeof waiting>) => void) => {
    const w = waiting;
    waiting = null;
    if (w) f(w);
    return !!w;
  };
  rl.on('line', (line) => settle((w) => w.resolve(line)) || typed.push(line));
  rl.on('close', () => {
    ended = true;
    settle((w) => w.resolve(null));
  });
  rl.on('SIGINT', () => {
    const hadText = rl.line.length > 0;
    // Clear what was typed, as a shell does, and end the prompt's line.
    rl.write(null, { ctrl: true, name: 'e' });
    rl.write(null, { ctrl: true, name: 'u' });
    output.write('^C\n');
    const err = new CtrlC(hadText);
    if (!settle((w) => w.reject(err))) interrupted = err;
  });
  return {
    interactive: true,
    next(prompt = '') {
      if (typed.length) return Promise.resolve(typed.shift()!);
      if (interrupted) {
        const err = interrupted;
        interrupted = null;
        return Promise.reject(err);
      }
      if (ended) return Promise.resolve(null);
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        rl.setPrompt(prompt);
        rl.prompt();
      });
    },
    close: () => rl.close(),
  };
}
