import { AsyncLocalStorage } from 'node:async_hooks';
import { KeyedLock } from '../store/keyed-lock.js';

/**
 * A shared/exclusive gate over every writer of user and item records. Writers hold it shared
 * from embedding a record to storing it (through GatedKeyedLock, i.e. the records' locks); a
 * migration's switch holds it exclusively: it waits for writers already embedding with the old
 * model to store their records, keeps new writers waiting while it applies the last changes and
 * switches the store and the embedder, then lets them embed with the new model.
 */
export class WriteGate {
  #holders = 0;
  #closedUntil: Promise<void> | undefined;
  #onIdle: (() => void) | undefined;
  /** Marks code already holding the gate, so nested record locks (erasure takes user and item locks) do not wait on it again. */
  readonly #inside = new AsyncLocalStorage<true>();

  async shared<T>(task: () => Promise<T>): Promise<T> {
    if (this.#inside.getStore()) return task();
    while (this.#closedUntil) await this.#closedUntil;
    this.#holders++;
    try {
      return await this.#inside.run(true, task);
    } finally {
      this.#holders--;
      if (this.#holders === 0) this.#onIdle?.();
    }
  }

  async exclusive<T>(task: () => Promise<T>): Promise<T> {
    while (this.#closedUntil) await this.#closedUntil;
    let open!: () => void;
    this.#closedUntil = new Promise<void>((resolve) => (open = resolve));
    try {
      if (this.#holders > 0) await new Promise<void>((resolve) => (this.#onIdle = resolve));
      this.#onIdle = undefined;
      return await task();
    } finally {
      this.#closedUntil = undefined;
      open();
    }
  }
}

/** Record locks that also hold the write gate shared while their task runs. */
export class GatedKeyedLock extends KeyedLock {
  constructor(private readonly gate: WriteGate) {
    super();
  }

  override run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return super.run(key, () => this.gate.shared(task));
  }

  override runAll<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    return super.runAll(keys, () => this.gate.shared(task));
  }
}
