import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { ControllerDaemon } from '../../controller/daemon.js';
import { simulateWithController } from '../../controller/bridge.js';
import { createPolicy } from '../../policies/registry.js';
import { simulateWithPolicy } from '../../policies/control-loop.js';
import { resolveScenario } from '../../sim-cluster/scenario/load.js';

const silent = pino({ level: 'silent' });

test('the simulator bridge gives the same score through a real daemon as the policy in-process', async () => {
  const scenario = resolveScenario('two-tenants');
  const options = { seed: 11, durationSeconds: 30 };
  const local = simulateWithPolicy(scenario, createPolicy('static'), options);
  const daemon = await ControllerDaemon.start({
    policy: createPolicy('static'),
    bind: 'tcp://127.0.0.1:*',
    logger: silent,
  });
  try {
    const remote = await simulateWithController(scenario, {
      endpoint: daemon.endpoint,
      ...options,
    });
    assert.equal(remote.score, local.score);
    assert.deepEqual(remote.tenants, local.tenants);
    assert.ok(daemon.totals.decisions > 0);
  } finally {
    await daemon.stop();
  }
});
