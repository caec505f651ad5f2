import type { FSM } from '../fsm';
import type { LogEntry } from '../log';
import { LogType } from '../log';

/** Work that must run between two batches, with the FSM to itself (capture a snapshot, restore one). */
interface ExclusiveTask {
  readonly run: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type QueueItem = { readonly entries: LogEntry[] } | { readonly task: ExclusiveTask };

/**
 * Hands committed entries to the FSM in order, one batch at a time, and reports each applied
 * batch with its results. An FSM that throws has broken its contract (apply must be total):
 * the error is reported as fatal and nothing more is applied. Exclusive tasks run in queue
 * order between batches, so a snapshot sees exactly the entries applied before it.
 */
export class Applier<R> {
  private queue: QueueItem[] = [];
  private running = false;
  private runDone: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly fsm: FSM<R>,
    private readonly onApplied: (entries: readonly LogEntry[], results: readonly (R | undefined)[]) => void,
    private readonly onFatal: (error: unknown) => void,
  ) {}

  enqueue(entries: LogEntry[]): void {
    if (this.stopped || entries.length === 0) return;
    this.queue.push({ entries });
    if (!this.running) this.runDone = this.run();
  }

  /** Runs `task` once every batch enqueued before it is applied, before any enqueued after it. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    if (this.stopped) return Promise.reject(new Error('the applier is stopped'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ task: { run: task, resolve: resolve as (value: unknown) => void, reject } });
      if (!this.running) this.runDone = this.run();
    });
  }

  /** Stops taking work; resolves once the batch or task in progress (if any) has finished. */
  stop(): Promise<void> {
    this.stopped = true;
    for (const item of this.queue) if ('task' in item) item.task.reject(new Error('the applier stopped'));
    this.queue = [];
    return this.runDone;
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const item = this.queue.shift()!;
        if ('task' in item) {
          // A failed task is its caller's to handle; the FSM itself is still sound.
          await item.task.run().then(item.task.resolve, item.task.reject);
          continue;
        }
        const results = await this.applyBatch(item.entries);
        if (this.stopped) break;
        this.onApplied(item.entries, results);
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
