/**
 * A send queue for one zeromq.js socket: v6 allows one `send` in flight at a time, so
 * every sender appends here and a single loop drains the queue in order.
 */
import type * as zmq from 'zeromq';

export class Outbox {
  private readonly queue: (Buffer | Uint8Array | string)[][] = [];
  private draining = false;
  private closed = false;
  /** Messages that could not be sent (peer gone, socket closing). */
  failed = 0;

  constructor(private readonly socket: zmq.Writable & { closed: boolean }) {}

  /** Queues one multipart message. */
  push(frames: (Buffer | Uint8Array | string)[]): void {
    if (this.closed) return;
    this.queue.push(frames);
    if (!this.draining) void this.drain();
  }

  get pending(): number {
    return this.queue.length;
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let frames = this.queue.shift(); frames !== undefined; frames = this.queue.shift()) {
        if (this.closed || this.socket.closed) break;
        try {
          await this.socket.send(frames);
        } catch {
          this.failed++;
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
