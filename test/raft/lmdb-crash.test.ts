/**
 * SIGKILL crash test: a child (lmdb-crash-child.js) appends under load and prints what it has
 * acknowledged; the parent kills it at a seeded-random point, 20 times on one directory, and
 * after each kill reopens the stores and checks that every acknowledged entry and counter value
 * is there, intact, and that the log is contiguous.
 *
 * A SIGKILL leaves the kernel's page cache intact, so this exercises acknowledgement-after-
 * commit, transaction atomicity and LMDB's recovery, not the fsync itself; lmdb-fsync.test.ts
 * covers that. Set LMDB_CRASH_SEED to replay a run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { openLmdbRaftStores } from '../../src/raft/lmdb';
import { CRASH_COUNTER_KEY, crashEntry, parseCrashChildLine } from './lmdb-crash-workload';
import { seededRandom as librarySeededRandom } from '../../src/raft/environment';

const ROUNDS = 20;
const MAX_ACKS_BEFORE_KILL = 150;
const CHILD_SCRIPT = path.join(__dirname, 'lmdb-crash-child.js');

/** A seeded random source as a plain function; the generator is the library's, so seeds replay. */
function seededRandom(seed: number): () => number {
  const source = librarySeededRandom(seed);
  return () => source.next();
}

/** What children have acknowledged so far, over all rounds. */
interface Acknowledged {
  readonly ranges: Array<readonly [number, number]>;
  maxCounter: number;
}

/** Runs one child until it has acknowledged `killAfterAcks` batches, then SIGKILLs it. */
function runChildUntilKilled(dir: string, killAfterAcks: number, acknowledged: Acknowledged): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD_SCRIPT, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    let acks = 0;
    let killed = false;
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const parsed = parseCrashChildLine(line);
      if (parsed === undefined) {
        stderr += `unexpected stdout line: ${line}\n`;
      } else if (parsed.kind === 'stable') {
        acknowledged.maxCounter = Math.max(acknowledged.maxCounter, parsed.value);
      } else {
        acknowledged.ranges.push([parsed.from, parsed.to]);
        acks++;
        if (!killed && acks >= killAfterAcks) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('error', reject);
    // 'close' comes after the child's stdout has ended, so every line has been handled.
    child.on('close', (code, signal) => {
      if (killed && signal === 'SIGKILL' && stderr === '') resolve();
      else reject(new Error(`child ended with ${signal ?? `code ${String(code)}`} before being killed:\n${stderr}`));
    });
  });
}

/** Reopens the stores and checks every acknowledgement; returns the last stored index. */
async function verifyStores(dir: string, acknowledged: Acknowledged, context: string): Promise<number> {
  const stores = openLmdbRaftStores(dir);
  const { logs, stable } = stores;
  try {
    const first = logs.firstIndex();
    const last = logs.lastIndex();
    assert.equal(first, 1, `${context}: log should start at 1`);
    for (const [from, to] of acknowledged.ranges) {
      assert.ok(to <= last, `${context}: acknowledged entries ${from}..${to} lost; the log ends at ${last}`);
    }
    // Read everything back in bounded chunks: contiguous indexes, content as written.
    let expected = first;
    while (expected <= last) {
      const chunk = logs.getLogs(expected, last, 1 << 20);
      assert.ok(chunk.length > 0, `${context}: the log has a gap at ${expected} (last is ${last})`);
      for (const entry of chunk) {
        const want = crashEntry(expected);
        const intact =
          entry.index === want.index && entry.term === want.term && entry.type === want.type && Buffer.compare(entry.data, want.data) === 0;
        if (!intact) assert.deepEqual(entry, want, `${context}: entry ${expected} differs`);
        expected++;
      }
    }
    const counter = stable.getUint64(CRASH_COUNTER_KEY) ?? 0;
    assert.ok(counter >= acknowledged.maxCounter, `${context}: counter ${counter} < acknowledged ${acknowledged.maxCounter}`);
    return last;
  } finally {
    await stores.close();
  }
}

// The timeout only turns a hung child into a failure; nothing waits on a clock.
test(`acknowledged writes survive SIGKILL, ${ROUNDS} times in a row on one directory`, { timeout: 120_000 }, async (t) => {
  const seed = Number(process.env['LMDB_CRASH_SEED'] ?? Math.floor(Math.random() * 0x7fff_ffff));
  t.diagnostic(`LMDB_CRASH_SEED=${seed}`);
  const random = seededRandom(seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmdb-crash-'));
  const acknowledged: Acknowledged = { ranges: [], maxCounter: 0 };
  let lastStored = 0;
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const context = `round ${round}, LMDB_CRASH_SEED=${seed}`;
      const killAfterAcks = 1 + Math.floor(random() * MAX_ACKS_BEFORE_KILL);
      const rangesBefore = acknowledged.ranges.length;
      await runChildUntilKilled(dir, killAfterAcks, acknowledged);
      // Each child must continue after the last stored index, never rewrite what is there.
      for (const [from] of acknowledged.ranges.slice(rangesBefore)) {
        assert.ok(from > lastStored, `${context}: child rewrote index ${from} (had ${lastStored})`);
      }
      lastStored = await verifyStores(dir, acknowledged, context);
    }
    t.diagnostic(`${acknowledged.ranges.length} batches acknowledged, ${lastStored} entries stored`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
