/**
 * The controller wire protocol, versions 1 and 2 (docs/protocol.md is the normative text).
 *
 * Every message is one ZeroMQ frame holding one MessagePack map with a version `v` and a
 * `type`; the controller's ROUTER sees `[routingId, body]`. These types are the decoded,
 * validated form; `codec.ts` turns bytes into them and back.
 */
import type { Decision } from '../sim-cluster/enforcement.js';
import type { ServiceTenantSignals, TenantSignals } from '../sim-cluster/signals.js';

/** The version every message is sent with unless stated otherwise (docs/protocol.md 3). */
export const PROTOCOL_VERSION = 1;

/**
 * Version 2: version 1 plus the packed report (docs/protocol.md 5.3.1). A client asks for
 * it with a register of v 2 and sends packed reports once a welcome of v 2 answers.
 */
export const PACKED_VERSION = 2;

/** The versions this build reads (any other `v` is rejected `unknown-version`). */
export type ProtocolVersion = typeof PROTOCOL_VERSION | typeof PACKED_VERSION;

/** Largest body the controller decodes, in bytes (larger ones are counted and dropped). */
export const MAX_MESSAGE_BYTES = 1 << 20;

/** Bounds on names and collections (documented in docs/protocol.md, "Size limits"). */
export const LIMITS = {
  nameLength: 128,
  tenants: 1024,
  services: 256,
  messageLength: 1024,
} as const;

/** Where an instance enforces decisions: the ingress (rate limits) or a service (admission). */
export type Role = 'ingress' | 'service';

/** A service's report of one window, tenants keyed by name. */
export interface ServiceReport {
  readonly name: string;
  readonly replicas: number;
  readonly replicasUp: number;
  readonly cores: number;
  readonly workers: number;
  readonly utilization: number;
  readonly meanQueueLength: number;
  readonly queueLength: number;
  readonly meanWait: number;
  readonly throughput: number;
  readonly rejected: number;
  readonly tenants: Readonly<Record<string, ServiceTenantSignals>>;
}

/** The controller's part of a `Decision` meant for one instance (same shape, minus `ttlSeconds`). */
export type DecisionPart = Pick<Decision, 'tenants' | 'services'>;

export interface RegisterMessage {
  readonly type: 'register';
  /** Stable, unique name of the instance (e.g. `api-7f9c`); a re-register replaces the old entry. */
  readonly instance: string;
  /** The service the instance belongs to (for an ingress: the ingress's own name). */
  readonly service: string;
  readonly role: Role;
}

export interface ReportMessage {
  readonly type: 'report';
  readonly window: number;
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly measured: boolean;
  readonly decisionEpoch: number;
  /** Ingress instances: the tenants they saw, in a stable order. */
  readonly tenants: readonly TenantSignals[];
  /** Service instances: their own service. */
  readonly service: ServiceReport | null;
}

export interface HeartbeatMessage {
  readonly type: 'heartbeat';
  readonly seq: number;
  /** Controller → instance: the epoch in force and the lease it renews (0 when none). */
  readonly epoch: number;
  readonly leaseSeconds: number;
}

export interface GoodbyeMessage {
  readonly type: 'goodbye';
}

export interface WelcomeMessage {
  readonly type: 'welcome';
  /** Changes whenever the controller restarts; epochs are ordered within a session. */
  readonly session: string;
  readonly intervalSeconds: number;
  readonly heartbeatSeconds: number;
  readonly timeoutSeconds: number;
}

export interface DecisionMessage {
  readonly type: 'decision';
  readonly session: string;
  readonly epoch: number;
  /** The report window this decision answers (-1: a snapshot sent on register). */
  readonly window: number;
  readonly leaseSeconds: number;
  readonly part: DecisionPart;
}

export interface ErrorMessage {
  readonly type: 'error';
  readonly code: ErrorCode;
  readonly message: string;
}

/** Why the controller turned a message away (also the `reason` label of the rejection counter). */
export const ERROR_CODES = [
  'oversized',
  'malformed',
  'unknown-version',
  'invalid',
  'not-registered',
  'framing',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type ClientMessage = RegisterMessage | ReportMessage | HeartbeatMessage | GoodbyeMessage;
export type ControllerMessage =
  WelcomeMessage | DecisionMessage | HeartbeatMessage | ErrorMessage | GoodbyeMessage;
export type Message = ClientMessage | ControllerMessage;
