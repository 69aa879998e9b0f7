import { describe, expect, it } from 'vitest';
import { coalesce } from '../../flows/coalesce';

describe('coalesce', () => {
  it('sends a lone call at once, batches calls that wait, and keeps each batch within its limits', async () => {
    const batches: number[][] = [];
    const gates: Array<() => void> = [];
    const double = coalesce(
      async (items: number[]) => {
        batches.push(items);
        await new Promise<void>((r) => gates.push(r));
        return items.map((n) => n * 2);
      },
      { maxInFlight: 1, maxBatch: 3 },
    );
    const first = double(1);
    const rest = [2, 3, 4, 5, 6].map((n) => double(n));
    expect(batches).toEqual([[1]]);
    gates.shift()!();
    expect(await first).toBe(2);
    await new Promise((r) => setTimeout(r, 0));
    expect(batches).toEqual([[1], [2, 3, 4]]);
    gates.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    gates.shift()!();
    expect(await Promise.all(rest)).toEqual([4, 6, 8, 10, 12]);
    expect(batches).toEqual([[1], [2, 3, 4], [5, 6]]);
  });

  it('fails every call of a failed batch, and the next batch still runs; a result may be a promise of its own', async () => {
    let fail = true;
    const f = coalesce(
      async (items: string[]) => {
        if (fail) throw new Error('down');
        return items.map((s) => (s === 'later' ? Promise.resolve('late') : s));
      },
      { maxInFlight: 1, maxBatch: 10 },
    );
    await expect(f('a')).rejects.toThrow('down');
    fail = false;
    expect(await Promise.all([f('b'), f('later')])).toEqual(['b', 'late']);
  });
});
