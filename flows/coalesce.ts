/**
 * Lets calls that arrive together share one round trip. At most `maxInFlight` batches are on
 * their way at once; calls arriving meanwhile wait and go together in the next batch (at most
 * `maxBatch` each). With nothing on its way a call goes at once, alone, so an idle database
 * sees no wait at all.
 */

/** Limits of a coalescer. */
export interface CoalesceLimits {
  /** Batches on their way at once. */
  maxInFlight: number;
  /** Calls in one batch at most. */
  maxBatch: number;
}

/**
 * A function whose calls are batched: `run` gets the items of one batch and returns one result
 * per item, in order (a result may itself be a promise, awaited by that call alone). A failed
 * `run` fails every call of its batch.
 */
export function coalesce<T, R>(run: (items: T[]) => Promise<ReadonlyArray<R | Promise<R>>>, limits: CoalesceLimits): (item: T) => Promise<R> {
  const waiting: Array<{ item: T; resolve: (r: R | Promise<R>) => void; reject: (err: unknown) => void }> = [];
  let inFlight = 0;
  const drain = (): void => {
    while (inFlight < limits.maxInFlight && waiting.length > 0) {
      const batch = waiting.splice(0, limits.maxBatch);
      inFlight += 1;
      void run(batch.map((w) => w.item))
        .then(
          (results) => batch.forEach((w, i) => w.resolve(results[i]!)),
          (err: unknown) => batch.forEach((w) => w.reject(err)),
        )
        .finally(() => {
          inFlight -= 1;
          drain();
        });
    }
  };
  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      drain();
    });
}
