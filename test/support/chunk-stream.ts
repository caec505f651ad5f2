/** Snapshot chunks as an FSM's restore() takes them, for tests of FSMs and their stream formats. */

/** The chunks as the async iterable restore() takes; `fail` makes it throw after that many chunks. */
export function stream(chunks: readonly Uint8Array[], fail?: { after: number; error: Error }): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]: () => {
      let i = 0;
      return {
        next: () => {
          if (fail !== undefined && i === fail.after) return Promise.reject(fail.error);
          return Promise.resolve(i < chunks.length ? { done: false, value: chunks[i++]! } : { done: true, value: undefined });
        },
      };
    },
  };
}
