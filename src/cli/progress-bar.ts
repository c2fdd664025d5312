/** A one-line progress bar for terminals (redrawn in place); plain log lines when stderr is not a TTY. */
export class ProgressBar {
  private lastLine = '';

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly width = 30,
  ) {}

  update(fraction: number, label: string): void {
    const clamped = Math.min(1, Math.max(0, fraction));
    const filled = Math.round(clamped * this.width);
    const line = `[${'█'.repeat(filled)}${'░'.repeat(this.width - filled)}] ${(clamped * 100).toFixed(0).padStart(3)}% ${label}`;
    if (line === this.lastLine) return;
    this.lastLine = line;
    if (this.stream.isTTY) this.stream.write(`\r\x1b[2K${line}`);
    else this.stream.write(`${line}\n`);
  }

  done(message: string): void {
    if (this.stream.isTTY) this.stream.write('\r\x1b[2K');
    this.stream.write(`${message}\n`);
  }
}
