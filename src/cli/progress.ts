/**
 * The CLI's progress on stderr. On a terminal: one status line redrawn in place (stage, percent,
 * rate, time left). Otherwise (a log file, a pipe, CI): a line when the stage changes, else at most
 * one every few seconds, and never the same line twice in a row.
 */

export interface ProgressStream {
  write(text: string): unknown;
  columns?: number;
}

export interface ProgressPrinterOptions {
  /** True on a terminal (process.stderr.isTTY): redraw one line in place. */
  interactive: boolean;
  /** Milliseconds since some origin (performance.now by default). */
  now?: () => number;
  /** Non-terminal output: least time between two lines of the same stage (default 3 s). */
  lineIntervalMs?: number;
  /** Terminal output: least time between two redraws (default 100 ms). */
  redrawIntervalMs?: number;
}

/** "Hessian: Lanczos" and "Hessian: Lanczos 12/40" are one stage: the message without its numbers. */
export function stageOf(message: string): string {
  return message.replace(/[-+]?\d[\d.,e+-]*/gi, '#');
}

/** "2.5%/s, about 30 s left", once enough has been done to tell. */
export function rateText(fraction: number, elapsedSeconds: number): string {
  if (elapsedSeconds < 1 || fraction <= 0.005) return '';
  const rate = fraction / elapsedSeconds;
  const left = Math.max(0, (1 - fraction) / rate);
  const leftText = left >= 3600 ? `${(left / 3600).toFixed(1)} h` : left >= 90 ? `${Math.round(left / 60)} min` : `${Math.round(left)} s`;
  return `${(100 * rate).toPrecision(2)}%/s, about ${leftText} left`;
}

export class ProgressPrinter {
  private readonly now: () => number;
  private readonly started: number;
  private lastStage = '';
  private lastLine = '';
  private lastWrite = -Infinity;
  private statusShown = false;
  private status = '';

  constructor(private readonly stream: ProgressStream, private readonly options: ProgressPrinterOptions) {
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
  }

  /** A progress report: `fraction` of the run done, `message` the current step. */
  progress(fraction: number, message: string): void {
    const now = this.now();
    const stage = stageOf(message);
    const newStage = stage !== this.lastStage;
    const rate = rateText(fraction, (now - this.started) / 1000);
    const line = `[${Math.round(fraction * 100).toString().padStart(3)}%] ${message}${rate ? ` (${rate})` : ''}`;
    if (this.options.interactive) {
      this.status = line;
      if (newStage || now - this.lastWrite >= (this.options.redrawIntervalMs ?? 100)) this.redraw(now);
    } else {
      const due = now - this.lastWrite >= (this.options.lineIntervalMs ?? 3000);
      if ((newStage || due) && line !== this.lastLine) {
        this.stream.write(`${line}\n`);
        this.lastLine = line;
        this.lastWrite = now;
      }
    }
    this.lastStage = stage;
  }

  /** A log line: printed whole, above the status line on a terminal. */
  log(text: string): void {
    this.clear();
    this.stream.write(`${text}\n`);
    this.lastLine = text;
    if (this.options.interactive && this.status) this.redraw(this.now());
  }

  /** Removes the status line (before the summary is printed). */
  finish(): void {
    this.clear();
  }

  private redraw(now: number): void {
    const width = Math.max(20, (this.stream.columns || 100) - 1);
    const text = this.status.length > width ? `${this.status.slice(0, width - 1)}…` : this.status;
    this.stream.write(`\r\x1b[2K${text}`);
    this.statusShown = true;
    this.lastWrite = now;
  }

  private clear(): void {
    if (!this.statusShown) return;
    this.stream.write('\r\x1b[2K');
    this.statusShown = false;
  }
}
