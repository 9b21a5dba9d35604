/**
 * The controller daemon (transport edge): one ZeroMQ ROUTER, the control loop, leases.
 *
 * Each valid report is filed in the `RoundBook`; a round closes when every live instance
 * has reported its window, when a report for a later window arrives, or `interval`
 * seconds after the round's first report, whichever comes first. Closing aggregates the
 * reports into Signals, asks the policy, splits the Decision and sends every live
 * instance its part. Malformed messages are counted and dropped (docs/protocol.md).
 * Sockets, timers and the clock live here; aggregation and splitting are pure.
 */
import { randomBytes } from 'node:crypto';
import { pino, type Logger } from 'pino';
import * as zmq from 'zeromq';
import type { Decision } from '../sim-cluster/enforcement.js';
import { InvalidArgumentError } from '../sim-cluster/errors.js';
import type { Policy } from '../policies/policy.js';
import {
  decisionEncoder,
  decodeMessage,
  encodeMessage,
  ingressPartEncoder,
  versionOf,
} from './codec.js';
import type { ServerKeys } from './keys.js';
import { GuardedPolicy } from './guarded-policy.js';
import { ControllerMetrics, tally } from './metrics.js';
import {
  MAX_MESSAGE_BYTES,
  type ClientMessage,
  type ControllerMessage,
  type DecisionPart,
  type ErrorCode,
  type Message,
  type ProtocolVersion,
  PACKED_VERSION,
} from './protocol.js';
import { packedIngressEncoder } from './packed-decision.js';
import { readReportRow } from './report-reader.js';
import { RoundBook } from './round-book.js';
import { Split, splitDecisionFor } from './split.js';
import { startZapHandler, type ZapHandler } from './zap.js';

export interface DaemonOptions {
  readonly policy: Policy;
  /** ZeroMQ endpoint to bind, e.g. `tcp://127.0.0.1:5555` (`:*` for an ephemeral port). */
  readonly bind: string;
  /** Longest wait, in seconds, from a round's first report to its decision (default 1). */
  readonly intervalSeconds?: number;
  /** Heartbeat period the instances are told to use (default 1 s). */
  readonly heartbeatSeconds?: number;
  /** Silence after which an instance leaves the aggregate (default 3 heartbeats; > 2). */
  readonly timeoutSeconds?: number;
  /** CURVE keys and allowlist; without them the socket is plain (loopback tests only). */
  readonly keys?: ServerKeys;
  readonly logger?: Logger;
  /** Seconds on a monotone clock (default `performance.now() / 1000`). */
  readonly clock?: () => number;
  /** Called after each decided round (benchmarks, tests). */
  readonly onRound?: (round: RoundStats) => void;
  /**
   * Called once `BETWEEN_ROUNDS_MS` after each decided round, off the round's path:
   * `governor serve` runs a young-generation GC there (young-gc.ts).
   */
  readonly betweenRounds?: () => void;
}

/**
 * Delay from a round's close to `betweenRounds`: long enough for ZeroMQ to have sent the
 * decisions and released their buffers, far shorter than a control interval.
 */
export const BETWEEN_ROUNDS_MS = 100;

/** While a round is open and no message is queued: how long to wait before looking again. */
export const DRAIN_PAUSE_MS = 1;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One decided round. */
export interface RoundStats {
  readonly window: number;
  readonly epoch: number;
  readonly trigger: RoundTrigger;
  /** Reports aggregated (accepted for the window). */
  readonly reports: number;
  /** Decisions handed to ZeroMQ (one per live instance). */
  readonly decisions: number;
  /** From the round's first accepted report to its last decision handed to ZeroMQ. */
  readonly seconds: number;
  /**
   * The part of `seconds` spent closing the round (aggregate, decide, split, encode, hand
   * every decision to ZeroMQ); the rest is waiting for and reading the reports.
   */
  readonly closeSeconds: number;
  /**
   * CPU time of this process over the same span (all its work then, heartbeats too): on
   * a busy machine, what the round would take with a core to itself.
   */
  readonly cpuSeconds: number;
}

export type RoundTrigger = 'complete' | 'deadline' | 'superseded';

interface Current {
  readonly decision: Decision;
  readonly window: number;
  readonly expiresAtSeconds: number;
  /** The round's split, which answers late reports of the instances it was sent to. */
  readonly split: Split;
  /** Instance key → its index in `split`, built by the first late report. */
  index?: Map<string, number>;
}

export class ControllerDaemon {
  readonly metrics = new ControllerMetrics();
  readonly session = randomBytes(8).toString('hex');
  /** Totals for tests and /healthz (`unsent`: messages ZeroMQ refused to queue). */
  readonly totals = { received: 0, rejected: 0, decisions: 0, unsent: 0 };
  endpoint = '';
  private readonly context = new zmq.Context();
  private readonly router: zmq.Router;
  private readonly book = new RoundBook();
  private readonly log: Logger;
  private readonly clock: () => number;
  private readonly interval: number;
  private readonly heartbeat: number;
  private readonly timeout: number;
  private zap: ZapHandler | null = null;
  private sweepTimer: ReturnType<typeof setInterval> | null = null;
  private deadline: ReturnType<typeof setTimeout> | null = null;
  private tidy: ReturnType<typeof setTimeout> | null = null;
  private roundStartedAt = 0;
  private roundCpuAtStart: NodeJS.CpuUsage = { user: 0, system: 0 };
  private current: Current | null = null;
  private lastEpoch = 0;
  private readonly lastErrorAt = new Map<string, number>();
  /** A round's decision bodies, encoded before any is sent (`closeRound`). */
  private readonly outgoing: Uint8Array[] = [];
  private receiving: Promise<void> = Promise.resolve();

  private constructor(private readonly options: DaemonOptions) {
    this.log = options.logger ?? pino({ level: 'info' });
    this.clock = options.clock ?? (() => performance.now() / 1000);
    this.interval = options.intervalSeconds ?? 1;
    this.heartbeat = options.heartbeatSeconds ?? 1;
    this.timeout = options.timeoutSeconds ?? 3 * this.heartbeat;
    this.router = new zmq.Router({
      context: this.context,
      linger: 0,
      mandatory: false,
      maxMessageSize: 4 * MAX_MESSAGE_BYTES,
      sendHighWaterMark: 100_000,
      receiveHighWaterMark: 100_000,
      // A ROUTER never blocks (without `mandatory` it drops for a peer over its high-water
      // mark), so every send completes at once: a round's sends run in one synchronous loop
      // instead of awaiting each one.
      sendTimeout: 0,
    });
    const policy = options.policy;
    if (policy instanceof GuardedPolicy) {
      policy.onSwitch = (mode, reason) => {
        this.metrics.guardSwitches.inc({ mode });
        this.log.warn({ mode, reason }, `guarded policy switched to its ${mode}`);
      };
    }
  }

  /** Binds, starts the loops and returns the running daemon. */
  static async start(options: DaemonOptions): Promise<ControllerDaemon> {
    // A live instance may be silent for up to two heartbeat periods (a report stands for
    // the heartbeat of its tick, docs/protocol.md 5.5).
    const heartbeat = options.heartbeatSeconds ?? 1;
    const timeout = options.timeoutSeconds ?? 3 * heartbeat;
    if (!(timeout > 2 * heartbeat))
      throw new InvalidArgumentError(
        `timeoutSeconds must exceed 2 × heartbeatSeconds (${2 * heartbeat}), got ${timeout}`,
      );
    const daemon = new ControllerDaemon(options);
    await daemon.open();
    return daemon;
  }

  private async open(): Promise<void> {
    const keys = this.options.keys;
    if (keys !== undefined) {
      this.zap = await startZapHandler(this.context, keys.allowed, (key, ok, address) => {
        this.metrics.auth.inc({ verdict: ok ? 'allowed' : 'denied' });
        if (!ok)
          this.log.warn(
            { publicKey: key, address },
            'CURVE client refused: key not on the allowlist',
          );
      });
      this.router.curveServer = true;
      this.router.curveSecretKey = keys.secretKey;
      this.router.zapDomain = 'governor';
    }
    await this.router.bind(this.options.bind);
    this.endpoint = this.router.lastEndpoint ?? this.options.bind;
    this.receiving = this.receiveLoop();
    this.sweepTimer = setInterval(() => this.sweep(), this.heartbeat * 1000);
    this.log.info(
      {
        endpoint: this.endpoint,
        policy: this.options.policy.name,
        session: this.session,
        curve: keys !== undefined,
      },
      'controller listening',
    );
  }

  /** Number of live instances. */
  get instances(): number {
    return this.book.size;
  }

  /** Epoch of the decision in force (-1 before the first). */
  get epoch(): number {
    return this.current?.decision.epoch ?? -1;
  }

  /** Closes every socket and timer; safe to call twice. */
  async stop(): Promise<void> {
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    if (this.deadline !== null) clearTimeout(this.deadline);
    if (this.tidy !== null) clearTimeout(this.tidy);
    this.sweepTimer = null;
    this.deadline = null;
    this.tidy = null;
    if (!this.router.closed) this.router.close();
    this.zap?.close();
    this.zap = null;
    await this.receiving;
    this.log.info({ endpoint: this.endpoint }, 'controller stopped');
  }

  // ---- receiving -------------------------------------------------------------------

  /**
   * Between rounds, waits on the socket for each message. While a round is open, drains
   * what is queued without waiting and, when nothing is, sleeps `DRAIN_PAUSE_MS` on a
   * timer: the reports of a round come as a burst from up to 1,000 connections, and
   * waiting on the socket for each of them put the JavaScript thread to sleep and woke it
   * again hundreds of times a round (~390 voluntary context switches a window in the
   * controller bench), each time re-arming zeromq.js's poll of the socket and, on a busy
   * machine, queuing again for a core. Draining costs the round at most one pause after
   * its last report.
   */
  private async receiveLoop(): Promise<void> {
    try {
      // `receive` rather than `for await`: the async iterator adds a promise per message.
      while (!this.router.closed) {
        this.handle(await this.router.receive());
        while (this.book.pending() && !this.router.closed) {
          if (!(await this.drain())) await pause(DRAIN_PAUSE_MS);
        }
      }
    } catch (error) {
      if (!this.router.closed) this.log.error({ err: error }, 'receive loop failed');
    }
  }

  /** Handles every message already queued, without waiting; whether there was one. */
  private async drain(): Promise<boolean> {
    let any = false;
    // A timeout of 0: zeromq.js then reads without polling, and refuses with EAGAIN
    // when the queue is empty.
    this.router.receiveTimeout = 0;
    try {
      for (;;) {
        this.handle(await this.router.receive());
        any = true;
      }
    } catch (error) {
      if ((error as { code?: string }).code !== 'EAGAIN') throw error;
    } finally {
      if (!this.router.closed) this.router.receiveTimeout = -1;
    }
    return any;
  }

  /** Handles one multipart message; never throws. */
  handle(frames: readonly Buffer[]): void {
    const id = frames[0];
    if (id === undefined) return;
    const key = id.toString('hex');
    if (frames.length !== 2)
      return this.refuse(id, key, 'framing', `expected 2 frames, got ${frames.length}`);
    // A report (most messages) is read straight into the book's spare row.
    const body = frames[1]!;
    let m: Message | null = readReportRow(body, this.book.spare);
    const inSpare = m !== null;
    if (m === null) {
      const decoded = decodeMessage(body);
      if (!decoded.ok) return this.refuse(id, key, decoded.reason, decoded.detail);
      m = decoded.message;
    }
    if (
      m.type !== 'register' &&
      m.type !== 'report' &&
      m.type !== 'heartbeat' &&
      m.type !== 'goodbye'
    )
      return this.refuse(id, key, 'invalid', `type ${m.type} is sent by the controller only`);
    if (m.type !== 'register' && this.book.get(key) === undefined)
      return this.refuse(id, key, 'not-registered', `send register before ${m.type}`);
    this.totals.received++;
    tally(this.metrics.receivedTally, m.type);
    this.book.touch(key, this.clock());
    try {
      this.dispatch(id, key, m, inSpare, body);
    } catch (error) {
      this.log.error({ err: error, type: m.type }, 'message handling failed');
    }
  }

  /** `inSpare`: a report's tenants are in the book's spare row (`RoundBook.file`). */
  private dispatch(
    id: Buffer,
    key: string,
    m: ClientMessage,
    inSpare: boolean,
    body: Uint8Array,
  ): void {
    switch (m.type) {
      case 'register':
        return this.onRegister(id, m.instance, m.role, m.service, versionOf(body));
      case 'report':
        return this.onReport(key, m, inSpare);
      case 'heartbeat': {
        const lease =
          this.current === null ? 0 : Math.max(0, this.current.expiresAtSeconds - this.clock());
        return this.send(id, {
          type: 'heartbeat',
          seq: m.seq,
          epoch: lease > 0 ? this.epoch : -1,
          leaseSeconds: lease,
        });
      }
      case 'goodbye':
        this.book.remove(key);
        this.metrics.instances.set(this.book.size);
        this.log.info({ key }, 'instance said goodbye');
        if (this.book.complete()) this.closeRound('complete');
        return;
    }
  }

  private onRegister(
    id: Buffer,
    instance: string,
    role: 'ingress' | 'service',
    service: string,
    version: ProtocolVersion,
  ): void {
    const inst = this.book.register(id, instance, role, service, this.clock(), version);
    this.metrics.instances.set(this.book.size);
    this.log.info({ instance, role, service, version }, 'instance registered');
    // A welcome of v 2 answers a register of v 2: the instance may pack its reports.
    const welcome = encodeMessage(
      {
        type: 'welcome',
        session: this.session,
        intervalSeconds: this.interval,
        heartbeatSeconds: this.heartbeat,
        timeoutSeconds: this.timeout,
      },
      version,
    );
    this.post(id, welcome);
    this.sendSnapshot(inst.key, -1);
  }

  /** Sends `key` its part of the decision in force, if any, under its remaining lease. */
  private sendSnapshot(key: string, window: number): void {
    const c = this.current;
    const lease = c === null ? 0 : c.expiresAtSeconds - this.clock();
    if (c === null || lease <= 0) return;
    const inst = this.book.get(key);
    const part = inst === undefined ? undefined : this.partInForce(c, key);
    if (inst === undefined || part === undefined) return;
    const decision: ControllerMessage = {
      type: 'decision',
      session: this.session,
      epoch: c.decision.epoch,
      window,
      leaseSeconds: lease,
      part,
    };
    this.post(inst.address, encodeMessage(decision, inst.version));
  }

  /**
   * `key`'s part of the decision in force: the one its round sent it, if it was live then,
   * looked up in the round's split (a storm of late reports costs one index, not a split
   * per report); else, for an instance that registered since, split for it alone.
   */
  private partInForce(c: Current, key: string): DecisionPart | undefined {
    c.index ??= new Map(c.split.instances.map((inst, i) => [inst.id, i]));
    const i = c.index.get(key);
    return i === undefined
      ? splitDecisionFor(c.decision, this.book.demands(), key)
      : c.split.part(i);
  }

  private onReport(
    key: string,
    m: Extract<ClientMessage, { type: 'report' }>,
    inSpare: boolean,
  ): void {
    if (this.book.wouldSupersede(m.window)) this.closeRound('superseded');
    const wasPending = this.book.pending();
    const outcome = this.book.file(key, m, inSpare);
    tally(this.metrics.reportsTally, outcome);
    if (outcome === 'late') return this.sendSnapshot(key, this.current?.window ?? -1);
    if (outcome !== 'accepted') return;
    if (!wasPending) {
      this.roundStartedAt = this.clock();
      this.roundCpuAtStart = process.cpuUsage();
      this.deadline = setTimeout(() => this.closeRound('deadline'), this.interval * 1000);
    }
    if (this.book.complete()) this.closeRound('complete');
  }

  private refuse(id: Buffer, key: string, reason: ErrorCode, detail: string): void {
    this.totals.rejected++;
    this.metrics.rejected.inc({ reason });
    // Tell the peer, at most once a second per peer, except `not-registered`, which is
    // how a client learns that the controller restarted.
    const now = this.clock();
    if (reason !== 'not-registered' && now - (this.lastErrorAt.get(key) ?? -Infinity) < 1) return;
    this.lastErrorAt.set(key, now);
    this.log.debug({ reason, detail }, 'message rejected');
    this.send(id, { type: 'error', code: reason, message: detail.slice(0, 1000) });
  }

  private send(id: Buffer, message: ControllerMessage): void {
    this.post(id, encodeMessage(message));
  }

  /** Queues one message in ZeroMQ without waiting (see `sendTimeout`); failures are counted. */
  private post(id: Buffer, body: Uint8Array): void {
    if (this.router.closed) return;
    try {
      this.router.send([id, body]).catch(this.unsent);
    } catch {
      this.unsent();
    }
  }

  private readonly unsent = (): void => {
    this.totals.unsent++;
  };

  // ---- rounds ------------------------------------------------------------------------

  private closeRound(trigger: RoundTrigger): void {
    if (this.deadline !== null) clearTimeout(this.deadline);
    this.deadline = null;
    if (!this.book.pending()) return;
    const closeStartedAt = this.clock();
    const { window, signals, reports } = this.book.close();
    let decision: Decision;
    try {
      decision = this.options.policy.decide(signals);
    } catch (error) {
      this.metrics.policyErrors.inc();
      this.log.error({ err: error, window }, 'policy failed; the previous decision stays in force');
      return;
    }
    const epoch = decision.epoch > this.lastEpoch ? decision.epoch : this.lastEpoch + 1;
    this.lastEpoch = epoch;
    decision = { ...decision, epoch };
    const now = this.clock();
    const shared = { session: this.session, epoch, window, leaseSeconds: decision.ttlSeconds };
    // `live()` and `demands()` list the instances in the same order.
    const live = this.book.live();
    const split = new Split(decision, this.book.demands());
    this.current = { decision, window, expiresAtSeconds: now + decision.ttlSeconds, split };
    const encode = decisionEncoder(shared);
    const encodeIngress = ingressPartEncoder(shared, split);
    const encodePacked = packedIngressEncoder(shared, split);
    // Every decision is encoded before the first is sent: each send wakes ZeroMQ's I/O
    // thread and, through it, the instances, which then compete for the cores while the
    // rest are still being encoded.
    const bodies = this.outgoing;
    bodies.length = live.length;
    for (let i = 0; i < live.length; i++) {
      const inst = live[i]!;
      if (inst.version === PACKED_VERSION)
        bodies[i] =
          inst.role === 'ingress'
            ? encodePacked(i)
            : encodeMessage({ type: 'decision', ...shared, part: split.part(i) }, PACKED_VERSION);
      else bodies[i] = inst.role === 'ingress' ? encodeIngress(i) : encode(split.part(i));
    }
    for (let i = 0; i < live.length; i++) this.post(live[i]!.address, bodies[i]!);
    // Not to keep the bodies alive until the next round.
    bodies.length = 0;
    this.totals.decisions++;
    this.metrics.decisions.inc({ trigger });
    this.metrics.epoch.set(epoch);
    const end = this.clock();
    this.metrics.roundSeconds.observe(end - this.roundStartedAt);
    this.options.onRound?.({
      window,
      epoch,
      trigger,
      reports,
      decisions: this.book.size,
      seconds: end - this.roundStartedAt,
      closeSeconds: end - closeStartedAt,
      cpuSeconds: cpuSecondsSince(this.roundCpuAtStart),
    });
    this.log.debug({ window, epoch, trigger, reports }, 'decision sent');
    this.scheduleBetweenRounds();
  }

  private scheduleBetweenRounds(): void {
    const betweenRounds = this.options.betweenRounds;
    if (betweenRounds === undefined || this.tidy !== null) return;
    this.tidy = setTimeout(() => {
      this.tidy = null;
      try {
        betweenRounds();
      } catch (error) {
        this.log.error({ err: error }, 'betweenRounds failed');
      }
    }, BETWEEN_ROUNDS_MS);
    this.tidy.unref();
  }

  private sweep(): void {
    const now = this.clock();
    for (const gone of this.book.expire(now, this.timeout)) {
      this.metrics.expired.inc();
      this.log.warn(
        { instance: gone.id, service: gone.service },
        'instance timed out; left the aggregate',
      );
    }
    this.metrics.instances.set(this.book.size);
    for (const [key, at] of this.lastErrorAt) if (now - at > 1) this.lastErrorAt.delete(key);
    if (this.book.complete()) this.closeRound('complete');
  }
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}
