/**
 * Runs async tasks one at a time per key (a promise chain per key).
 *
 * The Lance adapter serialises every write to a table through this: Lance commits are
 * optimistic and concurrent writers on one table can fail with commit conflicts, and
 * read-merge-write operations (setPayload) must not interleave with other writes.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    // Run after the previous task settles, whether it failed or not.
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    // Drop the entry once idle so the map does not grow with every key ever seen.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Resolves when every task queued so far has settled. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all([...this.#tails.values()]);
  }
}
