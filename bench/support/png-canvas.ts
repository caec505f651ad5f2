/**
 * An RGBA raster for the benchmark charts: filled rectangles and bitmap-font text
 * (support/bitmap-font.ts), encoded as PNG by pngjs (pure JS: the canvas packages need native
 * builds and downloads that fail here). All a bar chart needs, and nothing more; coordinates are
 * pixels from the top left, clipped to the image.
 */
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyph, textWidth } from './bitmap-font';

export type Rgb = readonly [number, number, number];
export type Align = 'left' | 'center' | 'right';

export class PngCanvas {
  private readonly png: PNG;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.png = new PNG({ width, height });
    this.fillRect(0, 0, width, height, background);
  }

  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    const data = this.png.data;
    for (let py = y0; py < y1; py++) {
      for (let px = x0; px < x1; px++) {
        const at = (py * this.width + px) * 4;
        data[at] = color[0];
        data[at + 1] = color[1];
        data[at + 2] = color[2];
        data[at + 3] = 255;
      }
    }
  }

  /** `text` with its top at y, its left edge, middle or right edge at x; each font pixel a scale x scale square. */
  text(x: number, y: number, text: string, color: Rgb, scale = 2, align: Align = 'left'): void {
    const width = textWidth(text, scale);
    let left = Math.round(align === 'left' ? x : align === 'center' ? x - width / 2 : x - width);
    for (const ch of text) {
      glyph(ch).forEach((row, r) =>
        row.forEach((on, c) => {
          if (on) this.fillRect(left + c * scale, y + r * scale, scale, scale, color);
        }),
      );
      left += (GLYPH_WIDTH + 1) * scale;
    }
  }

  /** Pixels a line of text takes downwards at `scale`. */
  static textHeight(scale = 2): number {
    return GLYPH_HEIGHT * scale;
  }

  writePng(path: string): void {
    writeFileSync(path, PNG.sync.write(this.png));
  }
}
