/**
 * A memory cgroup of its own for a process, as a container's memory limit would be: the kernel
 * keeps everything the process has resident (its heap and the file pages it maps, LMDB's database
 * included) within the limit, reclaiming page cache first and killing the process only if its own
 * memory cannot fit. cgroup v2 (/sys/fs/cgroup with a memory controller) or v1
 * (/sys/fs/cgroup/memory); needs root. `peakMb` and `oomKills` tell whether the limit was tight.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

interface Layout {
  readonly dir: string;
  readonly limitFile: string;
  readonly peakFile: string;
  /** The file with an "oom_kill N" line. */
  readonly eventsFile: string;
}

function layoutFor(name: string): Layout | undefined {
  if (existsSync('/sys/fs/cgroup/cgroup.controllers') && readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8').includes('memory')) {
    const dir = path.join('/sys/fs/cgroup', name);
    return { dir, limitFile: 'memory.max', peakFile: 'memory.peak', eventsFile: 'memory.events' };
  }
  if (existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes')) {
    const dir = path.join('/sys/fs/cgroup/memory', name);
    return { dir, limitFile: 'memory.limit_in_bytes', peakFile: 'memory.max_usage_in_bytes', eventsFile: 'memory.oom_control' };
  }
  return undefined;
}

export class MemoryCgroup {
  private constructor(
    private readonly layout: Layout,
    readonly limitBytes: number,
  ) {}

  /** The cgroup, or why it cannot be made here. */
  static create(name: string, limitBytes: number): MemoryCgroup | string {
    const layout = layoutFor(name);
    if (layout === undefined) return 'no memory cgroup controller under /sys/fs/cgroup';
    try {
      mkdirSync(layout.dir, { recursive: true });
      writeFileSync(path.join(layout.dir, layout.limitFile), String(limitBytes));
    } catch (error: unknown) {
      return `cannot make memory cgroup ${layout.dir}: ${error instanceof Error ? error.message : String(error)}`;
    }
    return new MemoryCgroup(layout, limitBytes);
  }

  /** Moves process `pid` in (right after its spawn: what it allocated before stays charged outside). */
  add(pid: number): void {
    writeFileSync(path.join(this.layout.dir, 'cgroup.procs'), String(pid));
  }

  /** The most the cgroup held at once, MiB (undefined where the kernel keeps no peak). */
  peakMb(): number | undefined {
    try {
      return Math.round((Number(readFileSync(path.join(this.layout.dir, this.layout.peakFile), 'utf8')) / (1 << 20)) * 10) / 10;
    } catch {
      return undefined;
    }
  }

  oomKills(): number {
    const text = readFileSync(path.join(this.layout.dir, this.layout.eventsFile), 'utf8');
    return Number(/^oom_kill (\d+)$/m.exec(text)?.[1] ?? 0);
  }

  /** Removes the cgroup once its processes have exited (best effort). */
  remove(): void {
    try {
      rmdirSync(this.layout.dir);
    } catch {
      // still in use, or already gone: left for the operator
    }
  }
}
