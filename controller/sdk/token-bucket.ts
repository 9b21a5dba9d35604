/**
 * A token bucket (pure; time passed in): `ratePerSecond` tokens accrue up to `burst`;
 * each admitted request takes one. Reconfiguring keeps the tokens held (capped by the
 * new burst), as the simulator's ingress buckets do, so a renewed decision is not a
 * free refill.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private ratePerSecond: number,
    private burst: number,
    nowSeconds: number,
  ) {
    this.tokens = burst;
    this.at = nowSeconds;
  }

  /** Takes one token at `nowSeconds`; false (and nothing taken) when fewer than one is left. */
  tryTake(nowSeconds: number): boolean {
    this.refill(nowSeconds);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Tokens available at `nowSeconds`. */
  available(nowSeconds: number): number {
    this.refill(nowSeconds);
    return this.tokens;
  }

  reconfigure(ratePerSecond: number, burst: number, nowSeconds: number): void {
    this.refill(nowSeconds);
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.tokens = Math.min(this.tokens, burst);
  }

  private refill(nowSeconds: number): void {
    const elapsed = Math.max(0, nowSeconds - this.at);
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.ratePerSecond);
    this.at = Math.max(this.at, nowSeconds);
  }
}
