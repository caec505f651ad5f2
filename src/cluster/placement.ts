/**
 * Chooses DataServers for new blocks: `replication` distinct live servers per block, drawn at
 * random with weight free space / (1 + current load), so that emptier and idler servers get more
 * blocks while no server is starved or flooded (always picking the emptiest would send every block
 * of a burst to the same few). The draw is seeded by the caller, so a placement can be replayed;
 * it is decided once, on the leader, and carried in the Raft log.
 */

export interface PlacementCandidate {
  readonly id: string;
  readonly freeBytes: number;
  /** Blocks placed on it since its last heartbeat, plus copies in flight to or from it. */
  readonly load: number;
}

export type PlacementResult = { readonly ok: true; readonly placements: string[][] } | { readonly ok: false; readonly message: string };

export function placeBlocks(servers: readonly PlacementCandidate[], blockCount: number, replication: number, seed: number): PlacementResult {
  if (servers.length < replication) {
    return {
      ok: false,
      message: `need ${replication} live DataServers for replication factor ${replication}, have ${servers.length}`,
    };
  }
  const random = seededRandom(seed);
  // Sorted by id so that the same inputs draw the same placement whatever the caller's order.
  const sorted = [...servers].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const load = sorted.map((s) => s.load);
  const weightOf = (i: number): number => Math.max(1, sorted[i]!.freeBytes) / (1 + load[i]!);
  // A Fenwick tree of the weights: each draw and each weight change is O(log n), so a file of
  // 10,000 blocks over 1,000 servers is placed in milliseconds, not seconds of a blocked loop.
  const weights = new WeightTree(sorted.length);
  sorted.forEach((_, i) => weights.set(i, weightOf(i)));
  const placements: string[][] = [];
  const chosen: number[] = [];
  for (let block = 0; block < blockCount; block++) {
    chosen.length = 0;
    for (let copy = 0; copy < replication; copy++) {
      const pick = weights.find(random() * weights.total());
      chosen.push(pick);
      weights.set(pick, 0); // distinct servers per block
    }
    for (const i of chosen) {
      load[i]!++;
      weights.set(i, weightOf(i));
    }
    placements.push(chosen.map((i) => sorted[i]!.id));
  }
  return { ok: true, placements };
}

/** Weights by index with prefix sums (a Fenwick tree): set, total and "which index holds point x". */
class WeightTree {
  private readonly tree: Float64Array;
  private readonly values: Float64Array;

  constructor(private readonly size: number) {
    this.tree = new Float64Array(size + 1);
    this.values = new Float64Array(size);
  }

  set(index: number, weight: number): void {
    const delta = weight - this.values[index]!;
    this.values[index] = weight;
    for (let i = index + 1; i <= this.size; i += i & -i) this.tree[i] = this.tree[i]! + delta;
  }

  total(): number {
    let sum = 0;
    for (let i = this.size; i > 0; i -= i & -i) sum += this.tree[i]!;
    return sum;
  }

  /** The index whose weight interval contains `point` (0 <= point < total), skipping zero weights. */
  find(point: number): number {
    let position = 0;
    let rest = point;
    for (let step = 1 << Math.floor(Math.log2(this.size)); step > 0; step >>= 1) {
      const next = position + step;
      if (next <= this.size && this.tree[next]! <= rest) {
        position = next;
        rest -= this.tree[next]!;
      }
    }
    // Rounding can land on a zero-weight slot at the end: step back to the last positive weight.
    let index = Math.min(position, this.size - 1);
    while (this.values[index] === 0 && index > 0) index--;
    while (this.values[index] === 0) index++;
    return index;
  }
}

/** mulberry32: a small, fast, well-mixed 32-bit generator; returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
