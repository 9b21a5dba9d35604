#!/usr/bin/env node
/**
 * `npm run train:pretrained [-- --config FILE --out DIR --bundle DIR --total-steps N]`:
 * trains the pretrained residual policy from its committed config
 * (training/configs/pretrained.yaml) and writes the bundle (default
 * pretrained/governor-pretrained), DIR/metrics.jsonl and DIR/curve.csv, the training
 * curve. One command reproduces the committed bundle (same config, same seed; the
 * figures are bit-identical on the same tfjs backend). The bundle is the policy that
 * scored best on the config's validation episodes (training/residual-run.ts).
 *
 * Exit codes: 0 success; 2 a usage error or a bad config (one line naming the file and
 * field); 1 an internal failure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../sim-cluster/errors.js';
import { DEFAULT_PRETRAINED_CONFIG, parsePretrainedConfig } from '../training/pretrained-config.js';
import { trainResidual } from '../training/residual-run.js';
import { writeFileAtomic } from './io.js';
import { reportError } from './report-error.js';

async function main(argv: string[]): Promise<void> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        out: { type: 'string' },
        bundle: { type: 'string' },
        'total-steps': { type: 'string' },
      },
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const file = values.config ?? DEFAULT_PRETRAINED_CONFIG;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read config ${file}: ${(error as Error).message}`);
  }
  let config = parsePretrainedConfig(text, file);
  if (values['total-steps'] !== undefined) {
    const n = Number(values['total-steps']);
    if (!(Number.isSafeInteger(n) && n > 0))
      throw new UsageError(
        `--total-steps must be a positive integer, got ${values['total-steps']}`,
      );
    config = { ...config, totalSteps: n };
  }
  const outDir = values.out ?? config.out;
  const bundleDir = values.bundle ?? config.bundle;
  const started = performance.now();
  const summary = await trainResidual(config, outDir, {
    bundleDir,
    clock: () => performance.now() / 1000,
  });
  writeFileAtomic(join(outDir, 'curve.csv'), summary.curveCsv);
  process.stdout.write(
    `trained ${summary.globalStep} steps (${summary.episodes} episodes, mean episode score of the last 20 ` +
      `${summary.meanScoreLast20.toFixed(4)}, ${summary.stepsPerSecond.toFixed(1)} steps/s, ` +
      `${((performance.now() - started) / 1000).toFixed(0)} s); wrote ${bundleDir} and ${outDir}/curve.csv\n`,
  );
  if (summary.bundleValidationScore !== null)
    process.stdout.write(
      `bundle: the policy at ${summary.bundleStep} steps, validation score ` +
        `${summary.bundleValidationScore.toFixed(4)} (base alone ${summary.baseValidationScore!.toFixed(4)}); ` +
        `feature ranges from ${summary.featureRangeEpisodes} episodes\n`,
    );
}

main(process.argv.slice(2)).then(
  () => {},
  (error: unknown) => {
    process.exitCode = reportError(error);
  },
);
