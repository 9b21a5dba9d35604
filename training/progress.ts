/**
 * Training progress on stderr: a bar redrawn in place on a terminal, plain lines
 * otherwise (logs, CI), at most one every `plainEverySeconds`.
 */
export interface ProgressFields {
  readonly step: number;
  readonly totalSteps: number;
  readonly stepsPerSecond: number;
  /** Extra `key value` pairs (return, stage, eval score...). */
  readonly extra: Readonly<Record<string, string>>;
}

export class Progress {
  private lastPlain = -Infinity;

  constructor(
    private readonly out: NodeJS.WriteStream,
    /** Seconds, for ETA and the plain-line rate. */
    private readonly clock: () => number,
    private readonly plainEverySeconds = 10,
  ) {}

  get isTty(): boolean {
    return this.out.isTTY === true;
  }

  update(f: ProgressFields, force = false): void {
    const fraction = Math.min(1, f.step / f.totalSteps);
    const eta =
      f.stepsPerSecond > 0 ? formatSeconds((f.totalSteps - f.step) / f.stepsPerSecond) : '?';
    const extra = Object.entries(f.extra)
      .map(([k, v]) => `${k} ${v}`)
      .join('  ');
    const text = `${f.step}/${f.totalSteps} steps  ${f.stepsPerSecond.toFixed(0)} steps/s  ETA ${eta}  ${extra}`;
    if (this.isTty) {
      const width = 24;
      const filled = Math.round(fraction * width);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`;
      this.out.write(`\r\x1b[2K${bar} ${text}`);
      return;
    }
    const now = this.clock();
    if (!force && now - this.lastPlain < this.plainEverySeconds) return;
    this.lastPlain = now;
    this.out.write(`${(fraction * 100).toFixed(0)}% ${text}\n`);
  }

  /** Ends the bar's line (terminal only). */
  done(): void {
    if (this.isTty) this.out.write('\n');
  }
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}
