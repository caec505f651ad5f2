/** Placement of new blocks: distinct live servers, weighted by free space and load, reproducible. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeBlocks, type PlacementCandidate } from '../../src/cluster/placement';

const servers = (frees: readonly number[], loads: readonly number[] = []): PlacementCandidate[] =>
  frees.map((freeBytes, i) => ({ id: `ds-${i}`, freeBytes, load: loads[i] ?? 0 }));

test('every block gets `replication` distinct servers; the same seed places the same way', () => {
  const pool = servers(Array.from({ length: 7 }, (_, i) => (i + 1) * 1e9));
  const a = placeBlocks(pool, 500, 3, 42);
  assert.ok(a.ok);
  for (const ids of a.placements) assert.equal(new Set(ids).size, 3);
  assert.deepEqual(placeBlocks([...pool].reverse(), 500, 3, 42), a, 'the caller order does not matter');
  assert.notDeepEqual(placeBlocks(pool, 500, 3, 43), a);
});

test('emptier servers get more blocks; loaded servers fewer; none is starved', () => {
  const result = placeBlocks(servers([1e9, 1e9, 4e9, 1e9], [0, 50, 0, 0]), 4_000, 1, 7);
  assert.ok(result.ok);
  const counts = new Map<string, number>();
  for (const [id] of result.placements) counts.set(id!, (counts.get(id!) ?? 0) + 1);
  assert.ok(counts.get('ds-2')! > counts.get('ds-0')!, `the server with 4x the free space gets more: ${JSON.stringify([...counts])}`);
  assert.ok(counts.get('ds-1')! < counts.get('ds-0')!, 'the loaded server gets fewer');
  for (const id of ['ds-0', 'ds-1', 'ds-2', 'ds-3']) assert.ok((counts.get(id) ?? 0) > 0, `${id} gets some`);
});

test('placing a file of 10,000 blocks over 1,000 servers spreads it and stays distinct', () => {
  const pool = servers(Array.from({ length: 1_000 }, () => 1e12));
  const result = placeBlocks(pool, 10_000, 3, 1);
  assert.ok(result.ok);
  const used = new Set(result.placements.flat());
  assert.ok(used.size > 950, `spread over ${used.size} servers`);
  for (const ids of result.placements) assert.equal(new Set(ids).size, 3);
});

test('fewer live servers than the replication factor is refused with the numbers', () => {
  assert.deepEqual(placeBlocks(servers([1e9, 1e9]), 1, 3, 0), { ok: false, message: 'need 3 live DataServers for replication factor 3, have 2' });
});
