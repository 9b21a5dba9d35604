/**
 * The cluster simulator: a discrete-event model of services, replicas, worker pools,
 * CPU cores, queues and RPC call trees, driven by tenants' arrivals.
 *
 * Life of a request. A tenant's arrival picks an API from the tenant's mix and starts the
 * API's root call. Each call becomes a hop (`Frame`): it travels to its service (network
 * latency), is routed to a replica by the service's load balancer, waits in the replica's
 * queue for a worker, runs its `work` on the replica's cores, then makes its child calls
 * step by step (all calls of a step in parallel), then runs its `postWork`, then responds.
 * A blocking service holds the worker while its hop waits for children (thread per
 * request); a non-blocking one releases it and queues again for the post-work (event
 * loop). A caller that times out abandons the hop — which keeps running and wasting
 * capacity, as it would in a real system — and retries it if the call allows retries.
 *
 * The simulator never reads the wall clock; all randomness comes from named streams of
 * the run's seed (`arrivals`, `request-mix`, `service-times`, `routing`, `network`).
 */
import { EventQueue } from './engine/event-queue.js';
import { SimulationError } from './errors.js';
import { FramePool, FrameState, type Frame, type RequestRecord } from './frame.js';
import { tenantArrivals, type CallNode, type ClusterModel } from './model.js';
import type { ArrivalProcess } from './arrivals/index.js';
import { Replica } from './replica.js';
import { RngStreams, type RngStream } from './rng.js';
import { createScheduler, type TenantControls } from './schedulers/index.js';
import { ServiceStats, TenantStats, type RejectReason } from './stats.js';

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
}

export interface SimulationOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Overrides the scenario's measured duration (seconds). */
  readonly durationSeconds?: number;
  /** Called at the end of every control window, after the window's accounting. */
  readonly onWindow?: (sim: Simulation, windowIndex: number) => void;
}

export class Simulation {
  readonly model: ClusterModel;
  readonly seed: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly endSeconds: number;
  readonly controlIntervalSeconds: number;
  readonly events = new EventQueue(4096);
  readonly pool = new FramePool();
  readonly replicas: Replica[] = [];
  /** Replicas of each service, by service index. */
  readonly serviceReplicas: Replica[][];
  /** Live per-tenant knobs read by the schedulers. */
  readonly controls: TenantControls;
  readonly tenantStats: TenantStats[];
  readonly serviceStats: ServiceStats[];
  /** Requests that arrived and are not finished (all, measured or not). */
  inFlightRequests = 0;
  /** Measured requests that arrived and are not finished. */
  measuredInFlight = 0;
  private windowIndex = 0;
  private finished = false;
  private readonly onWindow: SimulationOptions['onWindow'];
  private readonly lbCursor: Int32Array;
  private readonly arrivals: (ArrivalProcess | null)[];
  private readonly rngArrivals: RngStream;
  private readonly rngMix: RngStream;
  private readonly rngWork: RngStream;
  private readonly rngRouting: RngStream;
  private readonly rngNetwork: RngStream;

  constructor(model: ClusterModel, options: SimulationOptions = {}) {
    const scenario = model.scenario;
    this.model = model;
    this.seed = options.seed ?? scenario.seed;
    this.warmupSeconds = scenario.warmup;
    this.durationSeconds = options.durationSeconds ?? scenario.duration;
    this.endSeconds = this.warmupSeconds + this.durationSeconds;
    this.controlIntervalSeconds = scenario.controlInterval;
    this.onWindow = options.onWindow;
    const streams = new RngStreams(this.seed);
    this.rngArrivals = streams.get('arrivals');
    this.rngMix = streams.get('request-mix');
    this.rngWork = streams.get('service-times');
    this.rngRouting = streams.get('routing');
    this.rngNetwork = streams.get('network');

    const tenants = model.tenants;
    this.controls = {
      weight: new Float64Array(tenants.map((t) => t.spec.weight)),
      priority: new Float64Array(tenants.length),
    };
    this.tenantStats = tenants.map(() => new TenantStats());
    this.serviceStats = model.services.map(() => new ServiceStats());
    this.serviceReplicas = model.services.map((spec, s) =>
      Array.from({ length: spec.replicas }, () => {
        const queue = createScheduler(spec.scheduler, this.controls);
        const replica = new Replica(
          this.replicas.length,
          s,
          spec.workers,
          spec.cores,
          spec.queueCapacity,
          queue,
        );
        this.replicas.push(replica);
        return replica;
      }),
    );
    this.lbCursor = new Int32Array(model.services.length);

    this.arrivals = tenantArrivals(model);
    for (const tenant of tenants) {
      const process = this.arrivals[tenant.index];
      if (!process) continue;
      const first = process.nextArrival(0, this.rngArrivals);
      if (first < this.endSeconds) this.events.push(first, EventKind.Arrival, tenant.index, 0);
    }
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

  private onArrival(tenantIndex: number): void {
    const now = this.events.now;
    const tenant = this.model.tenants[tenantIndex]!;
    const process = this.arrivals[tenantIndex]!;
    const api = process.api >= 0 ? process.api : this.pickApi(tenant.apis, tenant.apiCdf);
    const next = process.nextArrival(now, this.rngArrivals);
    if (next < this.endSeconds) this.events.push(next, EventKind.Arrival, tenantIndex, 0);
    const measured = now >= this.warmupSeconds;
    const request: RequestRecord = {
      tenant: tenantIndex,
      api,
      arrivalSeconds: now,
      measured,
      attempt: 1,
      done: false,
    };
    this.inFlightRequests++;
    if (measured) {
      const stats = this.tenantStats[tenantIndex]!;
      stats.offered++;
      stats.windowOffered++;
      stats.admitted++;
      this.measuredInFlight++;
    }
    this.startCall(null, this.model.apiRoots[api]!, request, 1);
  }

  /** Draws an API from a tenant's request mix. */
  private pickApi(apis: Int32Array, cdf: Float64Array): number {
    const u = this.rngMix.next();
    let k = 0;
    while (k < cdf.length - 1 && u >= cdf[k]!) k++;
    return apis[k]!;
  }

  // ---- hops: call, route, queue, compute --------------------------------------------

  private startCall(
    parent: Frame | null,
    node: CallNode,
    request: RequestRecord,
    attempt: number,
  ): void {
    const now = this.events.now;
    const f = this.pool.acquire();
    f.node = node;
    f.request = request;
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
    f.state = FrameState.InFlight;
    if (node.policy.timeoutSeconds !== Infinity) {
      this.events.push(now + node.policy.timeoutSeconds, EventKind.Timeout, f.id, f.generation);
    }
    const network = this.model.networkLatency;
    if (network !== null) {
      this.events.push(
        now + network.sample(this.rngNetwork),
        EventKind.HopArrive,
        f.id,
        f.generation,
      );
    } else {
      this.arriveAtService(f);
    }
  }

  private onHopArrive(id: number, generation: number): void {
    const f = this.pool.frames[id]!;
    if (f.generation === generation) this.arriveAtService(f);
  }

  private arriveAtService(f: Frame): void {
    const replica = this.pickReplica(f.node.service);
    if (replica === null) return this.rejectHop(f, 'unavailable');
    f.replica = replica;
    replica.outstanding++;
    this.enterQueue(f, replica, FrameState.Queued);
  }

  /** Hands `f` a worker now if one is free and nobody waits, else queues it. */
  private enterQueue(f: Frame, replica: Replica, queuedState: FrameState): void {
    const now = this.events.now;
    f.enqueuedSeconds = now;
    if (replica.busyWorkers < replica.workers && replica.queue.length === 0) {
      f.state = queuedState;
      return this.takeWorker(f, replica);
    }
    if (replica.queue.length >= replica.queueCapacity) {
      const victim = replica.queue.evictFor(f.tenant);
      if (victim < 0) return this.rejectHop(f, 'queue-full');
      replica.touch(now);
      replica.queue.enqueue(f.id, f.tenant, f.node.meanCpuSeconds, now);
      f.state = queuedState;
      return this.rejectHop(this.pool.frames[victim]!, 'queue-full');
    }
    replica.touch(now);
    replica.queue.enqueue(f.id, f.tenant, f.node.meanCpuSeconds, now);
    f.state = queuedState;
  }

  private takeWorker(f: Frame, replica: Replica): void {
    replica.busyWorkers++;
    f.holdsWorker = true;
    if (f.measured) {
      const stats = this.serviceStats[replica.service]!;
      stats.waitSeconds += this.events.now - f.enqueuedSeconds;
      stats.waits++;
    }
    if (f.state === FrameState.QueuedForPost) {
      this.startBurst(f, replica, f.node.postWork!.sample(this.rngWork), true);
    } else {
      this.startBurst(f, replica, f.node.work.sample(this.rngWork), false);
    }
  }

  private releaseWorker(f: Frame, replica: Replica): void {
    f.holdsWorker = false;
    replica.busyWorkers--;
    const queue = replica.queue;
    while (replica.busyWorkers < replica.workers && queue.length > 0) {
      replica.touch(this.events.now);
      this.takeWorker(this.pool.frames[queue.dequeue(this.events.now)]!, replica);
    }
  }

  private startBurst(f: Frame, replica: Replica, workSeconds: number, post: boolean): void {
    const now = this.events.now;
    f.inPost = post;
    f.state = post ? FrameState.PostWorking : FrameState.Working;
    replica.touch(now);
    if (!replica.sharing) {
      replica.computing++;
      this.events.push(now + workSeconds, EventKind.CpuDone, f.id, f.generation);
      return;
    }
    replica.advance(now);
    replica.computing++;
    replica.addBurst(f, workSeconds);
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
    if (f.inPost) return this.finishHop(f, true);
    if (node.steps.length > 0) {
      if (!this.model.services[replica.service]!.blocking) this.releaseWorker(f, replica);
      f.state = FrameState.AwaitingChildren;
      f.step = 0;
      return this.beginStep(f);
    }
    if (node.postWork !== null)
      return this.startBurst(f, replica, node.postWork.sample(this.rngWork), true);
    this.finishHop(f, true);
  }

  // ---- child calls ------------------------------------------------------------------

  private beginStep(f: Frame): void {
    const step = f.node.steps[f.step]!;
    const generation = f.generation;
    f.pending = step.length;
    for (let i = 0; i < step.length; i++) {
      this.startCall(f, step[i]!, f.request, 1);
      // A child rejected on the spot may have failed `f` already: spawn no more.
      if (f.generation !== generation) return;
    }
  }

  private afterChildren(f: Frame): void {
    const node = f.node;
    const replica = f.replica!;
    if (node.postWork === null) return this.finishHop(f, true);
    if (f.holdsWorker) return this.startBurst(f, replica, node.postWork.sample(this.rngWork), true);
    this.enterQueue(f, replica, FrameState.QueuedForPost);
  }

  /** The hop is over at its replica (successfully or not): free its worker, respond. */
  private finishHop(f: Frame, ok: boolean): void {
    const replica = f.replica!;
    if (f.holdsWorker) this.releaseWorker(f, replica);
    replica.outstanding--;
    if (ok && f.measured) this.serviceStats[replica.service]!.hopsCompleted++;
    const network = this.model.networkLatency;
    if (network !== null) {
      f.state = FrameState.Responding;
      f.succeeded = ok;
      this.events.push(
        this.events.now + network.sample(this.rngNetwork),
        EventKind.HopResponse,
        f.id,
        f.generation,
      );
      return;
    }
    this.deliver(f, ok, null);
  }

  private onHopResponse(id: number, generation: number): void {
    const f = this.pool.frames[id]!;
    if (f.generation === generation) this.deliver(f, f.succeeded, null);
  }

  /** A replica turned the hop away before it ran. */
  private rejectHop(f: Frame, reason: RejectReason): void {
    const replica = f.replica;
    if (replica !== null) {
      replica.outstanding--;
      if (f.measured) this.serviceStats[replica.service]!.hopsRejected++;
    }
    this.deliver(f, false, reason);
  }

  /** Hands the hop's outcome to its caller and recycles the frame. */
  private deliver(f: Frame, ok: boolean, rejectedFor: RejectReason | null): void {
    const { node, request, attempt, orphan } = f;
    const parent = f.parent;
    const parentAlive = parent !== null && parent.generation === f.parentGeneration;
    this.pool.release(f);
    if (orphan) return;
    if (parent === null) {
      if (ok) return this.requestCompleted(request);
      return this.callFailed(null, node, request, attempt, rejectedFor);
    }
    if (!parentAlive) return;
    if (!ok) return this.callFailed(parent, node, request, attempt, null);
    if (--parent.pending > 0) return;
    parent.step++;
    if (parent.step < parent.node.steps.length) this.beginStep(parent);
    else this.afterChildren(parent);
  }

  /** A call failed (rejected, failed downstream or timed out): retry it or fail the caller. */
  private callFailed(
    parent: Frame | null,
    node: CallNode,
    request: RequestRecord,
    attempt: number,
    rejectedFor: RejectReason | null,
  ): void {
    if (attempt <= node.policy.retries) return this.startCall(parent, node, request, attempt + 1);
    if (parent !== null) return this.finishHop(parent, false);
    this.requestFailed(request, rejectedFor);
  }

  private onTimeout(id: number, generation: number): void {
    const f = this.pool.frames[id]!;
    if (f.generation !== generation || f.orphan) return;
    f.orphan = true;
    const parent = f.parent;
    if (parent === null) {
      if (f.request.done) return;
      if (f.request.measured && f.attempt > f.node.policy.retries)
        this.tenantStats[f.request.tenant]!.timedOut++;
      return this.callFailed(null, f.node, f.request, f.attempt, null);
    }
    if (parent.generation !== f.parentGeneration) return;
    this.callFailed(parent, f.node, f.request, f.attempt, null);
  }

  // ---- requests end -----------------------------------------------------------------

  private requestCompleted(request: RequestRecord): void {
    if (request.done) return;
    request.done = true;
    this.inFlightRequests--;
    if (!request.measured) return;
    this.measuredInFlight--;
    const stats = this.tenantStats[request.tenant]!;
    const latency = this.events.now - request.arrivalSeconds;
    stats.completed++;
    stats.latency.record(latency);
    if (latency <= this.model.tenants[request.tenant]!.spec.slo.latency) stats.goodput++;
  }

  private requestFailed(request: RequestRecord, rejectedFor: RejectReason | null): void {
    if (request.done) return;
    request.done = true;
    this.inFlightRequests--;
    if (!request.measured) return;
    this.measuredInFlight--;
    const stats = this.tenantStats[request.tenant]!;
    if (rejectedFor !== null) {
      stats.rejected++;
      stats.admitted--;
      stats.rejectedByReason[rejectedFor]++;
    } else {
      stats.failed++;
    }
  }

  // ---- routing ----------------------------------------------------------------------

  private pickReplica(service: number): Replica | null {
    const replicas = this.serviceReplicas[service]!;
    const n = replicas.length;
    if (n === 1) return replicas[0]!.up ? replicas[0]! : null;
    switch (this.model.services[service]!.loadBalancer) {
      case 'round-robin': {
        for (let k = 0; k < n; k++) {
          const r = replicas[this.lbCursor[service]!]!;
          this.lbCursor[service] = (this.lbCursor[service]! + 1) % n;
          if (r.up) return r;
        }
        return null;
      }
      case 'random':
        return this.firstUpFrom(replicas, this.rngRouting.nextInt(n));
      case 'least-outstanding': {
        let best: Replica | null = null;
        const start = this.lbCursor[service]!;
        this.lbCursor[service] = (start + 1) % n;
        for (let k = 0; k < n; k++) {
          const r = replicas[(start + k) % n]!;
          if (r.up && (best === null || r.outstanding < best.outstanding)) best = r;
        }
        return best;
      }
      case 'power-of-two': {
        const i = this.rngRouting.nextInt(n);
        const j = (i + 1 + this.rngRouting.nextInt(n - 1)) % n;
        const a = replicas[i]!;
        const b = replicas[j]!;
        if (a.up && b.up) return b.outstanding < a.outstanding ? b : a;
        return a.up ? a : b.up ? b : this.firstUpFrom(replicas, i);
      }
    }
  }

  private firstUpFrom(replicas: Replica[], start: number): Replica | null {
    for (let k = 0; k < replicas.length; k++) {
      const r = replicas[(start + k) % replicas.length]!;
      if (r.up) return r;
    }
    return null;
  }

  // ---- measurement windows ----------------------------------------------------------

  private onWarmupEnd(): void {
    const now = this.events.now;
    for (const r of this.replicas) r.resetStats(now);
  }

  private scheduleWindowEnd(): void {
    const t = (this.windowIndex + 1) * this.controlIntervalSeconds;
    if (t < this.endSeconds) this.events.push(t, EventKind.WindowEnd, 0, 0);
  }

  private closeWindow(lengthSeconds: number): void {
    this.model.tenants.forEach((tenant, i) => {
      const stats = this.tenantStats[i]!;
      const g = tenant.spec.guaranteedRate;
      stats.entitlement +=
        g === undefined ? stats.windowOffered : Math.min(stats.windowOffered, g * lengthSeconds);
      stats.windowOffered = 0;
    });
  }

  private onWindowEnd(): void {
    this.closeWindow(this.controlIntervalSeconds);
    this.onWindow?.(this, this.windowIndex);
    this.windowIndex++;
    this.scheduleWindowEnd();
  }

  private onEnd(): void {
    const now = this.events.now;
    this.closeWindow(now - this.windowIndex * this.controlIntervalSeconds);
    for (const r of this.replicas) r.touch(now);
    this.finished = true;
  }
}
