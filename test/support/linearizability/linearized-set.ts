/**
 * Memoization for the search: the set of operations linearized so far plus the model state
 * determine everything that can still happen, so a configuration seen before (and abandoned,
 * or we would not be here again) need not be explored twice. This is what turns the
 * exponential Wing–Gong search into something practical (Lowe's refinement, as in Porcupine),
 * extended here with dominance between configurations for unknown outcomes.
 */

/** A bitset over operation indexes with an incrementally maintained hash. */
export class LinearizedSet {
  private readonly words: Uint32Array;
  /** XOR of a pseudo-random value per member (Zobrist hashing): O(1) to update on set/clear. */
  private hashValue = 0;

  constructor(size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32));
  }

  get hash(): number {
    return this.hashValue;
  }

  has(index: number): boolean {
    return (this.words[index >>> 5] & (1 << (index & 31))) !== 0;
  }

  add(index: number): void {
    if (this.has(index)) return;
    this.words[index >>> 5] |= 1 << (index & 31);
    this.hashValue ^= memberHash(index);
  }

  delete(index: number): void {
    if (!this.has(index)) return;
    this.words[index >>> 5] &= ~(1 << (index & 31));
    this.hashValue ^= memberHash(index);
  }

  snapshot(): Uint32Array {
    return this.words.slice();
  }

  equalsSnapshot(other: Uint32Array): boolean {
    for (let i = 0; i < this.words.length; i++) if (this.words[i] !== other[i]) return false;
    return true;
  }

  containsSnapshot(other: Uint32Array): boolean {
    for (let i = 0; i < this.words.length; i++) if ((other[i] & ~this.words[i]) !== 0) return false;
    return true;
  }

  isSubsetOfSnapshot(other: Uint32Array): boolean {
    for (let i = 0; i < this.words.length; i++) if ((this.words[i] & ~other[i]) !== 0) return false;
    return true;
  }
}

/** A fixed avalanche mix of the index (murmur3's finalizer), so runs are reproducible. */
function memberHash(index: number): number {
  let x = Math.imul(index + 1, 0x9e3779b1);
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

interface Visited {
  readonly finite: Uint32Array;
  readonly unknown: Uint32Array;
}

/**
 * Configurations the search has already entered, each one the model state plus the operations
 * placed so far, kept apart by whether their outcome is known.
 *
 * An entered configuration also stands for every configuration with the same state and the
 * same operations of known outcome but *more* unknown-outcome operations placed: whatever
 * completes the latter completes the former too, because unknown outcomes need never be
 * placed and never have to precede anything. Without this, each subset of the timed-out
 * operations called so far would be a distinct configuration: 2^k of them to refute a violation.
 * (That this stays complete when the dominating configuration is still being explored follows
 * by induction on the length of the shortest completion.)
 */
export class VisitedConfigurations {
  // Hash collisions are resolved by comparing the sets themselves: a false "already seen"
  // would prune a branch that might be the only linearization and fake a violation.
  private readonly seen = new Map<string, Visited[]>();

  /** Records the configuration; returns false if it was entered, or dominated, before. */
  addIfNew(finite: LinearizedSet, unknown: LinearizedSet, stateKey: string): boolean {
    const bucketKey = `${finite.hash}|${stateKey}`;
    const bucket = this.seen.get(bucketKey);
    const entry = (): Visited => ({ finite: finite.snapshot(), unknown: unknown.snapshot() });
    if (bucket === undefined) {
      this.seen.set(bucketKey, [entry()]);
      return true;
    }
    const sameFinite = (v: Visited): boolean => finite.equalsSnapshot(v.finite);
    if (bucket.some((v) => sameFinite(v) && unknown.containsSnapshot(v.unknown))) return false;
    // Keep only the least-placed configurations: the ones the new one dominates are redundant.
    const kept = bucket.filter((v) => !(sameFinite(v) && unknown.isSubsetOfSnapshot(v.unknown)));
    kept.push(entry());
    this.seen.set(bucketKey, kept);
    return true;
  }
}
