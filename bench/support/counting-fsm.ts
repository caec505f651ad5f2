/**
 * The benchmark's state machine: counts applied commands and returns the new count, like the
 * hashicorp peer's countFSM. Snapshots carry nothing.
 */
import type { FSM, FSMSnapshot, LogEntry } from '../../src/raft';

export class CountingFsm implements FSM<number> {
  count = 0;

  apply(_entry: LogEntry): number {
    return ++this.count;
  }

  snapshot(): FSMSnapshot {
    return { persist: () => Promise.resolve(), release: () => {} };
  }

  async restore(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    for await (const chunk of chunks) void chunk; // drain; nothing to restore
    this.count = 0;
  }
}
