/**
 * minfs-admin snapshot restore: the leader replaces its state with a saved snapshot (the FSM's own
 * format, as snapshot save wrote it) through Raft's user restore, which every replica then follows.
 * The upload is kept in a scratch file and checked first (it must open as a namespace; its applied
 * index becomes the restore's lower bound), because bytes the FSM cannot restore would stop every
 * node that tried.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import type * as grpc from '@grpc/grpc-js';
import { CorruptionError } from '../../raft';
import type { ChangeReply } from '../../generated/minfs/admin/ChangeReply';
import type { SnapshotChunk__Output } from '../../generated/minfs/admin/SnapshotChunk';
import type { MetaNode } from '../meta-node';
import { invalidArgument } from '../service-error';
import { requireLeader } from './leader-only';

/** Writes the uploaded chunks to `path`; returns the byte count. */
async function spool(call: grpc.ServerReadableStream<SnapshotChunk__Output, ChangeReply>, path: string): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  try {
    for await (const message of call as AsyncIterable<SnapshotChunk__Output>) {
      bytes += message.data.length;
      if (!out.write(message.data)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return bytes;
}

/** Nodes receiving an upload now: one at a time each (the scratch file is per node). */
const restoring = new WeakSet<MetaNode>();

export async function restoreSnapshot(
  node: MetaNode,
  call: grpc.ServerReadableStream<SnapshotChunk__Output, ChangeReply>,
): Promise<ChangeReply> {
  requireLeader(node);
  if (restoring.has(node)) throw invalidArgument('a restore is already being uploaded to this node');
  restoring.add(node);
  const path = node.fsm.uploadPath();
  try {
    const size = await spool(call, path);
    let index: number;
    try {
      index = await node.fsm.inspectSnapshot(createReadStream(path, { highWaterMark: 1 << 20 }));
    } catch (error: unknown) {
      if (error instanceof CorruptionError)
        throw invalidArgument(`not a namespace snapshot (use one written by minfs-admin snapshot save): ${error.message}`);
      throw error;
    }
    requireLeader(node);
    const meta = await node.raft.restore({ index, size }, createReadStream(path, { highWaterMark: 1 << 20 }), { timeoutMs: 60_000 });
    node.logger.warn('admin: the namespace was replaced by a restored snapshot', {
      snapshotIndex: index,
      restoredAt: meta.index,
      bytes: size,
    });
    return { message: `restored a snapshot of ${size} bytes (taken at index ${index}); every replica follows from index ${meta.index}` };
  } finally {
    restoring.delete(node);
    await rm(path, { force: true });
  }
}
