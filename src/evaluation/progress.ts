import { ProgressBar } from '../cli/progress-bar.js';

/**
 * Progress of a long job in named phases: a redrawn bar on a terminal; on a pipe or a log
 * file, one line when a phase starts, at every quarter, and when it ends.
 */
export class PhaseProgress {
  private readonly bar: ProgressBar | null;
  private phase = '';
  private started = 0;
  private lastQuarter = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.bar = stream.isTTY ? new ProgressBar(stream) : null;
  }

  start(phase: string): void {
    this.phase = phase;
    this.started = Date.now();
    this.lastQuarter = 0;
    if (this.bar) this.bar.update(0, phase);
    else this.stream.write(`${phase}…\n`);
  }

  update(fraction: number, detail = ''): void {
    const label = detail ? `${this.phase}: ${detail}` : this.phase;
    if (this.bar) {
      this.bar.update(fraction, label);
      return;
    }
    const quarter = Math.floor(Math.min(1, Math.max(0, fraction)) * 4);
    if (quarter > this.lastQuarter && quarter < 4) {
      this.lastQuarter = quarter;
      this.stream.write(`  ${quarter * 25}% ${label}\n`);
    }
  }

  /** Ends the phase with a summary; returns its wall time in ms. */
  end(summary = 'done'): number {
    const ms = Date.now() - this.started;
    const line = `${this.phase}: ${summary} (${formatDuration(ms)})`;
    if (this.bar) this.bar.done(line);
    else this.stream.write(`${line}\n`);
    return ms;
  }

  /** A message between phases (warnings), on its own line. */
  note(message: string): void {
    if (this.bar) this.bar.done(message);
    else this.stream.write(`${message}\n`);
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}
