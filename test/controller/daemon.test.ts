import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from '@msgpack/msgpack';
import * as zmq from 'zeromq';
import { ControllerDaemon } from '../../controller/daemon.js';
import { GuardedPolicy } from '../../controller/guarded-policy.js';
import type { Policy } from '../../policies/policy.js';
import { encodeMessage } from '../../controller/codec.js';
import { GovernorClient } from '../../controller/sdk/client.js';
import { FixedRatePolicy, report, service, silent, tenant, until } from './fixtures.js';

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

async function daemon(
  policy: Policy = new FixedRatePolicy(100),
  extra = {},
): Promise<ControllerDaemon> {
  const d = await ControllerDaemon.start({
    policy,
    bind: 'tcp://127.0.0.1:*',
    logger: silent,
    ...extra,
  });
  closers.push(() => d.stop());
  return d;
}

async function client(
  endpoint: string,
  instance: string,
  role: 'ingress' | 'service',
  svc = 'ingress',
  extra = {},
): Promise<GovernorClient> {
  const c = new GovernorClient({
    endpoint,
    instance,
    service: svc,
    role,
    safe: { tenants: { a: { rateLimit: { ratePerSecond: 1, burst: 1 } } } },
    ...extra,
  });
  closers.push(() => c.close());
  c.start();
  await c.waitForWelcome();
  return c;
}

test('two ingress instances share a tenant rate limit in proportion to the demand each saw', async () => {
  const d = await daemon(new FixedRatePolicy(100));
  const a = await client(d.endpoint, 'in-a', 'ingress');
  const b = await client(d.endpoint, 'in-b', 'ingress');
  const answers = [a.waitForDecision(0), b.waitForDecision(0)];
  a.report(report(0, [tenant('t', 30)]));
  b.report(report(0, [tenant('t', 10)]));
  const [da, db] = await Promise.all(answers);
  assert.equal(da!.part.tenants?.t?.rateLimit?.ratePerSecond, (100 * 30) / 40);
  assert.equal(db!.part.tenants?.t?.rateLimit?.ratePerSecond, (100 * 10) / 40);
});

test('the daemon aggregates every instance report of a window into one Signals', async () => {
  const policy = new FixedRatePolicy(100);
  const d = await daemon(policy);
  const a = await client(d.endpoint, 'in-a', 'ingress');
  const s = await client(d.endpoint, 'api-1', 'service', 'api');
  const answers = [a.waitForDecision(3), s.waitForDecision(3)];
  a.report(report(3, [tenant('t', 30), tenant('u', 5)]));
  s.report(report(3, [], service('api', { t: 30, u: 5 })));
  const [, ds] = await Promise.all(answers);
  assert.equal(policy.seen.length, 1);
  assert.deepEqual(
    policy.seen[0]!.tenants.map((t) => t.name),
    ['t', 'u'],
  );
  assert.deepEqual(
    policy.seen[0]!.services[0]!.tenants.map((t) => t.hops),
    [30, 5],
  );
  assert.equal(ds!.part.tenants?.t?.weight, 2);
  assert.equal(ds!.part.tenants?.t?.rateLimit, undefined);
});

test('a service that vanishes without a goodbye leaves the aggregate after the timeout', async () => {
  const d = await daemon(new FixedRatePolicy(100), { heartbeatSeconds: 0.05, timeoutSeconds: 0.2 });
  await client(d.endpoint, 'in-a', 'ingress', 'ingress', { heartbeatSeconds: 0.05 });
  const ghost = new zmq.Dealer({ linger: 0 });
  ghost.connect(d.endpoint);
  await ghost.send(
    encodeMessage({ type: 'register', instance: 'ghost', service: 'api', role: 'service' }),
  );
  await until(() => d.instances === 2, 2000, 'two instances');
  ghost.close();
  await until(() => d.instances === 1, 2000, 'the ghost to time out');
  assert.equal(d.instances, 1);
});

test('an instance that registers after a decision receives the current snapshot at once', async () => {
  const d = await daemon(new FixedRatePolicy(40));
  const a = await client(d.endpoint, 'in-a', 'ingress');
  const first = a.waitForDecision(0);
  a.report(report(0, [tenant('t', 10)]));
  await first;
  const late = new GovernorClient({
    endpoint: d.endpoint,
    instance: 'in-b',
    service: 'ingress',
    role: 'ingress',
    safe: {},
  });
  closers.push(() => late.close());
  const snapshot = late.waitForDecision(-1);
  late.start();
  const got = await snapshot;
  assert.equal(got.epoch, 1);
  assert.ok(got.part.tenants?.t?.rateLimit !== undefined);
});

test('the SDK keeps its decision until the lease ends, falls back to the safe one, and recovers after a daemon restart', async () => {
  const leaseSeconds = 0.4;
  const first = await ControllerDaemon.start({
    policy: new FixedRatePolicy(50, leaseSeconds),
    bind: 'tcp://127.0.0.1:*',
    logger: silent,
  });
  const endpoint = first.endpoint;
  const c = await client(endpoint, 'in-a', 'ingress', 'ingress', { heartbeatSeconds: 0.05 });
  const decided = c.waitForDecision(0);
  c.report(report(0, [tenant('a', 10)]));
  await decided;
  assert.equal(c.inForce().source, 'controller');
  assert.equal(c.inForce().part.tenants?.a?.rateLimit?.ratePerSecond, 50);
  await first.stop();
  assert.equal(
    c.inForce().source,
    'controller',
    'the decision outlives the daemon until its lease ends',
  );
  await until(() => c.inForce().source === 'safe', 3000, 'the lease to run out');
  assert.equal(c.inForce().part.tenants?.a?.rateLimit?.ratePerSecond, 1);
  const second = await ControllerDaemon.start({
    policy: new FixedRatePolicy(60, 5),
    bind: endpoint,
    logger: silent,
  });
  closers.push(() => second.stop());
  await until(() => second.instances === 1, 5000, 'the client to register again');
  const again = c.waitForDecision(1);
  c.report(report(1, [tenant('a', 10)]));
  await again;
  assert.equal(c.inForce().source, 'controller');
  assert.equal(c.inForce().part.tenants?.a?.rateLimit?.ratePerSecond, 60);
});

test('the daemon counts a guarded policy switching to its fallback when a report is out of range', async () => {
  const guard = new GuardedPolicy({
    primary: new FixedRatePolicy(50),
    fallback: new FixedRatePolicy(20),
    ranges: { 'tenant.offeredRate': { min: 0, max: 100 } },
  });
  const d = await daemon(guard);
  const a = await client(d.endpoint, 'in-a', 'ingress');
  const answer = a.waitForDecision(0);
  a.report(report(0, [tenant('t', 1000)]));
  const got = await answer;
  assert.equal(got.part.tenants?.t?.rateLimit?.ratePerSecond, 20);
  const switches = (await d.metrics.guardSwitches.get()).values;
  assert.deepEqual(
    switches.map((v) => [v.labels.mode, v.value]),
    [['fallback', 1]],
  );
});

test('an instance reporting every window sends no heartbeats and stays live; silent, it heartbeats', async () => {
  // A timeout of 1 s, under the 150 windows' 1.5 s or more (so an instance kept live by
  // nothing but heartbeats would time out), and above a busy machine's scheduling stalls.
  const d = await daemon(new FixedRatePolicy(100), { heartbeatSeconds: 0.1, timeoutSeconds: 1 });
  const c = await client(d.endpoint, 'in-a', 'ingress', 'ingress', { heartbeatSeconds: 0.1 });
  const before = c.totals.heartbeats;
  // 150 windows of ~10-15 ms: an instance heartbeating regardless would send 15 or more;
  // under the rule one is sent only after a tick with no report, i.e. a stall of 100 ms.
  for (let w = 0; w < 150; w++) {
    const answer = c.waitForDecision(w);
    c.report(report(w, [tenant('t', 3)]));
    await answer;
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(d.instances, 1, `window ${w}: the instance timed out`);
  }
  assert.ok(c.totals.heartbeats - before <= 5, `${c.totals.heartbeats - before} heartbeats sent`);
  const quiet = c.totals.heartbeats;
  await until(() => c.totals.heartbeats >= quiet + 4, 3000, 'heartbeats once reports stop');
  assert.equal(d.instances, 1);
});

test('a daemon whose timeout is not over two heartbeat periods is refused', async () => {
  await assert.rejects(
    ControllerDaemon.start({
      policy: new FixedRatePolicy(1),
      bind: 'tcp://127.0.0.1:*',
      logger: silent,
      heartbeatSeconds: 1,
      timeoutSeconds: 2,
    }),
    /timeoutSeconds must exceed 2 × heartbeatSeconds \(2\), got 2/,
  );
});

test('betweenRounds runs once, after a round is decided and its decisions sent', async () => {
  const calls: number[] = [];
  let decided = 0;
  const d = await daemon(new FixedRatePolicy(100), {
    onRound: () => decided++,
    betweenRounds: () => calls.push(decided),
  });
  const a = await client(d.endpoint, 'in-a', 'ingress');
  assert.deepEqual(calls, [], 'not before any round');
  const answer = a.waitForDecision(0);
  a.report(report(0, [tenant('t', 30)]));
  await answer;
  await until(() => calls.length === 1, 2000, 'betweenRounds after the round');
  assert.deepEqual(calls, [1], 'called once, after the round was decided');
});

test('an SDK client packs its reports (version 2) when welcomed in it; version-1 reports aggregate alike', async () => {
  const policy = new FixedRatePolicy(100);
  const d = await daemon(policy);
  const packed = await client(d.endpoint, 'in-2', 'ingress');
  const plain = await client(d.endpoint, 'in-1', 'ingress', 'ingress', { protocolVersion: 1 });
  assert.equal(packed.reportVersion, 2);
  assert.equal(plain.reportVersion, 1);
  const answers = [packed.waitForDecision(4), plain.waitForDecision(4)];
  packed.report(report(4, [tenant('t', 30), { ...tenant('u', 2), guaranteedRate: null }]));
  plain.report(report(4, [tenant('t', 10)]));
  const [dp, dv] = await Promise.all(answers);
  assert.equal(dp!.part.tenants?.t?.rateLimit?.ratePerSecond, (100 * 30) / 40);
  assert.equal(dv!.part.tenants?.t?.rateLimit?.ratePerSecond, (100 * 10) / 40);
  const seen = policy.seen.at(-1)!;
  assert.deepEqual(
    seen.tenants.map((t) => [t.name, t.offered, t.guaranteedRate]),
    [
      ['t', 40, 10],
      ['u', 2, null],
    ],
  );
  assert.equal(d.totals.rejected, 0);
  // Counted on the hot path in tallies, folded into the counters when they are read.
  const count = async (c: typeof d.metrics.received, label: string) =>
    Object.fromEntries((await c.get()).values.map((v) => [v.labels[label], v.value]));
  assert.deepEqual(await count(d.metrics.reports, 'outcome'), { accepted: 2 });
  assert.equal((await count(d.metrics.received, 'type')).report, 2);
  // A late report is answered with the decision in force: the part its round sent.
  const snapshot = packed.waitForDecision(4);
  packed.report(report(4, [tenant('t', 90)]));
  assert.equal((await snapshot)!.part.tenants?.t?.rateLimit?.ratePerSecond, (100 * 30) / 40);
  assert.deepEqual(await count(d.metrics.reports, 'outcome'), { accepted: 2, late: 1 });
  assert.match(
    await d.metrics.registry.metrics(),
    /governor_controller_messages_received_total\{type="report"\} 3/,
  );
});

test('against a version-1 controller the SDK registers again in version 1 and reports in it', async () => {
  // A stand-in for a version-1 controller: it refuses v 2 as unknown, welcomes v 1.
  const router = new zmq.Router({ linger: 0 });
  await router.bind('tcp://127.0.0.1:*');
  closers.push(async () => router.close());
  const versions: [string, number][] = [];
  void (async () => {
    try {
      for await (const [id, body] of router) {
        const raw = decode(body!) as { v: number; type: string };
        versions.push([raw.type, raw.v]);
        const answer =
          raw.v !== 1
            ? encodeMessage({ type: 'error', code: 'unknown-version', message: 'v must be 1' })
            : raw.type === 'register'
              ? encodeMessage({
                  type: 'welcome',
                  session: 'old',
                  intervalSeconds: 1,
                  heartbeatSeconds: 1,
                  timeoutSeconds: 3,
                })
              : null;
        if (answer !== null) await router.send([id!, answer]);
      }
    } catch {
      // Closed.
    }
  })();
  const c = await client(router.lastEndpoint!, 'in-old', 'ingress');
  assert.equal(c.reportVersion, 1);
  c.report(report(0, [tenant('t', 1)]));
  await until(() => versions.some(([type]) => type === 'report'), 3000, 'the report');
  assert.deepEqual(versions.slice(0, 3), [
    ['register', 2],
    ['register', 1],
    ['report', 1],
  ]);
});

test('an instance registered in version 2 gets packed decisions, one in version 1 plain ones; snapshots too', async () => {
  const d = await daemon(new FixedRatePolicy(100));
  const bodies = new Map<string, Record<string, unknown>[]>();
  const dealer = async (instance: string, v: 1 | 2) => {
    const s = new zmq.Dealer({ linger: 0 });
    s.connect(d.endpoint);
    closers.push(async () => s.close());
    bodies.set(instance, []);
    void (async () => {
      try {
        for await (const [body] of s) bodies.get(instance)!.push(decode(body!) as never);
      } catch {
        // Closed.
      }
    })();
    await s.send(
      encodeMessage({ type: 'register', instance, service: 'ingress', role: 'ingress' }, v),
    );
    return s;
  };
  const packed = await dealer('in-2', 2);
  const plain = await dealer('in-1', 1);
  await until(() => d.instances === 2, 3000, 'both registered');
  await packed.send(encodeMessage({ type: 'report', ...report(0, [tenant('t', 30)]) }, 2));
  await plain.send(encodeMessage({ type: 'report', ...report(0, [tenant('t', 10)]) }, 1));
  const decisions = (instance: string) =>
    bodies.get(instance)!.filter((b) => b.type === 'decision');
  await until(() => decisions('in-2').length + decisions('in-1').length === 2, 3000, 'decisions');
  const [p] = decisions('in-2');
  const [q] = decisions('in-1');
  assert.equal(p!.v, 2);
  assert.deepEqual((p!.part as Record<string, unknown>).tenants, ['t']);
  assert.deepEqual((p!.part as Record<string, unknown>).knobs, ['ratePerSecond', 'burst']);
  assert.equal(q!.v, 1);
  assert.deepEqual(Object.keys((q!.part as { tenants: object }).tenants), ['t']);
  // Registering again (a reconnect): the snapshot comes in the instance's version.
  await packed.send(
    encodeMessage({ type: 'register', instance: 'in-2', service: 'ingress', role: 'ingress' }, 2),
  );
  await until(() => decisions('in-2').length === 2, 3000, 'the snapshot');
  assert.equal(decisions('in-2')[1]!.v, 2);
  assert.equal(decisions('in-2')[1]!.window, -1);
  assert.equal(d.totals.rejected, 0);
});
