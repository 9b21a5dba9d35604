/**
 * What `governor serve --policy` names: a heuristic from the policies registry, or a
 * policy bundle directory served through agents' learned-policy adapter (imported
 * lazily: TF.js loads only when a bundle is asked for).
 *
 * A bundle is served behind a `GuardedPolicy` with the named heuristic `fallback`
 * (default `static`), checking the ranges of `GUARD_FEATURES` recorded in its manifest's
 * `training.featureRanges`; without recorded ranges only the safety bounds guard it.
 */
import { existsSync, statSync } from 'node:fs';
import { createPolicy } from '../policies/registry.js';
import type { Policy } from '../policies/policy.js';
import { BundleError } from '../sim-cluster/errors.js';
import type { FeatureRangesJson } from '../env/cluster/feature-ranges.js';
import { GUARD_FEATURES, GuardedPolicy, type GuardOptions } from './guarded-policy.js';

export interface PolicySourceOptions {
  /** Seed of the heuristics' `policy` stream (default 0). */
  readonly seed?: number;
  /** Heuristic that takes over when a learned policy leaves its guard (default `static`). */
  readonly fallback?: string;
}

/** The policy named by `spec` (a registry name or a bundle directory). */
export async function loadServedPolicy(
  spec: string,
  options: PolicySourceOptions = {},
): Promise<Policy> {
  const { policyRng } = await import('../policies/control-loop.js');
  const heuristic = (name: string) =>
    createPolicy(name, undefined, { rng: policyRng(options.seed ?? 0) });
  if (!(existsSync(spec) && statSync(spec).isDirectory())) return heuristic(spec);
  const { loadLearnedPolicy } = await import('../agents/learned-policy.js');
  const { readBundleManifest } = await import('../agents/bundle.js');
  const learned = loadLearnedPolicy(spec);
  return new GuardedPolicy({
    primary: learned,
    fallback: heuristic(options.fallback ?? 'static'),
    ranges: featureRanges(spec, readBundleManifest(spec).training.featureRanges),
  });
}

/**
 * Validates the feature ranges a bundle recorded (absent: none), in either form:
 * `name → {min, max}` (what `governor export` writes, training/training-ranges.ts) or
 * env/cluster's `FeatureRanges.toJSON()` (`{names, min, max, count}`, null for a
 * feature never seen). Only the guard's features are kept.
 */
function featureRanges(dir: string, raw: unknown): GuardOptions['ranges'] {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null)
    throw new BundleError(`${dir}: training.featureRanges must be a map, got ${String(raw)}`);
  const entries = isFeatureRangesJson(raw)
    ? raw.names.flatMap((name, i) =>
        raw.min[i] === null || raw.max[i] === null
          ? []
          : [[name, { min: raw.min[i], max: raw.max[i] }] as const],
      )
    : Object.entries(raw);
  const ranges: Record<string, { min: number; max: number }> = {};
  for (const [name, r] of entries) {
    const { min, max } = (r ?? {}) as { min?: unknown; max?: unknown };
    if (!(GUARD_FEATURES as readonly string[]).includes(name)) continue;
    if (typeof min !== 'number' || typeof max !== 'number' || !(min <= max))
      throw new BundleError(
        `${dir}: training.featureRanges.${name} must be {min <= max}, got ${JSON.stringify(r)}`,
      );
    ranges[name] = { min, max };
  }
  return ranges;
}

function isFeatureRangesJson(raw: object): raw is FeatureRangesJson {
  const r = raw as Partial<Record<keyof FeatureRangesJson, unknown>>;
  return (
    Array.isArray(r.names) &&
    r.names.every((n) => typeof n === 'string') &&
    Array.isArray(r.min) &&
    Array.isArray(r.max) &&
    r.min.length === r.names.length &&
    r.max.length === r.names.length
  );
}
