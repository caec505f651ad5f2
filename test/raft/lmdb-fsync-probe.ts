/**
 * Child process for lmdb-fsync.test.ts, run under strace. Performs a few store operations, each
 * bracketed by marker syscalls (access() of paths that do not exist) issued right before the
 * operation and right after its promise resolved, so the trace shows which syncs happened in
 * between. Usage: node lmdb-fsync-probe.js <dir>. Without arguments it does nothing (the test
 * runner also executes every .js file under dist/test).
 */
import * as fs from 'node:fs';
import { LogType, type LogEntry } from '../../src/raft/log';
import { openLmdbRaftStores } from '../../src/raft/lmdb';

export const PROBE_MARKER_PREFIX = '/nonexistent-lmdb-fsync-probe';

function marker(kind: 'begin' | 'end', scenario: string): void {
  try {
    fs.accessSync(`${PROBE_MARKER_PREFIX}/${kind}/${scenario}`);
  } catch {
    // Expected: the path does not exist; only the syscall matters.
  }
}

function batch(from: number, count: number, payloadBytes: number): LogEntry[] {
  const entries: LogEntry[] = [];
  for (let i = 0; i < count; i++) {
    entries.push({ index: from + i, term: 1, type: LogType.Command, data: Buffer.alloc(payloadBytes, i) });
  }
  return entries;
}

async function scenario(name: string, operation: () => Promise<unknown>): Promise<void> {
  marker('begin', name);
  await operation();
  marker('end', name);
}

async function main(dir: string): Promise<void> {
  // A roomy map up front, so no scenario includes a map resize on top of its commit.
  const stores = openLmdbRaftStores(dir, { mapSizeBytes: 64 * 1024 * 1024 });
  const { logs, stable } = stores;
  await logs.storeLogs(batch(1, 1, 10)); // warm up: creates the databases
  await scenario('storeLogs-64x200', () => logs.storeLogs(batch(2, 64, 200)));
  await scenario('storeLogs-64x200-again', () => logs.storeLogs(batch(66, 64, 200)));
  await scenario('storeLogs-and-setUint64-same-tick', () =>
    Promise.all([logs.storeLogs(batch(130, 64, 200)), stable.setUint64('term', 2)]),
  );
  await scenario('set', () => stable.set('vote', Buffer.from('node-a')));
  await scenario('deleteRange', () => logs.deleteRange(100, 193));
  await stores.close();
}

const dir = process.argv[2];
if (require.main === module && dir !== undefined) {
  main(dir).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
