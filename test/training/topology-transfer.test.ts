import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActionCodec } from '../../env/cluster/action-codec.js';
import { ClusterEnv } from '../../env/cluster/cluster-env.js';
import { compileModel } from '../../sim-cluster/model.js';
import { resolveScenario } from '../../sim-cluster/scenario/load.js';
import { Simulation } from '../../sim-cluster/simulation.js';

// A policy trained on cluster-train sheds at its entry service, `gateway`; the eval
// suites run it on topologies without one (hotel reservation's entry is `frontend`).
test('a policy trained on one topology decides validly on another', () => {
  const env = new ClusterEnv({ scenario: 'hotel-reservation' });
  env.reset({ seed: 1 });
  const signals = env.lastSignals!;
  const trained = new ActionCodec({ admissionServices: ['gateway'], slotCount: 8 });
  const action = new Float32Array(trained.actionSize).fill(-0.5);
  const decision = trained.decode(action, signals, 1);
  assert.equal(decision.services, undefined, 'no decision for a service the cluster lacks');
  for (const t of signals.tenants)
    assert.ok(decision.tenants![t.name]!.admitProbability! < 1, 'shedding applies everywhere');
  const sim = new Simulation(compileModel(resolveScenario('hotel-reservation')), { seed: 1 });
  sim.applyDecision(decision);

  const here = new ActionCodec({ admissionServices: ['frontend', 'gateway'], slotCount: 8 });
  assert.deepEqual(Object.keys(here.decode(action, signals, 1).services!), ['frontend']);
});
