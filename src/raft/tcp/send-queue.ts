import { FRAME_HEADER_BYTES, frameBytes, writeFrame, type FramePayload } from './frame-codec';

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

/** Frames taken off the queue for one socket write, as buffers to write in order. */
export interface Batch {
  readonly parts: readonly Uint8Array[];
  readonly byteLength: number;
  readonly frames: number;
  /** The frames' `written` callbacks, to call once `parts` are written out. */
  readonly written: readonly (() => void)[];
}

interface QueuedFrame {
  readonly payload: FramePayload;
  readonly written: (() => void) | undefined;
}

/** A frame at least this large goes out alone as (header, payload pieces), without copying the payload. */
export const ZERO_COPY_BYTES = 64 * 1024;

/**
 * The frames waiting for one peer's socket, in two lanes. Small latency-critical messages
 * (heartbeats, votes, responses) go in the priority lane and are written before any queued
 * bulk frame (AppendEntries carrying entries), so that a backlog of replication traffic cannot
 * delay a heartbeat past an election timeout. Order is kept within each lane; across lanes Raft
 * tolerates reordering. Both lanes together are bounded by bytes: beyond the bound, `push`
 * refuses and the caller drops the message.
 */
export class SendQueue {
  private readonly priority = new Fifo<QueuedFrame>();
  private readonly bulk = new Fifo<QueuedFrame>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /**
   * Queues one payload; false (and nothing queued) when it would exceed the byte bound.
   * `written` travels with it, for whoever writes the batch (or clears the queue) to call.
   */
  push(payload: FramePayload, priority: boolean, written?: () => void): boolean {
    const size = frameBytes(payload);
    if (this.bytes + size > this.maxBytes) return false;
    (priority ? this.priority : this.bulk).push({ payload, written });
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
    const taken: FramePayload[] = [];
    const written: (() => void)[] = [];
    // Stop at the first frame that does not fit, even in the priority lane: taking a bulk frame
    // past it would let bulk overtake priority.
    fill: for (const lane of [this.priority, this.bulk]) {
      for (let next = lane.peek(); next !== undefined; next = lane.peek()) {
        const size = frameBytes(next.payload);
        // A large frame goes alone, so it can be written without a copy (below).
        if (count > 0 && (total + size > targetBytes || size >= ZERO_COPY_BYTES)) break fill;
        taken.push(next.payload);
        if (next.written !== undefined) written.push(next.written);
        lane.shift();
        total += size;
        count++;
      }
    }
    if (count === 0) return undefined;
    this.bytes -= total;
    const first = taken[0]!;
    if (count === 1 && total >= ZERO_COPY_BYTES) {
      // A snapshot chunk or a large AppendEntries: copying a megabyte per frame is what the
      // garbage collector then pays for, in pauses the leader's writes feel.
      const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
      header.writeUInt32BE(total - FRAME_HEADER_BYTES, 0);
      return { parts: [header, ...(first instanceof Uint8Array ? [first] : first)], byteLength: total, frames: 1, written };
    }
    const out = Buffer.allocUnsafe(total);
    let offset = 0;
    for (const payload of taken) offset = writeFrame(out, offset, payload);
    return { parts: [out], byteLength: total, frames: count, written };
  }

  /** Empties the queue; returns how many frames were discarded. Their `written` callbacks are called. */
  clear(): number {
    const frames = this.queuedFrames;
    for (const lane of [this.priority, this.bulk]) for (let f = lane.shift(); f !== undefined; f = lane.shift()) f.written?.();
    this.priority.clear();
    this.bulk.clear();
    this.bytes = 0;
    return frames;
  }
}
