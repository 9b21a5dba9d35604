/**
 * The daemon's bookkeeping, free of sockets and clocks (times are passed in): which
 * instances are live, what each reported for the open window (one reused `ReportRow`
 * per instance, report-rows.ts), when a round is complete, and who has been silent for
 * longer than the timeout.
 */
import type { Signals } from '../sim-cluster/signals.js';
import {
  PROTOCOL_VERSION,
  type ProtocolVersion,
  type ReportMessage,
  type Role,
} from './protocol.js';
import { aggregateRows, ReportRow, ROW, TENANT_STRIDE } from './report-rows.js';
import type { InstanceDemand } from './split.js';

/** One registered instance, keyed by its connection (routing id). */
export interface Instance {
  readonly key: string;
  /** The routing id `key` is the hex of, as the ROUTER addresses the connection. */
  readonly address: Buffer;
  readonly id: string;
  readonly role: Role;
  readonly service: string;
  /** The version it registered in: 2 receives packed decisions (docs/protocol.md 5.4.1). */
  readonly version: ProtocolVersion;
  lastSeenSeconds: number;
  /** Demand per tenant in its latest report (what the splitter divides by). */
  demand: Record<string, number>;
  /** The window of the report in `row` (-1: none yet). */
  filedWindow: number;
  /** Its latest report, reused from window to window. */
  row: ReportRow;
}

export type ReportOutcome = 'accepted' | 'late' | 'duplicate';

export class RoundBook {
  private readonly instances = new Map<string, Instance>();
  /** Instance name → the key it is registered under (a lookup, not a scan, per register). */
  private readonly keyOfId = new Map<string, string>();
  /** The open round's window, or -1 before the first report. */
  openWindow = -1;
  /** The last window decided (reports for it or earlier are late). */
  lastDecidedWindow = -1;
  /** Live instances that filed a report for the open window. */
  private filed = 0;
  /**
   * A row for a reader to fill with the next report's tenants (`readReportRow`) before
   * filing it with `fromSpare`: the row is then swapped in, with no copy.
   */
  spare = new ReportRow();

  /**
   * Registers (or re-registers) the instance `id` connected as routing id `address`; an
   * older connection of the same id is dropped.
   */
  register(
    address: Buffer,
    id: string,
    role: Role,
    service: string,
    nowSeconds: number,
    version: ProtocolVersion = PROTOCOL_VERSION,
  ): Instance {
    const key = address.toString('hex');
    const older = this.keyOfId.get(id);
    if (older !== undefined && older !== key) this.remove(older);
    // The same connection registering again keeps the report it filed.
    const same = this.instances.get(key);
    if (same !== undefined && same.id !== id) this.keyOfId.delete(same.id);
    this.keyOfId.set(id, key);
    const inst: Instance = {
      key,
      address: Buffer.from(address),
      id,
      role,
      service,
      version,
      lastSeenSeconds: nowSeconds,
      demand: {},
      filedWindow: same?.filedWindow ?? -1,
      row: same?.row ?? new ReportRow(),
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
    const inst = this.instances.get(key);
    if (inst === undefined) return false;
    if (this.hasFiled(inst)) this.filed--;
    if (this.keyOfId.get(inst.id) === key) this.keyOfId.delete(inst.id);
    return this.instances.delete(key);
  }

  /** Whether `inst` has reported the open, undecided window. */
  private hasFiled(inst: Instance): boolean {
    return inst.filedWindow === this.openWindow && this.openWindow > this.lastDecidedWindow;
  }

  /** Removes and returns instances silent for more than `timeoutSeconds`. */
  expire(nowSeconds: number, timeoutSeconds: number): Instance[] {
    const gone = this.live().filter((i) => nowSeconds - i.lastSeenSeconds > timeoutSeconds);
    for (const i of gone) this.remove(i.key);
    return gone;
  }

  /**
   * Files a report of the registered instance `key`. A report for a later window than
   * the open one must first close the open round (`wouldSupersede`); reports for decided
   * windows are late. With `fromSpare`, `spare` already holds the report's tenants (and
   * `report.tenants` is not read): if accepted, it becomes the instance's row.
   */
  file(key: string, report: ReportMessage, fromSpare = false): ReportOutcome {
    const inst = this.instances.get(key);
    if (inst === undefined) throw new Error(`report filed for unregistered connection ${key}`);
    if (report.window <= this.lastDecidedWindow) return 'late';
    if (this.openWindow < 0 || report.window > this.openWindow) {
      this.openWindow = report.window;
      this.filed = 0;
    }
    if (report.window < this.openWindow) return 'late';
    if (inst.filedWindow === report.window) return 'duplicate';
    if (fromSpare) {
      const row = this.spare;
      this.spare = inst.row;
      inst.row = row;
      row.fillHeader(report);
    } else inst.row.fill(report);
    inst.filedWindow = report.window;
    inst.demand = demandOf(inst.row);
    this.filed++;
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
    // Only registered instances file reports and `remove` uncounts theirs, so the filers
    // are a subset of the live instances: equal counts mean everyone has reported.
    return this.pending() && this.filed === this.instances.size;
  }

  /** Whether a round is open and undecided. */
  pending(): boolean {
    return this.openWindow > this.lastDecidedWindow && this.filed > 0;
  }

  /**
   * Closes the open round: its reports aggregated in registration order (as
   * `aggregateSignals` would), and how many there were.
   */
  close(): { window: number; signals: Signals; reports: number } {
    const window = this.openWindow;
    const rows: ReportRow[] = [];
    for (const inst of this.instances.values()) if (this.hasFiled(inst)) rows.push(inst.row);
    const signals = aggregateRows(window, rows);
    this.lastDecidedWindow = window;
    this.filed = 0;
    return { window, signals, reports: rows.length };
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
export function demandOf(row: ReportRow): Record<string, number> {
  const demand: Record<string, number> = {};
  for (let i = 0; i < row.tenantCount; i++) {
    const name = row.names[i]!;
    demand[name] = (demand[name] ?? 0) + row.values[i * TENANT_STRIDE + ROW.offered]!;
  }
  if (row.service !== null) {
    for (const [name, t] of Object.entries(row.service.tenants)) {
      demand[name] = (demand[name] ?? 0) + t.hops + t.rejected + t.outstanding;
    }
  }
  return demand;
}
