/**
 * The open-loop multi-tenant load generator, run as a child process of the demo: it
 * sends every request of a seeded Poisson schedule (`load-schedule.ts`) at its time,
 * whatever happened to the earlier ones, to the frontend on loopback, and tallies each
 * tenant's outcomes and latency (`slo-tally.ts`). A request still unanswered after
 * `timeoutSeconds` counts as failed. The result goes back to the orchestrator over IPC.
 */
import { Agent, request } from 'node:http';
import { buildSchedule, type LoadSchedule } from './load-schedule.js';
import { HANDLER_HEADER, MAX_SAMPLES, type FromLoad, type LoadInit } from './messages.js';
import { SloTally, type Outcome } from './slo-tally.js';

const clock = () => performance.now() / 1000;

/** Runs the schedule against `init.port`; resolves when every request has an outcome. */
export async function runLoad(init: LoadInit): Promise<FromLoad['result']> {
  const total = init.warmupSeconds + init.durationSeconds;
  const schedule: LoadSchedule = buildSchedule(
    init.topology.tenants.map((t) => ({
      name: t.name,
      ratePerSecond: t.ratePerSecond * init.scale,
      requests: t.requests,
    })),
    total,
    init.seed,
  );
  const tally = new SloTally(init.topology.tenants, init.warmupSeconds, init.durationSeconds);
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const overhead: number[] = [];
  const n = schedule.atSeconds.length;
  let outstanding = 0;
  let next = 0;
  const start = clock();
  await new Promise<void>((done) => {
    const settle = () => {
      if (next >= n && outstanding === 0) done();
    };
    const fire = (i: number) => {
      const at = schedule.atSeconds[i]!;
      const t = schedule.tenant[i]!;
      const measured = tally.offered(t, at);
      outstanding++;
      let finished = false;
      const finish = (outcome: Outcome, handlerSeconds = NaN) => {
        if (finished) return;
        finished = true;
        outstanding--;
        const latency = clock() - start - at;
        if (measured) tally.finished(t, outcome, latency);
        if (
          measured &&
          outcome === 'ok' &&
          Number.isFinite(handlerSeconds) &&
          overhead.length < MAX_SAMPLES
        )
          overhead.push(latency - handlerSeconds);
        settle();
      };
      const req = request(
        {
          host: '127.0.0.1',
          port: init.port,
          path: `/${schedule.apis[schedule.api[i]!]}/`,
          agent,
          headers: { 'x-governor-tenant': schedule.tenants[t]! },
          timeout: init.timeoutSeconds * 1000,
        },
        (res) => {
          res.resume();
          res.once('end', () => {
            const code = res.statusCode ?? 0;
            const outcome: Outcome =
              code === 200 ? 'ok' : code === 429 || code === 503 ? 'rejected' : 'failed';
            finish(outcome, Number(res.headers[HANDLER_HEADER]));
          });
        },
      );
      req.once('timeout', () => {
        req.destroy();
        finish('failed');
      });
      req.once('error', () => finish('failed'));
      req.end();
    };
    const tick = () => {
      const now = clock() - start;
      while (next < n && schedule.atSeconds[next]! <= now) fire(next++);
      if (next < n) setTimeout(tick, Math.max(0, (schedule.atSeconds[next]! - now) * 1000 - 0.5));
      else settle();
    };
    tick();
  });
  agent.destroy();
  return tally.result(overhead, {
    at: Array.from(schedule.atSeconds),
    tenant: Array.from(schedule.tenant),
    api: Array.from(schedule.api, (a) => schedule.apis[a]!),
  });
}

if (process.send !== undefined) {
  process.on('disconnect', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  process.once('message', (init: LoadInit) => {
    void runLoad(init).then((result) => {
      process.send?.({ type: 'result', result } satisfies FromLoad, () => process.exit(0));
    });
  });
}
