import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterEnv, type ClusterInfo } from '../../env/index.js';
import { ActionCodec, loosenAllowed, sloMet } from '../../env/cluster/action-codec.js';
import type { Decision, Signals, TenantSignals } from '../../policies/index.js';
import type { ServiceSignals, ServiceTenantSignals } from '../../sim-cluster/signals.js';
import { SMALL_CLUSTER } from './fixtures/small-cluster.js';

/** A tenant that offered `rate` requests in a 1 s window with the given p99 and p90. */
function tenant(name: string, rate: number, slo: number, p99: number, p90 = p99): TenantSignals {
  return {
    name,
    weight: 1,
    slo: { latency: slo, percentile: 99 },
    guaranteedRate: null,
    offered: rate,
    admitted: rate,
    rejected: 0,
    rejectedByReason: {} as TenantSignals['rejectedByReason'],
    completed: rate,
    failed: 0,
    timedOut: 0,
    retries: 0,
    goodput: rate,
    entitlement: rate,
    latency: { count: rate, mean: p90, p50: p90, p90, p99, max: p99 },
  };
}

const hops = (n: number): ServiceTenantSignals => ({
  hops: n,
  rejected: 0,
  meanQueueWait: 0,
  cpuSeconds: n * 0.001,
  outstanding: 0,
});

function service(name: string, utilization: number, perTenant: number[]): ServiceSignals {
  return {
    name,
    replicas: 1,
    replicasUp: 1,
    cores: 1,
    workers: 8,
    utilization,
    meanQueueLength: 0,
    queueLength: 0,
    meanWait: 0,
    throughput: 0,
    rejected: 0,
    tenants: perTenant.map(hops),
  };
}

/**
 * Tenants a (best-effort, 30 req/s), b (its neighbour at `shared`), c (elsewhere);
 * a and b share `shared`, c alone uses `other`.
 */
function window(opts: {
  sharedUtil?: number;
  otherUtil?: number;
  bP99?: number;
  cP99?: number;
  aRate?: number;
}): Signals {
  return {
    window: 10,
    startSeconds: 10,
    endSeconds: 11,
    measured: true,
    decisionEpoch: 10,
    tenants: [
      tenant('a', opts.aRate ?? 30, 0.5, 0.1),
      tenant('b', 20, 0.03, opts.bP99 ?? 0.02),
      tenant('c', 20, 0.03, opts.cP99 ?? 0.02),
    ],
    services: [
      service('shared', opts.sharedUtil ?? 0.5, [30, 20, 0]),
      service('other', opts.otherUtil ?? 0.5, [0, 0, 20]),
    ],
  };
}

const BASE: Decision = {
  epoch: 11,
  ttlSeconds: 2,
  tenants: {
    a: { rateLimit: { ratePerSecond: 10, burst: 10 } },
    b: { rateLimit: { ratePerSecond: 40, burst: 40 } },
  },
};

const shielded = (utilization = 0.9, demandCap = 1, transfer?: 'asked' | 'shortfall') =>
  new ActionCodec({
    slotCount: 4,
    knobs: ['rateLimit', 'weight'],
    residualRateBase: 4,
    residualRateUpBase: 2,
    residualWeightBase: 2,
    residualShield: { utilization, demandCap, ...(transfer ? { transfer } : {}) },
  });

/** Slot-major action (slots a, b, c, padding; knobs rateLimit, weight) with a's rate `x`. */
const loosenA = (x: number) => Float32Array.from([x, 0, 0, 0, 0, 0, 0, 0]);

test('shield: a zero action is the base itself; tightening is as unshielded', () => {
  const codec = shielded();
  const plain = new ActionCodec({ ...codec.params, residualShield: undefined });
  const w = window({ sharedUtil: 0.99, bP99: 1 });
  assert.equal(codec.decodeResidual(new Float32Array(codec.actionSize), w, BASE), BASE);
  const tighten = Float32Array.from([-0.5, 0.3, -1, 0, 0, 0, 0, 0]);
  assert.deepEqual(codec.decodeResidual(tighten, w, BASE), plain.decodeResidual(tighten, w, BASE));
});

test('shield: where allowed, loosening goes up to the tenant’s own offered rate, never past it', () => {
  const codec = shielded();
  // × 2^0.5 of 10 is below a's 30 req/s: applied as asked.
  const half = codec.decodeResidual(loosenA(0.5), window({}), BASE);
  assert.ok(Math.abs(half.tenants!.a!.rateLimit!.ratePerSecond - 10 * Math.SQRT2) < 1e-6);
  assert.ok(Math.abs(half.tenants!.a!.rateLimit!.burst - 10 * Math.SQRT2) < 1e-6);
  // a offered 15 req/s: × 2 would be 20, capped at 15 (burst scaled alike).
  const capped = codec.decodeResidual(loosenA(1), window({ aRate: 15 }), BASE);
  assert.deepEqual(capped.tenants!.a!.rateLimit, { ratePerSecond: 15, burst: 15 });
  // a offered 8 req/s, below its base limit: nothing to loosen, the base stands.
  assert.equal(codec.decodeResidual(loosenA(1), window({ aRate: 8 }), BASE), BASE);
  // demandCap 1.5: up to 1.5 × 15 = 22.5, so × 2 = 20 passes.
  const wider = shielded(0.9, 1.5).decodeResidual(loosenA(1), window({ aRate: 15 }), BASE);
  assert.deepEqual(wider.tenants!.a!.rateLimit, { ratePerSecond: 20, burst: 20 });
  // Unshielded, the same action loosens past the offered rate.
  const plain = new ActionCodec({ ...codec.params, residualShield: undefined });
  assert.deepEqual(
    plain.decodeResidual(loosenA(1), window({ aRate: 15 }), BASE).tenants!.a!.rateLimit,
    { ratePerSecond: 20, burst: 20 },
  );
});

test('shield: no loosening while a service on the path is busy or a tenant sharing it missed its SLO', () => {
  const codec = shielded(0.9);
  // a's service at 90% busy (the threshold is strict): the base's limit stands.
  assert.equal(codec.decodeResidual(loosenA(1), window({ sharedUtil: 0.9 }), BASE), BASE);
  // b shares that service and its p99 (40 ms) missed its 30 ms SLO.
  assert.equal(codec.decodeResidual(loosenA(1), window({ bP99: 0.04 }), BASE), BASE);
  // Busy services and missed SLOs off a's path do not hold it back.
  const off = codec.decodeResidual(loosenA(1), window({ otherUtil: 0.99, cP99: 1 }), BASE);
  assert.deepEqual(off.tenants!.a!.rateLimit, { ratePerSecond: 20, burst: 20 });
  // A held-back rate correction leaves the other knobs' corrections in force.
  const both = codec.decodeResidual(
    Float32Array.from([1, 1, 0, 0, 0, 0, 0, 0]),
    window({ sharedUtil: 0.95 }),
    BASE,
  );
  assert.deepEqual(both.tenants!.a, { rateLimit: BASE.tenants!.a!.rateLimit, weight: 2 });
  assert.equal(loosenAllowed(0, window({}), 0.9), true);
  assert.equal(loosenAllowed(0, window({ sharedUtil: 0.95 }), 0.96), true);
  // c reached only `other`; a tenant that reached no service is never loosened.
  assert.equal(loosenAllowed(2, window({ sharedUtil: 0.99 }), 0.9), true);
  const idle = window({});
  const noPath = { ...idle, services: idle.services.map((s) => ({ ...s, tenants: [] })) };
  assert.equal(loosenAllowed(0, noPath, 0.9), false);
});

test('shield transfer asked: a held-back loosening takes only the rate tightening frees at a shared service', () => {
  const codec = shielded(0.9, 1, 'asked');
  const busy = window({ sharedUtil: 0.99 });
  /** a asks × 2 (10 → 20 req/s, below its 30 offered: it wants 10 more); b and c as given. */
  const act = (b: number, c = 0) => Float32Array.from([1, 0, b, 0, c, 0, 0, 0]);
  const aLimit = (action: Float32Array) => codec.decodeResidual(action, busy, BASE).tenants!.a!;
  // Nothing tightened: the path rule holds a back as without transfer.
  assert.equal(codec.decodeResidual(act(0), busy, BASE), BASE);
  // b's limit 40 → 20 (× 4^-0.5): b offered 20, so the load falls by nothing; a gets nothing.
  assert.deepEqual(aLimit(act(-0.5)).rateLimit, BASE.tenants!.a!.rateLimit);
  // b's limit 40 → 10 (× 4^-1): b's load falls from 20 to 10, all of which a asked for.
  assert.deepEqual(aLimit(act(-1)).rateLimit, { ratePerSecond: 20, burst: 20 });
  // 40 → 40 × 4^-0.75 ≈ 14.14 frees ≈ 5.86 of the 10 a asked for: a gets that much.
  const part = aLimit(act(-0.75)).rateLimit!;
  const freed = 20 - 40 * Math.pow(4, -0.75);
  assert.ok(Math.abs(part.ratePerSecond - (10 + freed)) < 1e-9, `${part.ratePerSecond}`);
  assert.ok(Math.abs(part.burst - (10 + freed)) < 1e-9);
  // c (no base limit: offered 20 × 2 × 4^-1 = 10) frees 10, but at a service a never
  // reached, so a still gets nothing; c's own tightening stands.
  const far = codec.decodeResidual(act(0, -1), busy, BASE);
  assert.deepEqual(far.tenants!.a!.rateLimit, BASE.tenants!.a!.rateLimit);
  assert.deepEqual(far.tenants!.c!.rateLimit, { ratePerSecond: 10, burst: 10 });
  // Where the path rule allows loosening, transfer changes nothing.
  const quiet = window({});
  const plain = shielded(0.9, 1);
  assert.deepEqual(
    codec.decodeResidual(act(-1), quiet, BASE),
    plain.decodeResidual(act(-1), quiet, BASE),
  );
  // Without transfer the same busy window keeps a's base limit.
  assert.deepEqual(
    plain.decodeResidual(act(-1), busy, BASE).tenants!.a!.rateLimit,
    BASE.tenants!.a!.rateLimit,
  );
});

test('shield transfer shortfall: freed rate goes unasked to tenants short of their entitlement', () => {
  const codec = shielded(0.9, 1, 'shortfall');
  // a offered 30 but only 12 counted as goodput: 18 req/s short (its demand cap allows
  // 30 − 10 = 20 above its base limit). The shared service is busy.
  const busy = window({ sharedUtil: 0.99 });
  const short = {
    ...busy,
    tenants: busy.tenants.map((t, i) => (i === 0 ? { ...t, goodput: 12 } : t)),
  };
  const act = (a: number, b: number) => Float32Array.from([a, 0, b, 0, 0, 0, 0, 0]);
  const aRate = (action: Float32Array, w: Signals) =>
    codec.decodeResidual(action, w, BASE).tenants!.a!.rateLimit!;
  // b's limit 40 → 10 frees 10 of its 20 offered; a takes it without asking.
  assert.deepEqual(aRate(act(0, -1), short), { ratePerSecond: 20, burst: 20 });
  // b's limit 40 → 40 × 4^-0.75 frees ≈ 5.86.
  const part = aRate(act(0, -0.75), short);
  assert.ok(Math.abs(part.ratePerSecond - (30 - 40 * Math.pow(4, -0.75))) < 1e-9);
  // A loosening the path rule holds back leaves a a recipient.
  assert.deepEqual(aRate(act(1, -1), short), { ratePerSecond: 20, burst: 20 });
  // a tightened itself: no transfer to it (its own correction stands).
  assert.deepEqual(aRate(act(-1, -1), short), { ratePerSecond: 2.5, burst: 2.5 });
  // Not short (goodput = entitlement): nothing moves to a.
  assert.deepEqual(aRate(act(0, -1), busy), BASE.tenants!.a!.rateLimit);
  // A zero action is still the base itself.
  assert.equal(codec.decodeResidual(new Float32Array(codec.actionSize), short, BASE), BASE);
});

test('sloMet reads the nearest measured percentile at or above the SLO’s', () => {
  const t = tenant('t', 10, 0.1, 0.2, 0.05);
  assert.equal(sloMet(t), false, 'p99 SLO read at p99');
  assert.equal(sloMet({ ...t, slo: { latency: 0.1, percentile: 90 } }), true, 'p90 at p90');
  assert.equal(sloMet({ ...t, slo: { latency: 0.1, percentile: 95 } }), false, 'p95 at p99');
  assert.equal(sloMet({ ...t, latency: { ...t.latency, count: 0 } }), false, 'none completed');
  assert.equal(sloMet({ ...t, offered: 0, latency: { ...t.latency, count: 0 } }), true);
});

test('shield: travels in the codec JSON; codecs without it decode as before', () => {
  const codec = shielded(0.8, 1.25);
  const json = JSON.parse(JSON.stringify(codec.toJSON()));
  assert.deepEqual(json.residualShield, { utilization: 0.8, demandCap: 1.25 });
  // `transfer` is written only when on, so shields without it serialise as before.
  assert.deepEqual(shielded(0.8, 1.25, 'shortfall').toJSON().residualShield, {
    utilization: 0.8,
    demandCap: 1.25,
    transfer: 'shortfall',
  });
  const copy = ActionCodec.fromJSON(json);
  const w = window({ aRate: 12 });
  assert.deepEqual(
    copy.decodeResidual(loosenA(1), w, BASE),
    codec.decodeResidual(loosenA(1), w, BASE),
  );
  // A codec saved before the shield existed has no such field and loosens unshielded,
  // e.g. through a busy path.
  const { residualShield: _, ...old } = codec.toJSON();
  const legacy = ActionCodec.fromJSON(old as never);
  assert.equal('residualShield' in legacy.toJSON(), false);
  const busy = window({ sharedUtil: 0.99 });
  assert.deepEqual(legacy.decodeResidual(loosenA(1), busy, BASE).tenants!.a!.rateLimit, {
    ratePerSecond: 20,
    burst: 20,
  });
  for (const [bad, message] of [
    [
      { utilization: 0, demandCap: 1 },
      /residualShield.utilization must be a number in \(0, 1\], got 0/,
    ],
    [{ utilization: 1.5, demandCap: 1 }, /utilization .* got 1.5/],
    [
      { utilization: 0.9, demandCap: 0.5 },
      /residualShield.demandCap must be a finite number >= 1, got 0.5/,
    ],
    [
      { utilization: 0.9, demandCap: 1, transfer: true },
      /residualShield.transfer must be asked or shortfall, got true/,
    ],
  ] as const)
    assert.throws(() => new ActionCodec({ residualShield: bad as never }), message);
});

test('shield in ClusterEnv: a zero action still runs exactly as the base; loosening is held back', () => {
  const options = {
    scenario: SMALL_CLUSTER,
    episodeWindows: 30,
    warmupWindows: 3,
    base: [{ policy: 'retro-drf' }, { policy: 'breakwater' }],
  } as const;
  const up = { residualRateBase: 4, residualRateUpBase: 4, residualWeightBase: 2 };
  const plain = new ClusterEnv({ ...options, action: up });
  const shieldedEnv = new ClusterEnv({
    ...options,
    action: { ...up, residualShield: { utilization: 0.9, demandCap: 1 } },
  });
  const zero = new Float32Array(plain.actionSpace.shape[0]!);
  const loosen = zero.map((_, i) => (i % 2 === 0 ? 1 : 0));
  plain.reset({ seed: 3 });
  shieldedEnv.reset({ seed: 3 });
  for (let t = 0; t < 30; t++) {
    const p = plain.step(zero).info as ClusterInfo;
    const s = shieldedEnv.step(zero).info as ClusterInfo;
    assert.deepEqual(s.decision, p.decision);
    assert.equal(s.score, p.score);
  }
  // Loosening everyone on this overloaded cluster: the shield holds some of it back, so
  // the two runs' decisions part.
  plain.reset({ seed: 3 });
  shieldedEnv.reset({ seed: 3 });
  let differing = 0;
  for (let t = 0; t < 30; t++) {
    const p = plain.step(loosen).info as ClusterInfo;
    const s = shieldedEnv.step(loosen).info as ClusterInfo;
    if (JSON.stringify(s.decision) !== JSON.stringify(p.decision)) differing++;
  }
  assert.ok(differing > 0, 'the shield never held loosening back');
});

test('the committed bundle’s action codec round-trips unchanged, its shield included', () => {
  const codec = JSON.parse(readFileSync('pretrained/governor-pretrained/codec.json', 'utf8'));
  const action = ActionCodec.fromJSON(codec.action);
  assert.deepEqual(action.params.residualShield, {
    utilization: 0.9,
    demandCap: 1,
    transfer: 'asked',
    floor: 'guarantee',
  });
  assert.deepEqual(JSON.parse(JSON.stringify(action.toJSON())), codec.action);
});

test('a codec saved before the shield (the previous committed bundle) round-trips unshielded', () => {
  // pretrained/governor-pretrained's action codec as committed on 26 Nov (56b0c8c).
  const saved = {
    kind: 'governor/action-codec',
    version: 1,
    slotCount: 8,
    knobs: ['rateLimit', 'weight'],
    admissionServices: ['gateway'],
    minRatePerSecond: 1,
    burstWindows: 1,
    ttlWindows: 2,
    residualRateBase: 4,
    residualRateUpBase: 1,
    residualWeightBase: 2,
  } as const;
  const action = ActionCodec.fromJSON(saved);
  assert.equal(action.params.residualShield, undefined);
  assert.deepEqual(JSON.parse(JSON.stringify(action.toJSON())), saved);
});

test('shield floor entitlement: tightening stops at min(offered, guarantee), or at the base where lower', () => {
  const codec = new ActionCodec({
    slotCount: 4,
    knobs: ['rateLimit', 'weight'],
    residualRateBase: 4,
    residualRateUpBase: 2,
    residualWeightBase: 2,
    residualShield: { utilization: 0.9, demandCap: 1, floor: 'entitlement' },
  });
  const plain = new ActionCodec({ ...codec.params, residualShield: undefined });
  // a: 30 req/s, guarantee 12, base limit 10 (below its entitlement): no tightening at all.
  // b: 20 req/s, guarantee 16, base limit 40: down to 16 at most (40 × 4^-1 = 10 unfloored).
  // c: 20 req/s, no guarantee, no base limit: down to its offered 20 (2 × 20 × 4^-a).
  const base = window({});
  const w: Signals = {
    ...base,
    tenants: [
      { ...base.tenants[0]!, guaranteedRate: 12 },
      { ...base.tenants[1]!, guaranteedRate: 16 },
      base.tenants[2]!,
    ],
  };
  const all = Float32Array.from([-1, 0, -1, 0, -1, 0, 0, 0]);
  const d = codec.decodeResidual(all, w, BASE);
  assert.equal(d.tenants!.a!.rateLimit!.ratePerSecond, 10);
  assert.equal(d.tenants!.b!.rateLimit!.ratePerSecond, 16);
  assert.equal(d.tenants!.b!.rateLimit!.burst, 16);
  assert.equal(d.tenants!.c!.rateLimit!.ratePerSecond, 20);
  // Above the floor, tightening is as without it: b × 4^-0.25 ≈ 28.3 > 16.
  const mild = Float32Array.from([0, 0, -0.25, 0, 0, 0, 0, 0]);
  assert.deepEqual(codec.decodeResidual(mild, w, BASE), plain.decodeResidual(mild, w, BASE));
  // It travels in the codec JSON; a bad value is refused with the field named.
  assert.deepEqual(ActionCodec.fromJSON(codec.toJSON()).params.residualShield, {
    utilization: 0.9,
    demandCap: 1,
    floor: 'entitlement',
  });
  assert.throws(
    () =>
      new ActionCodec({
        residualShield: { utilization: 0.9, demandCap: 1, floor: 'all' as 'entitlement' },
      }),
    /residualShield\.floor must be entitlement or guarantee, got "all"/,
  );
  // floor guarantee: b (offering 20 against a guarantee of 16) stops at 16 as before; a
  // guaranteed tenant offering less than its guarantee stops at the guarantee, not its rate.
  const atGuarantee = new ActionCodec({
    ...codec.params,
    residualShield: { utilization: 0.9, demandCap: 1, floor: 'guarantee' },
  });
  const light: Signals = {
    ...w,
    tenants: [w.tenants[0]!, { ...w.tenants[1]!, guaranteedRate: 25 }, w.tenants[2]!],
  };
  assert.equal(atGuarantee.decodeResidual(all, w, BASE).tenants!.b!.rateLimit!.ratePerSecond, 16);
  assert.equal(codec.decodeResidual(all, light, BASE).tenants!.b!.rateLimit!.ratePerSecond, 20);
  assert.equal(
    atGuarantee.decodeResidual(all, light, BASE).tenants!.b!.rateLimit!.ratePerSecond,
    25,
  );
});
