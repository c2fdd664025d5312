import { AsyncLocalStorage } from 'node:async_hooks';
import { AppError } from './errors.js';

/**
 * The work done for one client request (a GraphQL operation over HTTP or WebSocket), carried
 * implicitly through every async call it makes. The server opens a scope; the GraphQL layer
 * and the store decorator read it to stop work once the request is over. Services never see
 * it, except to step out of it when they start background work that outlives the request.
 */
export interface RequestScope {
  /** Aborted when the deadline passes or the client goes away; `reason` is an AppError. */
  readonly signal: AbortSignal;
  /** Store calls of this request wait here, so one request cannot take every file handle. */
  readonly storeCalls: Semaphore;
}

const storage = new AsyncLocalStorage<RequestScope>();

export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

/**
 * Runs `fn` outside any request scope: for background work (segmentation runs, profile
 * refreshes) started while serving a request, which must neither be cancelled with it nor
 * share its budget.
 */
export function outsideRequestScope<T>(fn: () => T): T {
  return storage.exit(fn);
}

/** Throws the scope's cancellation error (REQUEST_TIMEOUT or REQUEST_CANCELLED) once it is aborted. */
export function throwIfRequestEnded(scope: RequestScope | undefined = currentRequestScope()): void {
  if (scope?.signal.aborted) throw cancellationError(scope.signal);
}

export function cancellationError(signal: AbortSignal): AppError {
  return signal.reason instanceof AppError ? signal.reason : new AppError('REQUEST_CANCELLED', 'the request was cancelled');
}

/**
 * A scope for one request with a deadline. Call `end()` when the answer is sent (clears the timer);
 * `cancel()` when the client disconnects first.
 */
export function openRequestScope(options: { timeoutMs: number; maxConcurrentStoreCalls: number }): RequestScope & {
  cancel(): void;
  end(): void;
} {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(
      new AppError('REQUEST_TIMEOUT', `the request took longer than REQUEST_TIMEOUT_MS=${options.timeoutMs} ms and was stopped`, {
        timeoutMs: options.timeoutMs,
      }),
    );
  }, options.timeoutMs);
  timer.unref();
  return {
    signal: controller.signal,
    storeCalls: new Semaphore(options.maxConcurrentStoreCalls),
    cancel() {
      clearTimeout(timer);
      if (!controller.signal.aborted) controller.abort(new AppError('REQUEST_CANCELLED', 'the client went away before the answer was sent'));
    },
    end() {
      clearTimeout(timer);
    },
  };
}

/**
 * Counting semaphore whose waiters give up when a signal aborts. Hand-written because the
 * common npm limiters (p-limit, async-sema) cannot drop one waiter on abort.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<{ grant: () => void; fail: (error: unknown) => void }> = [];

  constructor(readonly capacity: number) {}

  /** Current holders (for tests and diagnostics). */
  get inUse(): number {
    return this.active;
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw cancellationError(signal);
    if (this.active < this.capacity) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        fail: reject,
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(cancellationError(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter; `active` stays the same.
      if (next) next.grant();
      else this.active--;
    };
  }
}
