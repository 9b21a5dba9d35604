/**
 * The simulator against queueing theory. Each expectation is derived from a closed form
 * (M/M/1, Erlang C, Pollaczek–Khinchine, processor sharing, Jackson networks); runs are
 * long enough that sampling error is well inside the 3% tolerance at these seeds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../sim-cluster/simulate.js';
import type { SimSummary } from '../../sim-cluster/summary.js';
import { call, scenario, service, tenant } from './scenarios-inline.js';
import { assertClose } from './assert-close.js';

function only<T>(record: Readonly<Record<string, T>>): T {
  const values = Object.values(record);
  assert.equal(values.length, 1);
  return values[0]!;
}

/** Erlang C: probability that an arrival waits in an M/M/c queue with offered load a = λ/μ. */
function erlangC(c: number, a: number): number {
  let sum = 0;
  let term = 1;
  for (let k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  // term is now a^c / c!
  const top = term / (1 - a / c);
  return top / (sum + top);
}

function singleStation(
  work: Parameters<typeof call>[1],
  rate: number,
  fields: Parameters<typeof service>[1],
  duration: number,
  seed: number,
): SimSummary {
  const s = scenario([service('api', fields)], call('api', work), [tenant('t', rate, 'get')], {
    duration,
    warmup: 100,
    seed,
  });
  return simulate(s);
}

test('an M/M/1 queue at 70% load matches mean wait, sojourn and utilisation', () => {
  const lambda = 70;
  const mu = 100;
  const r = singleStation({ dist: 'exponential', mean: 1 / mu }, lambda, {}, 20000, 1);
  const svc = only(r.services);
  assertClose(svc.meanWait, lambda / mu / (mu - lambda), 0.03, 'mean wait');
  assertClose(only(r.tenants).latency.mean, 1 / (mu - lambda), 0.03, 'mean sojourn');
  assertClose(svc.utilization, lambda / mu, 0.01, 'utilisation');
  // Little's law on the queue: Lq = λ Wq.
  assertClose(svc.meanQueueLength, lambda * svc.meanWait, 0.01, 'Little on the queue');
});

test('an M/M/4 queue at 80% load matches Erlang C', () => {
  const lambda = 320;
  const mu = 100;
  const c = 4;
  const r = singleStation({ dist: 'exponential', mean: 1 / mu }, lambda, { workers: c }, 4000, 2);
  const wq = erlangC(c, lambda / mu) / (c * mu - lambda);
  const svc = only(r.services);
  assertClose(svc.meanWait, wq, 0.03, 'mean wait');
  assertClose(only(r.tenants).latency.mean, wq + 1 / mu, 0.03, 'mean sojourn');
  assertClose(svc.utilization, lambda / (c * mu), 0.01, 'utilisation');
});

test('an M/D/1 queue matches Pollaczek–Khinchine with zero service variance', () => {
  const lambda = 80;
  const s = 0.01;
  const rho = lambda * s;
  const r = singleStation({ dist: 'constant', value: s }, lambda, {}, 10000, 3);
  const wq = (lambda * s * s) / (2 * (1 - rho));
  assertClose(only(r.services).meanWait, wq, 0.03, 'mean wait');
  assertClose(only(r.tenants).latency.mean, wq + s, 0.03, 'mean sojourn');
  assertClose(only(r.services).utilization, rho, 0.01, 'utilisation');
});

test('an M/G/1 queue with lognormal work (cv 1.5) matches Pollaczek–Khinchine', () => {
  const lambda = 60;
  const mean = 0.01;
  const cv = 1.5;
  const rho = lambda * mean;
  const r = singleStation({ dist: 'lognormal', mean, cv }, lambda, {}, 40000, 4);
  const secondMoment = mean * mean * (1 + cv * cv);
  const wq = (lambda * secondMoment) / (2 * (1 - rho));
  assertClose(only(r.services).meanWait, wq, 0.03, 'mean wait');
  assertClose(only(r.tenants).latency.mean, wq + mean, 0.03, 'mean sojourn');
  assertClose(only(r.services).utilization, rho, 0.01, 'utilisation');
});

test('an M/G/1 processor-sharing server has mean sojourn E[S]/(1 − ρ) whatever the work distribution', () => {
  const lambda = 70;
  const mean = 0.01;
  const rho = lambda * mean;
  // Many workers on one core: every request in the system shares the core equally.
  const r = singleStation(
    { dist: 'lognormal', mean, cv: 2 },
    lambda,
    { workers: 10000, cores: 1 },
    20000,
    5,
  );
  assertClose(only(r.tenants).latency.mean, mean / (1 - rho), 0.03, 'mean sojourn');
  assertClose(only(r.services).utilization, rho, 0.01, 'utilisation');
  assert.equal(only(r.services).meanWait, 0, 'no request ever waits for a worker');
});

test('a Jackson tandem of two M/M/1 stations matches the product-form solution', () => {
  const lambda = 100;
  const mu1 = 250;
  const mu2 = 1 / 0.006;
  const s = scenario(
    [service('front', { blocking: false }), service('back')],
    call(
      'front',
      { dist: 'exponential', mean: 1 / mu1 },
      {
        steps: [[call('back', { dist: 'exponential', mean: 1 / mu2 })]],
      },
    ),
    [tenant('reader', lambda, 'get')],
    { duration: 20000, warmup: 100, seed: 11 },
  );
  const r = simulate(s);
  const front = r.services.front!;
  const back = r.services.back!;
  assertClose(front.meanWait, lambda / mu1 / (mu1 - lambda), 0.03, 'front mean wait');
  assertClose(back.meanWait, lambda / mu2 / (mu2 - lambda), 0.03, 'back mean wait');
  assertClose(
    r.tenants.reader!.latency.mean,
    1 / (mu1 - lambda) + 1 / (mu2 - lambda),
    0.03,
    'sojourn',
  );
  assertClose(front.utilization, lambda / mu1, 0.01, 'front utilisation');
  assertClose(back.utilization, lambda / mu2, 0.01, 'back utilisation');
});
