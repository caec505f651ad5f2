/**
 * Deterministic pseudo-random bytes, produced piece by piece so that a snapshot of any size costs
 * one piece of memory: the benchmark's 1 GB snapshot must not be held by the FSM, or the leader's
 * RSS would measure the FSM rather than the library's streaming.
 */

/** xorshift32: fast enough (well under a second per GB) that generating never paces the test. */
function nextWord(state: number): number {
  let x = state;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

/**
 * Yields `totalBytes` bytes from `seed` in pieces of at most `pieceBytes` (a multiple of 4).
 * Every piece is a view of ONE reused buffer: valid until the next piece is asked for, which is
 * what FSMSnapshot.persist's `write` allows (the sink copies before it resolves).
 */
export function* pseudoRandomPieces(totalBytes: number, pieceBytes: number, seed: number): Generator<Uint8Array> {
  if (pieceBytes <= 0 || pieceBytes % 4 !== 0) throw new RangeError(`pieceBytes must be a positive multiple of 4, got ${pieceBytes}`);
  const words = new Uint32Array(pieceBytes / 4);
  const bytes = new Uint8Array(words.buffer);
  let state = seed >>> 0 || 0x9e3779b9; // xorshift never leaves 0
  for (let done = 0; done < totalBytes;) {
    const length = Math.min(pieceBytes, totalBytes - done);
    const wordCount = Math.ceil(length / 4);
    for (let i = 0; i < wordCount; i++) words[i] = state = nextWord(state);
    done += length;
    yield bytes.subarray(0, length);
  }
}
