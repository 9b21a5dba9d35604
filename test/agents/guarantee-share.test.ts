import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GuaranteeShareRule } from '../../agents/guarantee-share.js';
import { ActionCodec } from '../../env/index.js';
import type { Decision } from '../../sim-cluster/enforcement.js';
import { signals, tenant } from '../env/fixtures/cluster-signals.js';

// Knobs rateLimit and weight; a < 0 scales the base's limit by 4^a.
const CODEC = new ActionCodec({
  slotCount: 4,
  knobs: ['rateLimit', 'weight'],
  residualRateBase: 4,
  residualRateUpBase: 2,
});
const BASE: Decision = {
  epoch: 1,
  ttlSeconds: 3,
  tenants: { gold: { rateLimit: { ratePerSecond: 32, burst: 32 } } },
};

test('guarantee-share: served tenants above their guarantee are capped at it while one is short', () => {
  const rule = new GuaranteeShareRule(CODEC);
  // gold offers 40/s against a guarantee of 8/s, fully served; silver (no base limit)
  // offers 20/s against 10/s, served; bronze got 30 of 60 (short); tin is below its
  // guarantee and served: left alone.
  const gold = tenant('gold', { guaranteedRate: 8, offered: 40, entitlement: 8, goodput: 8 });
  const silver = tenant('silver', {
    guaranteedRate: 10,
    offered: 20,
    entitlement: 10,
    goodput: 19,
  });
  const bronze = tenant('bronze', { offered: 60, entitlement: 60, goodput: 30 });
  const tin = tenant('tin', { guaranteedRate: 10, offered: 5, entitlement: 5, goodput: 5 });
  const out = rule.actionInto(signals([gold, silver, bronze, tin]), BASE, new Float32Array(8));
  // Slots by name: bronze, gold, silver, tin; two knobs each, the weight's always 0.
  const log4 = (x: number) => Math.log(x) / Math.log(4);
  assert.deepEqual(
    [...out],
    [1, 0, log4(8 / 32), 0, log4(10 / (2 * 20)), 0, 0, 0].map(Math.fround),
  );
  // The decoded limits are the guarantees.
  const decided = CODEC.decodeResidual(out, signals([gold, silver, bronze, tin]), BASE);
  assert.ok(Math.abs(decided.tenants!.gold!.rateLimit!.ratePerSecond - 8) < 1e-5);
  assert.ok(Math.abs(decided.tenants!.silver!.rateLimit!.ratePerSecond - 10) < 1e-5);
});

test('guarantee-share: no correction when nobody is short; a cap never past a = -1', () => {
  const rule = new GuaranteeShareRule(CODEC);
  const gold = tenant('gold', { guaranteedRate: 8, offered: 40, entitlement: 8, goodput: 8 });
  const calm = tenant('bronze', { offered: 60, entitlement: 60, goodput: 60 });
  const out = rule.actionInto(signals([gold, calm]), BASE, new Float32Array(8).fill(0.3));
  assert.ok(out.every((x) => x === 0));
  // A guarantee far below the limit: 4^-1 is as far as the action reaches.
  const tiny = tenant('gold', { guaranteedRate: 1, offered: 40, entitlement: 1, goodput: 1 });
  const short = tenant('bronze', { offered: 60, entitlement: 60, goodput: 10 });
  const capped = rule.actionInto(signals([tiny, short]), BASE, new Float32Array(8));
  assert.deepEqual([...capped.subarray(0, 4)], [1, 0, -1, 0]);
  // Without a rate-limit knob there is nothing to correct.
  const weights = new GuaranteeShareRule(new ActionCodec({ slotCount: 4, knobs: ['weight'] }));
  assert.ok(
    weights.actionInto(signals([tiny, short]), BASE, new Float32Array(4)).every((x) => x === 0),
  );
});
