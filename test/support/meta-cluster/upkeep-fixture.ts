/**
 * The leader's DataServer upkeep on a manual clock, for tests: a BlockUpkeep on a lone MetaServer
 * (a Raft leader on LMDB), heartbeats handed to it directly, ticks called by the test, and the
 * wall clock (file mtimes, report times) a number the test sets.
 */
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { silentLogger, type Logger } from '../../../src/raft';
import { ManualClock } from '../../../src/raft/inmem';
import { BlockUpkeep } from '../../../src/cluster/block-upkeep';
import { sortedBlockIds, type DataServerReport } from '../../../src/cluster/dataserver-tracker';
import { DEFAULT_UPKEEP, type UpkeepSettings } from '../../../src/cluster/upkeep-settings';
import { encodeCommand, type MetaCommand } from '../../../src/meta/commands';
import type { Command } from '../../../src/generated/dfs_project/Command';
import { loneMetaNode, type LoneMetaNode } from './lone-meta-node';

export const MiB = 1024 * 1024;

/** Short times, so that tests reach stale (1 s) and dead (3 s) in a few clock steps. */
export const SETTINGS: UpkeepSettings = {
  ...DEFAULT_UPKEEP,
  staleAfterMs: 1_000,
  deadAfterMs: 3_000,
  safeModeGraceMs: 2_000,
  resendAfterMs: 500,
  reportGraceMs: 0,
  abandonAfterMs: 10_000,
};

export interface Fixture {
  readonly lone: LoneMetaNode;
  readonly clock: ManualClock;
  upkeep: BlockUpkeep;
  wall: number;
}

/** A BlockUpkeep on the lone node's Raft and namespace, on `clock` (a new leader's, when made again). */
export function upkeepOn(
  lone: LoneMetaNode,
  clock: ManualClock,
  wallMs: () => number,
  settings = SETTINGS,
  logger: Logger = silentLogger,
): BlockUpkeep {
  return new BlockUpkeep({
    raft: lone.node.raft,
    reader: lone.node.reader,
    settled: () => lone.node.fsm.settled(),
    clock,
    wallClockMs: wallMs,
    logger,
    settings,
  });
}

export async function withUpkeep(body: (f: Fixture) => Promise<void>, settings = SETTINGS): Promise<void> {
  const lone = await loneMetaNode();
  const clock = new ManualClock(0);
  const fixture: Fixture = { lone, clock, wall: 1_800_000_000_000, upkeep: undefined as unknown as BlockUpkeep };
  fixture.upkeep = upkeepOn(lone, clock, () => fixture.wall, settings);
  try {
    while (!fixture.upkeep.status().ready) await nextTurn(); // its own barrier after taking the leadership
    await body(fixture);
  } finally {
    await fixture.upkeep.stop();
    await lone.close();
  }
}

export const report = (n: number, blocks: number[] = [], freeGiB = 100): DataServerReport => ({
  id: `ds-${n}`,
  address: `127.0.0.1:${8000 + n}`,
  blockCount: blocks.length,
  freeBytes: freeGiB * 1024 ** 3,
  capacityBytes: 1024 ** 4,
  blocks: sortedBlockIds(blocks),
});

export async function beat(f: Fixture, r: DataServerReport): Promise<Command[]> {
  const { commands, registered } = f.upkeep.heartbeat(r);
  if (registered !== undefined) await registered;
  await f.upkeep.idle();
  return commands;
}

export async function tick(f: Fixture): Promise<void> {
  f.upkeep.tick();
  await f.upkeep.idle();
}

export async function propose(f: Fixture, command: MetaCommand): Promise<void> {
  const result = await f.lone.node.raft.apply(encodeCommand(command));
  assert.ok(result.ok, JSON.stringify(result));
  await f.lone.node.fsm.settled();
}

/**
 * A finalized file with one block per placement (DataServer ids), written `agoMs` before the wall
 * clock; returns its block ids.
 */
export async function fileOn(f: Fixture, path: string, placements: string[][], replication = 3, agoMs = 60_000): Promise<number[]> {
  const size = placements.length * MiB * 4;
  await propose(f, { op: 'allocate', path, size, placements, create: true, replication, at: f.wall - agoMs });
  const found = f.lone.node.reader.stat(path);
  assert.ok(!('kind' in found));
  await propose(f, { op: 'finalize', path, inode: found.inode, size, md5: '', at: f.wall - agoMs });
  return f.lone.node.reader.blocks(found).map((b) => b.blockId);
}

/** A finalized one-block file on ds-1..ds-3, written `agoMs` before the wall clock; returns its block id. */
export async function oneBlockFile(f: Fixture, path: string, agoMs = 60_000): Promise<number> {
  await propose(f, {
    op: 'allocate',
    path,
    size: MiB,
    placements: [['ds-1', 'ds-2', 'ds-3']],
    create: true,
    replication: 3,
    at: f.wall - agoMs,
  });
  const found = f.lone.node.reader.stat(path);
  assert.ok(!('kind' in found));
  await propose(f, { op: 'finalize', path, inode: found.inode, size: MiB, md5: '', at: f.wall - agoMs });
  return f.lone.node.reader.blocks(found)[0]!.blockId;
}
