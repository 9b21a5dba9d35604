/** Plain-text tables for terminal output. */

/** Renders rows under a header, numbers right-aligned, columns padded to fit. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const isNumeric = (s: string) => /^[-+]?[\d.,]+(e[-+]?\d+)?%?$/.test(s);
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i > 0 && isNumeric(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Seconds as milliseconds, e.g. `0.26`, `12.3`, `4312`. */
export function ms(seconds: number): string {
  const v = seconds * 1000;
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

export function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}
