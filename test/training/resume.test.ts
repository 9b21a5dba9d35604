import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli } from '../cli/run-cli.js';

/** 2 envs × 32 steps = 64 steps per iteration, a checkpoint after every iteration. */
const CONFIG = `
env: { episodeWindows: 20 }
randomization: { rateScale: [0.5, 2], tenants: [1, 4] }
numEnvs: 2
ppo: { numSteps: 32, numMinibatches: 2, updateEpochs: 1 }
network: { hidden: 8 }
totalSteps: 1024
checkpointEvery: 1
backend: cpu
`;

interface Metric {
  step: number;
  tag: string;
  value: number;
}

const readMetrics = (run: string): Metric[] =>
  readFileSync(join(run, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Metric);

/** The global step of the run's checkpoint, or 0 when there is none (yet). */
function checkpointStep(run: string): number {
  const manifest = join(run, 'checkpoint', 'manifest.json');
  if (!existsSync(manifest)) return 0;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { state: { globalStep: number } }).state
      .globalStep;
  } catch {
    return 0; // caught between the writes of an atomic replacement
  }
}

test('a run killed mid-way resumes from its last checkpoint and finishes at the configured step', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'governor-resume-'));
  const config = join(dir, 'run.yaml');
  writeFileSync(config, CONFIG);
  const run = join(dir, 'run');
  const child = spawn(process.execPath, [CLI, 'train', '--config', config, '--out', run], {
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Kill it (no chance to clean up) once a checkpoint past the third iteration exists.
  const deadline = Date.now() + 90_000;
  while (checkpointStep(run) < 192 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  assert.equal(await exited, null, 'killed before it finished');
  const killedAt = checkpointStep(run);
  assert.ok(killedAt >= 192 && killedAt < 1024, `checkpoint at ${killedAt}`);
  const before = readMetrics(run);
  assert.ok(!existsSync(join(run, 'bundle')), 'no bundle: the run did not finish');

  const resumed = runCli(['train', '--resume', run]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /trained 1024 steps/);
  const after = readMetrics(run);
  // Nothing up to the checkpoint is lost or repeated; the rest is redone once.
  const kept = before.filter((m) => m.step <= killedAt);
  assert.deepEqual(after.slice(0, kept.length), kept);
  const iterations = after.filter((m) => m.tag === 'losses/value_loss').map((m) => m.step);
  assert.deepEqual(
    iterations,
    Array.from({ length: 16 }, (_, i) => (i + 1) * 64),
  );
  const bundle = JSON.parse(readFileSync(join(run, 'bundle', 'manifest.json'), 'utf8'));
  assert.equal(bundle.training.globalStep, 1024);
  assert.equal(checkpointStep(run), 1024);
});
