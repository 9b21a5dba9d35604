/**
 * Linear learning-rate annealing as in CleanRL's ppo.py: at iteration `i` (1-based) of
 * `n`, the rate is `baseLr * (1 - (i - 1) / n)`, so the first update uses `baseLr` and
 * the last uses `baseLr / n` (it never reaches zero).
 */
export function annealedLearningRate(baseLr: number, iteration: number, numIterations: number) {
  const fraction = 1 - (iteration - 1) / numIterations;
  return fraction * baseLr;
}
