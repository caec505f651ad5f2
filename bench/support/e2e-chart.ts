/**
 * bench/e2e's chart: one PNG, a column per op pair (e.g. CreateNode vs txn-create), ops/s in the
 * top row and p99 in the bottom row, each panel grouped bars of ours and etcd's per client
 * concurrency (support/grouped-bars.ts). Written as DIR/e2e-<UTC timestamp>.png, so that runs do
 * not overwrite each other; the JSON lines stay the record, the chart is for reading them at a glance.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { textWidth } from './bitmap-font';
import { drawGroupedBars, type BarSeries } from './grouped-bars';
import { PngCanvas, type Rgb } from './png-canvas';

export interface Figures {
  readonly ops_per_s: number;
  readonly p99_ms: number;
}

export interface PairFigures {
  /** Our op and etcd's, e.g. "CreateNode vs txn-create". */
  readonly label: string;
  /** Per concurrency (the chart's order); undefined: not measured or failed. */
  readonly ours: readonly (Figures | undefined)[];
  /** Empty when etcd was not run. */
  readonly etcd: readonly (Figures | undefined)[];
}

export interface E2eChart {
  readonly concurrency: readonly number[];
  readonly pairs: readonly PairFigures[];
  /** A line under the title: how the figures were measured. */
  readonly subtitle: string;
}

const PANEL_WIDTH = 470;
const PANEL_HEIGHT = 300;
const GAP = 30;
const MARGIN = 24;
/** Title, subtitle and legend. */
const HEADER_HEIGHT = 110;
const COLUMN_HEADER_HEIGHT = 36;
const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [30, 30, 30];
const GREY: Rgb = [110, 110, 110];
const OURS: Rgb = [46, 110, 180];
const ETCD: Rgb = [235, 130, 40];

const ROWS: readonly { readonly title: string; readonly value: (f: Figures) => number }[] = [
  { title: 'ops/s (higher is better)', value: (f) => f.ops_per_s },
  { title: 'p99 ms (lower is better)', value: (f) => f.p99_ms },
];

function legend(canvas: PngCanvas, x: number, y: number, entries: readonly { readonly name: string; readonly color: Rgb }[]): void {
  let at = x;
  for (const { name, color } of entries) {
    canvas.fillRect(at, y, 14, 14, color);
    canvas.text(at + 22, y, name, INK, 2);
    at += 22 + textWidth(name, 2) + 40;
  }
}

/** Draws the chart and writes it into `dir` (made if missing); returns the file's path. */
export function writeE2eChart(dir: string, chart: E2eChart, at: Date = new Date()): string {
  const columns = Math.max(1, chart.pairs.length);
  const title = 'minfs bench:e2e - 3 MetaServer processes vs a 3-member etcd, closed-loop clients';
  const headerWidth = Math.max(textWidth(title, 2), textWidth(chart.subtitle, 2));
  const width = 2 * MARGIN + Math.max(headerWidth, columns * PANEL_WIDTH + (columns - 1) * GAP);
  const height = HEADER_HEIGHT + COLUMN_HEADER_HEIGHT + ROWS.length * PANEL_HEIGHT + (ROWS.length - 1) * GAP + MARGIN;
  const canvas = new PngCanvas(width, height, WHITE);

  canvas.text(MARGIN, MARGIN, title, INK, 2);
  canvas.text(MARGIN, MARGIN + 26, chart.subtitle, GREY, 2);
  const hasEtcd = chart.pairs.some((p) => p.etcd.length > 0);
  legend(canvas, MARGIN, MARGIN + 58, [{ name: 'ours (MetaServer)', color: OURS }, ...(hasEtcd ? [{ name: 'etcd', color: ETCD }] : [])]);

  const groups = chart.concurrency.map((c) => `c=${c}`);
  chart.pairs.forEach((pair, col) => {
    const x = MARGIN + col * (PANEL_WIDTH + GAP);
    canvas.fillRect(x, HEADER_HEIGHT - 8, PANEL_WIDTH, 2, GREY);
    canvas.text(x + PANEL_WIDTH / 2, HEADER_HEIGHT + 4, pair.label, INK, 2, 'center');
    ROWS.forEach((row, r) => {
      const series: BarSeries[] = [
        { name: 'ours', color: OURS, values: pair.ours.map((f) => (f === undefined ? undefined : row.value(f))) },
        ...(pair.etcd.length > 0
          ? [{ name: 'etcd', color: ETCD, values: pair.etcd.map((f) => (f === undefined ? undefined : row.value(f))) }]
          : []),
      ];
      const y = HEADER_HEIGHT + COLUMN_HEADER_HEIGHT + r * (PANEL_HEIGHT + GAP);
      drawGroupedBars(canvas, { x, y, width: PANEL_WIDTH, height: PANEL_HEIGHT }, { title: row.title, groups, series });
    });
  });

  mkdirSync(dir, { recursive: true });
  // UTC to the second, with '-' for ':' (not allowed in file names everywhere).
  const stamp = at
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  const path = resolve(dir, `e2e-${stamp}.png`);
  canvas.writePng(path);
  return path;
}
