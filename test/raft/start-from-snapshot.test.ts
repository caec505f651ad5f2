import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeConfiguration, type Configuration } from '../../src/raft/configuration';
import { silentLogger } from '../../src/raft/environment';
import { CorruptionError } from '../../src/raft/errors';
import type { FSM, FSMSnapshot } from '../../src/raft/fsm';
import { InmemLogStore, InmemSnapshotStore } from '../../src/raft/inmem';
import { LogType, type LogEntry } from '../../src/raft/log';
import { startFromSnapshot } from '../../src/raft/runtime/start-from-snapshot';

const C1: Configuration = { servers: [{ id: 'a', address: 'a:1', suffrage: 'voter' }] };
const C2: Configuration = {
  servers: [
    { id: 'a', address: 'a:1', suffrage: 'voter' },
    { id: 'b', address: 'b:1', suffrage: 'voter' },
  ],
};
const C3: Configuration = {
  servers: [
    { id: 'a', address: 'a:1', suffrage: 'voter' },
    { id: 'b', address: 'b:1', suffrage: 'voter' },
    { id: 'c', address: 'c:1', suffrage: 'nonvoter' },
  ],
};

/** An FSM that records every restore: how many were attempted and the bytes of those that completed. */
class RecordingFsm implements FSM<void> {
  attempts = 0;
  readonly restored: Uint8Array[] = [];
  readonly appliedIndex?: () => number;

  /** `applied`: a persistent FSM's durable applied index; undefined for an in-memory FSM. */
  constructor(applied?: number) {
    if (applied !== undefined) this.appliedIndex = () => applied;
  }

  apply(): void {
    throw new Error('startFromSnapshot must not apply entries');
  }

  snapshot(): FSMSnapshot {
    throw new Error('startFromSnapshot must not take snapshots');
  }

  async restore(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    this.attempts++;
    const parts: Uint8Array[] = [];
    // Reading to the end is what surfaces the store's checksum failure.
    for await (const chunk of chunks) parts.push(chunk);
    this.restored.push(Buffer.concat(parts));
  }
}

function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 13 + seed) & 0xff);
}

async function putSnapshot(
  store: InmemSnapshotStore,
  index: number,
  term: number,
  configuration: Configuration,
  configurationIndex: number,
  data: Uint8Array,
): Promise<string> {
  const sink = await store.create(index, term, configuration, configurationIndex);
  await sink.write(data);
  await sink.close();
  return sink.id;
}

function command(index: number, term: number): LogEntry {
  return { index, term, type: LogType.Command, data: bytes(3, index) };
}

function configurationEntry(index: number, term: number, configuration: Configuration): LogEntry {
  return { index, term, type: LogType.Configuration, data: encodeConfiguration(configuration) };
}

/** A log store holding `from..to`, each entry of `termOf(index)`, with the given entries replaced. */
async function logWith(
  from: number,
  to: number,
  termOf: (index: number) => number,
  replace: readonly LogEntry[] = [],
): Promise<InmemLogStore> {
  const logs = new InmemLogStore();
  const entries: LogEntry[] = [];
  for (let i = from; i <= to; i++) entries.push(replace.find((e) => e.index === i) ?? command(i, termOf(i)));
  if (entries.length > 0) await logs.storeLogs(entries);
  return logs;
}

test('no snapshot store: nothing is restored and the applied point comes from the FSM and the log', async () => {
  const logs = await logWith(1, 6, (i) => (i <= 3 ? 1 : 2), [configurationEntry(1, 1, C1), configurationEntry(4, 2, C2)]);
  const fsm = new RecordingFsm(5);
  const state = await startFromSnapshot(fsm, logs, undefined, silentLogger);
  assert.equal(state.snapshot, undefined);
  assert.equal(fsm.attempts, 0);
  assert.deepEqual(state.applied, { index: 5, term: 2, configuration: C2, configurationIndex: 4 });
  assert.equal(logs.firstIndex(), 1);
  assert.equal(logs.lastIndex(), 6);
});

test('no snapshot store and an in-memory FSM: the applied point is zero', async () => {
  const logs = await logWith(1, 6, () => 1, [configurationEntry(1, 1, C1)]);
  const state = await startFromSnapshot(new RecordingFsm(), logs, undefined, silentLogger);
  assert.equal(state.snapshot, undefined);
  assert.deepEqual(state.applied, { index: 0, term: 0, configuration: { servers: [] }, configurationIndex: 0 });
});

test("a persistent FSM ahead of the log is clamped to the log's last index", async () => {
  // The FSM cannot have applied more than the log holds durably; the runtime resumes from what it can read.
  const logs = await logWith(1, 4, () => 1, [configurationEntry(1, 1, C1)]);
  const state = await startFromSnapshot(new RecordingFsm(9), logs, undefined, silentLogger);
  assert.deepEqual(state.applied, { index: 4, term: 1, configuration: C1, configurationIndex: 1 });
});

test('the newest snapshot is restored into a fresh FSM; the applied point is the snapshot’s', async () => {
  const store = new InmemSnapshotStore();
  await putSnapshot(store, 5, 1, C1, 1, bytes(20, 1));
  const newest = bytes(30, 2);
  const newestId = await putSnapshot(store, 10, 2, C2, 7, newest);
  const logs = new InmemLogStore();
  const fsm = new RecordingFsm();
  const state = await startFromSnapshot(fsm, logs, store, silentLogger);
  assert.equal(fsm.attempts, 1);
  assert.deepEqual(fsm.restored, [Buffer.from(newest)]);
  assert.equal(state.snapshot?.id, newestId);
  assert.deepEqual(state.applied, { index: 10, term: 2, configuration: C2, configurationIndex: 7 });
});

test('the newest snapshot corrupted: the older one is restored', async () => {
  const store = new InmemSnapshotStore();
  const older = bytes(20, 3);
  const olderId = await putSnapshot(store, 5, 1, C1, 1, older);
  const newestId = await putSnapshot(store, 10, 2, C2, 7, bytes(30, 4));
  store.corrupt(newestId);
  const fsm = new RecordingFsm();
  const state = await startFromSnapshot(fsm, new InmemLogStore(), store, silentLogger);
  assert.equal(fsm.attempts, 2, 'the newest was tried first');
  assert.deepEqual(fsm.restored, [Buffer.from(older)]);
  assert.equal(state.snapshot?.id, olderId);
  assert.deepEqual(state.applied, { index: 5, term: 1, configuration: C1, configurationIndex: 1 });
});

test('every snapshot corrupted: startFromSnapshot rejects with CorruptionError', async () => {
  const store = new InmemSnapshotStore();
  store.corrupt(await putSnapshot(store, 5, 1, C1, 1, bytes(20, 5)));
  store.corrupt(await putSnapshot(store, 10, 2, C2, 7, bytes(30, 6)));
  const logs = await logWith(11, 12, () => 2);
  const fsm = new RecordingFsm();
  await assert.rejects(startFromSnapshot(fsm, logs, store, silentLogger), CorruptionError);
  assert.equal(fsm.attempts, 2);
  // Nothing was decided about the log on the way out.
  assert.equal(logs.firstIndex(), 11);
});

test('a persistent FSM that already holds the snapshot is not restored; the applied point is the FSM’s', async () => {
  const store = new InmemSnapshotStore();
  const id = await putSnapshot(store, 10, 2, C1, 1, bytes(30, 7));
  // The log continues the snapshot (kept trailing entries 8..10 match it) up to 15.
  const logs = await logWith(8, 15, (i) => (i <= 10 ? 2 : 3), [configurationEntry(12, 3, C2), configurationEntry(14, 3, C3)]);
  const fsm = new RecordingFsm(13);
  const state = await startFromSnapshot(fsm, logs, store, silentLogger);
  assert.equal(fsm.attempts, 0);
  assert.equal(state.snapshot?.id, id);
  // Term of entry 13, and the newest configuration at or before 13 (the one at 14 is not applied).
  assert.deepEqual(state.applied, { index: 13, term: 3, configuration: C2, configurationIndex: 12 });
  assert.equal(logs.firstIndex(), 8);
  assert.equal(logs.lastIndex(), 15);
});

test('a persistent FSM exactly at the snapshot index is not restored', async () => {
  const store = new InmemSnapshotStore();
  await putSnapshot(store, 10, 2, C1, 1, bytes(30, 8));
  const fsm = new RecordingFsm(10);
  const state = await startFromSnapshot(fsm, await logWith(11, 12, () => 2), store, silentLogger);
  assert.equal(fsm.attempts, 0);
  assert.deepEqual(state.applied, { index: 10, term: 2, configuration: C1, configurationIndex: 1 });
});

test('a persistent FSM behind the newest snapshot is restored from it', async () => {
  const store = new InmemSnapshotStore();
  await putSnapshot(store, 5, 1, C1, 1, bytes(20, 9));
  const newest = bytes(30, 10);
  await putSnapshot(store, 10, 2, C2, 7, newest);
  const fsm = new RecordingFsm(7);
  const state = await startFromSnapshot(fsm, await logWith(11, 12, () => 2), store, silentLogger);
  assert.deepEqual(fsm.restored, [Buffer.from(newest)]);
  assert.equal(state.applied.index, 10);
});

test('a failed restore half-replaced a persistent FSM: its own applied index is no longer trusted, the older snapshot is restored', async () => {
  const store = new InmemSnapshotStore();
  const older = bytes(20, 11);
  await putSnapshot(store, 5, 1, C1, 1, older);
  store.corrupt(await putSnapshot(store, 10, 2, C2, 7, bytes(30, 12)));
  // The FSM durably applied 7; the restore of snapshot 10 fed it (damaged) state before failing.
  const fsm = new RecordingFsm(7);
  const state = await startFromSnapshot(fsm, await logWith(6, 9, () => 1), store, silentLogger);
  assert.equal(fsm.attempts, 2, 'the FSM must be restored from the older snapshot, not trusted at 7');
  assert.deepEqual(fsm.restored, [Buffer.from(older)]);
  assert.equal(state.applied.index, 5);
});

test('a log that conflicts with the snapshot at its index is emptied (Figure 13 rule 7 after a crash)', async () => {
  const store = new InmemSnapshotStore();
  await putSnapshot(store, 10, 3, C2, 7, bytes(30, 13));
  // Entry 10 has term 2 here: the snapshot (term 3) came from a leader that overwrote it.
  const logs = await logWith(8, 12, () => 2);
  const state = await startFromSnapshot(new RecordingFsm(), logs, store, silentLogger);
  assert.equal(logs.firstIndex(), 0);
  assert.equal(logs.lastIndex(), 0);
  assert.deepEqual(state.applied, { index: 10, term: 3, configuration: C2, configurationIndex: 7 });
});

test('a log that ends before the snapshot index is emptied', async () => {
  const store = new InmemSnapshotStore();
  await putSnapshot(store, 10, 2, C2, 7, bytes(30, 14));
  const logs = await logWith(1, 8, () => 2);
  await startFromSnapshot(new RecordingFsm(), logs, store, silentLogger);
  assert.equal(logs.lastIndex(), 0);
});

test('a log with a gap after the snapshot is emptied', async () => {
  const store = new InmemSnapshotStore();
  await putSnapshot(store, 10, 2, C2, 7, bytes(30, 15));
  // Entry 11 is missing: the log cannot be replayed after the snapshot.
  const logs = await logWith(12, 15, () => 2);
  const state = await startFromSnapshot(new RecordingFsm(), logs, store, silentLogger);
  assert.equal(logs.firstIndex(), 0);
  assert.equal(logs.lastIndex(), 0);
  assert.equal(state.applied.index, 10);
});

test('a log that starts right after the snapshot is untouched', async () => {
  const store = new InmemSnapshotStore();
  await putSnapshot(store, 10, 2, C2, 7, bytes(30, 16));
  const logs = await logWith(11, 15, () => 3);
  const state = await startFromSnapshot(new RecordingFsm(), logs, store, silentLogger);
  assert.equal(logs.firstIndex(), 11);
  assert.equal(logs.lastIndex(), 15);
  // A fresh FSM holds the snapshot's state, nothing after it.
  assert.deepEqual(state.applied, { index: 10, term: 2, configuration: C2, configurationIndex: 7 });
});

test('a log that holds the snapshot’s last entry with its term is untouched, and configurations below the snapshot are not used', async () => {
  const store = new InmemSnapshotStore();
  await putSnapshot(store, 10, 2, C2, 7, bytes(30, 17));
  // A configuration entry at 9 (below the snapshot) differing from the snapshot's: the snapshot's wins.
  const logs = await logWith(5, 15, (i) => (i <= 10 ? 2 : 3), [configurationEntry(9, 2, C3)]);
  const state = await startFromSnapshot(new RecordingFsm(), logs, store, silentLogger);
  assert.equal(logs.firstIndex(), 5);
  assert.equal(logs.lastIndex(), 15);
  assert.deepEqual(state.applied, { index: 10, term: 2, configuration: C2, configurationIndex: 7 });
});
