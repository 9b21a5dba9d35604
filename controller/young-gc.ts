/**
 * A young-generation ("minor") garbage collection on demand, for the daemon to run
 * between rounds (`DaemonOptions.betweenRounds`, wired by `governor serve`).
 *
 * Why: a round allocates a few hundred KB per 1,000 messages (zeromq.js's frames and
 * promises, the decisions' bytes) that all die young. V8 sweeps them with a scavenge
 * whenever its young generation fills, which in the controller bench landed inside
 * 46 of 120 rounds, adding up to ~10 ms to a round (27 Nov 2026). Collecting right after
 * each round, when the round's garbage is dead and little is live, costs ~1 ms of CPU
 * a second and starts every round with an empty young generation.
 *
 * The collector is V8's `gc({ type: 'minor' })`: `globalThis.gc` when node runs with
 * `--expose-gc`, otherwise exposed here once through `v8.setFlagsFromString` and read
 * from a fresh context (the flag only installs the function in contexts created after
 * it is set). Process-wide side effect, hence here at the edge and opt-in.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void;

/** A function running one young-generation collection. */
export function youngGenerationCollector(): () => void {
  let gc = (globalThis as { gc?: Gc }).gc;
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as Gc;
  }
  const collect = gc;
  return () => collect({ type: 'minor' });
}
