/**
 * Trace CSVs for `process: trace`: a header `timestamp,tenant,api`, then one row per
 * request with its arrival time in seconds, its tenant and its API.
 *
 * Rows must be in non-decreasing order of timestamp over the whole file: an unsorted row
 * is rejected with its line number rather than sorted silently, because a trace out of
 * order is almost always a trace cut or merged wrongly. Blank lines are skipped. Rows of
 * other tenants are skipped too (a trace may hold tenants the scenario does not define),
 * but still must be well formed and in order.
 */
import type { Field } from './field.js';

/** The only header accepted. */
export const TRACE_HEADER = 'timestamp,tenant,api';

export interface TraceCsvOptions {
  /** The CSV's path, as named in errors. */
  readonly file: string;
  /** Whose rows to keep. */
  readonly tenant: string;
  /** APIs the kept rows may name. */
  readonly apis: ReadonlySet<string>;
  /** Arrival time = timestamp × timeScale. */
  readonly timeScale: number;
}

/**
 * The rows of `options.tenant` in `text`, as arrival times in seconds (scaled) and APIs.
 * Errors fail at `at` (the scenario's `file` field) naming the CSV file and line.
 */
export function parseTraceCsv(
  text: string,
  options: TraceCsvOptions,
  at: Field,
): { at: number; api: string }[] {
  const lines = text.split(/\r?\n/);
  const fail = (line: number, rule: string): never =>
    at.fail(`${options.file} line ${line}: ${rule}`);
  const header = lines[0]?.trim() ?? '';
  if (header !== TRACE_HEADER) {
    fail(1, `the header must be "${TRACE_HEADER}", got ${JSON.stringify(header)}`);
  }
  const rows: { at: number; api: string }[] = [];
  let previous = -Infinity;
  lines.forEach((text, i) => {
    const line = i + 1;
    if (i === 0 || text.trim() === '') return;
    const cells = text.split(',').map((c) => c.trim());
    if (cells.length !== 3) fail(line, `a row must have 3 fields, got ${cells.length}`);
    const [timestampText, tenant, api] = cells as [string, string, string];
    const timestamp = timestampText === '' ? NaN : Number(timestampText);
    if (!(Number.isFinite(timestamp) && timestamp >= 0)) {
      fail(line, `timestamp must be a non-negative number, got ${JSON.stringify(timestampText)}`);
    }
    if (timestamp < previous) {
      fail(line, `timestamps must not decrease, got ${timestamp} after ${previous}`);
    }
    previous = timestamp;
    if (tenant !== options.tenant) return;
    if (!options.apis.has(api)) {
      fail(
        line,
        `api must name a defined api (${[...options.apis].join(', ')}), got ${JSON.stringify(api)}`,
      );
    }
    rows.push({ at: timestamp * options.timeScale, api });
  });
  return rows;
}
