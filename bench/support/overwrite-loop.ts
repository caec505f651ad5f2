/**
 * The steady write traffic of bench/catch-up: `concurrency` closed-loop appliers on the leader,
 * each overwriting a random existing key (so the key count stays what the load made it) as soon
 * as its previous apply settled, until stopped. Every completed apply goes into a
 * LatencyTimeline, so the parent can ask afterwards for the latency before and during a
 * snapshot transfer.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom, type Raft } from '../../src/raft';
import type { KvResult } from '../../test/support/process-cluster/kv-fsm';
import { putCommand } from './kv-bench-keys';
import { LatencyTimeline } from './latency-timeline';
import { wallNow } from './snapshot-protocol';

export class OverwriteLoop {
  readonly timeline = new LatencyTimeline();
  readonly errors: Record<string, number> = {};
  private stopped = false;
  private readonly running: Promise<void>;

  /** Generations start at 1: the load wrote generation 0. */
  constructor(leader: Raft<KvResult>, concurrency: number, keys: number, seed: number) {
    const random = seededRandom(seed);
    let generation = 1;
    const applier = async (): Promise<void> => {
      while (!this.stopped) {
        const command = putCommand(Math.floor(random.next() * keys), generation++);
        const started = performance.now();
        try {
          await leader.apply(command);
        } catch (error: unknown) {
          const name = error instanceof Error ? error.name : String(error);
          this.errors[name] = (this.errors[name] ?? 0) + 1;
          await sleep(1); // a rejected apply settles at once: do not spin without yielding
          continue;
        }
        this.timeline.record(wallNow(), performance.now() - started);
      }
    };
    this.running = Promise.all(Array.from({ length: concurrency }, applier)).then(() => undefined);
  }

  /** Lets every applier finish its apply under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}
