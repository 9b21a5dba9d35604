import type { Command } from 'commander';
import { register as registerCalibrate } from './calibrate.js';
import { register as registerDemo } from './demo.js';
import { register as registerEval } from './eval.js';
import { register as registerExport } from './export.js';
import { register as registerInspect } from './inspect.js';
import { register as registerKeys } from './keys.js';
import { register as registerPolicies } from './policies.js';
import { register as registerQuickstart } from './quickstart.js';
import { register as registerServe } from './serve.js';
import { register as registerSim } from './sim.js';
import { register as registerTrain } from './train.js';

/** Every subcommand, in the order `governor --help` lists them. */
export function registerCommands(program: Command): void {
  registerQuickstart(program);
  registerSim(program);
  registerPolicies(program);
  registerTrain(program);
  registerExport(program);
  registerInspect(program);
  registerEval(program);
  registerServe(program);
  registerKeys(program);
  registerDemo(program);
  registerCalibrate(program);
}
