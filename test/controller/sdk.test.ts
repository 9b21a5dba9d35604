import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Enforcer, type Verdict } from '../../controller/sdk/enforcer.js';
import { governorMiddleware, tenantHeaders } from '../../controller/sdk/middleware.js';
import { PriorityQueue } from '../../controller/sdk/priority-queue.js';
import { TokenBucket } from '../../controller/sdk/token-bucket.js';
import { WindowRecorder } from '../../controller/sdk/window-recorder.js';
import type { DecisionPart } from '../../controller/protocol.js';

const closers: (() => void)[] = [];
after(() => closers.forEach((c) => c()));

test('a token bucket admits its burst at once, then its rate per second', () => {
  const rate = 5;
  const burst = 3;
  const b = new TokenBucket(rate, burst, 0);
  let admitted = 0;
  for (let i = 0; i < 10; i++) if (b.tryTake(0)) admitted++;
  assert.equal(admitted, burst);
  for (let i = 0; i < 100; i++) if (b.tryTake(2)) admitted++;
  assert.equal(admitted, burst + burst, 'refill is capped by the burst');
  let later = 0;
  for (let t = 2.1; t <= 3.05; t += 0.1) if (b.tryTake(t)) later++;
  assert.equal(later, rate * 1 - 0, 'one second at the rate');
});

test('reconfiguring a bucket keeps its tokens, capped by the new burst', () => {
  const b = new TokenBucket(1, 10, 0);
  b.reconfigure(1, 4, 0);
  assert.equal(b.available(0), 4);
});

test('a priority queue serves larger priorities first and ties in arrival order', () => {
  const q = new PriorityQueue<string>();
  q.push('low-1', 0);
  q.push('high-1', 5);
  q.push('low-2', 0);
  q.push('high-2', 5);
  assert.deepEqual(
    [q.shift(), q.shift(), q.shift(), q.shift(), q.shift()],
    ['high-1', 'high-2', 'low-1', 'low-2', undefined],
  );
});

function enforcer(part: DecisionPart, random = () => 0.5) {
  let now = 0;
  const e = new Enforcer({ service: 'api', decision: () => part, clock: () => now, random });
  return { e, advance: (s: number) => (now += s) };
}

test('the enforcer rejects a tenant beyond its rate limit and lets another tenant through', async () => {
  const { e } = enforcer({ tenants: { a: { rateLimit: { ratePerSecond: 1, burst: 2 } } } });
  const verdicts = await Promise.all([e.admit('a'), e.admit('a'), e.admit('a'), e.admit('b')]);
  assert.deepEqual(
    verdicts.map((v) => (v.admitted ? 'in' : v.reason)),
    ['in', 'in', 'rate-limit', 'in'],
  );
});

test('the enforcer sheds a request when its draw is at or above the admit probability', async () => {
  const { e } = enforcer({ tenants: { a: { admitProbability: 0.3 } } }, () => 0.3);
  const v = await e.admit('a');
  assert.equal(v.admitted ? 'in' : v.reason, 'shed');
});

test('a tenant at its concurrency limit waits, and a released slot goes to the higher priority first', async () => {
  const { e } = enforcer({
    tenants: { lo: { priority: 0 }, hi: { priority: 9 } },
    services: { api: { concurrencyLimit: 1 } },
  });
  const first = (await e.admit('lo')) as Extract<Verdict, { admitted: true }>;
  const order: string[] = [];
  const lo = e.admit('lo').then((v) => (order.push('lo'), v));
  const hi = e.admit('hi').then((v) => (order.push('hi'), v));
  assert.equal(e.waiting, 2);
  first.release();
  const h = (await hi) as Extract<Verdict, { admitted: true }>;
  h.release();
  await lo;
  assert.deepEqual(order, ['hi', 'lo']);
});

test('a request that waits longer than the queue-delay threshold is turned away', async () => {
  const { e } = enforcer({ tenants: { a: { concurrencyLimit: 1, queueDelayThreshold: 0.02 } } });
  const held = await e.admit('a');
  const v = await e.admit('a');
  assert.equal(v.admitted ? 'in' : v.reason, 'queue-delay');
  assert.ok(held.admitted);
});

test('the recorder turns a window of outcomes into tenant signals and starts afresh', () => {
  const r = new WindowRecorder({ a: { slo: { latency: 0.1, percentile: 99 }, guaranteedRate: 1 } });
  for (let i = 0; i < 4; i++) r.offered('a');
  r.rejected('a', 'rate-limit');
  for (let i = 0; i < 3; i++) r.admitted('a');
  r.finished('a', 0.05, true);
  r.finished('a', 0.5, true);
  r.finished('a', 0.01, false);
  const [a] = r.closeTenants(2);
  assert.equal(a!.offered, 4);
  assert.equal(a!.rejectedByReason['rate-limit'], 1);
  assert.equal(a!.completed, 2);
  assert.equal(a!.goodput, 1);
  assert.equal(a!.failed, 1);
  assert.equal(a!.entitlement, Math.min(4, 1 * 2));
  assert.deepEqual(r.closeTenants(2), []);
});

test('the http middleware reads the tenant header, rejects over the limit with 429 and records outcomes', async () => {
  const recorder = new WindowRecorder();
  const e = new Enforcer({
    service: 'api',
    decision: () => ({ tenants: { a: { rateLimit: { ratePerSecond: 0.001, burst: 1 } } } }),
  });
  const mw = governorMiddleware({ enforcer: e, recorder });
  const server = createServer((req, res) => mw(req, res, () => res.end('ok')));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const get = (tenant: string) =>
    new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port, headers: tenantHeaders(tenant) }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
        .on('error', reject)
        .end();
    });
  assert.deepEqual([await get('a'), await get('a'), await get('b')], [200, 429, 200]);
  const signals = recorder.closeTenants(1);
  assert.deepEqual(
    signals.map((t) => [t.name, t.offered, t.rejected]),
    [
      ['a', 2, 1],
      ['b', 1, 0],
    ],
  );
});
