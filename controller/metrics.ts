/**
 * The daemon's Prometheus metrics, in a registry of its own (several daemons may share a
 * process in tests). Names are namespaced `governor_controller_*`.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Label value → increments not yet added to its counter. */
type Tally = Map<string, number>;

/** One more in `t` for `value` (see `foldIn`). */
export function tally(t: Tally, value: string): void {
  t.set(value, (t.get(value) ?? 0) + 1);
}

/**
 * A counter's `collect` (run whenever the registry or the counter is read): adds the
 * increments tallied in `t` under `label`. Why: the daemon counts two things per message,
 * 2,000 a round, and a labelled `inc` hashes its labels and allocates each time, where a
 * tally is one map update.
 */
function foldIn(t: Tally, label: string) {
  return function (this: Counter<string>): void {
    for (const [value, n] of t) this.inc({ [label]: value }, n);
    t.clear();
  };
}

export class ControllerMetrics {
  readonly registry = new Registry();
  /** `received`'s increments by type, tallied on the hot path (`tally`). */
  readonly receivedTally: Tally = new Map();
  /** `reports`' increments by outcome, tallied on the hot path (`tally`). */
  readonly reportsTally: Tally = new Map();
  readonly received = new Counter({
    name: 'governor_controller_messages_received_total',
    help: 'Valid messages received, by type.',
    labelNames: ['type'],
    registers: [this.registry],
    collect: foldIn(this.receivedTally, 'type'),
  });
  readonly rejected = new Counter({
    name: 'governor_controller_messages_rejected_total',
    help: 'Messages dropped, by reason (oversized, malformed, unknown-version, invalid, not-registered, framing).',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly reports = new Counter({
    name: 'governor_controller_reports_total',
    help: 'Window reports, by outcome (accepted, late, duplicate).',
    labelNames: ['outcome'],
    registers: [this.registry],
    collect: foldIn(this.reportsTally, 'outcome'),
  });
  readonly decisions = new Counter({
    name: 'governor_controller_decisions_total',
    help: 'Control rounds decided, by how they closed (complete, deadline, superseded).',
    labelNames: ['trigger'],
    registers: [this.registry],
  });
  readonly policyErrors = new Counter({
    name: 'governor_controller_policy_errors_total',
    help: 'Rounds whose policy threw; the previous decision stays in force.',
    registers: [this.registry],
  });
  readonly expired = new Counter({
    name: 'governor_controller_instances_expired_total',
    help: 'Instances dropped from the aggregate after the heartbeat timeout.',
    registers: [this.registry],
  });
  readonly auth = new Counter({
    name: 'governor_controller_auth_total',
    help: 'CURVE handshakes judged by the ZAP handler, by verdict (allowed, denied).',
    labelNames: ['verdict'],
    registers: [this.registry],
  });
  readonly guardSwitches = new Counter({
    name: 'governor_controller_guard_switches_total',
    help: 'Switches of a guarded policy between its primary and its fallback, by the mode switched to.',
    labelNames: ['mode'],
    registers: [this.registry],
  });
  readonly instances = new Gauge({
    name: 'governor_controller_instances',
    help: 'Registered, live service instances.',
    registers: [this.registry],
  });
  readonly epoch = new Gauge({
    name: 'governor_controller_epoch',
    help: 'Epoch of the decision in force.',
    registers: [this.registry],
  });
  readonly roundSeconds = new Histogram({
    name: 'governor_controller_round_seconds',
    help: "From a round's first report to its decisions being queued for sending.",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
}
