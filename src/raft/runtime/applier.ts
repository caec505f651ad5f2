import type { FSM } from '../fsm';
import type { LogEntry } from '../log';
import { LogType } from '../log';

/**
 * Hands committed entries to the FSM in order, one batch at a time, and reports each applied
 * batch with its results. An FSM that throws has broken its contract (apply must be total):
 * the error is reported as fatal and nothing more is applied.
 */
export class Applier<R> {
  private queue: LogEntry[][] = [];
  private running = false;
  private stopped = false;

  constructor(
    private readonly fsm: FSM<R>,
    private readonly onApplied: (entries: readonly LogEntry[], results: readonly (R | undefined)[]) => void,
    private readonly onFatal: (error: unknown) => void,
  ) {}

  enqueue(entries: LogEntry[]): void {
    if (this.stopped || entries.length === 0) return;
    this.queue.push(entries);
    if (!this.running) void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.queue = [];
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const batch = this.queue.shift()!;
        const results = await this.applyBatch(batch);
        if (this.stopped) break;
        this.onApplied(batch, results);
      }
    } catch (error) {
      this.stopped = true;
      this.onFatal(error);
    } finally {
      this.running = false;
    }
  }

  private async applyBatch(batch: readonly LogEntry[]): Promise<readonly (R | undefined)[]> {
    if (this.fsm.applyBatch) return await this.fsm.applyBatch(batch);
    const results: (R | undefined)[] = [];
    for (const entry of batch) {
      if (entry.type !== LogType.Command) {
        results.push(undefined);
        continue;
      }
      const r = this.fsm.apply(entry);
      // Await only real promises: a synchronous FSM stays on the fast path.
      results.push(r instanceof Promise ? await r : r);
    }
    return results;
  }
}
