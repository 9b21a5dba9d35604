/**
 * Governor's one error hierarchy (STYLE.md, "Errors with codes and values").
 *
 * Every error a user can cause carries a stable `code` and a message that states the
 * rule broken and the actual value. Expected outcomes (a dropped request, a missed SLO,
 * an episode ending) are data, never exceptions.
 *
 * This file lives in `sim-cluster/` because that folder imports nothing of ours; every
 * other folder re-exports from here.
 */

/** Root of every error Governor throws on purpose. */
export class GovernorError extends Error {
  /** Stable machine-readable code, e.g. `ERR_INVALID_SCENARIO`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A command line that cannot be run as written (exit code 2). */
export class UsageError extends GovernorError {
  constructor(message: string) {
    super('ERR_USAGE', message);
  }
}

/** A scenario file that breaks a rule of the scenario format. */
export class InvalidScenarioError extends GovernorError {
  /** The file the scenario came from, or `<inline>`. */
  readonly file: string;
  /** Dotted path of the offending field, e.g. `services.api.workers`. */
  readonly path: string;

  constructor(file: string, path: string, rule: string) {
    super('ERR_INVALID_SCENARIO', `${file}: ${rule}${path ? ` at ${path}` : ''}`);
    this.file = file;
    this.path = path;
  }
}

/** A configuration file (training, eval, policy) that breaks one of its rules. */
export class InvalidConfigError extends GovernorError {
  readonly file: string;
  readonly path: string;

  constructor(file: string, path: string, rule: string) {
    super('ERR_INVALID_CONFIG', `${file}: ${rule}${path ? ` at ${path}` : ''}`);
    this.file = file;
    this.path = path;
  }
}

/** A parameter outside its documented domain (a distribution's mean, a rate...). */
export class InvalidArgumentError extends GovernorError {
  constructor(message: string) {
    super('ERR_INVALID_ARGUMENT', message);
  }
}

/** The simulator was asked to do something that would break its invariants. */
export class SimulationError extends GovernorError {
  constructor(message: string) {
    super('ERR_SIMULATION', message);
  }
}

/** An action outside the env's action space: NaN, out of bounds or wrongly shaped. */
export class InvalidActionError extends GovernorError {
  constructor(message: string) {
    super('ERR_INVALID_ACTION', message);
  }
}

/** `step()` was called on an env whose episode has ended without a `reset()`. */
export class ResetNeededError extends GovernorError {
  constructor(message = 'the episode has ended: call reset() before step()') {
    super('ERR_RESET_NEEDED', message);
  }
}

/** A policy bundle or checkpoint that is corrupt, tampered with or incompatible. */
export class BundleError extends GovernorError {
  constructor(message: string) {
    super('ERR_BUNDLE', message);
  }
}

/** A controller wire message that breaks the protocol (counted and dropped at the edge). */
export class ProtocolError extends GovernorError {
  constructor(message: string) {
    super('ERR_PROTOCOL', message);
  }
}
