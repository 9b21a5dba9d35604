/**
 * One demo service, run as a child process of `governor demo` / `governor calibrate`.
 *
 * A node:http server on a free loopback port. Each request carries its tenant in the
 * `x-governor-tenant` header and names its place in the call tree in the path
 * (`/<api>/<node>`, node `0.1.0` = step 0, call 1 of that step, …). It goes through the
 * SDK's middleware (the controller's admission knobs: concurrency limits, queue-delay
 * thresholds, shedding; at the frontend first the ingress token buckets), then waits for
 * one of the service's workers (`WorkerPool`, ordered by the tenant's priority knob),
 * holds it for its work (a calibrated CPU burst, then the I/O wait), releases it and
 * makes its child calls, parallel steps with `Promise.all`. Every control window (1 s,
 * aligned to the Unix clock) it reports its signals to the daemon.
 */
import { createServer, request, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { GovernorClient } from '../controller/sdk/client.js';
import { Enforcer } from '../controller/sdk/enforcer.js';
import { governorMiddleware, tenantHeaders, tenantOf } from '../controller/sdk/middleware.js';
import { WindowRecorder } from '../controller/sdk/window-recorder.js';
import type { ServiceReport } from '../controller/protocol.js';
import { RngStream } from '../sim-cluster/rng.js';
import { calibrateSpin, spin } from './busy-loop.js';
import {
  HANDLER_HEADER,
  MAX_SAMPLES,
  type FromService,
  type ServiceInit,
  type ServiceStart,
  type ToService,
} from './messages.js';
import { serviceOf, type DemoCall } from './topology.js';
import { WorkerPool } from './worker-pool.js';

const clock = () => performance.now() / 1000;
const send = (m: FromService) => process.send?.(m);

interface Context {
  readonly init: ServiceInit;
  readonly start: ServiceStart;
  readonly pool: WorkerPool;
  readonly agent: Agent;
  readonly rng: RngStream;
  readonly spinPerSecond: number;
  readonly enforcer: Enforcer;
  readonly stats: { work: number[]; overhead: number[]; hops: number; cpu: NodeJS.CpuUsage };
}

/** The call node named by `path` (`''` is the root) in the API's tree. */
export function nodeAt(root: DemoCall, path: string): DemoCall | undefined {
  let node: DemoCall | undefined = root;
  const parts = path === '' ? [] : path.split('.').map(Number);
  for (let i = 0; node !== undefined && i < parts.length; i += 2)
    node = node.steps[parts[i]!]?.[parts[i + 1] ?? -1];
  return node;
}

/** Holds a worker for one hop's work: CPU burst, then the rest of the hold as a wait. */
async function work(ctx: Context, tenant: string): Promise<void> {
  const spec = serviceOf(ctx.init.topology, ctx.init.service);
  const grant = await ctx.pool.acquire(tenant, ctx.enforcer.knobs(tenant).priority ?? 0);
  const started = clock();
  const holdSeconds = -Math.log(ctx.rng.nextOpen()) * spec.workMeanSeconds;
  spin(Math.round(spec.cpuSeconds * ctx.spinPerSecond));
  const rest = holdSeconds - (clock() - started);
  if (rest > 0) await new Promise((r) => setTimeout(r, rest * 1000));
  grant.release();
  const held = clock() - started;
  if (ctx.stats.work.length < MAX_SAMPLES) ctx.stats.work.push(held);
}

/** One child call; resolves with its HTTP status (0: no answer). */
function call(
  ctx: Context,
  api: string,
  path: string,
  child: DemoCall,
  tenant: string,
): Promise<number> {
  const started = clock();
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: ctx.start.ports[child.service],
        path: `/${api}/${path}`,
        agent: ctx.agent,
        headers: tenantHeaders(tenant),
      },
      (res) => {
        res.resume();
        res.once('end', () => {
          const handler = Number(res.headers[HANDLER_HEADER]);
          if (Number.isFinite(handler) && ctx.stats.overhead.length < MAX_SAMPLES)
            ctx.stats.overhead.push(clock() - started - handler);
          resolve(res.statusCode ?? 0);
        });
      },
    );
    req.once('error', () => resolve(0));
    req.end();
  });
}

/**
 * A request's status from its children's: 200 when all succeeded; 503 when one was turned
 * away by admission control (429 or 503: the request was rejected, as the simulator
 * counts a rejected hop); 502 otherwise (a failure).
 */
export function combinedStatus(children: readonly number[]): number {
  if (children.every((c) => c === 200)) return 200;
  return children.some((c) => c === 429 || c === 503) ? 503 : 502;
}

async function handle(ctx: Context, req: IncomingMessage, res: ServerResponse, receivedAt: number) {
  const [, api = '', path = ''] = (req.url ?? '').split('/');
  const root = ctx.init.topology.apis[api];
  const node = root === undefined ? undefined : nodeAt(root, path);
  if (node === undefined || node.service !== ctx.init.service) {
    res.writeHead(404).end();
    return;
  }
  const tenant = tenantOf(req);
  await work(ctx, tenant);
  ctx.stats.hops++;
  let status = 200;
  for (let s = 0; s < node.steps.length && status === 200; s++) {
    const step = node.steps[s]!;
    const results = await Promise.all(
      step.map((child, c) =>
        call(ctx, api, path === '' ? `${s}.${c}` : `${path}.${s}.${c}`, child, tenant),
      ),
    );
    status = combinedStatus(results);
  }
  res.writeHead(status, { [HANDLER_HEADER]: String(clock() - receivedAt) });
  res.end();
}

/** The body of this service's report for the window just closed. */
function serviceReport(
  ctx: Context,
  recorder: WindowRecorder,
  windowSeconds: number,
): ServiceReport {
  const name = ctx.init.service;
  const base = recorder.closeService(name, windowSeconds, (t) => ctx.enforcer.inFlightOf(t));
  const pool = ctx.pool.closeWindow();
  const workers = ctx.pool.workers;
  let waits = 0;
  let waited = 0;
  const tenants = { ...base.tenants };
  for (const [t, u] of pool.tenants) {
    waits += u.waits;
    waited += u.waitSeconds;
    const prior = tenants[t] ?? {
      hops: 0,
      rejected: 0,
      meanQueueWait: 0,
      cpuSeconds: 0,
      outstanding: 0,
    };
    tenants[t] = {
      ...prior,
      meanQueueWait: prior.meanQueueWait + (u.waits > 0 ? u.waitSeconds / u.waits : 0),
      cpuSeconds: u.workSeconds,
    };
  }
  return {
    ...base,
    cores: workers,
    workers,
    utilization: Math.min(1, pool.busySeconds / (workers * windowSeconds)),
    meanQueueLength: base.meanQueueLength + pool.queueSeconds / windowSeconds,
    queueLength: ctx.pool.waiting + ctx.enforcer.waiting,
    meanWait: base.meanWait + (waits > 0 ? waited / waits : 0),
    tenants,
  };
}

/** Reports at every whole second of the Unix clock (the protocol's shared window numbering). */
function startReporting(
  ctx: Context,
  clients: { service: GovernorClient; ingress: GovernorClient | null },
  recorders: { service: WindowRecorder; ingress: WindowRecorder | null },
  counts: { reports: number },
): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = Date.now() / 1000;
  const tick = () => {
    const now = Date.now() / 1000;
    const window = Math.floor(now) - 1;
    const length = Math.max(now - last, 1e-3);
    last = now;
    const common = { window, startSeconds: window, endSeconds: window + 1, measured: true };
    clients.service.report({
      ...common,
      decisionEpoch: clients.service.inForce().epoch,
      tenants: [],
      service: serviceReport(ctx, recorders.service, length),
    });
    if (clients.ingress !== null && recorders.ingress !== null)
      clients.ingress.report({
        ...common,
        decisionEpoch: clients.ingress.inForce().epoch,
        tenants: recorders.ingress.closeTenants(length),
        service: null,
      });
    counts.reports++;
    schedule();
  };
  const schedule = () => {
    timer = setTimeout(tick, 1000 - (Date.now() % 1000) + 2);
  };
  schedule();
  return () => {
    if (timer !== null) clearTimeout(timer);
  };
}

async function main(): Promise<void> {
  const init = await nextMessage('init');
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  send({ type: 'ready', port: typeof address === 'object' && address !== null ? address.port : 0 });
  const start = await nextMessage('start');
  const name = init.service;
  const isFrontend = name === Object.values(init.topology.apis)[0]?.service;
  const tenantConfig = Object.fromEntries(
    init.topology.tenants.map((t) => [
      t.name,
      { weight: t.weight, slo: t.slo, guaranteedRate: t.guaranteedRate ?? null },
    ]),
  );
  const client = (service: string, role: 'ingress' | 'service') =>
    new GovernorClient({
      endpoint: start.endpoint,
      instance: `${service}-${process.pid}`,
      service,
      role,
      safe: {},
    });
  const serviceClient = client(name, 'service');
  const ingressClient = isFrontend ? client('ingress', 'ingress') : null;
  const shedding = new RngStream(init.seed, `shedding/${name}`);
  const enforcer = new Enforcer({
    service: name,
    decision: () => serviceClient.inForce().part,
    random: () => shedding.next(),
  });
  const ctx: Context = {
    init,
    start,
    pool: new WorkerPool(serviceOf(init.topology, name).workers, clock),
    agent: new Agent({ keepAlive: true, maxSockets: Infinity }),
    rng: new RngStream(init.seed, `service-times/${name}`),
    spinPerSecond: calibrateSpin(),
    enforcer,
    stats: { work: [], overhead: [], hops: 0, cpu: process.cpuUsage() },
  };
  const serviceRecorder = new WindowRecorder(tenantConfig);
  const governed = governorMiddleware({ enforcer, recorder: serviceRecorder });
  const ingressRecorder = ingressClient === null ? null : new WindowRecorder(tenantConfig);
  const ingress =
    ingressClient === null || ingressRecorder === null
      ? null
      : governorMiddleware({
          enforcer: new Enforcer({
            service: 'ingress',
            decision: () => ingressClient.inForce().part,
          }),
          recorder: ingressRecorder,
        });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const receivedAt = clock();
    const inner = () => governed(req, res, () => void handle(ctx, req, res, receivedAt));
    if (ingress === null) inner();
    else ingress(req, res, inner);
  });
  serviceClient.start();
  ingressClient?.start();
  await Promise.all([serviceClient.waitForWelcome(10_000), ingressClient?.waitForWelcome(10_000)]);
  const counts = { reports: 0 };
  const stopReporting = startReporting(
    ctx,
    { service: serviceClient, ingress: ingressClient },
    { service: serviceRecorder, ingress: ingressRecorder },
    counts,
  );
  send({ type: 'started' });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    stopReporting();
    server.closeAllConnections();
    server.close();
    ctx.agent.destroy();
    await Promise.all([serviceClient.close(), ingressClient?.close()]);
    process.exit(0);
  };
  process.on('message', (m: ToService) => {
    if (m.type === 'stop') void stop();
    else if (m.type === 'reset-stats') {
      ctx.stats.work = [];
      ctx.stats.overhead = [];
      ctx.stats.hops = 0;
      ctx.stats.cpu = process.cpuUsage();
    } else if (m.type === 'stats') {
      const cpu = process.cpuUsage(ctx.stats.cpu);
      send({
        type: 'stats',
        service: name,
        workSeconds: ctx.stats.work,
        overheadSeconds: ctx.stats.overhead,
        hops: ctx.stats.hops,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        decisions: serviceClient.totals.decisions + (ingressClient?.totals.decisions ?? 0),
        reports: counts.reports,
      });
    }
  });
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/** The next IPC message of `type` from the orchestrator. */
function nextMessage<T extends ToService['type']>(
  type: T,
): Promise<Extract<ToService, { type: T }>> {
  return new Promise((resolve) => {
    const listener = (m: ToService) => {
      if (m.type !== type) return;
      process.off('message', listener);
      resolve(m as Extract<ToService, { type: T }>);
    };
    process.on('message', listener);
  });
}

if (process.send !== undefined) {
  process.on('disconnect', () => process.exit(0));
  void main();
}
