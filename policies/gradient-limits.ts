/**
 * The machinery shared by gradient concurrency limiters (gradient2.ts, envoy-adaptive.ts):
 * per-service limit state, RTT baseline tracking, optional periodic minRTT
 * re-measurement, and the decision (a concurrency limit at every service).
 */
import { serviceRtt } from './observe.js';
import {
  decisionAfter,
  type Decision,
  type Policy,
  type ServiceDecision,
  type Signals,
} from './policy.js';

/** gradient·L with gradient = clamp(minRtt·(1 + buffer) / sampleRtt, 0.5, 2). */
export function gradientStep(
  limit: number,
  minRtt: number,
  sampleRtt: number,
  buffer: number,
): number {
  const g = Math.min(2, Math.max(0.5, (minRtt * (1 + buffer)) / sampleRtt));
  return g * limit;
}

interface ServiceState {
  limit: number;
  /** Recent window RTTs (newest last), for a sliding-minimum baseline. */
  rtts: number[];
  minRtt: number;
}

export abstract class GradientLimits implements Policy {
  abstract readonly name: string;
  private state = new Map<string, ServiceState>();
  private nextProbeSeconds = 0;
  private probing = false;

  constructor(
    private readonly baselineWindows: number,
    private readonly minLimit: number,
    private readonly maxLimit: number,
    private readonly probe?: { intervalSeconds: number; pinnedLimit: number },
  ) {}

  /** The next limit of a service from its current limit, baseline and sample RTT. */
  protected abstract nextLimit(limit: number, minRtt: number, sampleRtt: number): number;

  reset(): void {
    this.state.clear();
    this.nextProbeSeconds = 0;
    this.probing = false;
  }

  decide(signals: Signals): Decision {
    const wasProbing = this.probing;
    this.probing = this.probe !== undefined && signals.endSeconds >= this.nextProbeSeconds;
    if (this.probing) this.nextProbeSeconds = signals.endSeconds + this.probe!.intervalSeconds;
    const services: Record<string, ServiceDecision> = {};
    for (const s of signals.services) {
      let st = this.state.get(s.name);
      if (st === undefined) {
        st = { limit: s.workers * s.replicas, rtts: [], minRtt: Infinity };
        this.state.set(s.name, st);
      }
      const rtt = serviceRtt(s);
      if (Number.isFinite(rtt) && rtt > 0) {
        if (wasProbing) st.minRtt = rtt;
        else if (this.baselineWindows !== Infinity) {
          st.rtts.push(rtt);
          if (st.rtts.length > this.baselineWindows) st.rtts.shift();
          st.minRtt = Math.min(...st.rtts);
        } else st.minRtt = Math.min(st.minRtt, rtt);
        if (!wasProbing) st.limit = this.nextLimit(st.limit, st.minRtt, rtt);
      }
      st.limit = Math.min(this.maxLimit, Math.max(this.minLimit, st.limit));
      const limit = this.probing ? this.probe!.pinnedLimit : st.limit;
      services[s.name] = { concurrencyLimit: Math.max(1, Math.round(limit)) };
    }
    return decisionAfter(signals, { services });
  }
}
