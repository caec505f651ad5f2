/**
 * One panel of grouped bars on a PngCanvas: a title, a value axis from 0 with grid lines
 * (support/chart-scale.ts), and per group (e.g. a client concurrency) one bar per series (e.g. ours
 * and etcd's) with its value written above it. A missing value (a measurement that failed) leaves
 * a gap and is written as "-", so that a missing bar is not read as a zero.
 */
import { textWidth } from './bitmap-font';
import { compactNumber, niceScale } from './chart-scale';
import { PngCanvas, type Rgb } from './png-canvas';

export interface BarSeries {
  readonly name: string;
  readonly color: Rgb;
  /** One per group; undefined: not measured. */
  readonly values: readonly (number | undefined)[];
}

export interface GroupedBars {
  readonly title: string;
  readonly groups: readonly string[];
  readonly series: readonly BarSeries[];
}

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const INK: Rgb = [30, 30, 30];
const GRID: Rgb = [222, 222, 222];
/** Room left of the plot for tick labels like "12.5K" at scale 2. */
const AXIS_LABELS_WIDTH = 72;
/** Share of a group's width its bars take; the rest separates the groups. */
const BARS_SHARE = 0.8;

export function drawGroupedBars(canvas: PngCanvas, box: Box, chart: GroupedBars): void {
  const line = PngCanvas.textHeight(2);
  canvas.text(box.x + box.width / 2, box.y, chart.title, INK, 2, 'center');
  const left = box.x + AXIS_LABELS_WIDTH;
  const right = box.x + box.width - 4;
  // Room above the plot for the tallest bar's value label, below it for the group labels.
  const top = box.y + line + 24;
  const bottom = box.y + box.height - line - 10;

  const values = chart.series.flatMap((s) => s.values.filter((v): v is number => v !== undefined));
  const scale = niceScale(Math.max(0, ...values));
  const yOf = (v: number): number => bottom - (v / scale.top) * (bottom - top);
  for (const tick of scale.ticks) {
    canvas.fillRect(left, yOf(tick), right - left, 1, GRID);
    canvas.text(left - 8, yOf(tick) - line / 2, compactNumber(tick), INK, 2, 'right');
  }

  const groupWidth = (right - left) / Math.max(1, chart.groups.length);
  const barWidth = (groupWidth * BARS_SHARE) / Math.max(1, chart.series.length);
  const label = (v: number | undefined): string => (v === undefined ? '-' : compactNumber(v));
  // The value labels at the text's size when every one fits over its bar, else at half of it.
  const labelScale = chart.series.every((s) => s.values.every((v) => textWidth(label(v), 2) <= barWidth - 2)) ? 2 : 1;
  chart.groups.forEach((name, g) => {
    const groupLeft = left + g * groupWidth + (groupWidth * (1 - BARS_SHARE)) / 2;
    chart.series.forEach((series, s) => {
      const v = series.values[g];
      const x = groupLeft + s * barWidth;
      const labelY = (v === undefined ? bottom : yOf(v)) - PngCanvas.textHeight(labelScale) - 4;
      if (v !== undefined) canvas.fillRect(x + 1, yOf(v), barWidth - 2, bottom - yOf(v), series.color);
      canvas.text(x + barWidth / 2, labelY, label(v), INK, labelScale, 'center');
    });
    canvas.text(left + (g + 0.5) * groupWidth, bottom + 8, name, INK, 2, 'center');
  });
  // The axes last, over the bars' feet and the zero grid line.
  canvas.fillRect(left, top - 6, 2, bottom - top + 7, INK);
  canvas.fillRect(left, bottom, right - left, 2, INK);
}
