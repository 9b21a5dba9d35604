import { InvalidArgumentError } from '../../sim-cluster/errors.js';
import type { Env, Info, ResetArgs, ResetResult, StepResult } from '../env.js';
import { Wrapper } from '../wrapper.js';

/**
 * Records each episode's return and length (Gymnasium's `RecordEpisodeStatistics`): the
 * step that ends an episode carries `info.episode = {r, l}`, and the last `bufferLength`
 * returns and lengths are kept in `returnQueue` / `lengthQueue`. Wall-clock time (`t` in
 * Gymnasium) is not recorded: envs never read the clock.
 */
export class RecordEpisodeStatistics<Obs, Act> extends Wrapper<Obs, Act> {
  /** Returns of the most recent episodes, oldest first. */
  readonly returnQueue: number[] = [];
  /** Lengths of the most recent episodes, oldest first. */
  readonly lengthQueue: number[] = [];
  private episodeReturn = 0;
  private episodeLength = 0;

  constructor(
    env: Env<Obs, Act>,
    readonly bufferLength = 100,
  ) {
    super(env);
    if (!Number.isSafeInteger(bufferLength) || bufferLength < 1)
      throw new InvalidArgumentError(
        `bufferLength must be a positive integer, got ${bufferLength}`,
      );
  }

  override reset(args?: ResetArgs): ResetResult<Obs, Info> {
    this.episodeReturn = 0;
    this.episodeLength = 0;
    return super.reset(args);
  }

  override step(action: Act): StepResult<Obs, Info> {
    const r = super.step(action);
    this.episodeReturn += r.reward;
    this.episodeLength += 1;
    if (!r.terminated && !r.truncated) return r;
    const episode = { r: this.episodeReturn, l: this.episodeLength };
    this.push(this.returnQueue, episode.r);
    this.push(this.lengthQueue, episode.l);
    this.episodeReturn = 0;
    this.episodeLength = 0;
    return { ...r, info: { ...r.info, episode } };
  }

  private push(queue: number[], value: number): void {
    queue.push(value);
    if (queue.length > this.bufferLength) queue.shift();
  }
}
