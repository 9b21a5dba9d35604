import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createPolicy } from '../../policies/registry.js';
import { simulateWithPolicy } from '../../policies/control-loop.js';
import { resolveScenario } from '../../sim-cluster/scenario/load.js';
import { CLI, runCli } from '../cli/run-cli.js';

const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Starts `governor serve` and resolves with its endpoint and HTTP port from its logs. */
function serve(args: string[]): Promise<{ child: ChildProcess; endpoint: string; port: number }> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let endpoint = '';
    const timer = setTimeout(
      () => reject(new Error('governor serve did not start in 10 s')),
      10_000,
    );
    child.once('exit', (code) => reject(new Error(`governor serve exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg: string; endpoint?: string; port?: number };
      if (entry.msg === 'controller listening') endpoint = entry.endpoint!;
      if (entry.msg === 'health and metrics over HTTP') {
        clearTimeout(timer);
        resolve({ child, endpoint, port: entry.port! });
      }
    });
  });
}

test('governor serve and governor sim --controller reproduce the in-process score, with health and metrics over HTTP', async () => {
  const { child, endpoint, port } = await serve([
    '--policy',
    'static',
    '--bind',
    'tcp://127.0.0.1:*',
    '--http',
    '0',
  ]);
  const local = simulateWithPolicy(resolveScenario('two-tenants'), createPolicy('static'), {
    seed: 5,
    durationSeconds: 10,
  });
  const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve) => {
      const sim = spawn(process.execPath, [
        CLI,
        'sim',
        'two-tenants',
        '--seed',
        '5',
        '--duration',
        '10',
        '--controller',
        endpoint,
        '--json',
        '-',
      ]);
      children.push(sim);
      let stdout = '';
      let stderr = '';
      sim.stdout.on('data', (d) => (stdout += d));
      sim.stderr.on('data', (d) => (stderr += d));
      sim.on('exit', (code) => resolve({ code, stdout, stderr }));
    },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).score, local.score);
  const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as {
    status: string;
    totals: { decisions: number };
  };
  assert.equal(health.status, 'ok');
  assert.ok(health.totals.decisions > 0);
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  assert.match(metrics, /governor_controller_decisions_total\{trigger="complete"\} \d+/);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});

test('governor keys writes a Z85 key pair with a private secret key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'governor-keys-cli-'));
  const r = runCli(['keys', '--out', dir, '--name', 'api']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(dir, 'api.pub'), 'utf8').trim().length, 40);
  assert.equal(statSync(join(dir, 'api.key')).mode & 0o777, 0o600);
});

test('governor serve refuses an unknown policy and a directory that is not a bundle with exit code 2', () => {
  const unknown = runCli(['serve', '--policy', 'no-such-policy', '--bind', 'tcp://127.0.0.1:*']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown policy 'no-such-policy'/);
  const dir = mkdtempSync(join(tmpdir(), 'governor-not-a-bundle-'));
  const bundle = runCli(['serve', '--policy', dir, '--bind', 'tcp://127.0.0.1:*']);
  assert.equal(bundle.code, 2);
  assert.match(bundle.stderr, /governor: /);
});
