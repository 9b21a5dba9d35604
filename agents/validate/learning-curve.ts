/**
 * Learning curves from metrics.jsonl files: the mean return of the last 20 episodes as
 * a function of environment steps, sampled for tables and drawn as an SVG polyline plot.
 */
import { readFileSync } from 'node:fs';

export interface CurvePoint {
  readonly step: number;
  /** Mean return of the last (up to) 20 episodes finished by `step`. */
  readonly meanReturn: number;
}

/** The rolling mean-of-last-20 episodic return after every finished episode. */
export function readLearningCurve(metricsFile: string): CurvePoint[] {
  const window: number[] = [];
  const points: CurvePoint[] = [];
  for (const line of readFileSync(metricsFile, 'utf8').split('\n')) {
    if (line === '') continue;
    const m = JSON.parse(line) as { step: number; tag: string; value: number };
    if (m.tag !== 'charts/episodic_return') continue;
    window.push(m.value);
    if (window.length > 20) window.shift();
    points.push({ step: m.step, meanReturn: window.reduce((a, b) => a + b, 0) / window.length });
  }
  return points;
}

/** The curve's value at `step` (the last point at or before it), or NaN. */
export function valueAt(curve: readonly CurvePoint[], step: number): number {
  let value = NaN;
  for (const p of curve) {
    if (p.step > step) break;
    value = p.meanReturn;
  }
  return value;
}

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

/** An SVG plot of several curves (one per seed) with axes, gridlines and a legend. */
export function curvesToSvg(
  title: string,
  curves: readonly { label: string; points: readonly CurvePoint[] }[],
  yRange: readonly [number, number],
  xMax: number,
): string {
  const w = 640;
  const h = 360;
  const left = 60;
  const right = 20;
  const top = 30;
  const bottom = 40;
  const x = (s: number) => left + (s / xMax) * (w - left - right);
  const y = (v: number) =>
    top +
    (1 - (Math.min(Math.max(v, yRange[0]), yRange[1]) - yRange[0]) / (yRange[1] - yRange[0])) *
      (h - top - bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="11">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<text x="${w / 2}" y="18" text-anchor="middle" font-size="13">${title}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const v = yRange[0] + ((yRange[1] - yRange[0]) * i) / 5;
    const s = (xMax * i) / 5;
    parts.push(`<line x1="${left}" x2="${w - right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${Math.round(v)}</text>`);
    parts.push(
      `<text x="${x(s)}" y="${h - bottom + 16}" text-anchor="middle">${Math.round(s / 1000)}k</text>`,
    );
  }
  parts.push(`<text x="${w / 2}" y="${h - 6}" text-anchor="middle">environment steps</text>`);
  curves.forEach((c, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    // At most ~400 vertices per curve keeps the file small; the curve is already smoothed.
    const stride = Math.max(1, Math.ceil(c.points.length / 400));
    const kept = c.points.filter((_, k) => k % stride === 0 || k === c.points.length - 1);
    const pts = kept.map((p) => `${x(p.step).toFixed(1)},${y(p.meanReturn).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.2" points="${pts}"/>`);
    parts.push(
      `<text x="${w - right - 70}" y="${top + 14 * (i + 1)}" fill="${colour}">${c.label}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
