import { GovernorError } from '../sim-cluster/errors.js';

/**
 * An env that breaks the `Env` contract (found by `checkEnv` or by `make`'s passive
 * checker). `failures` lists every failing check, one sentence each.
 */
export class EnvCheckError extends GovernorError {
  readonly failures: readonly string[];

  constructor(envName: string, failures: readonly string[]) {
    super(
      'ERR_ENV_CHECK',
      `${envName} fails ${failures.length} env check(s):\n  - ${failures.join('\n  - ')}`,
    );
    this.failures = failures;
  }
}
