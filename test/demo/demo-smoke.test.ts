import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { ProcessGroup } from '../../demo/processes.js';
import { runPhase } from '../../demo/run-phase.js';
import { DEMO } from '../../demo/topology.js';
import { createPolicy } from '../../policies/registry.js';
import { CLI } from '../cli/run-cli.js';

/** Whether a process with this pid still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

test('the demo runs: requests flow through the services, decisions arrive, every process stops', async () => {
  const group = new ProcessGroup();
  const pids: number[] = [];
  const result = await runPhase({
    label: 'smoke',
    topology: DEMO,
    policy: createPolicy('static'),
    scale: 0.3,
    warmupSeconds: 0.5,
    durationSeconds: 2.5,
    seed: 1,
    group,
    log: () => pids.push(...group.pids),
  });
  const sent = Object.values(result.load.tenants).reduce((a, t) => a + t.offered, 0);
  const sum = (f: (t: (typeof result.load.tenants)[string]) => number) =>
    Object.values(result.load.tenants).reduce((a, t) => a + f(t), 0);
  const completed = sum((t) => t.completed);
  assert.ok(sent > 10, `sent ${sent}`);
  // Every request has an outcome; the static quotas' buckets may turn a few away.
  assert.equal(completed + sum((t) => t.rejected) + sum((t) => t.failed), sent);
  assert.equal(
    sum((t) => t.failed),
    0,
  );
  assert.ok(completed >= 0.5 * sent, `${completed} of ${sent} completed`);
  assert.equal(result.services.length, 4);
  for (const s of result.services) {
    assert.ok(s.hops > 0, `${s.service} served no hops`);
    assert.ok(s.decisions > 0, `${s.service} received no decision`);
  }
  assert.ok(result.decisions > 0);
  assert.equal(group.pids.length, 0);
  for (const pid of new Set(pids)) assert.equal(alive(pid), false, `pid ${pid} still runs`);
});

test('governor demo stops every child process on SIGINT and exits with 130', async () => {
  const child = spawn(
    process.execPath,
    [CLI, 'demo', '--duration', '60', '--warmup', '1', '--scale', '0.1', '--heuristic', 'static'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  const pids = await new Promise<number[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no pids in 30 s: ${stderr}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // The second pids line lists the four services and the load generator.
      const lines = [...stderr.matchAll(/pids: ([\d ]+)\n/g)];
      const last = lines.at(-1)?.[1]?.trim().split(' ').map(Number) ?? [];
      if (last.length === 5) {
        clearTimeout(timer);
        resolve(last);
      }
    });
  });
  for (const pid of pids) assert.ok(alive(pid));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  child.kill('SIGINT');
  assert.equal(await exited, 130);
  for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} still runs`);
});
