/**
 * The self-contained HTML report: inline SVG charts (eval/svg.ts) and the Markdown
 * tables rendered as HTML. Nothing is fetched at view time: no scripts, no fonts, no
 * external styles or images.
 */
import type { Aggregate } from './aggregate.js';
import { CDF_PERCENTILES, type RunResult } from './run-job.js';
import type { Suite } from './suite.js';
import { escapeXml, intervalChart, lineChart, type Series } from './svg.js';

/** Renders the pipe tables and headings of `markdownReport` as HTML. */
export function markdownToHtml(markdown: string): string {
  const out: string[] = [];
  const lines = markdown.split('\n');
  const inline = (s: string) =>
    escapeXml(s)
      .replace(/\*\*(.+?)\*\*/g, '<b>$1</b>')
      .replace(/`(.+?)`/g, '<code>$1</code>');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.startsWith('|')) {
        rows.push(
          lines[i]!.slice(1, -1)
            .split('|')
            .map((c) => c.trim()),
        );
        i++;
      }
      i--;
      const [head, , ...body] = rows;
      out.push(
        `<table><tr>${head!.map((c) => `<th>${inline(c)}</th>`).join('')}</tr>` +
          body.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('') +
          '</table>',
      );
    } else if (line.startsWith('## ')) out.push(`<h2>${inline(line.slice(3))}</h2>`);
    else if (line.startsWith('# ')) out.push(`<h1>${inline(line.slice(2))}</h1>`);
    else if (line.trim() !== '') out.push(`<p>${inline(line)}</p>`);
  }
  return out.join('\n');
}

/** The run of `scenario` × `policy` with the smallest seed (the one plotted over time). */
function firstRun(results: readonly RunResult[], scenario: string, policy: string) {
  return results
    .filter((r) => r.scenario === scenario && r.policy === policy)
    .sort((a, b) => a.seed - b.seed)[0];
}

/**
 * Per tenant goodput, offered rate and p99 latency over time, three charts per policy
 * (latency only of windows in which something completed).
 */
function timelineCharts(
  results: readonly RunResult[],
  scenario: string,
  policies: readonly string[],
) {
  return policies
    .map((policy) => {
      const r = firstRun(results, scenario, policy);
      if (r === undefined) return '';
      const series = (pick: (i: number, w: RunResult['timeline']['windows'][number]) => number) =>
        r.timeline.tenants.map((name, i): Series => ({
          name,
          points: r.timeline.windows
            .map((w) => [w.endSeconds, pick(i, w)] as const)
            .filter((p) => Number.isFinite(p[1])),
        }));
      const rate = lineChart(
        series((i, w) => w.tenants[i]!.goodput / w.seconds),
        { title: `${policy}: goodput (seed ${r.seed})`, xLabel: 'time (s)', yLabel: 'requests/s' },
      );
      const offered = lineChart(
        series((i, w) => w.tenants[i]!.offered / w.seconds),
        { title: `${policy}: offered`, xLabel: 'time (s)', yLabel: 'requests/s' },
      );
      const latency = lineChart(
        series((i, w) => (w.tenants[i]!.completed > 0 ? w.tenants[i]!.p99 * 1000 : NaN)),
        { title: `${policy}: p99 latency`, xLabel: 'time (s)', yLabel: 'ms' },
      );
      return `<div class="row">${rate}${offered}${latency}</div>`;
    })
    .join('\n');
}

/** Per tenant latency CDF, one line per policy (seed with the smallest number). */
function cdfCharts(results: readonly RunResult[], scenario: string, policies: readonly string[]) {
  const tenants = firstRun(results, scenario, policies[0]!)?.timeline.tenants ?? [];
  return tenants
    .map((tenant) =>
      lineChart(
        policies.map((policy) => ({
          name: policy,
          points: (firstRun(results, scenario, policy)?.latencyCdf[tenant] ?? []).map(
            (v, i) => [v * 1000, CDF_PERCENTILES[i]! / 100] as const,
          ),
        })),
        {
          title: `${tenant}: latency CDF`,
          xLabel: 'latency (ms, log scale)',
          yLabel: 'fraction of requests',
          logX: true,
          yMax: 1,
        },
      ),
    )
    .join('');
}

const STYLE = `body{font-family:sans-serif;margin:24px;color:#222;max-width:1400px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:12px}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}td:first-child,th:first-child{text-align:left}
.row{display:flex;flex-wrap:wrap;gap:8px}svg{background:#fff;max-width:100%;height:auto}h3{margin-top:28px}`;

/** The whole HTML document. */
export function htmlReport(
  suite: Suite,
  a: Aggregate,
  results: readonly RunResult[],
  markdown: string,
): string {
  const groups = a.scenarios.map((sc) => {
    const cells = a.policies.map((p) => a.cells.find((c) => c.scenario === sc && c.policy === p)!);
    return {
      label: sc,
      values: cells.map((c) => c.score),
      bound: cells[0]?.fluidBound.mean ?? null,
    };
  });
  const scenarioSections = a.scenarios
    .map(
      (sc) =>
        `<h3>${escapeXml(sc)}</h3>\n<h4>Per-tenant rates and latency over time</h4>\n` +
        timelineCharts(results, sc, a.policies) +
        `\n<h4>Latency CDFs</h4>\n<div class="row">${cdfCharts(results, sc, a.policies)}</div>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Governor eval: ${escapeXml(suite.name)}</title>
<style>${STYLE}</style></head><body>
<h1>Governor eval: suite ${escapeXml(suite.name)}</h1>
<p>${escapeXml(suite.description)}</p>
<h2>Run score per scenario (mean and 95% bootstrap interval across seeds; dashed: fluid bound)</h2>
${intervalChart(groups, a.policies, 'Run score by scenario')}
${markdownToHtml(markdown.split('\n').slice(1).join('\n'))}
<h2>Scenarios</h2>
${scenarioSections}
</body></html>
`;
}
