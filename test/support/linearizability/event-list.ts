/**
 * The doubly linked list of call and return events that the Wing–Gong search walks. Linearizing
 * an operation "lifts" its call and return out of the list; backtracking "unlifts" them back in
 * the reverse order (dancing links), so both are O(1) and no list is ever copied.
 */

export class EventEntry {
  prev: EventEntry | null = null;
  next: EventEntry | null = null;

  constructor(
    /** Index of the operation in the partition being checked. */
    readonly opIndex: number,
    readonly time: number,
    /** For a call, its return entry; `null` marks a return entry. */
    readonly match: EventEntry | null,
  ) {}

  get isCall(): boolean {
    return this.match !== null;
  }
}

interface Interval {
  readonly call: number;
  readonly return: number;
}

/**
 * Builds the list for `ops` and returns its head sentinel. Events are ordered by time; at equal
 * times calls come before returns, so operations that merely touch are treated as concurrent:
 * with a coarse (or logical) clock we cannot tell which came first, and assuming an order that
 * did not exist could report a violation that never happened.
 */
export function buildEventList(ops: readonly Interval[]): EventEntry {
  const events: EventEntry[] = [];
  ops.forEach((op, opIndex) => {
    const returnEntry = new EventEntry(opIndex, op.return, null);
    events.push(new EventEntry(opIndex, op.call, returnEntry), returnEntry);
  });
  events.sort(compareEvents);
  const head = new EventEntry(-1, -Infinity, null);
  let last = head;
  for (const event of events) {
    last.next = event;
    event.prev = last;
    last = event;
  }
  return head;
}

function compareEvents(a: EventEntry, b: EventEntry): number {
  // Explicit comparisons: `a.time - b.time` is NaN when both are Infinity (unknown outcomes).
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.isCall !== b.isCall) return a.isCall ? -1 : 1;
  return a.opIndex - b.opIndex;
}

/** Removes a call and its return from the list; they keep their own links for `unlift`. */
export function lift(call: EventEntry): void {
  const ret = requireMatch(call);
  unlink(call);
  unlink(ret);
}

/** Undoes the matching `lift`; must be called in the reverse order of the lifts. */
export function unlift(call: EventEntry): void {
  const ret = requireMatch(call);
  relink(ret);
  relink(call);
}

function unlink(entry: EventEntry): void {
  if (entry.prev !== null) entry.prev.next = entry.next;
  if (entry.next !== null) entry.next.prev = entry.prev;
}

function relink(entry: EventEntry): void {
  if (entry.prev !== null) entry.prev.next = entry;
  if (entry.next !== null) entry.next.prev = entry;
}

function requireMatch(call: EventEntry): EventEntry {
  if (call.match === null) throw new Error('only a call entry can be lifted');
  return call.match;
}
