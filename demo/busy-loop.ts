/**
 * Real CPU work of a fixed size: a loop of floating-point operations whose speed is
 * measured once at start-up (iterations per CPU second, from `process.cpuUsage`), so a
 * hop's CPU burst costs about the same CPU seconds on any machine.
 */

let sink = 0;

/** Runs `iterations` rounds of the kernel; returns a value so the loop is not elided. */
export function spin(iterations: number): number {
  let x = 1.000001;
  for (let i = 0; i < iterations; i++) x = x * 1.0000001 + 1e-9;
  sink += x;
  return sink;
}

/** Iterations of `spin` per CPU second, measured over about `budgetSeconds` of CPU. */
export function calibrateSpin(budgetSeconds = 0.05): number {
  spin(100_000); // JIT warm-up.
  let iterations = 100_000;
  for (;;) {
    const before = process.cpuUsage();
    spin(iterations);
    const used = process.cpuUsage(before);
    const seconds = (used.user + used.system) / 1e6;
    if (seconds >= budgetSeconds) return iterations / seconds;
    iterations *= 2;
  }
}
