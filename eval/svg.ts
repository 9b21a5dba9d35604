/**
 * Small, dependency-free SVG charts for the HTML report: line charts (linear or log x)
 * and dot-and-whisker interval charts. Every chart is a self-contained `<svg>` string.
 */

/** A named polyline. */
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly logX?: boolean;
  readonly width?: number;
  readonly height?: number;
  /** Fixed y range; default from the data (from 0). */
  readonly yMax?: number;
}

/** Distinguishable colours: Tableau 10, then four darker ones, so 14 policies stay apart. */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
  '#1b3a5c',
  '#7a3b00',
  '#2f5d2a',
  '#5c1f4a',
];

export function colour(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/** Escapes text for SVG and HTML. */
export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A short label for a tick value. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000) return `${+(v / 1000).toPrecision(3)}k`;
  if (a >= 1) return `${+v.toPrecision(3)}`;
  return `${+v.toPrecision(2)}`;
}

/** About five round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    ticks.push(+v.toPrecision(12));
  }
  return ticks;
}

const M = { left: 52, right: 12, top: 24, bottom: 40 };

function frame(width: number, height: number, title: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">` +
    `<text x="${width / 2}" y="15" text-anchor="middle" font-weight="bold">${escapeXml(title)}</text>` +
    `${body}</svg>`
  );
}

function legend(names: readonly string[], x: number, y: number): string {
  return names
    .map(
      (n, i) =>
        `<rect x="${x}" y="${y + i * 13 - 8}" width="9" height="9" fill="${colour(i)}"/>` +
        `<text x="${x + 13}" y="${y + i * 13}">${escapeXml(n)}</text>`,
    )
    .join('');
}

/** A line chart of several series on shared axes, with a legend. */
export function lineChart(series: readonly Series[], o: LineChartOptions): string {
  const width = o.width ?? 420;
  const height = o.height ?? 240;
  const pw = width - M.left - M.right - 110;
  const ph = height - M.top - M.bottom;
  const tx = (v: number) => (o.logX ? Math.log10(Math.max(v, 1e-9)) : v);
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return frame(width, height, o.title, '<text x="60" y="60">no data</text>');
  const xs = all.map((p) => tx(p[0]));
  let x0 = Math.min(...xs);
  let x1 = Math.max(...xs);
  if (x1 === x0) x1 = x0 + 1;
  if (o.logX) [x0, x1] = [Math.floor(x0), Math.ceil(x1)];
  const top = Math.max(...all.map((p) => p[1]));
  const y1 = o.yMax ?? (top > 0 ? top * 1.05 : 1);
  const px = (v: number) => M.left + ((tx(v) - x0) / (x1 - x0)) * pw;
  const py = (v: number) => M.top + ph - (Math.min(Math.max(v, 0), y1) / y1) * ph;
  const xTicks = o.logX
    ? Array.from({ length: x1 - x0 + 1 }, (_, i) => 10 ** (x0 + i))
    : niceTicks(x0, x1);
  let body = '';
  for (const t of niceTicks(0, y1)) {
    body += `<line x1="${M.left}" x2="${M.left + pw}" y1="${py(t)}" y2="${py(t)}" stroke="#eee"/>`;
    body += `<text x="${M.left - 4}" y="${py(t) + 4}" text-anchor="end">${tickLabel(t)}</text>`;
  }
  for (const t of xTicks) {
    body += `<text x="${px(t)}" y="${M.top + ph + 14}" text-anchor="middle">${tickLabel(t)}</text>`;
  }
  body += `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`;
  series.forEach((s, i) => {
    const d = s.points.map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(' ');
    body += `<polyline fill="none" stroke="${colour(i)}" stroke-width="1.5" points="${d}"/>`;
  });
  body += `<text x="${M.left + pw / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`;
  body += `<text transform="translate(12 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`;
  body += legend(
    series.map((s) => s.name),
    M.left + pw + 10,
    M.top + 10,
  );
  return frame(width, height, o.title, body);
}

/** One group of intervals (a scenario): per policy a mean with [low, high], plus a bound. */
export interface IntervalGroup {
  readonly label: string;
  readonly values: readonly {
    readonly mean: number;
    readonly low: number;
    readonly high: number;
  }[];
  /** Drawn as a dashed line across the group (the fluid bound), or null. */
  readonly bound: number | null;
}

/** Dot-and-whisker chart: groups along x, one coloured dot per policy, y in [0, 1]. */
export function intervalChart(
  groups: readonly IntervalGroup[],
  policies: readonly string[],
  title: string,
): string {
  const gw = Math.max(60, policies.length * 12 + 20);
  const ph = 220;
  const width = M.left + groups.length * gw + 140;
  const height = M.top + ph + 70;
  const py = (v: number) => M.top + ph - Math.min(Math.max(v, 0), 1) * ph;
  let body = '';
  for (const t of niceTicks(0, 1)) {
    body += `<line x1="${M.left}" x2="${M.left + groups.length * gw}" y1="${py(t)}" y2="${py(t)}" stroke="#eee"/>`;
    body += `<text x="${M.left - 4}" y="${py(t) + 4}" text-anchor="end">${tickLabel(t)}</text>`;
  }
  groups.forEach((g, gi) => {
    const gx = M.left + gi * gw;
    if (g.bound !== null) {
      body += `<line x1="${gx + 4}" x2="${gx + gw - 4}" y1="${py(g.bound)}" y2="${py(g.bound)}" stroke="#333" stroke-dasharray="4 3"/>`;
    }
    g.values.forEach((v, i) => {
      const x = gx + 14 + i * 12;
      body += `<line x1="${x}" x2="${x}" y1="${py(v.low)}" y2="${py(v.high)}" stroke="${colour(i)}" stroke-width="2"/>`;
      body += `<circle cx="${x}" cy="${py(v.mean)}" r="3.5" fill="${colour(i)}"/>`;
    });
    body += `<text transform="translate(${gx + gw / 2} ${M.top + ph + 10}) rotate(30)" font-size="10">${escapeXml(g.label)}</text>`;
  });
  body += `<rect x="${M.left}" y="${M.top}" width="${groups.length * gw}" height="${ph}" fill="none" stroke="#999"/>`;
  body += `<text transform="translate(12 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">run score</text>`;
  const lx = M.left + groups.length * gw + 10;
  body += legend(policies, lx, M.top + 10);
  const ly = M.top + 10 + policies.length * 13;
  body += `<line x1="${lx}" x2="${lx + 9}" y1="${ly - 4}" y2="${ly - 4}" stroke="#333" stroke-dasharray="3 2"/>`;
  body += `<text x="${lx + 13}" y="${ly}">fluid bound</text>`;
  return frame(width, height, title, body);
}
