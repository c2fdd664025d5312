import type { Logger } from 'pino';
import { outsideRequestScope } from '../app/request-scope.js';
import type { InteractionRepository } from '../interactions/interaction-repository.js';
import type { ProfileService } from './profile-service.js';

/**
 * Background job that rebuilds the profiles of users whose interactions changed.
 * Interactions queue their users (in SQLite); the refresher drains the queue in batches
 * shortly after writes stop, so a burst of events costs one embedding per user, not one
 * per event. Segmentation calls `flush()` before reading vectors.
 */
export class ProfileRefresher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly interactions: InteractionRepository,
    private readonly profiles: ProfileService,
    private readonly logger: Logger,
    private readonly options: { delayMs: number; batchSize: number },
  ) {}

  /** Called after interactions are recorded: rebuild soon, once writes pause. */
  schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    // Scheduled from a request, but runs outside its scope: the refresh outlives the request.
    this.timer = outsideRequestScope(() =>
      setTimeout(() => {
        this.timer = null;
        this.flush().catch((error: unknown) => this.logger.error({ err: error }, 'profile refresh failed; will retry on the next write'));
      }, this.options.delayMs),
    );
    this.timer.unref();
  }

  /** Rebuilds every queued profile now; concurrent callers share one drain. */
  flush(): Promise<void> {
    if (!this.running) {
      this.running = this.drain().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  pending(): number {
    return this.interactions.queuedProfileCount();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async drain(): Promise<void> {
    let total = 0;
    for (;;) {
      const batch = this.interactions.queuedProfiles(this.options.batchSize);
      if (batch.length === 0 || this.stopped) break;
      await this.profiles.refresh(batch.map((b) => b.userId));
      this.interactions.dequeueProfiles(batch);
      total += batch.length;
    }
    if (total > 0) this.logger.debug({ users: total }, 'rebuilt user profiles');
  }
}
