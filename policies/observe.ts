/**
 * Readings of Signals shared by the heuristics: SLO-percentile latency, per-service
 * round-trip time and slowdown, per-tenant demand on each service. Units: seconds,
 * requests per second, CPU seconds.
 */
import type { ServiceSignals, Signals, TenantSignals } from './policy.js';
import { windowSeconds } from './policy.js';

/**
 * Whether the tenant missed its SLO in the window: a client timed out, or the fraction
 * of its completions within the SLO latency fell below the SLO percentile by more than
 * `tolerance` (absolute) — so that a few slow requests in a small window, sampling noise
 * at a high percentile, do not count as a miss.
 */
export function missedSlo(t: TenantSignals, tolerance: number): boolean {
  if (t.timedOut > 0) return true;
  if (t.completed === 0) return false;
  return t.goodput / t.completed < t.slo.percentile / 100 - tolerance;
}

/** Requests per second the tenant offered in the window. */
export function offeredRate(signals: Signals, t: TenantSignals): number {
  return t.offered / windowSeconds(signals);
}

/** Mean CPU seconds per completed hop at the service in the window, or NaN if none. */
export function cpuPerHop(s: ServiceSignals): number {
  let cpu = 0;
  let hops = 0;
  for (const t of s.tenants) {
    cpu += t.cpuSeconds;
    hops += t.hops;
  }
  return hops > 0 ? cpu / hops : NaN;
}

/**
 * A hop's round trip at the service: mean wait for a worker + mean CPU per hop
 * (downstream time of blocking services excluded: their children have their own RTTs).
 */
export function serviceRtt(s: ServiceSignals): number {
  return s.meanWait + cpuPerHop(s);
}

/** Retro's slowdown of a resource: (wait + service) ÷ service; 1 when idle. */
export function slowdown(s: ServiceSignals): number {
  const c = cpuPerHop(s);
  return c > 0 ? (s.meanWait + c) / c : 1;
}

/** CPU capacity of the service in CPU seconds per second (cores × replicas up). */
export function capacity(s: ServiceSignals): number {
  return s.cores * s.replicasUp;
}

/**
 * CPU seconds tenant `i` used at service `s` per request it had admitted in the window
 * (its demand vector, Retro's attribution), or 0 when it admitted none.
 */
export function demandPerRequest(signals: Signals, s: ServiceSignals, i: number): number {
  const admitted = signals.tenants[i]!.admitted;
  return admitted > 0 ? s.tenants[i]!.cpuSeconds / admitted : 0;
}

/** Token-bucket knob for `ratePerSecond` holding `burstSeconds` of it (at least one request). */
export function bucket(ratePerSecond: number, burstSeconds: number) {
  return { ratePerSecond, burst: Math.max(1, ratePerSecond * burstSeconds) };
}
