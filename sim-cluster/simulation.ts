/**
 * The cluster simulator: a discrete-event model of services, replicas, worker pools,
 * CPU cores, queues and RPC call trees, driven by tenants' arrivals.
 *
 * Life of a request. A tenant's arrival picks an API (from the tenant's mix, or from a
 * trace) and passes the ingress token bucket. The API's root call becomes a hop (`Frame`):
 * it travels to its service (network latency), is routed to a replica by the service's
 * load balancer, passes the service's admission checks (concurrency limits, probabilistic
 * shedding), waits in the replica's queue for a worker (dropped if it waited longer than
 * the queue-delay threshold), runs its `work` on the replica's cores, makes its child
 * calls step by step (all calls of a step in parallel), runs its `postWork` and responds.
 * A blocking service holds the worker while its hop waits for children (thread per
 * request); a non-blocking one releases it and queues again for the post-work (event
 * loop). A caller that times out abandons the hop — which keeps running and wasting
 * capacity, as in a real system — and retries it after a backoff if its policy and retry
 * budget allow. Every hop carries its request's tenant, so telemetry attributes queueing
 * and CPU time to tenants through the whole call tree.
 *
 * The simulator never reads the wall clock; all randomness comes from named streams of
 * the run's seed (`arrivals`, `request-mix`, `service-times`, `routing`, `network`,
 * `admission`, `retries`, `think-time`).
 */
import { EventQueue } from './engine/event-queue.js';
import { Reject, REJECT_REASONS, EnforcementState, type Decision } from './enforcement.js';
import { SimulationError } from './errors.js';
import { FramePool, FrameState, type Frame, type RequestRecord } from './frame.js';
import { tenantArrivals, type CallNode, type ClusterModel } from './model.js';
import type { ArrivalProcess } from './arrivals/index.js';
import { LatencyPredictor } from './predict.js';
import { LoadBalancer } from './load-balancer.js';
import { Replica } from './replica.js';
import { backoffSeconds, RetryBudgets, type CallPolicy } from './retry.js';
import { RngStreams, type RngStream } from './rng.js';
import { createScheduler } from './schedulers/index.js';
import type { Signals } from './signals.js';
import { isRejection, Outcome, ServiceStats, TenantStats } from './stats.js';
import { WindowTelemetry } from './telemetry.js';

const enum EventKind {
  Arrival = 0,
  CpuDone = 1,
  SharingDone = 2,
  HopArrive = 3,
  HopResponse = 4,
  Timeout = 5,
  WarmupEnd = 6,
  WindowEnd = 7,
  End = 8,
  Retry = 9,
  ClosedArrival = 10,
  FaultStart = 11,
  FaultEnd = 12,
}

/** Hop outcome meaning success. */
const OK = -1;

export interface SimulationOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Overrides the scenario's measured duration (seconds). */
  readonly durationSeconds?: number;
  /**
   * Called at the end of every control window with the window's Signals; a decision
   * applied from here (`sim.applyDecision`) governs the next window.
   */
  readonly onWindow?: (sim: Simulation, signals: Signals) => void;
  /**
   * Whether to record every measured request's latency in its tenant's whole-run
   * histogram (`tenantStats[t].latency`, what `summarize` reports; default true). A caller
   * that reads only the windows' Signals (ClusterEnv) turns it off: the histograms are
   * then never allocated (256 KB per tenant per run, written at scattered buckets; without
   * them ClusterEnv ran 15-40% faster per CPU second, env/README.md) and `summarize`
   * refuses the run. The counters of `tenantStats` are kept either way.
   */
  readonly runLatency?: boolean;
}

export class Simulation {
  readonly model: ClusterModel;
  readonly seed: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly endSeconds: number;
  readonly controlIntervalSeconds: number;
  /** See `SimulationOptions.runLatency`. */
  readonly runLatency: boolean;
  readonly events = new EventQueue(4096);
  readonly pool = new FramePool();
  readonly replicas: Replica[] = [];
  /** Replicas of each service, by service index. */
  readonly serviceReplicas: Replica[][];
  /** The controller's knobs in force. */
  readonly enforcement: EnforcementState;
  readonly telemetry: WindowTelemetry;
  readonly tenantStats: TenantStats[];
  readonly serviceStats: ServiceStats[];
  /** Replica integrals at the end of the warmup, by replica id. */
  readonly busyAtWarmup: Float64Array;
  readonly queueAtWarmup: Float64Array;
  /** Requests that arrived and are not finished (all, measured or not). */
  inFlightRequests = 0;
  /** Measured requests that arrived and are not finished. */
  measuredInFlight = 0;
  private windowIndex = 0;
  private finished = false;
  private readonly onWindow: SimulationOptions['onWindow'];
  /**
   * Whether anyone reads the per-window telemetry (an `onWindow` listener). Without one,
   * the per-hop window counters and the window latency histograms are not kept: nothing
   * would read them, and they cost a noticeable share of every hop.
   */
  private readonly observed: boolean;
  /** Each tenant's SLO latency (seconds), by tenant index. */
  private readonly sloLatency: Float64Array;
  private readonly tenantCount: number;
  private readonly balancer: LoadBalancer;
  private readonly arrivals: (ArrivalProcess | null)[];
  private readonly budgets: RetryBudgets;
  /** Work multiplier per service (slowdown faults). */
  private readonly slowdown: Float64Array;
  /** Added one-way latency per service, and to every service (latency faults). */
  private readonly addedLatency: Float64Array;
  private addedLatencyAll = 0;
  /** Whether any hop pays network latency (a base latency or an active latency fault). */
  private networked: boolean;
  private activeLatencyFaults = 0;
  // The typed arrays read or written on every hop, held directly (see `arriveAtService`).
  private readonly serviceOutstanding: Int32Array;
  private readonly tenantOutstanding: Int32Array;
  private readonly serviceConcurrency: Float64Array;
  private readonly tenantConcurrency: Float64Array;
  private readonly admitProbability: Float64Array;
  private readonly windowHops: Float64Array;
  private readonly windowWaitSeconds: Float64Array;
  private readonly windowWaits: Float64Array;
  private readonly windowCpuSeconds: Float64Array;
  private readonly rngArrivals: RngStream;
  private readonly rngMix: RngStream;
  private readonly rngWork: RngStream;
  private readonly rngNetwork: RngStream;
  private readonly rngAdmission: RngStream;
  private readonly rngRetry: RngStream;
  private readonly rngThink: RngStream;
  /** Latency predictor of proactive (Clockwork-style) admission; see predict.ts. */
  private readonly predictor: LatencyPredictor;

  constructor(model: ClusterModel, options: SimulationOptions = {}) {
    const scenario = model.scenario;
    this.model = model;
    this.seed = options.seed ?? scenario.seed;
    this.warmupSeconds = scenario.warmup;
    this.durationSeconds = options.durationSeconds ?? scenario.duration;
    this.endSeconds = this.warmupSeconds + this.durationSeconds;
    this.controlIntervalSeconds = scenario.controlInterval;
    this.onWindow = options.onWindow;
    this.observed = options.onWindow !== undefined;
    this.runLatency = options.runLatency ?? true;
    const streams = new RngStreams(this.seed);
    this.rngArrivals = streams.get('arrivals');
    this.rngMix = streams.get('request-mix');
    this.rngWork = streams.get('service-times');
    this.rngNetwork = streams.get('network');
    this.rngAdmission = streams.get('admission');
    this.rngRetry = streams.get('retries');
    this.rngThink = streams.get('think-time');

    const tenants = model.tenants;
    this.tenantCount = tenants.length;
    this.sloLatency = Float64Array.from(tenants, (t) => t.spec.slo.latency);
    this.enforcement = new EnforcementState(
      tenants.map((t) => t.spec.name),
      model.services.map((s) => s.name),
      tenants.map((t) => t.spec.weight),
    );
    this.tenantStats = tenants.map(() => new TenantStats());
    this.serviceStats = model.services.map(() => new ServiceStats());
    const coresMayChange = new Set(
      scenario.faults.filter((f) => f.kind === 'noisy-neighbour').map((f) => f.service),
    );
    this.serviceReplicas = model.services.map((spec, s) =>
      Array.from({ length: spec.replicas }, () => {
        const controls = {
          weight: this.enforcement.weight[s]!,
          priority: this.enforcement.priority[s]!,
        };
        const replica = new Replica(
          this.replicas.length,
          s,
          spec.workers,
          spec.cores,
          spec.queueCapacity,
          createScheduler(spec.scheduler, controls),
          spec.blocking,
          coresMayChange.has(spec.name),
        );
        this.replicas.push(replica);
        return replica;
      }),
    );
    this.predictor = new LatencyPredictor(model, this.serviceReplicas);
    this.telemetry = new WindowTelemetry(model, this.replicas.length);
    this.busyAtWarmup = new Float64Array(this.replicas.length);
    this.queueAtWarmup = new Float64Array(this.replicas.length);
    this.balancer = new LoadBalancer(model.services, this.serviceReplicas, streams.get('routing'));
    this.budgets = new RetryBudgets(model.policies);
    this.slowdown = new Float64Array(model.services.length).fill(1);
    this.addedLatency = new Float64Array(model.services.length);
    this.networked = model.networkLatency !== null;
    const e = this.enforcement;
    this.serviceOutstanding = e.serviceOutstanding;
    this.tenantOutstanding = e.tenantOutstanding;
    this.serviceConcurrency = e.serviceConcurrency;
    this.tenantConcurrency = e.tenantConcurrency;
    this.admitProbability = e.admitProbability;
    this.windowHops = this.telemetry.hops;
    this.windowWaitSeconds = this.telemetry.waitSeconds;
    this.windowWaits = this.telemetry.waits;
    this.windowCpuSeconds = this.telemetry.cpuSeconds;

    this.arrivals = tenantArrivals(model);
    for (const tenant of tenants) {
      const process = this.arrivals[tenant.index];
      if (process) {
        const first = process.nextArrival(0, this.rngArrivals);
        if (first < this.endSeconds) this.events.push(first, EventKind.Arrival, tenant.index, 0);
      } else if (tenant.closedLoop) {
        for (let u = 0; u < tenant.closedLoop.users; u++) this.scheduleThink(tenant.index, u, 0);
      }
    }
    scenario.faults.forEach((fault, i) => {
      if (fault.at < this.endSeconds) this.events.push(fault.at, EventKind.FaultStart, i, 0);
      if (fault.at + fault.duration < this.endSeconds) {
        this.events.push(fault.at + fault.duration, EventKind.FaultEnd, i, 0);
      }
    });
    this.events.push(this.warmupSeconds, EventKind.WarmupEnd, 0, 0);
    this.scheduleWindowEnd();
    this.events.push(this.endSeconds, EventKind.End, 0, 0);
  }

  /** Current simulated time in seconds. */
  get now(): number {
    return this.events.now;
  }

  /** Whether the run has reached its end time. */
  get done(): boolean {
    return this.finished;
  }

  /** Events processed so far. */
  get eventsProcessed(): number {
    return this.events.scheduled - this.events.size;
  }

  /** Runs to the end of the scenario. */
  run(): void {
    this.runUntil(Infinity);
  }

  /** Processes every event up to and including time `untilSeconds` (or the end). */
  runUntil(untilSeconds: number): void {
    const events = this.events;
    while (!this.finished && events.size > 0 && events.peekTime() <= untilSeconds) {
      events.pop();
      this.dispatch(events.kind, events.a, events.b);
    }
  }

  /** Installs a controller's decision now; it replaces the previous one entirely. */
  applyDecision(decision: Decision): void {
    this.enforcement.apply(decision, this.events.now);
  }

  private dispatch(kind: number, a: number, b: number): void {
    switch (kind) {
      case EventKind.Arrival:
        return this.onArrival(a);
      case EventKind.CpuDone:
        return this.onCpuDone(a, b);
      case EventKind.SharingDone:
        return this.onSharingDone(a, b);
      case EventKind.HopArrive:
        return this.onHopArrive(a, b);
      case EventKind.HopResponse:
        return this.onHopResponse(a, b);
      case EventKind.Timeout:
        return this.onTimeout(a, b);
      case EventKind.Retry:
        return this.onRetry(a, b);
      case EventKind.ClosedArrival:
        return this.newRequest(a, this.pickApi(a), b);
      case EventKind.FaultStart:
        return this.onFault(a, true);
      case EventKind.FaultEnd:
        return this.onFault(a, false);
      case EventKind.WarmupEnd:
        return this.onWarmupEnd();
      case EventKind.WindowEnd:
        return this.onWindowEnd();
      case EventKind.End:
        return this.onEnd();
      default:
        throw new SimulationError(`unknown event kind ${kind}`);
    }
  }

  // ---- arrivals at the ingress ----------------------------------------------------

  private onArrival(tenant: number): void {
    const process = this.arrivals[tenant]!;
    // A trace decides the API of the arrival it returned last (this one).
    const api = process.api >= 0 ? process.api : this.pickApi(tenant);
    const next = process.nextArrival(this.events.now, this.rngArrivals);
    if (next < this.endSeconds) this.events.push(next, EventKind.Arrival, tenant, 0);
    this.newRequest(tenant, api, -1);
  }

  /** Draws an API from a tenant's request mix. */
  private pickApi(tenant: number): number {
    const { apis, apiCdf } = this.model.tenants[tenant]!;
    const u = this.rngMix.next();
    let k = 0;
    while (k < apiCdf.length - 1 && u >= apiCdf[k]!) k++;
    return apis[k]!;
  }

  private scheduleThink(tenant: number, user: number, fromSeconds: number): void {
    const loop = this.model.tenants[tenant]!.closedLoop!;
    const at = fromSeconds + loop.thinkTime.sample(this.rngThink);
    if (at < this.endSeconds) this.events.push(at, EventKind.ClosedArrival, tenant, user);
  }

  private newRequest(tenant: number, api: number, user: number): void {
    const now = this.events.now;
    const measured = now >= this.warmupSeconds;
    const request: RequestRecord = {
      tenant,
      api,
      arrivalSeconds: now,
      measured,
      user,
      done: false,
    };
    const window = this.telemetry;
    this.inFlightRequests++;
    window.offered[tenant]!++;
    if (measured) {
      const stats = this.tenantStats[tenant]!;
      stats.offered++;
      stats.windowOffered++;
      this.measuredInFlight++;
    }
    if (!this.enforcement.takeToken(tenant, now))
      return this.requestEnded(request, Reject.RateLimit);
    if (!this.predictor.admits(api, this.enforcement.deadlineSlack[tenant]!, tenant))
      return this.requestEnded(request, Reject.Deadline);
    window.admitted[tenant]!++;
    if (measured) this.tenantStats[tenant]!.admitted++;
    const root = this.model.apiRoots[api]!;
    const policy = this.model.tenants[tenant]!.clientPolicy ?? root.policy;
    if (policy.budget !== null) this.budgets.deposit(policy, now);
    this.startCall(null, root, request, 1, policy);
  }

  // ---- hops: call, route, admit, queue, compute -----------------------------------

  /** A pooled frame for one attempt of `node`, not yet sent. */
  private newFrame(
    parent: Frame | null,
    node: CallNode,
    request: RequestRecord,
    attempt: number,
    policy: CallPolicy,
  ): Frame {
    const f = this.pool.acquire();
    f.node = node;
    f.request = request;
    f.policy = policy;
    f.parent = parent;
    f.parentGeneration = parent === null ? 0 : parent.generation;
    f.orphan = false;
    f.tenant = request.tenant;
    f.measured = request.measured;
    f.attempt = attempt;
    f.step = 0;
    f.pending = 0;
    f.holdsWorker = false;
    f.inPost = false;
    f.outcome = OK;
    return f;
  }

  private startCall(
    parent: Frame | null,
    node: CallNode,
    request: RequestRecord,
    attempt: number,
    policy: CallPolicy,
  ): void {
    this.launch(this.newFrame(parent, node, request, attempt, policy));
  }

  /** Sends an attempt: arms its timeout and puts it on the network to its service. */
  private launch(f: Frame): void {
    const now = this.events.now;
    f.state = FrameState.InFlight;
    const timeout = f.policy.timeoutSeconds;
    if (timeout !== Infinity)
      this.events.push(now + timeout, EventKind.Timeout, f.id, f.generation);
    const delay = this.networkDelay(f.node.service);
    if (delay > 0) this.events.push(now + delay, EventKind.HopArrive, f.id, f.generation);
    else this.arriveAtService(f);
  }

  private networkDelay(service: number): number {
    // Most scenarios have no network latency: keep their hot path to one branch.
    if (!this.networked) return 0;
    const base = this.model.networkLatency;
    const sampled = base === null ? 0 : base.sample(this.rngNetwork);
    return sampled + this.addedLatency[service]! + this.addedLatencyAll;
  }

  private onHopArrive(id: number, generation: number): void {
    const f = this.pool.frames[id]!;
    if (f.generation === generation) this.arriveAtService(f);
  }

  private arriveAtService(f: Frame): void {
    const s = f.node.service;
    const i = s * this.tenantCount + f.tenant;
    const replica = this.balancer.pick(s);
    if (replica === null) return this.rejectHop(f, s, Reject.Unavailable);
    if (
      this.serviceOutstanding[s]! >= this.serviceConcurrency[s]! ||
      this.tenantOutstanding[i]! >= this.tenantConcurrency[i]!
    ) {
      return this.rejectHop(f, s, Reject.Concurrency);
    }
    const p = this.admitProbability[i]!;
    if (p < 1 && this.rngAdmission.next() >= p) return this.rejectHop(f, s, Reject.Shed);
    f.replica = replica;
    replica.outstanding++;
    this.serviceOutstanding[s]!++;
    this.tenantOutstanding[i]!++;
    this.enterQueue(f, replica, FrameState.Queued);
  }

  /** Hands `f` a worker now if one is free and nobody waits, else queues it. */
  private enterQueue(f: Frame, replica: Replica, queuedState: FrameState): void {
    const now = this.events.now;
    f.enqueuedSeconds = now;
    f.state = queuedState;
    if (replica.busyWorkers < replica.workers && replica.queue.length === 0)
      return this.takeWorker(f, replica);
    replica.touch(now);
    if (replica.queue.length >= replica.queueCapacity) {
      const victim = replica.queue.evictFor(f.tenant);
      if (victim < 0) return this.dropAdmitted(f, Reject.QueueFull);
      replica.queue.enqueue(f.id, f.tenant, f.node.meanCpuSeconds, now, this.deadlineOf(f));
      return this.dropAdmitted(this.pool.frames[victim]!, Reject.QueueFull);
    }
    replica.queue.enqueue(f.id, f.tenant, f.node.meanCpuSeconds, now, this.deadlineOf(f));
  }

  /** EDF's deadline of a hop: its request's arrival at the ingress + its tenant's SLO. */
  private deadlineOf(f: Frame): number {
    return f.request.arrivalSeconds + this.sloLatency[f.tenant]!;
  }

  private takeWorker(f: Frame, replica: Replica): void {
    f.worker = replica.claimWorker();
    f.holdsWorker = true;
    const wait = this.events.now - f.enqueuedSeconds;
    if (this.observed) {
      const i = replica.service * this.tenantCount + f.tenant;
      this.windowWaitSeconds[i]! += wait;
      this.windowWaits[i]!++;
    }
    if (f.measured) {
      const stats = this.serviceStats[replica.service]!;
      stats.waitSeconds += wait;
      stats.waits++;
    }
    const post = f.state === FrameState.QueuedForPost;
    this.startBurst(f, replica, (post ? f.node.postWork! : f.node.work).sample(this.rngWork), post);
  }

  private releaseWorker(f: Frame, replica: Replica): void {
    f.holdsWorker = false;
    replica.freeWorker(f.worker);
    this.dispatchQueue(replica);
  }

  /** Gives free workers to waiting hops, dropping those that waited past their threshold. */
  private dispatchQueue(replica: Replica): void {
    const queue = replica.queue;
    const now = this.events.now;
    const s = replica.service;
    const enforcement = this.enforcement;
    while (replica.busyWorkers < replica.workers && queue.length > 0) {
      replica.touch(now);
      const f = this.pool.frames[queue.dequeue(now, replica.nextWorker(), replica.workers)]!;
      if (f.state === FrameState.Queued) {
        const threshold = Math.min(
          enforcement.serviceQueueDelay[s]!,
          enforcement.tenantQueueDelay[s * this.tenantCount + f.tenant]!,
        );
        if (now - f.enqueuedSeconds > threshold) {
          this.dropAdmitted(f, Reject.QueueDelay);
          continue;
        }
      }
      this.takeWorker(f, replica);
    }
  }

  private startBurst(f: Frame, replica: Replica, workSeconds: number, post: boolean): void {
    const now = this.events.now;
    const work = workSeconds * this.slowdown[replica.service]!;
    f.inPost = post;
    f.state = post ? FrameState.PostWorking : FrameState.Working;
    if (this.observed)
      this.windowCpuSeconds[replica.service * this.tenantCount + f.tenant]! += work;
    replica.touch(now);
    if (!replica.sharing) {
      replica.computing++;
      this.events.push(now + work, EventKind.CpuDone, f.id, f.generation);
      return;
    }
    replica.advance(now);
    replica.computing++;
    replica.addBurst(f, work);
    this.rescheduleSharing(replica);
  }

  private rescheduleSharing(replica: Replica): void {
    const generation = ++replica.psGeneration;
    const top = replica.peekBurst();
    if (top === undefined) return;
    const remaining = top.finishVirtual - replica.virtualSeconds;
    const delay = remaining > 0 ? remaining / replica.rate() : 0;
    this.events.push(this.events.now + delay, EventKind.SharingDone, replica.id, generation);
  }

  private onSharingDone(replicaId: number, generation: number): void {
    const replica = this.replicas[replicaId]!;
    if (generation !== replica.psGeneration) return;
    const now = this.events.now;
    replica.touch(now);
    replica.advance(now);
    const f = replica.popBurst();
    // Land the virtual clock exactly on the finished burst, absorbing rounding drift.
    if (replica.virtualSeconds < f.finishVirtual) replica.virtualSeconds = f.finishVirtual;
    replica.computing--;
    this.rescheduleSharing(replica);
    this.burstDone(f, replica);
  }

  private onCpuDone(id: number, generation: number): void {
    const f = this.pool.frames[id]!;
    if (f.generation !== generation) return;
    const replica = f.replica!;
    replica.touch(this.events.now);
    replica.computing--;
    this.burstDone(f, replica);
  }

  private burstDone(f: Frame, replica: Replica): void {
    const node = f.node;
    if (f.inPost) return this.finishHop(f, OK);
    if (node.steps.length > 0) {
      if (!replica.blocking) this.releaseWorker(f, replica);
      f.state = FrameState.AwaitingChildren;
      f.step = 0;
      return this.beginStep(f);
    }
    if (node.postWork !== null)
      return this.startBurst(f, replica, node.postWork.sample(this.rngWork), true);
    this.finishHop(f, OK);
  }

  // ---- child calls ------------------------------------------------------------------

  private beginStep(f: Frame): void {
    const step = f.node.steps[f.step]!;
    const generation = f.generation;
    const now = this.events.now;
    f.pending = step.length;
    for (let i = 0; i < step.length; i++) {
      const child = step[i]!;
      if (child.policy.budget !== null) this.budgets.deposit(child.policy, now);
      this.startCall(f, child, f.request, 1, child.policy);
      // A child turned away on the spot may have failed `f` already: spawn no more.
      if (f.generation !== generation) return;
    }
  }

  private afterChildren(f: Frame): void {
    const node = f.node;
    const replica = f.replica!;
    if (node.postWork === null) return this.finishHop(f, OK);
    if (f.holdsWorker) return this.startBurst(f, replica, node.postWork.sample(this.rngWork), true);
    this.enterQueue(f, replica, FrameState.QueuedForPost);
  }

  /** The hop is over at its replica (`outcome` OK or a failure): free its worker, respond. */
  private finishHop(f: Frame, outcome: number): void {
    const replica = f.replica!;
    const s = replica.service;
    if (f.holdsWorker) this.releaseWorker(f, replica);
    this.leaveReplica(f, replica);
    if (outcome === OK) {
      if (this.observed) this.windowHops[s * this.tenantCount + f.tenant]!++;
      if (f.measured) this.serviceStats[s]!.hopsCompleted++;
    }
    const delay = this.networkDelay(s);
    if (delay > 0) {
      f.state = FrameState.Responding;
      f.outcome = outcome;
      this.events.push(this.events.now + delay, EventKind.HopResponse, f.id, f.generation);
      return;
    }
    this.deliver(f, outcome);
  }

  private leaveReplica(f: Frame, replica: Replica): void {
    replica.outstanding--;
    this.serviceOutstanding[replica.service]!--;
    this.tenantOutstanding[replica.service * this.tenantCount + f.tenant]!--;
  }

  private onHopResponse(id: number, generation: number): void {
    const f = this.pool.frames[id]!;
    if (f.generation === generation) this.deliver(f, f.outcome);
  }

  /** A service turned the hop away before admitting it. */
  private rejectHop(f: Frame, service: number, reason: Reject): void {
    this.telemetry.hopRejects[service * this.tenantCount + f.tenant]!++;
    if (f.measured) this.serviceStats[service]!.hopsRejected++;
    this.deliver(f, reason);
  }

  /** An admitted hop is dropped from its queue (queue full or waited too long). */
  private dropAdmitted(f: Frame, reason: Reject): void {
    const replica = f.replica!;
    this.leaveReplica(f, replica);
    this.rejectHop(f, replica.service, reason);
  }

  /** Hands the hop's outcome to its caller and recycles the frame. */
  private deliver(f: Frame, outcome: number): void {
    const { node, request, attempt, orphan, policy } = f;
    const parent = f.parent;
    const parentAlive = parent !== null && parent.generation === f.parentGeneration;
    this.pool.release(f);
    if (orphan) return;
    if (parent === null) {
      if (outcome === OK) return this.requestEnded(request, OK);
      return this.callFailed(null, node, request, attempt, policy, outcome);
    }
    if (!parentAlive) return;
    if (outcome !== OK) return this.callFailed(parent, node, request, attempt, policy, outcome);
    if (--parent.pending > 0) return;
    parent.step++;
    if (parent.step < parent.node.steps.length) this.beginStep(parent);
    else this.afterChildren(parent);
  }

  /** A call failed: retry it after its backoff if policy and budget allow, else fail the caller. */
  private callFailed(
    parent: Frame | null,
    node: CallNode,
    request: RequestRecord,
    attempt: number,
    policy: CallPolicy,
    outcome: number,
  ): void {
    const now = this.events.now;
    // The request is over: retry nothing, but a caller hop must still end (and free its worker).
    if (request.done) return parent === null ? undefined : this.finishHop(parent, outcome);
    if (attempt <= policy.retries && this.budgets.tryRetry(policy, now)) {
      this.telemetry.retries[request.tenant]!++;
      const delay = backoffSeconds(policy.backoff, attempt, this.rngRetry);
      const f = this.newFrame(parent, node, request, attempt + 1, policy);
      if (delay <= 0) return this.launch(f);
      f.state = FrameState.BackingOff;
      this.events.push(now + delay, EventKind.Retry, f.id, f.generation);
      return;
    }
    if (parent !== null) return this.finishHop(parent, outcome);
    this.requestEnded(request, outcome);
  }

  private onRetry(id: number, generation: number): void {
    const f = this.pool.frames[id]!;
    if (f.generation !== generation) return;
    const parent = f.parent;
    const callerGone = parent === null ? f.request.done : parent.generation !== f.parentGeneration;
    if (callerGone) return this.pool.release(f);
    this.launch(f);
  }

  private onTimeout(id: number, generation: number): void {
    const f = this.pool.frames[id]!;
    if (f.generation !== generation || f.orphan || f.state === FrameState.BackingOff) return;
    f.orphan = true;
    const parent = f.parent;
    if (parent === null) {
      if (f.request.done) return;
      this.telemetry.timedOut[f.tenant]!++;
      return this.callFailed(null, f.node, f.request, f.attempt, f.policy, Outcome.Timeout);
    }
    if (parent.generation !== f.parentGeneration) return;
    this.callFailed(parent, f.node, f.request, f.attempt, f.policy, Outcome.Timeout);
  }

  // ---- requests end -----------------------------------------------------------------

  /** Records a request's final outcome (OK, a rejection reason or a failure). */
  private requestEnded(request: RequestRecord, outcome: number): void {
    if (request.done) return;
    request.done = true;
    this.inFlightRequests--;
    const t = request.tenant;
    const window = this.telemetry;
    const stats = this.tenantStats[t]!;
    if (request.measured) this.measuredInFlight--;
    if (outcome === OK) {
      const latency = this.events.now - request.arrivalSeconds;
      const good = latency <= this.sloLatency[t]!;
      window.completed[t]!++;
      if (this.observed) window.latency[t]!.record(latency);
      if (good) window.goodput[t]!++;
      if (request.measured) {
        stats.completed++;
        if (this.runLatency) stats.latency.record(latency);
        if (good) stats.goodput++;
      }
    } else if (isRejection(outcome)) {
      window.rejected[t]!++;
      window.rejectedByReason[t * REJECT_REASONS.length + outcome]!++;
      if (request.measured) {
        stats.rejected++;
        stats.rejectedByReason[outcome]!++;
      }
    } else {
      window.failed[t]!++;
      if (request.measured) {
        stats.failed++;
        if (outcome === Outcome.Timeout) stats.timedOut++;
      }
    }
    if (request.user >= 0) this.scheduleThink(t, request.user, this.events.now);
  }

  // ---- faults -------------------------------------------------------------------------

  private onFault(index: number, starting: boolean): void {
    const fault = this.model.scenario.faults[index]!;
    const s = fault.service === undefined ? -1 : this.model.serviceIndex.get(fault.service)!;
    switch (fault.kind) {
      case 'slowdown':
        this.slowdown[s] = starting
          ? this.slowdown[s]! * fault.factor
          : this.slowdown[s]! / fault.factor;
        return;
      case 'latency':
        if (s < 0) this.addedLatencyAll += starting ? fault.add : -fault.add;
        else this.addedLatency[s] = this.addedLatency[s]! + (starting ? fault.add : -fault.add);
        this.activeLatencyFaults += starting ? 1 : -1;
        this.networked = this.model.networkLatency !== null || this.activeLatencyFaults > 0;
        return;
      case 'noisy-neighbour': {
        const replicas = this.serviceReplicas[s]!;
        const targets = fault.replica === undefined ? replicas : [replicas[fault.replica]!];
        for (const r of targets)
          this.setCores(r, r.cores + (starting ? -fault.cores : fault.cores));
        return;
      }
      case 'crash': {
        const r = this.serviceReplicas[s]![fault.replica]!;
        if (starting) this.crash(r);
        else r.up = true;
        return;
      }
    }
  }

  /** Changes a sharing replica's cores, keeping its bursts' progress. */
  private setCores(replica: Replica, cores: number): void {
    const now = this.events.now;
    replica.touch(now);
    replica.advance(now);
    // A neighbour can starve a replica but never take its last sliver of CPU.
    replica.cores = Math.max(cores, 1e-3 * replica.configuredCores);
    this.rescheduleSharing(replica);
  }

  /** A replica goes down: every hop on it fails at once; it restarts empty. */
  private crash(replica: Replica): void {
    const now = this.events.now;
    replica.touch(now);
    replica.up = false;
    replica.clearBursts();
    const victims = this.pool.frames.filter(
      (f) =>
        f.replica === replica && f.state !== FrameState.Free && f.state !== FrameState.Responding,
    );
    while (replica.queue.length > 0) replica.queue.dequeue(now, 0, replica.workers);
    replica.computing = 0;
    replica.freeAllWorkers();
    for (const f of victims) {
      f.holdsWorker = false;
      this.leaveReplica(f, replica);
      this.deliver(f, Outcome.Crash);
    }
  }

  // ---- measurement windows ----------------------------------------------------------

  private onWarmupEnd(): void {
    const now = this.events.now;
    for (const r of this.replicas) {
      r.touch(now);
      this.busyAtWarmup[r.id] = r.busyCoreSeconds;
      this.queueAtWarmup[r.id] = r.queueLengthSeconds;
    }
  }

  private scheduleWindowEnd(): void {
    const t = (this.windowIndex + 1) * this.controlIntervalSeconds;
    if (t < this.endSeconds) this.events.push(t, EventKind.WindowEnd, 0, 0);
  }

  private closeWindow(lengthSeconds: number): void {
    const now = this.events.now;
    this.model.tenants.forEach((tenant, i) => {
      const stats = this.tenantStats[i]!;
      const g = tenant.spec.guaranteedRate;
      stats.entitlement +=
        g === undefined ? stats.windowOffered : Math.min(stats.windowOffered, g * lengthSeconds);
      stats.windowOffered = 0;
    });
    for (const r of this.replicas) r.touch(now);
    const signals = this.telemetry.close(
      this.windowIndex,
      now,
      now > this.warmupSeconds,
      this.enforcement.epoch,
      this.serviceReplicas,
      this.enforcement.tenantOutstanding,
      this.onWindow !== undefined,
    );
    this.windowIndex++;
    if (now >= this.enforcement.expiresAt) this.enforcement.reset(now);
    if (signals !== null) this.onWindow?.(this, signals);
  }

  private onWindowEnd(): void {
    this.closeWindow(this.controlIntervalSeconds);
    this.scheduleWindowEnd();
  }

  private onEnd(): void {
    this.closeWindow(this.events.now - this.windowIndex * this.controlIntervalSeconds);
    this.finished = true;
  }
}
