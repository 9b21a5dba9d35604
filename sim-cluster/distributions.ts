/**
 * Distributions from scenario specs: `validateDistributionSpec` checks a raw (parsed YAML)
 * value and returns a typed `DistributionSpec`; `createDistribution` builds the sampler.
 * Parameter errors name the field path of the offending parameter, e.g.
 * `mean must be a positive finite number, got 0 at apis.get.call.work.mean`.
 */
import type { Distribution } from './distribution.js';
import type { DistributionSpec } from './scenario/types.js';
import {
  ConstantDistribution,
  ExponentialDistribution,
  UniformDistribution,
  WeibullDistribution,
  BoundedParetoDistribution,
} from './distributions/basic.js';
import { GammaDistribution, LognormalDistribution } from './distributions/shaped.js';
import { EmpiricalDistribution, MixtureDistribution } from './distributions/discrete.js';
import type { SpecLocation } from './distributions/params.js';
import {
  Field,
  expectEnum,
  expectKeys,
  expectList,
  expectMapping,
  expectNumber,
  expectPresent,
} from './scenario/field.js';

export * from './distributions/basic.js';
export * from './distributions/shaped.js';
export * from './distributions/discrete.js';
export type { SpecLocation } from './distributions/params.js';

/** Every `dist` a scenario may name. */
export const DISTRIBUTION_KINDS = [
  'exponential',
  'constant',
  'uniform',
  'lognormal',
  'gamma',
  'weibull',
  'pareto',
  'mixture',
  'empirical',
] as const;

/** Numeric parameters of each kind, in the order they are written. */
const NUMERIC_PARAMS: Record<string, readonly string[]> = {
  exponential: ['mean'],
  constant: ['value'],
  uniform: ['min', 'max'],
  lognormal: ['mean', 'cv'],
  gamma: ['mean', 'cv'],
  weibull: ['shape', 'scale'],
  pareto: ['alpha', 'min', 'max'],
};

/** Mixtures may nest, but not deeper than this (and never cyclically, via YAML aliases). */
const MAX_NESTING = 8;

/**
 * Builds the sampler for a spec, validating its parameters. `at.path` is the spec's own
 * path (`apis.get.call.work`); errors name the parameter under it.
 */
export function createDistribution(spec: DistributionSpec, at: SpecLocation): Distribution {
  switch (spec.dist) {
    case 'exponential':
      return new ExponentialDistribution(spec.mean, at);
    case 'constant':
      return new ConstantDistribution(spec.value, at);
    case 'uniform':
      return new UniformDistribution(spec.min, spec.max, at);
    case 'lognormal':
      return new LognormalDistribution(spec.mean, spec.cv, at);
    case 'gamma':
      return new GammaDistribution(spec.mean, spec.cv, at);
    case 'weibull':
      return new WeibullDistribution(spec.shape, spec.scale, at);
    case 'pareto':
      return new BoundedParetoDistribution(spec.alpha, spec.min, spec.max, at);
    case 'mixture': {
      const components = spec.components.map((c, i) => ({
        weight: c.weight,
        distribution: createDistribution(c.of, {
          file: at.file,
          path: `${at.path}.components[${i}].of`,
        }),
      }));
      return new MixtureDistribution(components, at);
    }
    case 'empirical':
      return new EmpiricalDistribution(spec.values, spec.weights, at);
  }
}

/**
 * Checks a raw value from a scenario file (shape, keys, types and parameter domains) and
 * returns it as a `DistributionSpec`. Throws `InvalidScenarioError` naming `file` and the
 * field path under `path`.
 */
export function validateDistributionSpec(
  raw: unknown,
  file: string,
  path: string,
): DistributionSpec {
  const spec = checkSpec(raw, new Field(file, path), 0);
  createDistribution(spec, { file, path });
  return spec;
}

function checkSpec(raw: unknown, at: Field, nesting: number): DistributionSpec {
  const obj = expectMapping(raw, at);
  const dist = expectEnum(expectPresent(obj, 'dist', at), DISTRIBUTION_KINDS, at.key('dist'));
  if (dist === 'mixture') return checkMixture(obj, at, nesting);
  if (dist === 'empirical') return checkEmpirical(obj, at);
  const params = NUMERIC_PARAMS[dist] ?? [];
  expectKeys(obj, ['dist', ...params], at);
  const spec: Record<string, unknown> = { dist };
  for (const p of params) spec[p] = expectNumber(expectPresent(obj, p, at), at.key(p));
  return spec as DistributionSpec;
}

function checkMixture(obj: Record<string, unknown>, at: Field, nesting: number): DistributionSpec {
  expectKeys(obj, ['dist', 'components'], at);
  if (nesting >= MAX_NESTING) {
    at.fail(`mixtures may nest at most ${MAX_NESTING} deep (is a YAML alias cyclic?)`);
  }
  const list = expectList(expectPresent(obj, 'components', at), at.key('components'), true);
  const components = list.map((rawComponent, i) => {
    const cAt = at.key('components').index(i);
    const c = expectMapping(rawComponent, cAt);
    expectKeys(c, ['weight', 'of'], cAt);
    const weight = expectNumber(expectPresent(c, 'weight', cAt), cAt.key('weight'));
    const of = checkSpec(expectPresent(c, 'of', cAt), cAt.key('of'), nesting + 1);
    return { weight, of };
  });
  return { dist: 'mixture', components };
}

function checkEmpirical(obj: Record<string, unknown>, at: Field): DistributionSpec {
  expectKeys(obj, ['dist', 'values', 'weights'], at);
  const numbers = (key: string): number[] =>
    expectList(obj[key], at.key(key), true).map((v, i) => expectNumber(v, at.key(key).index(i)));
  expectPresent(obj, 'values', at);
  const values = numbers('values');
  if (obj['weights'] === undefined) return { dist: 'empirical', values };
  return { dist: 'empirical', values, weights: numbers('weights') };
}
