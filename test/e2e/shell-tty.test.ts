/**
 * The shell at a real terminal: a pseudo-terminal made by `script` (util-linux) runs
 * `aimsbot shell`, and the test types into it as a person would — typos, `/aims` alone, line
 * editing, history (arrow up), a prompt per question, Ctrl-C cancelling a form, and a second
 * Ctrl-C at the prompt leaving.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedEnv } from '../helpers/cli-process';

const dir = mkdtempSync(join(tmpdir(), 'aims-tty-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CTRL_C = '\x03';
const ARROW_UP = '\x1b[A';
const BACKSPACE = '\x7f';

/** `aimsbot shell` on a pseudo-terminal; `type` writes keystrokes, `expectNext` waits for output after the last match. */
function terminal() {
  const child = spawn('script', ['-qfec', `${process.execPath} bin/aimsbot.js shell`, '/dev/null'], {
    env: { ...embeddedEnv(dir), TERM: 'xterm' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let mark = 0;
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    type: (keys: string) => child.stdin.write(keys),
    out: () => out,
    exited,
    kill: () => child.kill('SIGKILL'),
    /** Waits for `text` to appear after the previous match, and moves past it. */
    async expectNext(text: string, ms = 30_000): Promise<string> {
      const until = Date.now() + ms;
      for (;;) {
        const i = out.indexOf(text, mark);
        if (i !== -1) {
          const between = out.slice(mark, i + text.length);
          mark = i + text.length;
          return between;
        }
        if (Date.now() > until) throw new Error(`no ${JSON.stringify(text)} within ${ms} ms after:\n${out.slice(mark)}\n(whole output:\n${out})`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

describe('the shell on a terminal', { timeout: 120_000 }, () => {
  it('edits lines, recalls history, prompts per question; Ctrl-C cancels the form and a second Ctrl-C leaves', async () => {
    const t = terminal();
    try {
      await t.expectNext('aims> ', 60_000);
      t.type('lsit\r');
      await t.expectNext('unknown command `lsit` — did you mean `list`?');
      await t.expectNext('aims> ');

      t.type('/aims\r');
      const help = await t.expectNext('aims> ');
      expect(help).toContain('/aims register');
      expect(help).not.toContain('unknown command');

      t.type('/aims pending\r');
      await t.expectNext('nothing waits for your decision');
      await t.expectNext('aims> ');
      // Arrow up recalls the last line; Enter runs it again.
      t.type(`${ARROW_UP}\r`);
      await t.expectNext('nothing waits for your decision');
      await t.expectNext('aims> ');

      // A typo corrected with backspace before Enter.
      t.type(`lisx${BACKSPACE}t\r`);
      await t.expectNext('you own or registered no tools yet');
      await t.expectNext('aims> ');

      // One Ctrl-C at an empty prompt only says how to leave.
      t.type(CTRL_C);
      await t.expectNext('press Ctrl-C again');
      await t.expectNext('aims> ');

      t.type('/as Alice\r');
      await t.expectNext('you are now "alice"');
      await t.expectNext('aims> ');
      t.type('/aims register\r');
      await t.expectNext('name> ');
      t.type('Half Done\r');
      await t.expectNext('vendor> ');
      t.type(CTRL_C);
      await t.expectNext('form cancelled, nothing saved');
      await t.expectNext('aims> ');
      t.type(CTRL_C);
      expect(await t.exited).toBe(0);
      expect(t.out()).not.toMatch(/registered AI-/);
    } finally {
      t.kill();
    }
  });

  it('a question prompt shows its choices, and the form it cancels saved nothing', async () => {
    const t = terminal();
    try {
      await t.expectNext('aims> ', 60_000);
      t.type('/aims register\r');
      for (const [prompt, answer] of [['name> ', 'Half Done'], ['vendor> ', ''], ['url> ', ''], ['purpose> ', 'Trying'], ['owner> ', 'BOB'], ['department> ', '']]) {
        await t.expectNext(prompt!);
        t.type(`${answer}\r`);
      }
      await t.expectNext('usage_status [1-3]> ');
      t.type(CTRL_C);
      await t.expectNext('form cancelled, nothing saved');
      await t.expectNext('aims> ');
      t.type('/aims show AI-1\r');
      await t.expectNext('There is no system AI-1');
      await t.expectNext('aims> ');
      t.type('/quit\r');
      expect(await t.exited).toBe(0);
    } finally {
      t.kill();
    }
  });
});
