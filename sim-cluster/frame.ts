import type { CallNode } from './model.js';
import type { CallPolicy } from './retry.js';
import type { Replica } from './replica.js';

/** Where a hop is in its life; see `Simulation` for the transitions. */
export const enum FrameState {
  Free = 0,
  /** Travelling over the network to its service. */
  InFlight = 1,
  /** Waiting in a replica's queue for a worker (before its work). */
  Queued = 2,
  /** Running its work on a CPU. */
  Working = 3,
  /** Waiting for the child calls of the current step. */
  AwaitingChildren = 4,
  /** Non-blocking service: waiting in the queue again to run its post-work. */
  QueuedForPost = 5,
  /** Running its post-work. */
  PostWorking = 6,
  /** Its response is travelling back to the caller. */
  Responding = 7,
  /** A retry waiting out its backoff before it is sent. */
  BackingOff = 8,
}

/** The request a hop belongs to: one arrival at the ingress of one tenant. */
export interface RequestRecord {
  readonly tenant: number;
  readonly api: number;
  readonly arrivalSeconds: number;
  /** Arrived after warmup: counts in the statistics. */
  readonly measured: boolean;
  /** Closed-loop user who sent it, or -1 for open-loop arrivals. */
  readonly user: number;
  done: boolean;
}

/**
 * One hop of a request: the execution of one call-tree node at one replica. Frames are
 * pooled and addressed by `id` from events; `generation` changes each time a frame is
 * recycled, so an event or a child holding a stale (id, generation) pair is ignored.
 */
export class Frame {
  state = FrameState.Free;
  generation = 0;
  node!: CallNode;
  request!: RequestRecord;
  /** The caller's timeout and retry policy for this call. */
  policy!: CallPolicy;
  /** Caller's frame, or null for the root hop (the caller is the client). */
  parent: Frame | null = null;
  parentGeneration = 0;
  /** The caller gave up on this hop (timeout, or the caller failed): its result is dropped. */
  orphan = false;
  tenant = 0;
  measured = false;
  /** Which attempt of this call the hop is (1 = first). */
  attempt = 1;
  step = 0;
  pending = 0;
  replica: Replica | null = null;
  holdsWorker = false;
  /** Index of the replica's worker the hop holds (valid while `holdsWorker`). */
  worker = -1;
  enqueuedSeconds = 0;
  /** Processor sharing: virtual time at which the current CPU burst ends. */
  finishVirtual = 0;
  /** Whether the current CPU burst is the post-work. */
  inPost = false;
  /** Outcome carried while the response travels back: -1 success, else an `Outcome` code. */
  outcome = -1;

  constructor(readonly id: number) {}
}

/**
 * A pool of frames. Hot paths take and return frames instead of allocating them, so a
 * long run produces no garbage per hop.
 */
export class FramePool {
  readonly frames: Frame[] = [];
  private readonly free: number[] = [];

  acquire(): Frame {
    const id = this.free.pop();
    if (id !== undefined) return this.frames[id]!;
    const frame = new Frame(this.frames.length);
    this.frames.push(frame);
    return frame;
  }

  release(frame: Frame): void {
    frame.state = FrameState.Free;
    frame.generation++;
    frame.parent = null;
    frame.replica = null;
    this.free.push(frame.id);
  }

  /** Frames currently in use. */
  get live(): number {
    return this.frames.length - this.free.length;
  }
}
