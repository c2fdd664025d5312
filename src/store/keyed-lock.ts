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

  /**
   * Runs `task` once every earlier task on any of `keys` has settled, holding all of them.
   * The task registers on every key synchronously, so each task waits only for tasks
   * registered before it: no two tasks can wait for each other, whatever the key order.
   */
  runAll<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)];
    const previous: Promise<unknown>[] = [];
    for (const key of unique) {
      const tail = this.#tails.get(key);
      if (tail) previous.push(tail);
    }
    // Tails never reject (see below), so Promise.all settles only when all have.
    const result = Promise.all(previous).then(task);
    const tail = result.catch(() => undefined);
    for (const key of unique) this.#tails.set(key, tail);
    void tail.then(() => {
      for (const key of unique) if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Resolves when every task queued so far has settled. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all([...this.#tails.values()]);
  }
}
