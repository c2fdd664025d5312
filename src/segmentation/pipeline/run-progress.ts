import type { RunPhase, SegmentationRun } from '../run.js';

/** The phases' shares of the whole run, for one progress figure. */
export const PHASE_SPAN: Record<RunPhase, [number, number]> = {
  queued: [0, 0],
  scrolling: [0, 0.25],
  clustering: [0.25, 0.75],
  describing: [0.75, 0.85],
  writing: [0.85, 1],
  done: [1, 1],
};

/**
 * A run's progress as it moves through its phases: the overall fraction, and the wall time
 * of each phase, closed when the next one begins. Every change goes to `publish` (the
 * coordinator saves and broadcasts it, throttled unless `force`). The clock is injectable
 * for tests.
 */
export class RunProgress {
  private phaseStarted: number;

  constructor(
    private current: SegmentationRun,
    private readonly publish: (run: SegmentationRun, force: boolean) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.phaseStarted = now();
  }

  get run(): SegmentationRun {
    return this.current;
  }

  /** Records changes (no phase change). */
  update(changes: Partial<SegmentationRun>, force = false): void {
    this.current = { ...this.current, ...changes };
    this.publish(this.current, force);
  }

  /** Moves to (or within) a phase, at `fraction` of it, with other changes. */
  phase(name: RunPhase, fraction = 0, changes: Partial<SegmentationRun> = {}, force = false): void {
    this.update({ ...changes, ...this.phaseChanges(name, fraction) }, force);
  }

  /** The fields a move to `name` at `fraction` changes, closing the previous phase's timing when the phase changes. */
  phaseChanges(name: RunPhase, fraction = 0): Partial<SegmentationRun> {
    const [from, to] = PHASE_SPAN[name];
    const changes: Partial<SegmentationRun> = { phase: name, progress: from + (to - from) * Math.min(1, Math.max(0, fraction)) };
    const run = this.current;
    if (name !== run.phase) {
      const now = this.now();
      if (run.phase !== 'queued') changes.timings = [...run.timings, { phase: run.phase, ms: now - this.phaseStarted }];
      this.phaseStarted = now;
    }
    return changes;
  }
}
