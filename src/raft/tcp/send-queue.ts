import { frameBytes, writeFrame } from './frame-codec';

/** An array-backed FIFO; `shift()` on a long array is O(n), this is O(1) amortised. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined as T; // release the payload now, not at compaction
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/** Frames taken off the queue for one socket write. */
export interface Batch {
  readonly bytes: Buffer;
  readonly frames: number;
}

/**
 * The frames waiting for one peer's socket, in two lanes. Small latency-critical messages
 * (heartbeats, votes, responses) go in the priority lane and are written before any queued
 * bulk frame (AppendEntries carrying entries), so that a backlog of replication traffic cannot
 * delay a heartbeat past an election timeout. Order is kept within each lane; across lanes Raft
 * tolerates reordering. Both lanes together are bounded by bytes: beyond the bound, `push`
 * refuses and the caller drops the message.
 */
export class SendQueue {
  private readonly priority = new Fifo<Uint8Array>();
  private readonly bulk = new Fifo<Uint8Array>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Queues one payload; false (and nothing queued) when it would exceed the byte bound. */
  push(payload: Uint8Array, priority: boolean): boolean {
    const size = frameBytes(payload);
    if (this.bytes + size > this.maxBytes) return false;
    (priority ? this.priority : this.bulk).push(payload);
    this.bytes += size;
    return true;
  }

  get isEmpty(): boolean {
    return this.bytes === 0;
  }

  /** Bytes queued, frame headers included. */
  get queuedBytes(): number {
    return this.bytes;
  }

  get queuedFrames(): number {
    return this.priority.length + this.bulk.length;
  }

  /**
   * Removes frames, priority lane first, into one buffer of about `targetBytes` (at least one
   * frame): one write per batch instead of one per frame is what makes small messages cheap.
   */
  takeBatch(targetBytes: number): Batch | undefined {
    let total = 0;
    let count = 0;
    const taken: Uint8Array[] = [];
    // Stop at the first frame that does not fit, even in the priority lane: taking a bulk frame
    // past it would let bulk overtake priority.
    fill: for (const lane of [this.priority, this.bulk]) {
      for (let next = lane.peek(); next !== undefined; next = lane.peek()) {
        const size = frameBytes(next);
        if (count > 0 && total + size > targetBytes) break fill;
        taken.push(next);
        lane.shift();
        total += size;
        count++;
      }
    }
    if (count === 0) return undefined;
    const out = Buffer.allocUnsafe(total);
    let offset = 0;
    for (const payload of taken) offset = writeFrame(out, offset, payload);
    this.bytes -= total;
    return { bytes: out, frames: count };
  }

  /** Empties the queue; returns how many frames were discarded. */
  clear(): number {
    const frames = this.queuedFrames;
    this.priority.clear();
    this.bulk.clear();
    this.bytes = 0;
    return frames;
  }
}
