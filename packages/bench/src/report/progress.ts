/**
 * A one-line progress bar on stderr. On a TTY it redraws in place; otherwise (CI, a pipe) it
 * prints a plain line when the stage changes and at most every 10 seconds.
 */
export class Progress {
  private stageLabel = '';
  private lastDraw = 0;
  private drawn = false;
  private readonly tty: boolean;

  constructor(
    /** Where the bar goes; null: nowhere (an undefined argument would mean the default). */
    private readonly out: NodeJS.WriteStream | null = process.stderr,
    private readonly width = 24,
  ) {
    this.tty = out?.isTTY === true;
  }

  /** Starts a stage (e.g. `saturation 100 pairs · Parley`). */
  stage(label: string): void {
    this.stageLabel = label;
    this.lastDraw = 0;
    if (!this.tty) this.out?.write(`${timestamp()} ${label}\n`);
    else this.update(0, '');
  }

  /** Progress within the stage: `fraction` in [0, 1] and a short status. */
  update(fraction: number, detail: string): void {
    if (!this.out) return;
    const now = performance.now();
    if (this.tty) {
      if (now - this.lastDraw < 100 && fraction < 1) return;
      this.lastDraw = now;
      const filled = Math.round(Math.max(0, Math.min(1, fraction)) * this.width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(this.width - filled)}`;
      const cols = this.out.columns || 120;
      const line = `${this.stageLabel} ${bar} ${Math.round(fraction * 100)}% ${detail}`;
      this.out.write(`\r\x1b[2K${line.slice(0, cols - 1)}`);
      this.drawn = true;
    } else if (now - this.lastDraw > 10_000) {
      this.lastDraw = now;
      if (detail) this.out.write(`${timestamp()}   ${Math.round(fraction * 100)}% ${detail}\n`);
    }
  }

  /** Prints a line that stays (a result, a warning), above the bar. */
  log(line: string): void {
    if (!this.out) return;
    this.clear();
    this.out.write(`${line}\n`);
  }

  /** Removes the bar (call before printing the final report). */
  clear(): void {
    if (this.tty && this.drawn) {
      this.out?.write('\r\x1b[2K');
      this.drawn = false;
    }
  }
}

function timestamp(): string {
  return new Date().toISOString().slice(11, 19);
}

/** A Progress that prints nothing (tests). */
export const silentProgress = (): Progress => new Progress(null);
