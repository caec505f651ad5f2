/**
 * Chooses DataServers for new blocks. Each block gets `replication` distinct healthy servers
 * (fewer only when fewer exist, but never none); the primary (first location) rotates so writes
 * spread, and servers with the most free space are preferred.
 */
import type { DataServerStatus } from './dataserver-tracker';

export type PlacementResult = { readonly ok: true; readonly placements: string[][] } | { readonly ok: false; readonly message: string };

/** Where `blockCount` new blocks go, starting the rotation at `offset` (any number; e.g. a counter). */
export function placeBlocks(servers: readonly DataServerStatus[], blockCount: number, replication: number, offset: number): PlacementResult {
  if (servers.length === 0) return { ok: false, message: 'no healthy DataServer is available to hold blocks' };
  const ranked = [...servers].sort((a, b) => b.freeBytes - a.freeBytes || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const copies = Math.min(Math.max(1, replication), ranked.length);
  const placements: string[][] = [];
  for (let block = 0; block < blockCount; block++) {
    const start = (offset + block) % ranked.length;
    const locations: string[] = [];
    for (let j = 0; j < copies; j++) locations.push(ranked[(start + j) % ranked.length]!.address);
    placements.push(locations);
  }
  return { ok: true, placements };
}
