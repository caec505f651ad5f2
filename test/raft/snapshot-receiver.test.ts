import * as zlib from 'node:zlib';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Configuration } from '../../src/raft/configuration';
import { silentLogger } from '../../src/raft/environment';
import { InmemSnapshotStore } from '../../src/raft/inmem';
import type { InstallSnapshot, InstallSnapshotResponse } from '../../src/raft/messages';
import { SnapshotReceiver, type SnapshotReceiverHost } from '../../src/raft/runtime/snapshot-receiver';
import type { OpenedSnapshot, SnapshotMeta, SnapshotSink, SnapshotStore } from '../../src/raft/snapshot-store';

const CONFIG: Configuration = {
  servers: [
    { id: 'L', address: 'l:1', suffrage: 'voter' },
    { id: 'F', address: 'f:1', suffrage: 'voter' },
  ],
};

/** Lets every pending promise continuation run: the receiver handles chunks on a promise chain. */
function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

/**
 * Wraps an InmemSnapshotStore to count the bytes handed to sinks: the in-memory sink shows its
 * bytes only after close(), and "nothing was written" must be observable before that.
 */
class RecordingStore implements SnapshotStore {
  writtenBytes = 0;

  constructor(readonly inner: InmemSnapshotStore) {}

  async create(index: number, term: number, configuration: Configuration, configurationIndex: number): Promise<SnapshotSink> {
    const sink = await this.inner.create(index, term, configuration, configurationIndex);
    return {
      id: sink.id,
      write: (chunk) => {
        this.writtenBytes += chunk.byteLength;
        return sink.write(chunk);
      },
      close: () => sink.close(),
      cancel: () => sink.cancel(),
    };
  }

  list(): Promise<SnapshotMeta[]> {
    return this.inner.list();
  }

  open(id: string): Promise<OpenedSnapshot> {
    return this.inner.open(id);
  }
}

async function readAll(store: SnapshotStore, id: string): Promise<Uint8Array> {
  const { chunks } = await store.open(id);
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

/** One snapshot as the leader would stream it. */
interface Stream {
  readonly id: string;
  readonly data: Uint8Array;
  readonly lastIndex: number;
  readonly crc32: number;
}

function stream(id: string, data: Uint8Array, lastIndex = 10): Stream {
  return { id, data, lastIndex, crc32: zlib.crc32(data) >>> 0 };
}

/** The chunk of `s` covering [offset, offset + length); `overrides` forges fields (a wrong CRC, size...). */
function chunk(s: Stream, offset: number, length: number, done: boolean, overrides: Partial<InstallSnapshot> = {}): InstallSnapshot {
  return {
    type: 'InstallSnapshot',
    from: 'L',
    to: 'F',
    term: 3,
    snapshotId: s.id,
    lastIndex: s.lastIndex,
    lastTerm: 3,
    configuration: CONFIG,
    configurationIndex: 2,
    offset,
    data: s.data.subarray(offset, offset + length),
    size: s.data.byteLength,
    crc32: s.crc32,
    done,
    seq: 7,
    ...overrides,
  };
}

interface Install {
  readonly message: InstallSnapshot;
  readonly storedId: string;
}

function setup(): {
  receiver: SnapshotReceiver;
  store: RecordingStore;
  inner: InmemSnapshotStore;
  replies: InstallSnapshotResponse[];
  installs: Install[];
  /** Makes the next received() call hang until the returned function is called. */
  holdInstall: () => () => void;
} {
  // No clock: a sink's close() becomes durable on a microtask, so drain() covers it.
  const inner = new InmemSnapshotStore();
  const store = new RecordingStore(inner);
  const replies: InstallSnapshotResponse[] = [];
  const installs: Install[] = [];
  let gate: Promise<void> | undefined;
  const host: SnapshotReceiverHost = {
    id: 'F',
    store,
    logger: silentLogger,
    currentTerm: () => 3,
    send: (m) => replies.push(m),
    received: (message, storedId) => {
      installs.push({ message, storedId });
      const g = gate ?? Promise.resolve();
      gate = undefined;
      return g;
    },
  };
  return {
    receiver: new SnapshotReceiver(host),
    store,
    inner,
    replies,
    installs,
    holdInstall: () => {
      let release: () => void = () => undefined;
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      return () => release();
    },
  };
}

/** Sends `s` whole in chunks of `size` bytes and waits for the receiver to handle them. */
async function sendWhole(receiver: SnapshotReceiver, s: Stream, size: number): Promise<void> {
  for (let offset = 0; offset < s.data.byteLength; offset += size) {
    receiver.onChunk(chunk(s, offset, size, offset + size >= s.data.byteLength));
  }
  await drain();
}

test('in-order chunks: each is answered with the next offset, and the whole snapshot is received once, byte for byte', async () => {
  const { receiver, store, inner, replies, installs } = setup();
  const s = stream('3-10-1', bytes(10, 1));
  receiver.onChunk(chunk(s, 0, 4, false));
  receiver.onChunk(chunk(s, 4, 4, false));
  receiver.onChunk(chunk(s, 8, 2, true));
  await drain();

  // The receiver answers the chunks before the last; the installed answer is the core's job.
  assert.deepEqual(
    replies.map((r) => [r.nextOffset, r.installed]),
    [
      [4, false],
      [8, false],
    ],
  );
  // Replies are addressed back to the leader and echo what the leader matches them on.
  for (const r of replies) {
    assert.equal(r.to, 'L');
    assert.equal(r.from, 'F');
    assert.equal(r.snapshotId, s.id);
    assert.equal(r.lastIndex, 10);
    assert.equal(r.seq, 7);
    assert.equal(r.term, 3);
  }
  assert.equal(installs.length, 1);
  const [install] = installs;
  assert.equal(install!.message.snapshotId, s.id);
  // What received() points at is durable in the store, with the bytes that were sent and the snapshot's metadata.
  const meta = (await store.list()).find((m) => m.id === install!.storedId);
  assert.ok(meta, 'the stored id must name a durable snapshot');
  assert.equal(meta.index, 10);
  assert.equal(meta.term, 3);
  assert.equal(meta.configurationIndex, 2);
  assert.deepEqual(meta.configuration, CONFIG);
  assert.deepEqual(await readAll(store, install!.storedId), Buffer.from(s.data));
  assert.equal(receiver.stats.installed, 1);
  assert.equal(receiver.stats.rejectedStreams, 0);
  assert.equal(inner.stats.openSinks, 0);
});

test('a wrong CRC-32 on the done chunk: nothing is received, the partial sink is cancelled, the stream restarts at 0 and a correct one installs', async () => {
  const { receiver, inner, replies, installs } = setup();
  const s = stream('3-10-1', bytes(10, 2));
  receiver.onChunk(chunk(s, 0, 6, false));
  receiver.onChunk(chunk(s, 6, 4, true, { crc32: (s.crc32 ^ 1) >>> 0 }));
  await drain();

  assert.equal(installs.length, 0);
  assert.equal(inner.stats.cancelled, 1);
  assert.equal(inner.stats.openSinks, 0);
  assert.equal(inner.stats.stored, 0, 'a damaged stream must never become a stored snapshot');
  assert.deepEqual(
    replies.map((r) => r.nextOffset),
    [6, 0],
  );
  assert.equal(receiver.stats.rejectedStreams, 1);
  assert.equal(receiver.stats.installed, 0);

  // The leader rewinds to 0 and sends the stream again: this time it checks out.
  await sendWhole(receiver, s, 6);
  assert.equal(installs.length, 1);
  assert.deepEqual(await readAll(inner, installs[0]!.storedId), Buffer.from(s.data));
  assert.equal(receiver.stats.rejectedStreams, 1);
});

test('a done chunk whose stream is shorter than the announced size is rejected', async () => {
  const { receiver, inner, replies, installs } = setup();
  const s = stream('3-10-1', bytes(10, 3));
  receiver.onChunk(chunk(s, 0, 4, false));
  // Claims done after 8 of 10 bytes (CRC of the 10): a truncated stream.
  receiver.onChunk(chunk(s, 4, 4, true));
  await drain();
  assert.equal(installs.length, 0);
  assert.equal(replies.at(-1)!.nextOffset, 0);
  assert.equal(receiver.stats.rejectedStreams, 1);
  assert.equal(inner.stats.cancelled, 1);
});

test('a chunk running past the announced size is rejected and its stream discarded', async () => {
  const { receiver, store, inner, replies, installs } = setup();
  const s = stream('3-10-1', bytes(10, 4));
  receiver.onChunk(chunk(s, 0, 6, false));
  // Six more bytes at offset 6 would end at 12 of an announced 10.
  receiver.onChunk(chunk(s, 6, 4, false, { data: bytes(6, 9) }));
  await drain();

  assert.equal(installs.length, 0);
  assert.deepEqual(
    replies.map((r) => r.nextOffset),
    [6, 0],
  );
  assert.equal(receiver.stats.rejectedStreams, 1);
  assert.equal(inner.stats.cancelled, 1);
  assert.equal(store.writtenBytes, 6, 'the overrunning chunk must not reach the sink');
  // The stream is gone: its continuation is an unknown stream, restarted from 0.
  receiver.onChunk(chunk(s, 6, 4, true));
  await drain();
  assert.equal(replies.at(-1)!.nextOffset, 0);
  assert.equal(installs.length, 0);
});

test('a chunk after a lost one is answered with the expected offset and not written', async () => {
  const { receiver, store, replies, installs } = setup();
  const s = stream('3-10-1', bytes(12, 5));
  receiver.onChunk(chunk(s, 0, 4, false));
  // The chunk at 4 is lost; the one at 8 arrives.
  receiver.onChunk(chunk(s, 8, 4, true));
  await drain();
  assert.deepEqual(
    replies.map((r) => r.nextOffset),
    [4, 4],
  );
  assert.equal(store.writtenBytes, 4);
  assert.equal(installs.length, 0, 'a done chunk after a gap must not complete the stream');
  assert.equal(receiver.stats.rejectedStreams, 0, 'a gap is not damage: the partial stream stays');

  // The leader rewinds to 4: the stream completes with exactly the sent bytes.
  receiver.onChunk(chunk(s, 4, 4, false));
  receiver.onChunk(chunk(s, 8, 4, true));
  await drain();
  assert.equal(installs.length, 1);
  assert.deepEqual(await readAll(store, installs[0]!.storedId), Buffer.from(s.data));
});

test('a duplicate chunk is answered with the expected offset and written once', async () => {
  const { receiver, store, replies, installs } = setup();
  const s = stream('3-10-1', bytes(8, 6));
  receiver.onChunk(chunk(s, 0, 4, false));
  receiver.onChunk(chunk(s, 0, 4, false));
  await drain();
  assert.deepEqual(
    replies.map((r) => r.nextOffset),
    [4, 4],
  );
  assert.equal(store.writtenBytes, 4);
  receiver.onChunk(chunk(s, 4, 4, true));
  await drain();
  // Written twice, the CRC would have rejected the stream; it installs with the original bytes.
  assert.equal(installs.length, 1);
  assert.deepEqual(await readAll(store, installs[0]!.storedId), Buffer.from(s.data));
});

test('a new snapshot id at offset 0 replaces a partial stream, whose sink is cancelled', async () => {
  const { receiver, inner, replies, installs } = setup();
  const a = stream('3-10-1', bytes(10, 7));
  const b = stream('4-20-2', bytes(8, 8), 20);
  receiver.onChunk(chunk(a, 0, 5, false));
  await drain();
  assert.equal(inner.stats.openSinks, 1);

  receiver.onChunk(chunk(b, 0, 4, false));
  await drain();
  assert.equal(inner.stats.cancelled, 1, "the old stream's partial sink is abandoned");
  assert.equal(inner.stats.openSinks, 1);
  assert.equal(replies.at(-1)!.snapshotId, b.id);
  assert.equal(replies.at(-1)!.nextOffset, 4);

  // The old stream is no longer held: its next chunk is told to start over.
  receiver.onChunk(chunk(a, 5, 5, true));
  await drain();
  assert.equal(replies.at(-1)!.snapshotId, a.id);
  assert.equal(replies.at(-1)!.nextOffset, 0);

  receiver.onChunk(chunk(b, 4, 4, true));
  await drain();
  assert.equal(installs.length, 1);
  assert.equal(installs[0]!.message.snapshotId, b.id);
  assert.equal(installs[0]!.message.lastIndex, 20);
  assert.deepEqual(await readAll(inner, installs[0]!.storedId), Buffer.from(b.data));
  assert.equal(receiver.stats.rejectedStreams, 0, 'a replaced stream is not a rejected one');
});

test('a chunk of an unknown stream at an offset past 0 is answered with 0 and creates nothing', async () => {
  const { receiver, inner, replies } = setup();
  const s = stream('3-10-1', bytes(10, 9));
  receiver.onChunk(chunk(s, 4, 4, false));
  await drain();
  assert.equal(replies.length, 1);
  assert.equal(replies[0]!.nextOffset, 0);
  assert.equal(replies[0]!.installed, false);
  assert.equal(inner.stats.created, 0);
});

test('a retransmission of a completed stream is answered with its size, and installed only once received() resolved', async () => {
  const { receiver, inner, replies, installs, holdInstall } = setup();
  const s = stream('3-10-1', bytes(10, 10));
  const release = holdInstall();
  await sendWhole(receiver, s, 5);
  assert.equal(installs.length, 1);

  // The leader did not hear back (the installed answer is not out yet) and sends the last chunk again.
  receiver.onChunk(chunk(s, 5, 5, true));
  await drain();
  // Whether it is answered now or later, it must not claim installed before received() resolved.
  assert.ok(
    replies.slice(1).every((r) => !r.installed && r.nextOffset === 10),
    `early answers: ${JSON.stringify(replies.slice(1).map((r) => [r.nextOffset, r.installed]))}`,
  );
  const answeredEarly = replies.length - 1;

  release();
  await drain();
  // Its probe, and the done chunk again, are now answered as installed; nothing is installed twice.
  receiver.onChunk(chunk(s, 0, 0, false));
  receiver.onChunk(chunk(s, 5, 5, true));
  await drain();
  const later = replies.slice(1 + answeredEarly).map((r) => [r.nextOffset, r.installed]);
  // The retransmission held back (if it was) plus the probe and the second retransmission.
  assert.deepEqual(
    later,
    Array.from({ length: 3 - answeredEarly }, () => [10, true]),
  );
  assert.equal(installs.length, 1);
  assert.equal(inner.stats.created, 1);
  assert.equal(inner.stats.completed, 1);
});

test('an empty probe at offset 0 of a stream in progress is answered with the current offset (resume)', async () => {
  const { receiver, store, inner, replies, installs } = setup();
  const s = stream('3-10-1', bytes(12, 11));
  // The opening probe of a new stream is answered with 0 and opens a sink.
  receiver.onChunk(chunk(s, 0, 0, false));
  await drain();
  assert.deepEqual(
    replies.map((r) => r.nextOffset),
    [0],
  );
  receiver.onChunk(chunk(s, 0, 4, false));
  receiver.onChunk(chunk(s, 4, 4, false));
  // The leader lost track (a new transfer, or its retransmit timer): it probes again.
  receiver.onChunk(chunk(s, 0, 0, false));
  await drain();
  assert.deepEqual(
    replies.map((r) => r.nextOffset),
    [0, 4, 8, 8],
  );
  assert.equal(inner.stats.created, 1, 'the probe must not restart the stream');
  assert.equal(store.writtenBytes, 8);

  receiver.onChunk(chunk(s, 8, 4, true));
  await drain();
  assert.equal(installs.length, 1);
  assert.deepEqual(await readAll(store, installs[0]!.storedId), Buffer.from(s.data));
});

test('an empty snapshot is received from a single empty done chunk', async () => {
  const { receiver, store, installs } = setup();
  const s = stream('3-10-1', new Uint8Array(0));
  receiver.onChunk(chunk(s, 0, 0, false));
  receiver.onChunk(chunk(s, 0, 0, true));
  await drain();
  assert.equal(installs.length, 1);
  assert.equal((await readAll(store, installs[0]!.storedId)).byteLength, 0);
});

test('after stop() chunks are ignored and the partial sink is cancelled', async () => {
  const { receiver, inner, replies, installs } = setup();
  const s = stream('3-10-1', bytes(10, 12));
  receiver.onChunk(chunk(s, 0, 5, false));
  await drain();
  await receiver.stop();
  assert.equal(inner.stats.cancelled, 1, 'stop() resolves once the partial sink is cancelled');
  receiver.onChunk(chunk(s, 5, 5, true));
  await drain();
  assert.equal(replies.length, 1);
  assert.equal(installs.length, 0);
});
