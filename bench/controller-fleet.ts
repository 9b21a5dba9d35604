/**
 * A child process of `controller.bench.ts`: many service instances in one process, each
 * its own DEALER socket (its own connection and routing id at the daemon), speaking the
 * protocol through the same codec as the SDK but without the SDK's per-instance timers
 * and emitters, so 1,000 instances are cheap enough to share 2 cores with the daemon.
 *
 * Like SDK clients, every instance registers, has a heartbeat tick every second (staggered
 * across the fleet) at which it sends a heartbeat unless it reported since its last tick,
 * and, at each window boundary, sends its report; reports are encoded before the clock
 * starts. Parent → child: `{ type: 'go', atMs, periodMs }` (wall-clock ms of
 * the first boundary). Child → parent: `ready` once every instance is welcomed, `done`
 * with its counts and the report → decision latency of every answered report.
 */
import * as zmq from 'zeromq';
import { decodeMessage, encodeMessage, versionOf } from '../controller/codec.js';
import type { ProtocolVersion } from '../controller/protocol.js';
import { tenant } from '../test/controller/fixtures.js';

/** What the parent passes as the one command-line argument (JSON). */
export interface FleetConfig {
  readonly endpoint: string;
  /** Instance names are `gw-<first + i>`. */
  readonly first: number;
  readonly count: number;
  readonly tenants: number;
  readonly firstWindow: number;
  readonly windows: number;
  /** The first `warmup` windows are sent and counted but give no latencies or send times. */
  readonly warmup: number;
  /**
   * The protocol version to register with and, as the SDK does once welcomed in it, to
   * send reports in (2: packed, docs/protocol.md 5.3.1); the daemon answers a fleet of
   * version 2 with packed decisions (5.4.1), which `decodeMessage` reads.
   */
  readonly version: ProtocolVersion;
}

export type FleetToParent =
  | { readonly type: 'ready' }
  | {
      readonly type: 'done';
      readonly reportsSent: number;
      readonly decisionsReceived: number;
      readonly heartbeatsSent: number;
      /** Heartbeats sent from the first window boundary on. */
      readonly heartbeatsRunning: number;
      readonly heartbeatReplies: number;
      readonly reregistrations: number;
      /** Error messages received and sends that failed. */
      readonly errors: number;
      /** Report sent → its decision received, ms, one per answered report after warm-up. */
      readonly latenciesMs: number[];
      /** Per window after warm-up: ms from its boundary to its last report handed to ZeroMQ. */
      readonly sendMs: number[];
      readonly cpuMs: number;
    };

export type ParentToFleet = {
  readonly type: 'go';
  readonly atMs: number;
  readonly periodMs: number;
};

const wallMs = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Instance `i`'s report of window `w`: demand differs by instance, tenant and window. */
function report(config: FleetConfig, i: number, w: number): Uint8Array {
  const tenants = Array.from({ length: config.tenants }, (_, t) =>
    tenant(`t${t}`, 5 + ((i * 7 + t * 3 + w) % 20)),
  );
  return encodeMessage(
    {
      type: 'report',
      window: w,
      startSeconds: w,
      endSeconds: w + 1,
      measured: true,
      decisionEpoch: -1,
      tenants,
      service: null,
    },
    config.version,
  );
}

async function main(config: FleetConfig): Promise<void> {
  const n = config.count;
  const reports = Array.from({ length: config.windows }, (_, k) =>
    Array.from({ length: n }, (_, i) => report(config, config.first + i, config.firstWindow + k)),
  );
  const registers = Array.from({ length: n }, (_, i) =>
    encodeMessage(
      {
        type: 'register',
        instance: `gw-${config.first + i}`,
        service: 'ingress',
        role: 'ingress',
      },
      config.version,
    ),
  );
  const sockets = Array.from(
    { length: n },
    () => new zmq.Dealer({ linger: 0, sendHighWaterMark: 10_000, receiveHighWaterMark: 10_000 }),
  );
  const welcomed = new Uint8Array(n);
  let welcomes = 0;
  let allWelcomed: () => void = () => {};
  const ready = new Promise<void>((r) => (allWelcomed = r));
  // sentAt[(w - firstWindow) * n + i]: when instance i sent window w's report (NaN: not yet).
  const sentAt = new Float64Array(config.windows * n).fill(NaN);
  const latenciesMs: number[] = [];
  const totals = {
    reportsSent: 0,
    decisionsReceived: 0,
    heartbeatsSent: 0,
    heartbeatsRunning: 0,
    heartbeatReplies: 0,
    reregistrations: 0,
  };
  let errors = 0;
  let answered = 0;
  let allAnswered: () => void = () => {};
  const finished = new Promise<void>((r) => (allAnswered = r));

  const receive = async (i: number) => {
    try {
      for await (const [body] of sockets[i]!) {
        const at = performance.now();
        const d = body === undefined ? null : decodeMessage(body);
        if (d === null || !d.ok) {
          errors++;
          continue;
        }
        const m = d.message;
        if (m.type === 'welcome' && welcomed[i] === 0) {
          // The daemon speaks the version asked for (else the reports would be refused).
          if (versionOf(body!) !== config.version) errors++;
          welcomed[i] = 1;
          if (++welcomes === n) allWelcomed();
        } else if (m.type === 'heartbeat') totals.heartbeatReplies++;
        else if (m.type === 'error') {
          // As the SDK does: the controller lost track of this instance, so register again.
          errors++;
          if (m.code === 'not-registered') {
            totals.reregistrations++;
            post(i, registers[i]!);
          }
        } else if (m.type === 'decision' && m.window >= config.firstWindow) {
          const slot = (m.window - config.firstWindow) * n + i;
          const sent = sentAt[slot];
          if (sent === undefined || Number.isNaN(sent)) continue;
          sentAt[slot] = NaN;
          totals.decisionsReceived++;
          if (m.window >= config.firstWindow + config.warmup) latenciesMs.push(at - sent);
          if (++answered === n * config.windows) allAnswered();
        }
      }
    } catch {
      // Closed.
    }
  };
  /** Sends without awaiting: a failed or refused send is counted, never thrown. */
  const post = (i: number, body: Uint8Array) => {
    try {
      sockets[i]!.send(body).catch(() => errors++);
    } catch {
      errors++;
    }
  };
  for (let i = 0; i < n; i++) {
    sockets[i]!.connect(config.endpoint);
    void receive(i);
  }
  for (let i = 0; i < n; i++) post(i, registers[i]!);
  // Heartbeat ticks: each instance's once a second (as the SDK's default), spread over 50
  // ticks. As the SDK does, an instance that sent a report since its last tick skips the
  // heartbeat (docs/protocol.md 5.5): while windows run, none are sent.
  let tick = 0;
  const TICKS = 50;
  const reportedSinceTick = new Uint8Array(n);
  let running = false;
  const heartbeats = setInterval(() => {
    const slot = tick++ % TICKS;
    for (let i = slot; i < n; i += TICKS) {
      if (reportedSinceTick[i] === 1) {
        reportedSinceTick[i] = 0;
        continue;
      }
      post(i, encodeMessage({ type: 'heartbeat', seq: tick, epoch: -1, leaseSeconds: 0 }));
      totals.heartbeatsSent++;
      if (running) totals.heartbeatsRunning++;
    }
  }, 1000 / TICKS);
  await ready;
  process.send!({ type: 'ready' } satisfies FleetToParent);
  const go = await new Promise<ParentToFleet>((r) => process.once('message', r));
  const cpu = process.cpuUsage();

  const sendMs: number[] = [];
  for (let k = 0; k < config.windows; k++) {
    const boundary = go.atMs + k * go.periodMs;
    await sleep(boundary - wallMs());
    running = true;
    for (let i = 0; i < n; i++) {
      sentAt[k * n + i] = performance.now();
      post(i, reports[k]![i]!);
      reportedSinceTick[i] = 1;
      totals.reportsSent++;
    }
    if (k >= config.warmup) sendMs.push(wallMs() - boundary);
  }
  await Promise.race([finished, sleep(go.periodMs * 3)]);
  clearInterval(heartbeats);
  const used = process.cpuUsage(cpu);
  process.send!({
    type: 'done',
    ...totals,
    errors,
    latenciesMs,
    sendMs,
    cpuMs: (used.user + used.system) / 1000,
  } satisfies FleetToParent);
  for (const s of sockets) s.close();
}

await main(JSON.parse(process.argv[2] ?? '{}') as FleetConfig);
