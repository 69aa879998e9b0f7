/** A clock tests move by hand. */
import type { Clock } from '../../flows/ports';

export interface TestClock extends Clock {
  set(iso: string | Date): void;
  advance(ms: number): void;
}

export function testClock(start = '2026-11-02T09:00:00Z'): TestClock {
  let now = new Date(start);
  return {
    now: () => new Date(now.getTime()),
    set: (iso) => void (now = new Date(iso)),
    advance: (ms) => void (now = new Date(now.getTime() + ms)),
  };
}
