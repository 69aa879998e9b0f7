import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { answerInTime, VIEW_ANSWER_MS } from '../../adapters/slack/view-deadline';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/** Runs `handler` wrapped, with a recording ack and client; returns what Slack was told. */
function harness() {
  const acks: unknown[] = [];
  const updates: Array<{ view_id: string; view: { title: { text: string }; blocks: unknown[] } }> = [];
  const client = { views: { update: vi.fn(async (p: (typeof updates)[number]) => void updates.push(p)) } };
  const rt = { client: client as never, logger: pino({ level: 'silent' }) };
  const run = (handler: (a: Args) => Promise<void>) =>
    answerInTime(rt, handler)({ ack: async (r?: unknown) => void acks.push(r ?? null), view: { id: 'V1' } } as unknown as Args);
  return { acks, updates, run };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('answering a view submission in time', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('passes a timely answer through unchanged, and says nothing more', async () => {
    const h = harness();
    const done = h.run(async ({ ack }) => {
      await sleep(100);
      await ack({ response_action: 'errors', errors: { title: 'A title is required.' } });
    });
    await vi.advanceTimersByTimeAsync(10_000);
    await done;
    expect(h.acks).toEqual([{ response_action: 'errors', errors: { title: 'A title is required.' } }]);
    expect(h.updates).toEqual([]);
  });

  it('says "working on it" at the deadline, then shows a late close as finished', async () => {
    const h = harness();
    const done = h.run(async ({ ack }) => {
      await sleep(VIEW_ANSWER_MS + 1_000);
      await ack();
    });
    await vi.advanceTimersByTimeAsync(VIEW_ANSWER_MS);
    expect(h.acks).toHaveLength(1);
    expect(h.acks[0]).toMatchObject({ response_action: 'update', view: { title: { text: 'Working on it' } } });
    await vi.advanceTimersByTimeAsync(1_000);
    await done;
    expect(h.acks).toHaveLength(1);
    expect(h.updates.map((u) => [u.view_id, u.view.title.text])).toEqual([['V1', 'Finished']]);
  });

  it('shows late field errors as a sentence, escaped, and a late next view as it is', async () => {
    const h = harness();
    const late = h.run(async ({ ack }) => {
      await sleep(VIEW_ANSWER_MS + 10);
      await ack({ response_action: 'errors', errors: { title: 'Use <fewer> *words*.' } });
    });
    await vi.advanceTimersByTimeAsync(VIEW_ANSWER_MS + 10);
    await late;
    expect(h.updates[0]!.view.title.text).toBe('Not saved');
    const text = JSON.stringify(h.updates[0]!.view.blocks);
    expect(text).toContain('Use &lt;fewer&gt;');
    expect(text).toContain('Nothing was saved');

    const next = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Step 2' }, blocks: [] };
    const h2 = harness();
    const upd = h2.run(async ({ ack }) => {
      await sleep(VIEW_ANSWER_MS + 10);
      await ack({ response_action: 'update', view: next });
    });
    await vi.advanceTimersByTimeAsync(VIEW_ANSWER_MS + 10);
    await upd;
    expect(h2.updates[0]!.view).toEqual(next);
  });

  it('gives no answer of its own for a handler that failed before answering', async () => {
    const h = harness();
    const failing = h.run(async () => {
      await sleep(100);
      throw new Error('boom');
    });
    const settled = failing.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await settled).toBeInstanceOf(Error);
    expect(h.acks).toEqual([]);
    expect(h.updates).toEqual([]);
  });
});
