/**
 * Client-visible histories, as the linearizability checker consumes them.
 *
 * Times are whatever clock the recorder uses (a simulation's logical clock or a real monotonic
 * clock); only their order matters. An operation with `return === Infinity` has an unknown
 * outcome (the call timed out or its client crashed): it may have taken effect at any point
 * after its call, or never.
 */

/** Identifies a client; only used in explanations. */
export type ClientId = number | string;

/** One operation as a client saw it. */
export interface Operation<I, O> {
  /** Unique within a history; explanations name operations by it. */
  readonly id: number;
  readonly clientId: ClientId;
  readonly input: I;
  /** The reply, or `undefined` when the reply carries nothing to check or the outcome is unknown. */
  readonly output: O | undefined;
  /** When the client sent the request. */
  readonly call: number;
  /** When the client received the reply; `Infinity` when it never learned the outcome. */
  readonly return: number;
}

export type History<I, O> = readonly Operation<I, O>[];

/** True for an operation that may or may not have taken effect. */
export function isOutcomeUnknown(op: Operation<unknown, unknown>): boolean {
  return op.return === Infinity;
}

interface PendingCall<I> {
  readonly clientId: ClientId;
  readonly input: I;
  readonly call: number;
}

/**
 * Builds a history from events as they happen. The caller supplies the time of each event;
 * times must never go backwards, because an out-of-order clock would silently turn a real
 * ordering constraint into a concurrency (or worse, invent one) and hide or fake violations.
 */
export class HistoryRecorder<I, O> {
  private readonly pending = new Map<number, PendingCall<I>>();
  private readonly completed: Operation<I, O>[] = [];
  private nextId = 0;
  private lastTime = -Infinity;

  /** Records that `clientId` sent a request; returns the id to complete it with. */
  invoke(clientId: ClientId, input: I, time: number): number {
    this.advanceClock(time);
    const id = this.nextId++;
    this.pending.set(id, { clientId, input, call: time });
    return id;
  }

  /** The operation definitely took effect, between its call and `time`, and replied `output`. */
  ok(id: number, output: O | undefined, time: number): void {
    this.advanceClock(time);
    const call = this.takePending(id);
    this.completed.push({
      id,
      clientId: call.clientId,
      input: call.input,
      output,
      call: call.call,
      return: time,
    });
  }

  /**
   * The operation definitely did not take effect (for example rejected before being proposed).
   * It is dropped: an operation with no effect and no observed reply constrains nothing.
   */
  fail(id: number): void {
    this.takePending(id);
  }

  /** The client gave up waiting: the operation may take effect at any later time, or never. */
  unknown(id: number): void {
    const call = this.takePending(id);
    this.completed.push(unknownOutcome(id, call));
  }

  /**
   * The history so far, ordered by id. Calls still in flight count as unknown outcomes: when a
   * test ends, nobody will ever learn whether they took effect.
   */
  history(): Operation<I, O>[] {
    const inFlight = [...this.pending].map(([id, call]) => unknownOutcome<I, O>(id, call));
    return [...this.completed, ...inFlight].sort((a, b) => a.id - b.id);
  }

  private advanceClock(time: number): void {
    if (!Number.isFinite(time)) throw new RangeError(`event time must be finite, got ${time}`);
    if (time < this.lastTime) {
      throw new RangeError(`event time went backwards: ${time} after ${this.lastTime}`);
    }
    this.lastTime = time;
  }

  private takePending(id: number): PendingCall<I> {
    const call = this.pending.get(id);
    if (call === undefined) throw new Error(`operation ${id} is not in flight`);
    this.pending.delete(id);
    return call;
  }
}

function unknownOutcome<I, O>(id: number, call: PendingCall<I>): Operation<I, O> {
  return {
    id,
    clientId: call.clientId,
    input: call.input,
    output: undefined,
    call: call.call,
    return: Infinity,
  };
}
