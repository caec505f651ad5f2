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
  const extraLoad = new Map<string, number>();
  const placements: string[][] = [];
  for (let block = 0; block < blockCount; block++) {
    const pool = sorted.map((s) => ({ id: s.id, weight: Math.max(1, s.freeBytes) / (1 + s.load + (extraLoad.get(s.id) ?? 0)) }));
    const chosen: string[] = [];
    for (let copy = 0; copy < replication; copy++) {
      const total = pool.reduce((sum, s) => sum + s.weight, 0);
      let point = random() * total;
      let pick = pool.length - 1;
      for (let i = 0; i < pool.length; i++) {
        point -= pool[i]!.weight;
        if (point < 0) {
          pick = i;
          break;
        }
      }
      const [taken] = pool.splice(pick, 1);
      chosen.push(taken!.id);
      extraLoad.set(taken!.id, (extraLoad.get(taken!.id) ?? 0) + 1);
    }
    placements.push(chosen);
  }
  return { ok: true, placements };
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
