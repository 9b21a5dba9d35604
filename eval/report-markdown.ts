/**
 * The Markdown summary of an eval: run scores with 95% bootstrap intervals per scenario
 * against the fluid bound, paired comparisons with the best baseline, the suite
 * average, and the secondary metrics. Also what `governor eval` prints.
 */
import type { Aggregate, Cell } from './aggregate.js';
import type { Interval } from './statistics.js';
import type { Suite } from './suite.js';

function f3(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : '–';
}

/** `0.912 [0.900, 0.921]`. */
export function formatInterval(i: Interval): string {
  return i.n < 2 ? f3(i.mean) : `${f3(i.mean)} [${f3(i.low)}, ${f3(i.high)}]`;
}

/** `+0.012 [−0.003, 0.020]`. */
function formatDelta(c: Interval, digits = 3): string {
  const s = (v: number) => (v >= 0 ? `+${v.toFixed(digits)}` : v.toFixed(digits));
  return `${s(c.mean)} [${s(c.low)}, ${s(c.high)}]`;
}

function pValue(p: number): string {
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function cellOf(a: Aggregate, scenario: string, policy: string): Cell {
  const c = a.cells.find((x) => x.scenario === scenario && x.policy === policy);
  if (c === undefined) throw new RangeError(`no cell ${scenario}/${policy}`);
  return c;
}

/** Per scenario, policy and tenant: the run metrics of each tenant, means over seeds. */
export function perTenantSection(a: Aggregate): string {
  const ms = (s: number) => (s * 1000).toFixed(1);
  const rows = a.cells.flatMap((c) =>
    Object.entries(c.tenants).map(([tenant, t]) => [
      c.scenario,
      c.policy,
      tenant,
      f3(t.sloScore),
      t.offeredPerSecond.toFixed(1),
      t.goodputPerSecond.toFixed(1),
      ms(t.p50Seconds),
      ms(t.p99Seconds),
      ms(t.p999Seconds),
      t.rejectedWithinEntitlement.toFixed(0),
    ]),
  );
  return [
    '## Per tenant (means across seeds)',
    '',
    table(
      [
        'scenario',
        'policy',
        'tenant',
        'SLO score',
        'offered/s',
        'goodput/s',
        'p50 ms',
        'p99 ms',
        'p99.9 ms',
        'rejected within entitlement',
      ],
      rows,
    ),
    '',
  ].join('\n');
}

/** The Markdown summary (what the terminal shows; `summary.md` adds `perTenantSection`). */
export function markdownReport(suite: Suite, a: Aggregate): string {
  const covers = (name: string) => suite.scenarios.find((s) => s.name === name)?.covers ?? '';
  const scoreRows = a.scenarios.map((sc) => {
    const cells = a.policies.map((p) => cellOf(a, sc, p));
    const best = Math.max(...cells.map((c) => c.score.mean));
    return [
      sc,
      covers(sc),
      f3(cells[0]!.fluidBound.mean),
      ...cells.map((c) => {
        const s = formatInterval(c.score);
        return c.score.mean === best ? `**${s}**` : s;
      }),
    ];
  });
  scoreRows.push([
    '**suite mean**',
    '',
    f3(
      a.scenarios.reduce((s, sc) => s + cellOf(a, sc, a.policies[0]!).fluidBound.mean, 0) /
        a.scenarios.length,
    ),
    ...a.suite.map((r) => formatInterval(r.score)),
  ]);
  const comparisonRows = a.cells
    .filter((c) => c.vsBest !== null)
    .map((c) => [
      c.scenario,
      c.policy,
      c.vsBest!.baseline,
      formatDelta(c.vsBest!),
      `${c.vsBest!.wins}/${c.vsBest!.ties}/${c.vsBest!.losses}`,
      pValue(c.vsBest!.wilcoxonP),
      pValue(c.vsBest!.signTestP),
    ]);
  const suiteRows = a.suite.map((r) => [
    r.policy,
    formatInterval(r.score),
    r.vsBest?.baseline ?? '–',
    r.vsBest ? formatDelta(r.vsBest) : '–',
    r.vsBest ? `${r.vsBest.wins}/${r.vsBest.ties}/${r.vsBest.losses}` : '–',
    r.vsBest ? pValue(r.vsBest.wilcoxonP) : '–',
    r.scenariosBelowBest.length ? r.scenariosBelowBest.join(', ') : 'none',
  ]);
  const ablationRows = a.ablations.flatMap((ab) =>
    [{ scenario: '**suite**', vsBase: ab.suite }, ...ab.scenarios].map((row) => [
      ab.policy,
      ab.base,
      row.scenario,
      // Four digits: learned corrections can move a score by less than 0.001.
      formatDelta(row.vsBase, 4),
      `${row.vsBase.wins}/${row.vsBase.ties}/${row.vsBase.losses}`,
      pValue(row.vsBase.wilcoxonP),
    ]),
  );
  const ablationSection =
    ablationRows.length === 0
      ? []
      : [
          '## Learned policies against their base (ablation)',
          '',
          'A residual policy (`learned:PATH`) against its base composition alone (`base:PATH`, the zero ' +
            'correction): what its learned corrections add; and against that base corrected by the ' +
            'hand-written guarantee-share rule (`rule:PATH`), when evaluated. Paired by (scenario, seed) for ' +
            'the suite, by seed per scenario; Δ = learned − the comparator; p = exact two-sided Wilcoxon ' +
            'signed-rank.',
          '',
          table(
            ['policy', 'against', 'scenario', 'Δ [95% CI]', 'W/T/L', 'Wilcoxon p'],
            ablationRows,
          ),
          '',
        ];
  const metricRows = a.cells.map((c) => [
    c.scenario,
    c.policy,
    formatInterval(c.fairness),
    (c.p99Seconds * 1000).toFixed(1),
    c.rejectedWithinEntitlement.toFixed(0),
    `${(c.meanUtilization * 100).toFixed(1)}%`,
  ]);
  return [
    `# Eval: suite \`${suite.name}\``,
    '',
    `${a.scenarios.length} scenarios × ${a.policies.length} policies × ${a.seeds.length} seeds (${a.seeds.join(', ')}). ` +
      'Run score = tenants’ SLO scores (goodput ÷ entitlement, capped at 1) averaged with their weights; ' +
      'mean [95% percentile-bootstrap interval] across seeds. Fluid bound: the best score any controller ' +
      'could reach under the fluid model of capacity and demand (docs/eval.md).',
    '',
    '## Run score',
    '',
    table(['scenario', 'covers', 'fluid bound', ...a.policies], scoreRows),
    '',
    '## Suite average against the best baseline',
    '',
    'Paired by (scenario, seed); Δ = policy − best other heuristic on the suite average; ' +
      'W/T/L = pairs won/tied/lost; p = exact two-sided Wilcoxon signed-rank; last column: ' +
      'scenarios where the policy’s mean is more than 5% below that scenario’s best other heuristic.',
    '',
    table(
      [
        'policy',
        'suite score',
        'best baseline',
        'Δ [95% CI]',
        'W/T/L',
        'Wilcoxon p',
        '>5% below best on',
      ],
      suiteRows,
    ),
    '',
    ...ablationSection,
    '## Per scenario against the best baseline',
    '',
    'Paired by seed against the heuristic with the highest mean score on that scenario (other than the policy itself). ' +
      `With ${a.seeds.length} seeds the smallest attainable two-sided p is ${pValue(2 / 2 ** a.seeds.length)}.`,
    '',
    table(
      ['scenario', 'policy', 'baseline', 'Δ [95% CI]', 'W/T/L', 'Wilcoxon p', 'sign p'],
      comparisonRows,
    ),
    '',
    '## Other metrics (means across seeds)',
    '',
    'Fairness: Jain’s index of the tenants’ SLO scores. p99: tenants’ p99 latency averaged with their weights. ' +
      'Rejected within entitlement: requests turned away while their tenant was below its entitlement.',
    '',
    table(
      [
        'scenario',
        'policy',
        'fairness (Jain)',
        'p99 ms',
        'rejected within entitlement',
        'utilisation',
      ],
      metricRows,
    ),
    '',
  ].join('\n');
}
