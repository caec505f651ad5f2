/**
 * A process's own peak resident set size over a window (from the process's start, or from the
 * last `reset()`), from two sources: samples of process.memoryUsage.rss() every few ms, and the
 * kernel's exact high-water mark VmHWM, which a reset clears by writing 5 to
 * /proc/self/clear_refs (Linux >= 4.0). The kernel's figure also catches a spike between two
 * samples or while the event loop was blocked; where /proc cannot tell, only samples are reported.
 */
import { resetPeakRss, statusMb } from './process-memory';

const MiB = 1 << 20;

export interface PeakRssReading {
  /** Highest sampled RSS in the window, MiB. */
  readonly sampledMb: number;
  /** The kernel's peak RSS in the window, MiB (undefined when /proc cannot tell). */
  readonly hwmMb: number | undefined;
  /** RSS now, MiB. */
  readonly nowMb: number;
}

export class PeakRss {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;
  /** VmHWM covers exactly the window: true from the start, and after a reset that /proc accepted. */
  private hwmValid = true;

  constructor(intervalMs: number) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref(); // sampling must not keep a finished process alive
  }

  /** Starts a new window: the peak becomes the current RSS. */
  reset(): void {
    this.hwmValid = resetPeakRss('self');
    this.peak = 0;
    this.sample();
  }

  read(): PeakRssReading {
    this.sample();
    const hwmMb = this.hwmValid ? statusMb('self', 'VmHWM') : undefined;
    return { sampledMb: mb(this.peak), hwmMb, nowMb: mb(process.memoryUsage.rss()) };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }
}

const mb = (bytes: number): number => Math.round((bytes / MiB) * 10) / 10;
