/** `--timeline FILE`: one JSON line of Signals per control window, written atomically. */
import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Signals } from '../sim-cluster/signals.js';

/** Streams windows to a temporary file; `commit()` renames it into place. */
export class TimelineWriter {
  private readonly fd: number;
  private readonly temp: string;
  private buffer: string[] = [];
  private buffered = 0;

  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    this.fd = openSync(this.temp, 'w');
  }

  write(signals: Signals): void {
    const line = JSON.stringify(signals);
    this.buffer.push(line);
    this.buffered += line.length;
    if (this.buffered > 1 << 20) this.flush();
  }

  commit(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(this.temp, this.path);
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, `${this.buffer.join('\n')}\n`);
    this.buffer = [];
    this.buffered = 0;
  }
}
