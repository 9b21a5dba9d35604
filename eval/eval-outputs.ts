/**
 * Everything an eval writes, as file name → content (the CLI writes each atomically):
 * `summary.md`, `report.html`, `aggregate.json` and `runs.jsonl` (one line per run:
 * its job, summary and metrics; timelines and CDFs stay in the HTML).
 */
import { aggregate, type Aggregate } from './aggregate.js';
import { htmlReport } from './report-html.js';
import { markdownReport, perTenantSection } from './report-markdown.js';
import type { RunResult } from './run-job.js';
import type { Suite } from './suite.js';

export interface EvalOutputs {
  readonly aggregate: Aggregate;
  /** The summary printed on the terminal (`summary.md` adds the per-tenant table). */
  readonly markdown: string;
  /** File name (inside the output folder) → content. */
  readonly files: Readonly<Record<string, string>>;
}

/** Aggregates the runs and renders every report. */
export function evalOutputs(suite: Suite, results: readonly RunResult[]): EvalOutputs {
  const a = aggregate(results);
  const markdown = markdownReport(suite, a);
  const full = `${markdown}\n${perTenantSection(a)}`;
  const runs = results
    .map((r) =>
      JSON.stringify({
        scenario: r.scenario,
        policy: r.policy,
        seed: r.seed,
        metrics: r.metrics,
        summary: r.summary,
      }),
    )
    .join('\n');
  return {
    aggregate: a,
    markdown,
    files: {
      'summary.md': full,
      'report.html': htmlReport(suite, a, results, full),
      'aggregate.json': `${JSON.stringify({ suite, aggregate: a }, null, 2)}\n`,
      'runs.jsonl': `${runs}\n`,
    },
  };
}
