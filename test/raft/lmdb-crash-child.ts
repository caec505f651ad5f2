/**
 * Child process for lmdb-crash.test.ts: opens the stores in <dir> and appends until killed.
 * Several storeLogs batches are in flight at once (one per writer loop) while another loop keeps
 * setting a stable-store counter. Each acknowledgement is printed only after its promise
 * resolved; stdout is a pipe, which Node writes synchronously on Linux, so a printed line is
 * in the parent's hands even if SIGKILL arrives right after.
 * Usage: node lmdb-crash-child.js <dir>. Without arguments it does nothing (the test runner also
 * executes every .js file under dist/test).
 */
import type { LogEntry } from '../../src/raft/log';
import { openLmdbRaftStores } from '../../src/raft/lmdb';
import { CRASH_COUNTER_KEY, crashEntry, formatAcked, formatStable } from './lmdb-crash-workload';

const CONCURRENT_BATCHES = 4;
const MAX_BATCH = 48;

async function run(dir: string): Promise<never> {
  const { logs, stable } = openLmdbRaftStores(dir);
  // Indexes are handed out in issue order, and lmdb-js commits in issue order, so whatever a
  // crash loses is a suffix and the log stays contiguous.
  let nextIndex = logs.lastIndex() + 1;
  let counter = stable.getUint64(CRASH_COUNTER_KEY) ?? 0;

  const appendForever = async (): Promise<never> => {
    for (;;) {
      const from = nextIndex;
      const count = 1 + (from % MAX_BATCH);
      nextIndex += count;
      const batch: LogEntry[] = [];
      for (let index = from; index < from + count; index++) batch.push(crashEntry(index));
      await logs.storeLogs(batch);
      process.stdout.write(formatAcked(from, from + count - 1));
    }
  };
  const bumpCounterForever = async (): Promise<never> => {
    for (;;) {
      const value = ++counter;
      await stable.setUint64(CRASH_COUNTER_KEY, value);
      process.stdout.write(formatStable(value));
    }
  };

  const loops = [bumpCounterForever()];
  for (let i = 0; i < CONCURRENT_BATCHES; i++) loops.push(appendForever());
  return Promise.race(loops);
}

const dir = process.argv[2];
if (require.main === module && dir !== undefined) {
  run(dir).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
