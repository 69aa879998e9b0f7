/**
 * Bolt runs every request through every listener it has: each `app.action`, `app.view`,
 * `app.command` and `app.event` is a middleware chain whose first link is a built-in filter
 * (`onlyActions`, `onlyCommands`, …) that lets only its own kind of request through. With the
 * fifty-odd listeners of this app a slash command starts fifty chains (closures, promises and
 * an async call each) to reach the one listener it can match, and that fan-out was the largest
 * share of the garbage made per request.
 *
 * `narrowListeners` adds the last global middleware: just before Bolt hands the request to its
 * listeners it shows Bolt only those whose first filter would let this kind of request through.
 * Nothing else changes: the same chains run in the same order, with Bolt's own matching,
 * acknowledgement and error handling; a listener left out is one whose filter would have
 * stopped the request without doing anything. A listener that does not start with a known
 * filter (a custom function, say) is always kept.
 *
 * Bolt keeps its listeners in a private `listeners` array that it reads once, synchronously,
 * when the last global middleware calls `next()`; the narrowed list is in place for exactly
 * that call and the full list is put back before anything else runs, so a listener registered
 * later is never lost.
 */
import { onlyActions, onlyCommands, onlyEvents, onlyOptions, onlyShortcuts, onlyViewActions } from '@slack/bolt';
import type { AnyMiddlewareArgs, App, Middleware } from '@slack/bolt';

/** One listener as Bolt stores it: its middleware chain, the listener itself last. */
export type ListenerChain = ReadonlyArray<Middleware<AnyMiddlewareArgs>>;

type Args = Partial<Record<'command' | 'action' | 'view' | 'event' | 'options' | 'shortcut', unknown>>;

/** Bolt's kind filters and the argument each one requires (as in @slack/bolt's middleware/builtin). */
const KIND_FILTERS: ReadonlyArray<readonly [Middleware<AnyMiddlewareArgs>, (a: Args) => boolean]> = [
  [onlyCommands, (a) => !!a.command],
  [onlyActions, (a) => !!a.action],
  [onlyViewActions, (a) => 'view' in a],
  [onlyEvents, (a) => a.event !== undefined],
  [onlyOptions, (a) => !!a.options],
  [onlyShortcuts, (a) => !!a.shortcut],
];

/** The listeners of `all` that a request with these middleware arguments can reach, in order. */
export function reachableListeners<L extends ListenerChain>(all: readonly L[], args: object): L[] {
  const passes = new Map(KIND_FILTERS.map(([filter, admits]) => [filter, admits(args as Args)]));
  return all.filter((chain) => passes.get(chain[0]!) ?? true);
}

/** A key for the kind of request: which of Bolt's kind filters it passes. */
function kindKey(args: object): number {
  let key = 0;
  for (let i = 0; i < KIND_FILTERS.length; i++) if (KIND_FILTERS[i]![1](args as Args)) key |= 1 << i;
  return key;
}

interface BoltListeners {
  listeners: ListenerChain[];
}

/**
 * Adds the narrowing middleware to `bolt`. Call it after every other `bolt.use`: it must be the
 * last global middleware (its `next()` is where Bolt reads its listeners).
 */
export function narrowListeners(bolt: App): void {
  const holder = bolt as unknown as BoltListeners;
  if (!Array.isArray(holder.listeners)) return; // Not the Bolt this was written for: run as Bolt does.
  let indexed: ListenerChain[] | null = null;
  let indexedLength = -1;
  const byKind = new Map<number, ListenerChain[]>();
  bolt.use(async (args) => {
    const all = holder.listeners;
    if (all !== indexed || all.length !== indexedLength) {
      indexed = all;
      indexedLength = all.length;
      byKind.clear();
    }
    const key = kindKey(args);
    let reachable = byKind.get(key);
    if (!reachable) {
      reachable = reachableListeners(all, args);
      byKind.set(key, reachable);
    }
    holder.listeners = reachable;
    let passed: Promise<void>;
    try {
      passed = args.next();
    } finally {
      holder.listeners = all;
    }
    await passed;
  });
}
