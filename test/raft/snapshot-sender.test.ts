import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Configuration, ServerId } from '../../src/raft/configuration';
import { silentLogger } from '../../src/raft/environment';
import { InmemSnapshotStore, ManualClock } from '../../src/raft/inmem';
import type { InstallSnapshot, InstallSnapshotResponse } from '../../src/raft/messages';
import { SnapshotReceiver } from '../../src/raft/runtime/snapshot-receiver';
import { RateLimiter } from '../../src/raft/runtime/rate-limiter';
import { SnapshotSender, type SnapshotSenderHost } from '../../src/raft/runtime/snapshot-sender';
import type { SnapshotMeta } from '../../src/raft/snapshot-store';

const CONFIG: Configuration = {
  servers: [
    { id: 'L', address: 'l:1', suffrage: 'voter' },
    { id: 'F', address: 'f:1', suffrage: 'voter' },
  ],
};

const CHUNK = 10;
const WINDOW = 3;
const RETRANSMIT_MS = 100;
const FAIL_AFTER_MS = 1000;

/** Lets every pending promise continuation run: the sender opens and reads the store asynchronously. */
function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 37 + seed) & 0xff);
}

interface Fixture {
  sender: SnapshotSender;
  store: InmemSnapshotStore;
  clock: ManualClock;
  meta: SnapshotMeta;
  data: Uint8Array;
  sent: InstallSnapshot[];
  /** The `written` callback of each sent message, in order (undefined when none was given). */
  written: ((() => void) | undefined)[];
  failures: { peer: ServerId; corrupt: boolean }[];
  /** What stillNeeded() answers. */
  needed: { value: boolean };
  /** The follower's answer, as the sender would receive it. */
  answer: (nextOffset: number, installed?: boolean) => void;
}

/**
 * A sender over a store holding one snapshot of `size` bytes. The store yields 7-byte pieces so
 * that the reader has to cut and join them into 10-byte chunks.
 */
async function setup(size = 95, options: { readChunkBytes?: number; bytesPerSecond?: number } = {}): Promise<Fixture> {
  const clock = new ManualClock();
  // No clock for the store: close() and reads complete on microtasks, which drain() runs.
  const store = new InmemSnapshotStore({ readChunkBytes: options.readChunkBytes ?? 7 });
  const data = bytes(size, size);
  const sink = await store.create(40, 4, CONFIG, 3);
  await sink.write(data);
  await sink.close();
  const meta = (await store.list())[0]!;
  const sent: InstallSnapshot[] = [];
  const written: ((() => void) | undefined)[] = [];
  const failures: { peer: ServerId; corrupt: boolean }[] = [];
  const needed = { value: true };
  let seq = 0;
  const host: SnapshotSenderHost = {
    id: 'L',
    store,
    newestWithData: async () => (await store.list())[0],
    clock,
    logger: silentLogger,
    chunkBytes: CHUNK,
    windowChunks: WINDOW,
    retransmitMs: RETRANSMIT_MS,
    failAfterMs: FAIL_AFTER_MS,
    rate: new RateLimiter(clock, options.bytesPerSecond ?? 0, CHUNK * WINDOW),
    term: () => 4,
    seq: () => ++seq,
    send: (m, done) => {
      sent.push(m);
      written.push(done);
    },
    stillNeeded: () => needed.value,
    failed: (peer, corrupt) => failures.push({ peer, corrupt }),
  };
  const sender = new SnapshotSender(host);
  const answer = (nextOffset: number, installed = false): void => {
    const response: InstallSnapshotResponse = {
      type: 'InstallSnapshotResponse',
      from: 'F',
      to: 'L',
      term: 4,
      snapshotId: meta.id,
      nextOffset,
      installed,
      lastIndex: meta.index,
      seq: sent.at(-1)?.seq ?? 0,
    };
    sender.onResponse(response);
  };
  return { sender, store, clock, meta, data, sent, written, failures, needed, answer };
}

/** Data chunks (everything but the empty probes) sent from index `from` on, as [offset, length, done]. */
function chunks(sent: readonly InstallSnapshot[], from = 0): [number, number, boolean][] {
  return sent.slice(from).map((m) => [m.offset, m.data.byteLength, m.done]);
}

/** Acknowledges everything sent so far, round after round, until the done chunk has gone out (or 30 rounds). */
async function acknowledgeToEnd(sent: readonly InstallSnapshot[], answer: (nextOffset: number) => void): Promise<void> {
  for (let rounds = 0; rounds < 30 && !sent.at(-1)!.done; rounds++) {
    const last = sent.at(-1)!;
    answer(last.offset + last.data.byteLength);
    await drain();
  }
}

function isProbe(m: InstallSnapshot): boolean {
  return m.offset === 0 && m.data.byteLength === 0 && !m.done;
}

test('a transfer opens with an empty probe at offset 0 describing the newest snapshot, and sends nothing more until answered', async () => {
  const { sender, clock, meta, sent } = await setup();
  sender.start('F');
  sender.start('F'); // already running: no second transfer
  await drain();
  assert.equal(sender.active, 1);
  assert.equal(sent.length, 1);
  const probe = sent[0]!;
  assert.ok(isProbe(probe));
  assert.equal(probe.to, 'F');
  assert.equal(probe.from, 'L');
  assert.equal(probe.term, 4);
  assert.equal(probe.snapshotId, meta.id);
  assert.equal(probe.lastIndex, 40);
  assert.equal(probe.lastTerm, 4);
  assert.equal(probe.configurationIndex, 3);
  assert.deepEqual(probe.configuration, CONFIG);
  assert.equal(probe.size, meta.size);
  assert.equal(probe.crc32, meta.crc32);
  // Before the retransmit interval nothing else goes out.
  clock.advance(RETRANSMIT_MS - 1);
  await drain();
  assert.equal(sent.length, 1);
  sender.stopAll();
});

test('after the follower answers 0, chunks go out up to the window and no further until acknowledged', async () => {
  const { sender, sent, answer } = await setup();
  sender.start('F');
  await drain();
  answer(0);
  await drain();
  assert.deepEqual(chunks(sent, 1), [
    [0, 10, false],
    [10, 10, false],
    [20, 10, false],
  ]);
  await drain();
  assert.equal(sent.length, 4, 'a full window waits for an acknowledgement');
  // The follower acknowledges all three: the window moves by three chunks.
  answer(30);
  await drain();
  assert.deepEqual(chunks(sent, 4), [
    [30, 10, false],
    [40, 10, false],
    [50, 10, false],
  ]);
  sender.stopAll();
});

test('acknowledged window by window, the chunks are contiguous, concatenate to the stored snapshot and only the last is done', async () => {
  const { sender, sent, answer, data, meta, needed, failures } = await setup(95);
  sender.start('F');
  await drain();
  answer(0);
  await drain();
  await acknowledgeToEnd(sent, answer);
  const dataChunks = sent.slice(1);
  let expected = 0;
  for (const m of dataChunks) {
    assert.equal(m.offset, expected, 'chunks must be contiguous, each sent once');
    assert.ok(m.data.byteLength <= CHUNK);
    expected += m.data.byteLength;
    // Every chunk carries the whole stream's size and CRC, matching the stored meta.
    assert.equal(m.size, meta.size);
    assert.equal(m.crc32, meta.crc32);
    assert.equal(m.snapshotId, meta.id);
  }
  assert.equal(expected, 95);
  assert.deepEqual(
    dataChunks.map((m) => m.done),
    [...Array<boolean>(dataChunks.length - 1).fill(false), true],
  );
  assert.deepEqual(Buffer.concat(dataChunks.map((m) => m.data)), Buffer.from(data));

  // The core answers installed once the follower installed it: the transfer ends well.
  needed.value = false;
  answer(95, true);
  await drain();
  assert.equal(sender.active, 0);
  assert.deepEqual(failures, []);
});

test('an acknowledgement of the first chunk in flight slides the window by one chunk without resending the others', async () => {
  const { sender, sent, answer } = await setup();
  sender.start('F');
  await drain();
  answer(0);
  await drain();
  assert.equal(sent.length, 4); // probe, 0, 10, 20
  // The follower answers each chunk as it arrives: 10 for the chunk at 0. The chunks at 10 and
  // 20 are still on their way, so only the chunk at 30 may go out.
  answer(10);
  await drain();
  assert.deepEqual(chunks(sent, 4), [[30, 10, false]]);
  answer(20);
  await drain();
  assert.deepEqual(chunks(sent, 5), [[40, 10, false]]);
  sender.stopAll();
});

test('a follower answering an offset in the middle resumes from there: no byte before it is sent', async () => {
  const { sender, sent, answer, data } = await setup(95);
  sender.start('F');
  await drain();
  // A broken transfer left 47 bytes at the follower (not on a chunk boundary).
  answer(47);
  await drain();
  assert.deepEqual(chunks(sent, 1), [
    [47, 10, false],
    [57, 10, false],
    [67, 10, false],
  ]);
  answer(77);
  await drain();
  assert.deepEqual(chunks(sent, 4), [
    [77, 10, false],
    [87, 8, true],
  ]);
  assert.deepEqual(Buffer.concat(sent.slice(1).map((m) => m.data)), Buffer.from(data.subarray(47)));
  assert.ok(sent.slice(1).every((m) => m.offset >= 47));
  sender.stopAll();
});

test('an answer asking for an earlier offset (a lost chunk) rewinds the stream to it', async () => {
  const { sender, sent, answer, data } = await setup(95);
  sender.start('F');
  await drain();
  answer(0);
  await drain();
  answer(30);
  await drain();
  assert.deepEqual(
    chunks(sent, 4).map(([offset]) => offset),
    [30, 40, 50],
  );
  // The chunk at 30 was lost: the follower answers the chunks at 40 and 50 with 30.
  answer(30);
  answer(30);
  await drain();
  const resent = chunks(sent, 7);
  assert.deepEqual(
    resent.map(([offset]) => offset),
    [30, 40, 50],
    'resent once from 30, not once per repeated answer',
  );
  assert.deepEqual(Buffer.concat(sent.slice(7).map((m) => m.data)), Buffer.from(data.subarray(30, 60)));
  sender.stopAll();
});

test('an answer below the acknowledged offset (the follower dropped the stream) rewinds to it', async () => {
  const { sender, sent, answer } = await setup(95);
  sender.start('F');
  await drain();
  answer(0);
  await drain();
  answer(30);
  await drain();
  const before = sent.length;
  // The follower rejected the stream (or restarted) and asks for it from the start.
  answer(0);
  await drain();
  assert.deepEqual(
    chunks(sent, before).map(([offset]) => offset),
    [0, 10, 20],
  );
  sender.stopAll();
});

test('two rewinds in quick succession: the later offset is where the stream continues', async () => {
  const { sender, sent, answer } = await setup(95);
  sender.start('F');
  await drain();
  // The probe is answered with 50, then (before the sender reopened its reader) the follower
  // drops the stream and asks for 0.
  answer(50);
  answer(0);
  await drain();
  const first = sent[1];
  assert.ok(first, 'something must be sent without waiting for the retransmit timer');
  assert.equal(first.offset, 0);
  sender.stopAll();
});

test('installed=true ends the transfer: no active transfer, no failure, no further messages', async () => {
  const { sender, sent, answer, clock, needed, failures } = await setup();
  sender.start('F');
  await drain();
  answer(0);
  await drain();
  needed.value = false; // the core moved the follower out of snapshot state
  answer(95, true);
  await drain();
  assert.equal(sender.active, 0);
  assert.deepEqual(failures, []);
  const count = sent.length;
  clock.advance(FAIL_AFTER_MS * 2);
  await drain();
  assert.equal(sent.length, count, 'the timers of an ended transfer are cancelled');
  assert.deepEqual(failures, []);
  assert.equal(clock.pendingTimers, 0);
});

test('installed while the follower still needs a snapshot (the leader compacted past it) starts a new transfer', async () => {
  const { sender, sent, answer, failures } = await setup();
  sender.start('F');
  await drain();
  answer(95, true);
  await drain();
  assert.equal(sender.active, 1);
  assert.ok(isProbe(sent.at(-1)!));
  assert.equal(sent.length, 2);
  assert.deepEqual(failures, []);
  sender.stopAll();
});

test('with no answer, the sender probes every retransmit interval and fails after failAfterMs', async () => {
  const { sender, sent, clock, failures } = await setup();
  sender.start('F');
  await drain();
  clock.advance(FAIL_AFTER_MS - 1);
  await drain();
  assert.deepEqual(failures, []);
  assert.equal(sender.active, 1);
  // The opening probe plus one per retransmit interval so far (at 100, 200, ..., 900).
  assert.equal(sent.length, 10);
  assert.ok(sent.every(isProbe));
  clock.advance(1);
  await drain();
  assert.deepEqual(failures, [{ peer: 'F', corrupt: false }]);
  assert.equal(sender.active, 0);
  assert.equal(clock.pendingTimers, 0);
});

test('answers without progress keep the transfer alive but do not count as progress (probes continue)', async () => {
  const { sender, sent, clock, answer, failures } = await setup();
  sender.start('F');
  await drain();
  answer(0);
  await drain();
  assert.equal(sent.length, 4);
  // The window went out and was lost; the follower answers only the probes, with 0.
  for (let t = 0; t < 15; t++) {
    clock.advance(RETRANSMIT_MS);
    await drain();
    if (isProbe(sent.at(-1)!)) answer(0);
    await drain();
  }
  assert.deepEqual(failures, [], 'a follower that answers has not failed');
  assert.equal(sender.active, 1);
  // After each probe the stream was rewound to 0 and resent.
  assert.ok(sent.filter(isProbe).length >= 10);
  sender.stopAll();
});

test('a corrupted stored snapshot fails the transfer as corrupt, and no done chunk is ever sent', async () => {
  const { sender, store, sent, answer, meta, failures } = await setup(95);
  store.corrupt(meta.id);
  sender.start('F');
  await drain();
  answer(0);
  await drain();
  for (let rounds = 0; rounds < 20 && failures.length === 0; rounds++) {
    const last = sent.at(-1)!;
    answer(last.offset + last.data.byteLength);
    await drain();
  }
  assert.deepEqual(failures, [{ peer: 'F', corrupt: true }]);
  assert.equal(sender.active, 0);
  assert.ok(
    sent.every((m) => !m.done),
    'a chunk marked done would let the follower treat a damaged snapshot as whole',
  );
  // It got as far as the last piece: the failure came from the end-of-stream check.
  assert.equal(sent.at(-1)!.offset, 80);
});

test('a corrupted empty snapshot fails as corrupt without a done chunk', async () => {
  const { sender, store, sent, answer, meta, failures } = await setup(0);
  store.corrupt(meta.id);
  sender.start('F');
  await drain();
  answer(0);
  await drain();
  assert.deepEqual(failures, [{ peer: 'F', corrupt: true }]);
  assert.ok(sent.every((m) => !m.done));
});

test('an empty snapshot is sent as one empty done chunk', async () => {
  const { sender, sent, answer, failures } = await setup(0);
  sender.start('F');
  await drain();
  answer(0);
  await drain();
  assert.deepEqual(chunks(sent, 1), [[0, 0, true]]);
  assert.deepEqual(failures, []);
  sender.stopAll();
});

test('no stored snapshot: the transfer fails (not as corrupt) without sending anything', async () => {
  const clock = new ManualClock();
  const failures: { peer: ServerId; corrupt: boolean }[] = [];
  const sent: InstallSnapshot[] = [];
  const empty = new InmemSnapshotStore();
  const sender = new SnapshotSender({
    id: 'L',
    store: empty,
    newestWithData: async () => (await empty.list())[0],
    clock,
    rate: new RateLimiter(clock, 0, 1),
    logger: silentLogger,
    chunkBytes: CHUNK,
    windowChunks: WINDOW,
    retransmitMs: RETRANSMIT_MS,
    failAfterMs: FAIL_AFTER_MS,
    term: () => 4,
    seq: () => 1,
    send: (m) => sent.push(m),
    stillNeeded: () => true,
    failed: (peer, corrupt) => failures.push({ peer, corrupt }),
  });
  sender.start('F');
  await drain();
  assert.deepEqual(failures, [{ peer: 'F', corrupt: false }]);
  assert.equal(sent.length, 0);
  assert.equal(sender.active, 0);
});

test('stillNeeded=false ends the transfer quietly at the next timer', async () => {
  const { sender, sent, answer, clock, needed, failures } = await setup();
  sender.start('F');
  await drain();
  answer(0);
  await drain();
  const count = sent.length;
  needed.value = false; // the follower caught up through AppendEntries
  clock.advance(RETRANSMIT_MS - 1);
  await drain();
  assert.equal(sender.active, 1, 'nothing happens before the timer');
  clock.advance(1);
  await drain();
  assert.equal(sender.active, 0);
  assert.deepEqual(failures, [], 'no longer needed is not a failure');
  assert.equal(sent.length, count);
  assert.equal(clock.pendingTimers, 0);
});

test('after stopAll nothing is sent: neither answers nor timers nor a transfer still opening its snapshot', async () => {
  const { sender, sent, answer, clock } = await setup();
  sender.start('F');
  await drain();
  assert.equal(sent.length, 1);
  sender.stopAll();
  assert.equal(sender.active, 0);
  answer(0);
  await drain();
  clock.advance(FAIL_AFTER_MS * 2);
  await drain();
  assert.equal(sent.length, 1);

  // Stopped before it even listed the store: its probe must not go out.
  sender.start('G');
  sender.stopAll();
  await drain();
  assert.equal(sent.length, 1);
  assert.equal(clock.pendingTimers, 0);
});

test('stop(peer) ends only that transfer', async () => {
  const { sender, sent } = await setup();
  sender.start('F');
  sender.start('G');
  await drain();
  assert.equal(sender.active, 2);
  sender.stop('F');
  assert.equal(sender.active, 1);
  assert.deepEqual(
    sent.map((m) => m.to),
    ['F', 'G'],
  );
  sender.stopAll();
});

test('sender and receiver together: the snapshot arrives byte for byte, each byte sent once over an in-order link', async () => {
  const { sender, sent, meta, data, needed, failures, clock } = await setup(95);
  const followerStore = new InmemSnapshotStore();
  const toLeader: InstallSnapshotResponse[] = [];
  let installedId: string | undefined;
  const receiver = new SnapshotReceiver({
    id: 'F',
    store: followerStore,
    logger: silentLogger,
    currentTerm: () => 4,
    send: (m) => toLeader.push(m),
    received: (m, storedId) => {
      installedId = storedId;
      // What the core does once the snapshot is installed: answer installed.
      toLeader.push({
        type: 'InstallSnapshotResponse',
        from: 'F',
        to: 'L',
        term: 4,
        snapshotId: m.snapshotId,
        nextOffset: m.size,
        installed: true,
        lastIndex: m.lastIndex,
        seq: m.seq,
      });
      needed.value = false;
      return Promise.resolve();
    },
  });
  sender.start('F');
  let delivered = 0;
  // FIFO in both directions, one message each way per step.
  for (let step = 0; step < 200 && sender.active > 0; step++) {
    await drain();
    if (delivered < sent.length) receiver.onChunk(sent[delivered++]!);
    await drain();
    const response = toLeader.shift();
    if (response) sender.onResponse(response);
  }
  await drain();
  assert.equal(sender.active, 0);
  assert.deepEqual(failures, []);
  assert.ok(installedId);
  const { chunks: stored } = await followerStore.open(installedId);
  const parts: Uint8Array[] = [];
  for await (const c of stored) parts.push(c);
  assert.deepEqual(Buffer.concat(parts), Buffer.from(data));
  assert.equal(clock.now(), 0, 'no timer was needed');
  const dataBytes = sent.reduce((n, m) => n + m.data.byteLength, 0);
  assert.equal(dataBytes, meta.size, `sent ${dataBytes} data bytes for a ${meta.size}-byte snapshot`);
});

test('a rate limit paces chunks after the first window, whatever the acknowledgements', async () => {
  // 200 bytes per second (a 10-byte chunk per 50 ms, well inside the retransmit interval), bursts of one window.
  const { sender, clock, sent, answer } = await setup(95, { bytesPerSecond: 200 });
  const dataChunks = (): number => sent.filter((m) => !isProbe(m)).length;
  sender.start('F');
  await drain();
  answer(0);
  await drain();
  assert.equal(dataChunks(), 3, 'the first window goes at once');
  answer(30);
  await drain();
  assert.equal(dataChunks(), 3, 'acknowledged, but the budget is spent');
  clock.advance(49);
  await drain();
  assert.equal(dataChunks(), 3);
  clock.advance(1);
  await drain();
  assert.equal(dataChunks(), 4, 'then one chunk per 50 ms');
  answer(40); // progress, so the retransmit timer does not ask where the follower is
  clock.advance(50);
  await drain();
  assert.equal(dataChunks(), 5);
  sender.stopAll();
});

test('chunk buffers are reused only after the transport has written them; the bytes sent are right either way', async () => {
  // Store pieces as large as a chunk: each chunk is one whole pool buffer, which can come back.
  const { sender, sent, written, answer, data } = await setup(95, { readChunkBytes: CHUNK });
  sender.start('F');
  await drain();
  answer(0);
  await drain();
  const copies: Uint8Array[] = [];
  /** Buffers sent and not yet written out: none of them may be handed out again meanwhile. */
  const inFlight = new Set<ArrayBufferLike>();
  let seen = 1; // the probe
  let reused = 0;
  const everSent = new Set<ArrayBufferLike>();
  for (let rounds = 0; rounds < 30 && !sent.at(-1)!.done; rounds++) {
    for (; seen < sent.length; seen++) {
      const m = sent[seen]!;
      assert.ok(!inFlight.has(m.data.buffer), `chunk at ${m.offset} reuses a buffer still being written`);
      if (everSent.has(m.data.buffer)) reused++;
      everSent.add(m.data.buffer);
      inFlight.add(m.data.buffer);
      copies.push(Uint8Array.from(m.data));
    }
    // The transport writes out all but the newest chunk; the follower acknowledges everything.
    for (let i = 1; i < sent.length - 1; i++) {
      const done = written[i];
      written[i] = undefined;
      if (done === undefined) continue;
      inFlight.delete(sent[i]!.data.buffer);
      sent[i]!.data.fill(0); // the transport is done with it: what it holds no longer matters
      done();
    }
    const last = sent.at(-1)!;
    answer(last.offset + last.data.byteLength);
    await drain();
  }
  assert.ok(sent.at(-1)!.done);
  for (; seen < sent.length; seen++) copies.push(Uint8Array.from(sent[seen]!.data));
  assert.deepEqual(Buffer.concat(copies), Buffer.from(data));
  assert.ok(reused > 0, 'buffers that were written out came back and were used again');
});

test('without written callbacks nothing is reused: every chunk has a buffer of its own', async () => {
  const { sender, sent, answer } = await setup(95, { readChunkBytes: CHUNK });
  sender.start('F');
  await drain();
  answer(0);
  await drain();
  await acknowledgeToEnd(sent, answer);
  const buffers = sent.slice(1).map((m) => m.data.buffer);
  assert.equal(new Set(buffers).size, buffers.length);
});
