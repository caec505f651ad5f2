/**
 * Another process's memory from /proc/<pid>/status (Linux): resident set size split into anonymous
 * pages (the heap, what the process really holds) and file-backed pages (here mostly LMDB's
 * memory-mapped database: page cache the kernel can drop under pressure), and the kernel's
 * high-water mark VmHWM, which writing 5 to /proc/<pid>/clear_refs resets (root, or the same user).
 * A MemoryWatch samples a process every few hundred ms to keep the peaks of both parts over a phase.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface ProcessMemory {
  readonly rssMb: number;
  readonly anonMb: number;
  readonly fileMb: number;
  /** Peak RSS since the process started or since resetPeakRss. */
  readonly hwmMb: number;
}

/** A process id, or 'self' for this process. */
export type Pid = number | 'self';

const mb = (kb: number): number => Math.round((kb / 1024) * 10) / 10;

function statusText(pid: Pid): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
}

/** A "Name:   1234 kB" field of a status text, in MiB (NaN when absent). */
function fieldMb(text: string, field: string): number {
  return mb(Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1] ?? Number.NaN));
}

/** One field of /proc/<pid>/status in MiB (VmRSS, RssAnon, VmHWM, ...), or undefined where /proc cannot tell. */
export function statusMb(pid: Pid, field: string): number | undefined {
  const text = statusText(pid);
  const value = text === undefined ? Number.NaN : fieldMb(text, field);
  return Number.isNaN(value) ? undefined : value;
}

/** The process's memory now; throws when /proc cannot tell (the process is gone). */
export function processMemory(pid: Pid): ProcessMemory {
  const text = statusText(pid);
  if (text === undefined) throw new Error(`no /proc/${pid}/status`);
  return {
    rssMb: fieldMb(text, 'VmRSS'),
    anonMb: fieldMb(text, 'RssAnon'),
    fileMb: fieldMb(text, 'RssFile'),
    hwmMb: fieldMb(text, 'VmHWM'),
  };
}

/** Starts a new peak window for VmHWM; false where the kernel refused. */
export function resetPeakRss(pid: Pid): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export interface MemoryPeaks {
  /** The kernel's peak RSS over the window (it sees spikes between samples). */
  readonly peakRssMb: number;
  /** The highest sampled anonymous part (the kernel keeps no peak of it). */
  readonly peakAnonMb: number;
  readonly now: ProcessMemory;
}

export class MemoryWatch {
  private peakAnon = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: Pid,
    intervalMs = 250,
  ) {
    resetPeakRss(pid);
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): ProcessMemory | undefined {
    try {
      const m = processMemory(this.pid);
      this.peakAnon = Math.max(this.peakAnon, m.anonMb);
      return m;
    } catch {
      return undefined; // the process is gone; the peaks so far stand
    }
  }

  stop(): MemoryPeaks {
    clearInterval(this.timer);
    const now = this.sample() ?? { rssMb: 0, anonMb: 0, fileMb: 0, hwmMb: 0 };
    return { peakRssMb: now.hwmMb, peakAnonMb: this.peakAnon, now };
  }
}
