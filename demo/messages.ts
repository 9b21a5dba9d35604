/**
 * What the demo's processes tell each other over Node's IPC channel (child_process.fork):
 * the orchestrator (`governor demo` / `governor calibrate`) configures and stops the
 * services and the load generator; they answer with their port, their statistics and
 * the load's results.
 */
import type { DemoTopology } from './topology.js';
import type { LoadResult } from './slo-tally.js';

export interface ServiceInit {
  readonly type: 'init';
  readonly service: string;
  readonly topology: DemoTopology;
  readonly seed: number;
}

export interface ServiceStart {
  readonly type: 'start';
  /** Service name → loopback port. */
  readonly ports: Readonly<Record<string, number>>;
  /** The controller daemon's ZeroMQ endpoint. */
  readonly endpoint: string;
}

/** Measurements a service kept since it started (or since `reset-stats`). */
export interface ServiceStats {
  readonly type: 'stats';
  readonly service: string;
  /** Seconds each hop held a worker (CPU burst + wait), up to the sample cap. */
  readonly workSeconds: number[];
  /** Caller-side call time minus the callee's handler time, per child call. */
  readonly overheadSeconds: number[];
  readonly hops: number;
  /** Process CPU seconds (user + system) since the last reset. */
  readonly cpuSeconds: number;
  /** Decisions accepted from the controller so far. */
  readonly decisions: number;
  readonly reports: number;
}

export type ToService =
  | ServiceInit
  | ServiceStart
  | { readonly type: 'stats' }
  | { readonly type: 'reset-stats' }
  | { readonly type: 'stop' };

export type FromService =
  { readonly type: 'ready'; readonly port: number } | { readonly type: 'started' } | ServiceStats;

export interface LoadInit {
  readonly type: 'init';
  readonly port: number;
  readonly topology: DemoTopology;
  /** Multiplies every tenant's rate. */
  readonly scale: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly seed: number;
  /** A request without an answer after this many seconds counts as failed. */
  readonly timeoutSeconds: number;
}

export type FromLoad = { readonly type: 'result'; readonly result: LoadResult };

/** Caps the samples a process keeps for calibration. */
export const MAX_SAMPLES = 50_000;

/** Header carrying a handler's own seconds (receipt to response) back to its caller. */
export const HANDLER_HEADER = 'x-demo-handler-seconds';
