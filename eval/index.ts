/**
 * `governor/eval`: evaluation suites, the parallel runner, per-run metrics, the fluid
 * bound, statistics across seeds, and the Markdown and HTML reports.
 */
export * from './suite.js';
export * from './statistics.js';
export * from './metrics.js';
export * from './fluid-bound.js';
export * from './timeline.js';
export * from './run-job.js';
export * from './run-suite.js';
export * from './resolve-policy.js';
export * from './aggregate.js';
export * from './report-markdown.js';
export * from './report-html.js';
export * from './eval-outputs.js';
