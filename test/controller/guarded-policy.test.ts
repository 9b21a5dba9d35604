import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decisionViolation,
  GuardedPolicy,
  inputViolation,
  type GuardMode,
} from '../../controller/guarded-policy.js';
import { aggregateSignals } from '../../controller/aggregate.js';
import type { Signals } from '../../sim-cluster/signals.js';
import type { Decision, Policy } from '../../policies/policy.js';
import { ActionCodec } from '../../env/cluster/action-codec.js';
import { FixedRatePolicy, report, service, tenant } from './fixtures.js';

/** One window in which tenant t offered `offered` requests in 1 s at a service at `utilization`. */
function signals(window: number, offered: number, utilization = 0.5): Signals {
  return aggregateSignals(window, [
    { type: 'report', ...report(window, [tenant('t', offered)]) },
    { type: 'report', ...report(window, [], { ...service('api', { t: offered }), utilization }) },
  ]);
}

const ranges = {
  'tenant.offeredRate': { min: 0, max: 100 },
  'service.utilization': { min: 0, max: 1 },
};

test('inputs inside the trained ranges pass and one outside is named with its value', () => {
  assert.equal(inputViolation(signals(0, 50), ranges), null);
  assert.match(inputViolation(signals(0, 500), ranges)!, /tenant\.offeredRate = 500 outside/);
});

test('throttling a tenant below its guaranteed rate is unsafe only while capacity is spare', () => {
  const below = {
    epoch: 1,
    ttlSeconds: 3,
    tenants: { t: { rateLimit: { ratePerSecond: 5, burst: 5 } } },
  };
  // The fixture tenant is guaranteed 10/s.
  assert.match(decisionViolation(below, signals(0, 50, 0.5))!, /below its guaranteed 10/);
  assert.equal(decisionViolation(below, signals(0, 50, 0.95)), null);
});

test('the guard switches to the fallback on out-of-range inputs and back when they return, counting each switch', () => {
  const primary = new FixedRatePolicy(50);
  const fallback = new FixedRatePolicy(20);
  const guard = new GuardedPolicy({ primary, fallback, ranges });
  const log: [GuardMode, string][] = [];
  guard.onSwitch = (mode, reason) => log.push([mode, reason]);
  const rate = (s: Signals) => guard.decide(s).tenants?.t?.rateLimit?.ratePerSecond;
  assert.equal(rate(signals(0, 50, 0.9)), 50);
  assert.equal(rate(signals(1, 500, 0.9)), 20);
  assert.equal(rate(signals(2, 600, 0.9)), 20);
  assert.equal(rate(signals(3, 50, 0.9)), 50);
  assert.deepEqual(
    log.map(([mode]) => mode),
    ['fallback', 'primary'],
  );
  assert.equal(guard.switches, 2);
});

test('an unsafe decision of the primary policy is replaced by the fallback decision', () => {
  const guard = new GuardedPolicy({
    primary: new FixedRatePolicy(1),
    fallback: new FixedRatePolicy(30),
    ranges,
  });
  assert.equal(guard.decide(signals(0, 50, 0.3)).tenants?.t?.rateLimit?.ratePerSecond, 30);
  assert.equal(guard.mode, 'fallback');
});

/** A residual primary as the daemon runs it: FixedRatePolicy(20) loosened by a shielded codec. */
class ShieldedLoosening implements Policy {
  readonly name = 'shielded-loosening';
  private readonly codec = new ActionCodec({
    slotCount: 2,
    knobs: ['rateLimit'],
    residualRateBase: 4,
    residualRateUpBase: 4,
    residualShield: { utilization: 0.9, demandCap: 1 },
  });
  private readonly base = new FixedRatePolicy(20);
  decide(signals: Signals): Decision {
    return this.codec.decodeResidual([1, 0], signals, this.base.decide(signals));
  }
}

test('a shielded residual primary on the daemon’s aggregated signals: loosens only with spare capacity, and the guard still switches', () => {
  const shielded = new ShieldedLoosening();
  const rate = (p: Policy, s: Signals) => p.decide(s).tenants?.t?.rateLimit?.ratePerSecond;
  // Spare capacity and the SLO met: × 4 of 20, capped at the 50 req/s t offered.
  assert.equal(rate(shielded, signals(0, 50, 0.5)), 50);
  assert.equal(rate(shielded, signals(0, 60, 0.5)), 60);
  // Its service at 95% busy: the base's 20 stands.
  assert.equal(rate(shielded, signals(0, 50, 0.95)), 20);
  const guard = new GuardedPolicy({ primary: shielded, fallback: new FixedRatePolicy(15), ranges });
  const modes: GuardMode[] = [];
  guard.onSwitch = (mode) => modes.push(mode);
  assert.equal(rate(guard, signals(0, 50, 0.5)), 50);
  assert.equal(rate(guard, signals(1, 500, 0.5)), 15);
  assert.equal(rate(guard, signals(2, 50, 0.95)), 20);
  assert.deepEqual(modes, ['fallback', 'primary']);
});
