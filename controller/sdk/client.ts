/**
 * The service side of the protocol: a DEALER that registers, reports window signals,
 * sends heartbeats and keeps the decision part in force under its lease (fail-static:
 * when the lease runs out, the configured safe part applies until the controller is
 * heard again). After a controller restart the client is told `not-registered` and
 * registers again, receiving the current snapshot.
 */
import { EventEmitter } from 'node:events';
import * as zmq from 'zeromq';
import { decodeMessage, encodeMessage, versionOf } from '../codec.js';
import { Outbox } from '../outbox.js';
import {
  PACKED_VERSION,
  PROTOCOL_VERSION,
  type ClientMessage,
  type ControllerMessage,
  type DecisionPart,
  type ProtocolVersion,
  type ReportMessage,
  type Role,
} from '../protocol.js';
import { acceptDecision, NO_LEASE, partInForce, renewLease, type LeaseState } from './lease.js';

export interface ClientOptions {
  readonly endpoint: string;
  /** Unique, stable name of this instance. */
  readonly instance: string;
  readonly service: string;
  readonly role: Role;
  /** Enforced before the first decision and whenever the lease has run out. */
  readonly safe: DecisionPart;
  /** CURVE: this instance's key pair and the controller's public key (Z85). */
  readonly curve?: {
    readonly publicKey: string;
    readonly secretKey: string;
    readonly serverKey: string;
  };
  /** Heartbeat period before the controller says otherwise (default 1 s). */
  readonly heartbeatSeconds?: number;
  /** Seconds on a monotone clock (default `performance.now() / 1000`). */
  readonly clock?: () => number;
  /**
   * The highest protocol version to offer (default 2): with 2 the client registers with
   * v 2 and packs its reports if the welcome is of v 2; a version-1 controller refuses
   * that register (`unknown-version`) and the client registers again with v 1.
   */
  readonly protocolVersion?: ProtocolVersion;
}

/** A decision as the client hands it on. */
export interface ReceivedDecision {
  readonly part: DecisionPart;
  readonly epoch: number;
  readonly window: number;
  readonly leaseSeconds: number;
}

/**
 * Events: `welcome` (session), `decision` (ReceivedDecision), `protocol-error` (code,
 * message).
 */
export class GovernorClient extends EventEmitter {
  private readonly socket: zmq.Dealer;
  private readonly outbox: Outbox;
  private readonly clock: () => number;
  private lease: LeaseState = NO_LEASE;
  private session = '';
  private seq = 0;
  /** Whether a report went out since the last heartbeat tick (it stands for the heartbeat). */
  private reportedSinceTick = false;
  private timer: ReturnType<typeof setInterval> | null = null;
  private receiving: Promise<void> = Promise.resolve();
  /** The version the next register goes out with (docs/protocol.md 3, "Versioning"). */
  private registerVersion: ProtocolVersion;
  /** Whether this session's welcome was of v 2: reports go out packed. */
  private packed = false;
  /** Counts for tests and logs. */
  readonly totals = { decisions: 0, welcomes: 0, errors: 0, malformed: 0, heartbeats: 0 };

  constructor(private readonly options: ClientOptions) {
    super();
    this.clock = options.clock ?? (() => performance.now() / 1000);
    this.registerVersion = options.protocolVersion ?? PACKED_VERSION;
    this.socket = new zmq.Dealer({
      linger: 0,
      sendHighWaterMark: 10_000,
      receiveHighWaterMark: 10_000,
    });
    if (options.curve !== undefined) {
      this.socket.curvePublicKey = options.curve.publicKey;
      this.socket.curveSecretKey = options.curve.secretKey;
      this.socket.curveServerKey = options.curve.serverKey;
    }
    this.outbox = new Outbox(this.socket);
  }

  /** Connects and registers; heartbeats (and re-registration until welcomed) start. */
  start(): void {
    this.socket.connect(this.options.endpoint);
    this.receiving = this.receiveLoop();
    this.register();
    this.schedule(this.options.heartbeatSeconds ?? 1);
  }

  /** Whether the controller has welcomed this instance in its current session. */
  get registered(): boolean {
    return this.session !== '';
  }

  /** The version this session's reports go out with (2: packed). */
  get reportVersion(): ProtocolVersion {
    return this.packed ? PACKED_VERSION : PROTOCOL_VERSION;
  }

  /** The part in force now: the controller's under its lease, else the safe one. */
  inForce(): ReturnType<typeof partInForce> {
    return partInForce(this.lease, this.options.safe, this.clock());
  }

  /** Sends one window's report (which also keeps the instance alive: no heartbeat is due). */
  report(report: Omit<ReportMessage, 'type'>): void {
    this.send({ type: 'report', ...report });
    this.reportedSinceTick = true;
  }

  /** Resolves with the next decision answering `window` (rejects after `timeoutMs`). */
  waitForDecision(window: number, timeoutMs = 5000): Promise<ReceivedDecision> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('decision', listener);
        reject(
          new Error(
            `${this.options.instance}: no decision for window ${window} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const listener = (d: ReceivedDecision) => {
        if (d.window !== window) return;
        clearTimeout(timer);
        this.off('decision', listener);
        resolve(d);
      };
      this.on('decision', listener);
    });
  }

  /** Resolves once welcomed (rejects after `timeoutMs`). */
  waitForWelcome(timeoutMs = 5000): Promise<void> {
    if (this.registered) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('welcome', listener);
        reject(new Error(`${this.options.instance}: not welcomed within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = () => {
        clearTimeout(timer);
        resolve();
      };
      this.once('welcome', listener);
    });
  }

  /** Says goodbye (best effort) and closes the socket. */
  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.outbox.close();
    if (!this.socket.closed) {
      try {
        this.socket.sendTimeout = 0;
        await this.socket.send(encodeMessage({ type: 'goodbye' }));
      } catch {
        // Closing anyway.
      }
      this.socket.close();
    }
    await this.receiving;
  }

  private register(): void {
    const register: ClientMessage = {
      type: 'register',
      instance: this.options.instance,
      service: this.options.service,
      role: this.options.role,
    };
    this.outbox.push([encodeMessage(register, this.registerVersion)]);
  }

  private schedule(periodSeconds: number): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = setInterval(() => {
      // A report since the last tick already told the controller this instance is alive
      // (docs/protocol.md 5.5): with a report every window, no heartbeats at all.
      const reported = this.reportedSinceTick;
      this.reportedSinceTick = false;
      if (this.session === '') this.register();
      else if (!reported) {
        this.send({ type: 'heartbeat', seq: this.seq++, epoch: this.lease.epoch, leaseSeconds: 0 });
        this.totals.heartbeats++;
      }
    }, periodSeconds * 1000);
  }

  private send(message: ClientMessage): void {
    this.outbox.push([
      encodeMessage(message, message.type === 'report' ? this.reportVersion : PROTOCOL_VERSION),
    ]);
  }

  private async receiveLoop(): Promise<void> {
    try {
      for await (const [body] of this.socket) {
        const decoded = body === undefined ? null : decodeMessage(body);
        if (decoded === null || !decoded.ok) {
          this.totals.malformed++;
          continue;
        }
        this.handle(decoded.message as ControllerMessage, body!);
      }
    } catch {
      // Closed.
    }
  }

  private handle(m: ControllerMessage, body: Uint8Array): void {
    const now = this.clock();
    switch (m.type) {
      case 'welcome':
        this.session = m.session;
        this.packed = versionOf(body) === PACKED_VERSION;
        this.totals.welcomes++;
        this.schedule(m.heartbeatSeconds);
        this.emit('welcome', m.session);
        return;
      case 'decision': {
        const before = this.lease;
        this.lease = acceptDecision(this.lease, m.session, m.epoch, m.part, m.leaseSeconds, now);
        if (this.lease === before) return;
        this.totals.decisions++;
        const d: ReceivedDecision = {
          part: m.part,
          epoch: m.epoch,
          window: m.window,
          leaseSeconds: m.leaseSeconds,
        };
        this.emit('decision', d);
        return;
      }
      case 'heartbeat':
        this.lease = renewLease(this.lease, this.session, m.epoch, m.leaseSeconds, now);
        return;
      case 'error':
        this.totals.errors++;
        if (m.code === 'not-registered' && this.session !== '') {
          // A restarted controller: offer the highest version again.
          this.session = '';
          this.packed = false;
          this.registerVersion = this.options.protocolVersion ?? PACKED_VERSION;
          this.register();
        } else if (
          m.code === 'unknown-version' &&
          this.session === '' &&
          this.registerVersion !== PROTOCOL_VERSION
        ) {
          // A version-1 controller: register again in its version.
          this.registerVersion = PROTOCOL_VERSION;
          this.register();
        }
        this.emit('protocol-error', m.code, m.message);
        return;
      case 'goodbye':
        this.session = '';
        return;
    }
  }
}
