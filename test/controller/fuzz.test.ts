import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { encode } from '@msgpack/msgpack';
import * as zmq from 'zeromq';
import { encodeMessage } from '../../controller/codec.js';
import { ControllerDaemon } from '../../controller/daemon.js';
import { MAX_MESSAGE_BYTES } from '../../controller/protocol.js';
import { GovernorClient } from '../../controller/sdk/client.js';
import { RngStream } from '../../sim-cluster/rng.js';
import { FixedRatePolicy, report, service, silent, tenant, until } from './fixtures.js';

const FRAMES = 100_000;
const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

/** Valid messages the fuzzer mutates. */
const TEMPLATES: Uint8Array[] = [
  encodeMessage({ type: 'register', instance: 'fuzz', service: 'api', role: 'service' }),
  encodeMessage({ type: 'heartbeat', seq: 3, epoch: 1, leaseSeconds: 0 }),
  encodeMessage({ type: 'goodbye' }),
  encodeMessage({ type: 'report', ...report(2, [tenant('t', 5)], service('api', { t: 5 })) }),
  encodeMessage({ type: 'report', ...report(3, [tenant('t', 5), tenant('u', 1)]) }, 2),
  encodeMessage({ type: 'register', instance: 'fuzz2', service: 'ingress', role: 'ingress' }, 2),
];

/** Structurally plausible bodies that break one rule each. */
const INVALID: Uint8Array[] = [
  encode({ v: 3, type: 'register', instance: 'x', service: 'api', role: 'service' }),
  encode({ v: '1', type: 'heartbeat', seq: 0, epoch: 0, leaseSeconds: 0 }),
  encode({ type: 'goodbye' }),
  encode({ v: 1, type: 'register', instance: '', service: 'api', role: 'service' }),
  encode({ v: 1, type: 'register', instance: 'x', service: 'api', role: 'boss' }),
  encode({ v: 1, type: 'heartbeat', seq: -1, epoch: 0, leaseSeconds: 0 }),
  encode({ v: 1, type: 'heartbeat', seq: 1, epoch: 0, leaseSeconds: NaN }),
  encode({ v: 1, type: 'goodbye', extra: true }),
  encode({ v: 1, type: 'decision', session: 's', epoch: 1, window: 0, leaseSeconds: 1, part: {} }),
  encode({
    v: 1,
    type: 'report',
    ...report(
      1,
      Array.from({ length: 2000 }, (_, i) => tenant(`t${i}`, 1)),
    ),
  }),
  encode({ v: 1, type: 'report', ...report(1, [{ ...tenant('t', 1), offered: -5 }]) }),
  encode([1, 2, 3]),
  encode(null),
  encode({ v: 1, type: 'register', instance: 'x'.repeat(500), service: 'api', role: 'service' }),
];

function fuzzFrame(rng: RngStream): Uint8Array[] {
  const kind = rng.nextInt(10);
  if (kind < 3) return [randomBytes(rng, rng.nextInt(200))];
  if (kind < 8) return [mutate(rng, TEMPLATES[rng.nextInt(TEMPLATES.length)]!)];
  if (kind < 9) return [INVALID[rng.nextInt(INVALID.length)]!];
  // Extra frames: the ROUTER sees more than [identity, body].
  return [TEMPLATES[1]!, randomBytes(rng, 8)];
}

function randomBytes(rng: RngStream, n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = rng.nextInt(256);
  return bytes;
}

function mutate(rng: RngStream, template: Uint8Array): Uint8Array {
  const bytes = Uint8Array.from(template);
  switch (rng.nextInt(3)) {
    case 0: // flip 1-4 bytes
      for (let k = 1 + rng.nextInt(4); k > 0; k--) {
        const at = rng.nextInt(bytes.length);
        bytes[at] = bytes[at]! ^ (1 + rng.nextInt(255));
      }
      return bytes;
    case 1: // truncate
      return bytes.subarray(0, rng.nextInt(bytes.length));
    default: {
      // insert random bytes
      const at = rng.nextInt(bytes.length);
      return Uint8Array.from([
        ...bytes.subarray(0, at),
        ...randomBytes(rng, 1 + rng.nextInt(8)),
        ...bytes.subarray(at),
      ]);
    }
  }
}

test('the daemon counts and drops 100,000 random and mutated frames while serving a correct client', async () => {
  const daemon = await ControllerDaemon.start({
    policy: new FixedRatePolicy(100),
    bind: 'tcp://127.0.0.1:*',
    intervalSeconds: 0.1,
    logger: silent,
  });
  closers.push(() => daemon.stop());
  const good = new GovernorClient({
    endpoint: daemon.endpoint,
    instance: 'good',
    service: 'ingress',
    role: 'ingress',
    safe: {},
  });
  closers.push(() => good.close());
  good.start();
  await good.waitForWelcome();

  // The correct client reports window after window and must get an answer to each.
  let served = 0;
  let stop = false;
  const serving = (async () => {
    for (let w = 0; !stop; w++) {
      const answer = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`window ${w} not answered within 3 s`)),
          3000,
        );
        good.once('decision', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      good.report(report(w, [tenant('t', 10)]));
      await answer;
      served++;
    }
  })();

  const rng = new RngStream(2024, 'fuzz');
  const fuzzers = [new zmq.Dealer({ linger: 0 }), new zmq.Dealer({ linger: 0 })];
  for (const f of fuzzers) {
    f.connect(daemon.endpoint);
    closers.push(async () => f.close());
  }
  const oversized = new Uint8Array(MAX_MESSAGE_BYTES + 1);
  const sent = await Promise.all(
    fuzzers.map(async (f, i) => {
      const stream = rng.fork(`fuzzer-${i}`);
      let n = 0;
      for (; n < FRAMES / fuzzers.length; n++) {
        await f.send(n % 10_000 === 5 ? [oversized] : fuzzFrame(stream));
      }
      return n;
    }),
  );
  const total = sent.reduce((a, n) => a + n, 0);
  assert.ok(total >= FRAMES);
  await until(
    () => daemon.totals.rejected + daemon.totals.received >= total,
    20_000,
    'every frame handled',
  );
  stop = true;
  await serving;
  const reasons = Object.fromEntries(
    (await daemon.metrics.rejected.get()).values.map((v) => [v.labels.reason, v.value]),
  );
  assert.ok(daemon.totals.rejected > 0.9 * total, `rejected ${daemon.totals.rejected} of ${total}`);
  for (const reason of ['oversized', 'malformed', 'unknown-version', 'invalid', 'framing']) {
    assert.ok((reasons[reason] ?? 0) > 0, `no '${reason}' rejection counted`);
  }
  assert.ok(served >= 5, `the correct client was served ${served} times`);
});

/** Packed decisions (docs/protocol.md 5.4.1), what an SDK client welcomed in version 2 gets. */
const DECISIONS: Uint8Array[] = [
  encodeMessage(
    {
      type: 'decision',
      session: 'ctl',
      epoch: 4,
      window: 3,
      leaseSeconds: 3,
      part: {
        tenants: {
          gold: { rateLimit: { ratePerSecond: 41.5, burst: 4 }, deadlineAdmission: { slack: 0.1 } },
          silver: { rateLimit: { ratePerSecond: 0, burst: 1 } },
        },
      },
    },
    2,
  ),
  encodeMessage(
    {
      type: 'decision',
      session: 'ctl',
      epoch: 5,
      window: 4,
      leaseSeconds: 3,
      part: {
        tenants: { gold: { weight: 2, priority: 1, concurrencyLimit: 8 }, silver: {} },
        services: { api: { concurrencyLimit: 12, tenants: { gold: { admitProbability: 0.5 } } } },
      },
    },
    2,
  ),
];

test('an SDK client welcomed in version 2 counts and drops 100,000 random and mutated packed decisions', async () => {
  // A stand-in controller: welcomes the client in version 2, then sends it the frames.
  // `mandatory`: a send waits while the client's queue is full instead of dropping the
  // frame, so the last, valid decision cannot be lost behind a slow client.
  const router = new zmq.Router({ linger: 0, mandatory: true });
  await router.bind('tcp://127.0.0.1:*');
  closers.push(async () => router.close());
  const client = new GovernorClient({
    endpoint: router.lastEndpoint!,
    instance: 'fuzzed',
    service: 'api',
    role: 'service',
    safe: {},
  });
  closers.push(() => client.close());
  client.start();
  const [id] = await router.receive();
  const welcome = {
    type: 'welcome',
    session: 'ctl',
    intervalSeconds: 1,
    heartbeatSeconds: 1,
    timeoutSeconds: 3,
  } as const;
  await router.send([id!, encodeMessage(welcome, 2)]);
  await client.waitForWelcome();
  assert.equal(client.reportVersion, 2);

  const rng = new RngStream(2025, 'fuzz-sdk');
  for (let n = 0; n < FRAMES; n++) {
    const kind = rng.nextInt(10);
    const frame =
      kind < 2
        ? randomBytes(rng, rng.nextInt(200))
        : mutate(rng, DECISIONS[rng.nextInt(DECISIONS.length)]!);
    await router.send([id!, frame]);
  }
  // Then a valid decision of a new session (a restarted controller): it must be in force.
  const part = { tenants: { gold: { rateLimit: { ratePerSecond: 7, burst: 2 } } } };
  const last = {
    type: 'decision',
    session: 'new',
    epoch: 1,
    window: 4242,
    leaseSeconds: 60,
    part,
  } as const;
  const answered = client.waitForDecision(4242, 20_000);
  await router.send([id!, encodeMessage(last, 2)]);
  await answered;
  assert.deepEqual(client.inForce().part, part);
  const { malformed, decisions } = client.totals;
  assert.ok(malformed > 0.3 * FRAMES, `malformed ${malformed} of ${FRAMES}`);
  // Every frame was handled: counted as malformed, or decoded (a decision, accepted or not).
  assert.ok(malformed + decisions <= FRAMES + 1);
  // Some mutations stay valid: the packed reader was exercised past the refusals.
  assert.ok(decisions > 1, `${decisions} decisions accepted`);
});
