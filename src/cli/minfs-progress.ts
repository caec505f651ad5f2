/**
 * Progress bars of the minfs CLI, drawn with cli-progress on stderr. Only for a terminal (a bar
 * in a log file or a pipe is noise) and only for transfers big enough to take a moment; the bar
 * starts at the first progress event, when the file's size is known.
 */
import { SingleBar } from 'cli-progress';
import type { ProgressListener } from '../client';
import { humanSize } from './minfs-format';

/** Smaller transfers finish before a bar would be worth drawing. */
export const PROGRESS_THRESHOLD_BYTES = 8 * 1024 * 1024;

/**
 * Runs a transfer with a bar on `stream` labelled `label` (no bar when `stream` is undefined: not
 * a terminal, or disabled); the bar is removed when the transfer ends, well or not, so the next
 * line starts clean.
 */
export async function withProgress<T>(
  label: string,
  stream: NodeJS.WritableStream | undefined,
  transfer: (listener: ProgressListener | undefined) => Promise<T>,
): Promise<T> {
  if (stream === undefined) return transfer(undefined);
  let bar: SingleBar | undefined;
  let skipped = false;
  const listener: ProgressListener = ({ bytes, total }) => {
    if (skipped) return;
    if (bar === undefined) {
      if (total <= PROGRESS_THRESHOLD_BYTES) {
        skipped = true;
        return;
      }
      bar = new SingleBar({
        stream,
        format: `${label} [{bar}] {percentage}% | {done} of {size} | ETA {eta_formatted}`,
        barCompleteChar: '#',
        barIncompleteChar: '-',
        hideCursor: true,
        clearOnComplete: true,
      });
      bar.start(total, 0, { done: humanSize(0), size: humanSize(total) });
    }
    bar.update(bytes, { done: humanSize(bytes) });
  };
  try {
    return await transfer(listener);
  } finally {
    bar?.stop();
  }
}
