/**
 * `tenants.<name>.arrivals`: the arrival process of a tenant, one of poisson,
 * deterministic, mmpp, diurnal, schedule, trace and closed (types.ts documents each).
 */
import { isAbsolute, resolve } from 'node:path';
import { validateDistributionSpec } from '../distributions.js';
import type { ParseOptions } from './context.js';
import { parseTraceCsv } from './trace-csv.js';
import type { ArrivalSpec } from './types.js';
import {
  type Field,
  expectEnum,
  expectKeys,
  expectList,
  expectMapping,
  expectNonNegative,
  expectNumber,
  expectPositive,
  expectPositiveInteger,
  expectPresent,
  expectString,
  optionalKey,
  requiredKey,
} from './field.js';

/** Each arrival process and the keys it takes besides `process`. */
export const ARRIVAL_PROCESSES = {
  poisson: ['rate'],
  deterministic: ['rate'],
  mmpp: ['states'],
  diurnal: ['mean', 'amplitude', 'period', 'phase'],
  schedule: ['interpolate', 'points'],
  trace: ['file', 'timeScale'],
  closed: ['users', 'thinkTime'],
} as const;
type ProcessName = keyof typeof ARRIVAL_PROCESSES;

/** What a trace needs to know: whose rows to keep, which APIs exist, how to read files. */
export interface ArrivalContext {
  readonly tenant: string;
  readonly apis: ReadonlySet<string>;
  readonly options: ParseOptions;
}

/** Validates a tenant's `arrivals` mapping. */
export function parseArrivals(raw: unknown, at: Field, context: ArrivalContext): ArrivalSpec {
  const obj = expectMapping(raw, at);
  const names = Object.keys(ARRIVAL_PROCESSES) as ProcessName[];
  const process = expectEnum(expectPresent(obj, 'process', at), names, at.key('process'));
  expectKeys(obj, ['process', ...ARRIVAL_PROCESSES[process]], at);
  switch (process) {
    case 'poisson':
    case 'deterministic':
      return { process, rate: requiredKey(obj, 'rate', at, expectPositive) };
    case 'mmpp':
      return { process, states: requiredKey(obj, 'states', at, parseMmppStates) };
    case 'diurnal':
      return {
        process,
        mean: requiredKey(obj, 'mean', at, expectPositive),
        amplitude: requiredKey(obj, 'amplitude', at, expectFraction),
        period: requiredKey(obj, 'period', at, expectPositive),
        phase: optionalKey(obj, 'phase', at, expectNumber, 0),
      };
    case 'schedule':
      return {
        process,
        interpolate: optionalKey(
          obj,
          'interpolate',
          at,
          (v, f) => expectEnum(v, ['step', 'linear'] as const, f),
          'step',
        ),
        points: requiredKey(obj, 'points', at, parseSchedulePoints),
      };
    case 'trace':
      return parseTrace(obj, at, context);
    case 'closed':
      return {
        process,
        users: requiredKey(obj, 'users', at, expectPositiveInteger),
        thinkTime: requiredKey(obj, 'thinkTime', at, (v, f) =>
          validateDistributionSpec(v, f.file, f.path),
        ),
      };
  }
}

/** A number in [0, 1]. */
function expectFraction(raw: unknown, at: Field): number {
  const value = expectNumber(raw, at);
  if (!(value >= 0 && value <= 1)) at.fail(`${at.name} must be in [0, 1], got ${value}`);
  return value;
}

/** At least two `{rate >= 0, meanDuration > 0}` states, at least one with a positive rate. */
function parseMmppStates(raw: unknown, at: Field) {
  const list = expectList(raw, at);
  if (list.length < 2) at.fail(`states must list at least 2 states, got ${list.length}`);
  const states = list.map((element, i) => {
    const stateAt = at.index(i);
    const obj = expectMapping(element, stateAt);
    expectKeys(obj, ['rate', 'meanDuration'], stateAt);
    return {
      rate: requiredKey(obj, 'rate', stateAt, expectNonNegative),
      meanDuration: requiredKey(obj, 'meanDuration', stateAt, expectPositive),
    };
  });
  expectSomePositiveRate(states, at);
  return states;
}

/** A non-empty list of `{at >= 0, rate >= 0}`, strictly increasing in `at`. */
function parseSchedulePoints(raw: unknown, at: Field) {
  const points = expectList(raw, at, true).map((element, i) => {
    const pointAt = at.index(i);
    const obj = expectMapping(element, pointAt);
    expectKeys(obj, ['at', 'rate'], pointAt);
    return {
      at: requiredKey(obj, 'at', pointAt, expectNonNegative),
      rate: requiredKey(obj, 'rate', pointAt, expectNonNegative),
    };
  });
  points.forEach((point, i) => {
    const previous = points[i - 1];
    if (previous !== undefined && !(point.at > previous.at)) {
      at.index(i)
        .key('at')
        .fail(
          `points must be in strictly increasing order of at (${previous.at}), got ${point.at}`,
        );
    }
  });
  expectSomePositiveRate(points, at);
  return points;
}

function expectSomePositiveRate(list: readonly { rate: number }[], at: Field): void {
  if (!list.some((x) => x.rate > 0)) at.fail(`${at.name} must have at least one positive rate`);
}

function parseTrace(obj: Record<string, unknown>, at: Field, context: ArrivalContext): ArrivalSpec {
  const written = requiredKey(obj, 'file', at, expectString);
  const timeScale = optionalKey(obj, 'timeScale', at, expectPositive, 1);
  const { readText, baseDir } = context.options;
  const fileAt: Field = at.key('file');
  const file = baseDir === undefined || isAbsolute(written) ? written : resolve(baseDir, written);
  if (readText === undefined) fileAt.fail('trace files can only be read from a scenario file');
  let text: string;
  try {
    text = readText(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    fileAt.fail(`cannot read the trace file ${file} (${code})`);
  }
  const csv = { file, tenant: context.tenant, apis: context.apis, timeScale };
  const rows = parseTraceCsv(text, csv, fileAt);
  if (rows.length === 0) fileAt.fail(`trace ${file} has no rows for tenant "${context.tenant}"`);
  return { process: 'trace', file, timeScale, rows };
}
