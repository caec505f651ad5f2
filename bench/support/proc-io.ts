/**
 * This process's I/O counters from /proc/self/io: bytes passed through read() and write() calls,
 * page cache hits included (rchar, wchar). For the snapshot benchmark they show how many times
 * the snapshot file was read or written per transfer; undefined where /proc cannot tell.
 */
import { readFileSync } from 'node:fs';

export interface IoCounters {
  readonly readBytes: number;
  readonly writtenBytes: number;
}

export function ioCounters(): IoCounters | undefined {
  try {
    const text = readFileSync('/proc/self/io', 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    const counters = { readBytes: field('rchar'), writtenBytes: field('wchar') };
    return Number.isNaN(counters.readBytes) || Number.isNaN(counters.writtenBytes) ? undefined : counters;
  } catch {
    return undefined;
  }
}
