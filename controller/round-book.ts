/**
 * The daemon's bookkeeping, free of sockets and clocks (times are passed in): which
 * instances are live, what each reported for the open window, when a round is complete,
 * and who has been silent for longer than the timeout.
 */
import type { ReportMessage, Role } from './protocol.js';
import type { InstanceDemand } from './split.js';

/** One registered instance, keyed by its connection (routing id). */
export interface Instance {
  readonly key: string;
  /** The routing id `key` is the hex of, as the ROUTER addresses the connection. */
  readonly address: Buffer;
  readonly id: string;
  readonly role: Role;
  readonly service: string;
  lastSeenSeconds: number;
  /** Demand per tenant in its latest report (what the splitter divides by). */
  demand: Record<string, number>;
}

export type ReportOutcome = 'accepted' | 'late' | 'duplicate';

export class RoundBook {
  private readonly instances = new Map<string, Instance>();
  /** The open round's window, or -1 before the first report. */
  openWindow = -1;
  /** The last window decided (reports for it or earlier are late). */
  lastDecidedWindow = -1;
  private readonly reports = new Map<string, ReportMessage>();

  /**
   * Registers (or re-registers) the instance `id` connected as routing id `address`; an
   * older connection of the same id is dropped.
   */
  register(address: Buffer, id: string, role: Role, service: string, nowSeconds: number): Instance {
    const key = address.toString('hex');
    for (const [k, inst] of this.instances) {
      if (inst.id === id && k !== key) this.remove(k);
    }
    const inst: Instance = {
      key,
      address: Buffer.from(address),
      id,
      role,
      service,
      lastSeenSeconds: nowSeconds,
      demand: {},
    };
    this.instances.set(key, inst);
    return inst;
  }

  get(key: string): Instance | undefined {
    return this.instances.get(key);
  }

  /** Live instances in registration order. */
  live(): Instance[] {
    return [...this.instances.values()];
  }

  get size(): number {
    return this.instances.size;
  }

  touch(key: string, nowSeconds: number): void {
    const inst = this.instances.get(key);
    if (inst !== undefined) inst.lastSeenSeconds = nowSeconds;
  }

  remove(key: string): boolean {
    this.reports.delete(key);
    return this.instances.delete(key);
  }

  /** Removes and returns instances silent for more than `timeoutSeconds`. */
  expire(nowSeconds: number, timeoutSeconds: number): Instance[] {
    const gone = this.live().filter((i) => nowSeconds - i.lastSeenSeconds > timeoutSeconds);
    for (const i of gone) this.remove(i.key);
    return gone;
  }

  /**
   * Files a report. A report for a later window than the open one must first close the
   * open round (`mustCloseFirst`); reports for decided windows are late.
   */
  file(key: string, report: ReportMessage): ReportOutcome {
    if (report.window <= this.lastDecidedWindow) return 'late';
    if (this.openWindow < 0 || report.window > this.openWindow) {
      this.openWindow = report.window;
      this.reports.clear();
    }
    if (report.window < this.openWindow) return 'late';
    if (this.reports.has(key)) return 'duplicate';
    this.reports.set(key, report);
    const inst = this.instances.get(key);
    if (inst !== undefined) inst.demand = demandOf(report);
    return 'accepted';
  }

  /** Whether a report for `window` would start a new round while another is open. */
  wouldSupersede(window: number): boolean {
    return (
      this.openWindow >= 0 && this.openWindow > this.lastDecidedWindow && window > this.openWindow
    );
  }

  /** Whether every live instance has reported the open window. */
  complete(): boolean {
    // Only registered instances file reports and `remove` drops theirs, so the reports
    // are a subset of the live instances: equal sizes mean everyone has reported.
    if (this.openWindow <= this.lastDecidedWindow) return false;
    return this.reports.size > 0 && this.reports.size === this.instances.size;
  }

  /** Whether a round is open and undecided. */
  pending(): boolean {
    return this.openWindow > this.lastDecidedWindow && this.reports.size > 0;
  }

  /** Closes the open round: its reports in registration order. */
  close(): { window: number; reports: ReportMessage[] } {
    const window = this.openWindow;
    const reports: ReportMessage[] = [];
    for (const key of this.instances.keys()) {
      const r = this.reports.get(key);
      if (r !== undefined) reports.push(r);
    }
    this.lastDecidedWindow = window;
    this.reports.clear();
    return { window, reports };
  }

  /** What the splitter needs of every live instance. */
  demands(): InstanceDemand[] {
    return this.live().map((i) => ({
      id: i.key,
      role: i.role,
      service: i.service,
      demand: i.demand,
    }));
  }
}

/** Per-tenant demand seen in a report: offered requests (ingress) or hops (service). */
export function demandOf(report: ReportMessage): Record<string, number> {
  const demand: Record<string, number> = {};
  for (const t of report.tenants) demand[t.name] = (demand[t.name] ?? 0) + t.offered;
  if (report.service !== null) {
    for (const [name, t] of Object.entries(report.service.tenants)) {
      demand[name] = (demand[name] ?? 0) + t.hops + t.rejected + t.outstanding;
    }
  }
  return demand;
}
