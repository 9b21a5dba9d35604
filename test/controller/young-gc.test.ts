import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { youngGenerationCollector } from '../../controller/young-gc.js';

/** A gc entry's kind and flags (`detail`, missing from this @types/node's PerformanceEntry). */
function gcDetail(e: PerformanceEntry): { kind: number; flags: number } {
  return (e as unknown as { detail: { kind: number; flags: number } }).detail;
}

test('the young-generation collector runs a minor GC, with or without --expose-gc', async () => {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  youngGenerationCollector()();
  // GC entries are delivered asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  const forcedMinor = entries.filter((e) => {
    const detail = gcDetail(e);
    return (
      detail.kind === constants.NODE_PERFORMANCE_GC_MINOR &&
      (detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0
    );
  });
  assert.equal(forcedMinor.length, 1, `gc entries: ${JSON.stringify(entries.map(gcDetail))}`);
});
