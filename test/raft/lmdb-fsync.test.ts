/**
 * Proves the stores' durability claim at the syscall level: runs lmdb-fsync-probe.js under
 * `strace -f` and checks that, between an operation being issued and its promise resolving,
 * exactly one fdatasync of data.mdb completed, nothing was written to data.mdb after it except
 * through LMDB's O_DSYNC meta-page descriptor, and that meta page was written. Skipped when
 * strace is not installed (apt-get install strace).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PROBE_MARKER_PREFIX } from './lmdb-fsync-probe';

interface Syscall {
  readonly name: string;
  readonly args: string;
  readonly result: string;
}

const COMPLETE = /^(\d+)\s+(\w+)\((.*)\)\s+=\s+(.*)$/;
const UNFINISHED = /^(\d+)\s+(\w+)\((.*) <unfinished \.\.\.>$/;
const RESUMED = /^(\d+)\s+<\.\.\. (\w+) resumed>(.*)\)\s+=\s+(.*)$/;

/** Syscalls of an `strace -f` log in completion order, with unfinished/resumed halves joined. */
function parseStrace(text: string): Syscall[] {
  const pending = new Map<string, string>();
  const calls: Syscall[] = [];
  for (const line of text.split('\n')) {
    const unfinished = UNFINISHED.exec(line);
    if (unfinished) {
      pending.set(unfinished[1] ?? '', unfinished[3] ?? '');
      continue;
    }
    const resumed = RESUMED.exec(line);
    if (resumed) {
      const pid = resumed[1] ?? '';
      calls.push({ name: resumed[2] ?? '', args: (pending.get(pid) ?? '') + (resumed[3] ?? ''), result: resumed[4] ?? '' });
      pending.delete(pid);
      continue;
    }
    const complete = COMPLETE.exec(line);
    if (complete) calls.push({ name: complete[2] ?? '', args: complete[3] ?? '', result: complete[4] ?? '' });
  }
  return calls;
}

const firstArg = (call: Syscall): string => call.args.split(',')[0]?.trim() ?? '';
const SYNC_CALLS = new Set(['fsync', 'fdatasync', 'msync', 'sync_file_range', 'syncfs', 'sync']);
const WRITE_CALLS = new Set(['write', 'pwrite64', 'writev', 'pwritev', 'pwritev2']);

function checkScenario(calls: readonly Syscall[], scenario: string): void {
  const begin = calls.findIndex((c) => c.args.includes(`${PROBE_MARKER_PREFIX}/begin/${scenario}"`));
  const end = calls.findIndex((c) => c.args.includes(`${PROBE_MARKER_PREFIX}/end/${scenario}"`));
  assert.ok(begin >= 0 && end > begin, `markers of ${scenario} not found in the trace`);

  const opensOfData = calls.filter((c) => c.name === 'openat' && c.args.includes('/data.mdb"') && /^\d+$/.test(c.result));
  const dataFds = new Set(opensOfData.filter((c) => !c.args.includes('O_DSYNC')).map((c) => c.result));
  const dsyncFds = new Set(opensOfData.filter((c) => c.args.includes('O_DSYNC')).map((c) => c.result));
  assert.ok(dataFds.size > 0 && dsyncFds.size > 0, 'expected data.mdb opened both plainly and with O_DSYNC');

  const window = calls.slice(begin + 1, end);
  const syncs = window.filter((c) => SYNC_CALLS.has(c.name) && c.result.startsWith('0'));
  assert.equal(syncs.length, 1, `${scenario}: expected exactly one sync, got ${JSON.stringify(syncs)}`);
  const sync = syncs[0] as Syscall;
  assert.equal(sync.name, 'fdatasync', `${scenario}: ${sync.name}`);
  assert.ok(dataFds.has(firstArg(sync)), `${scenario}: the fdatasync was not on data.mdb`);

  const syncAt = window.indexOf(sync);
  const writesBefore = window.slice(0, syncAt).filter((c) => WRITE_CALLS.has(c.name) && dataFds.has(firstArg(c)));
  const unsyncedWritesAfter = window.slice(syncAt + 1).filter((c) => WRITE_CALLS.has(c.name) && dataFds.has(firstArg(c)));
  const metaWritesAfter = window.slice(syncAt + 1).filter((c) => WRITE_CALLS.has(c.name) && dsyncFds.has(firstArg(c)));
  assert.ok(writesBefore.length > 0, `${scenario}: no page writes before the fdatasync`);
  assert.deepEqual(unsyncedWritesAfter, [], `${scenario}: data.mdb written after its fdatasync without O_DSYNC`);
  assert.ok(metaWritesAfter.length > 0, `${scenario}: no O_DSYNC meta-page write after the fdatasync`);
}

const straceAvailable = spawnSync('strace', ['-V']).status === 0;

test(
  'each write resolves only after one fdatasync of its pages and an O_DSYNC meta-page write',
  { skip: straceAvailable ? false : 'strace is not installed', timeout: 60_000 },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmdb-fsync-'));
    const tracePath = path.join(dir, 'strace.log');
    try {
      await promisify(execFile)('strace', [
        '-f',
        '-qq',
        '-s',
        '0',
        '-e',
        'trace=openat,write,pwrite64,writev,pwritev,pwritev2,fsync,fdatasync,msync,sync_file_range,syncfs,sync,access,faccessat,faccessat2',
        '-o',
        tracePath,
        process.execPath,
        path.join(__dirname, 'lmdb-fsync-probe.js'),
        path.join(dir, 'db'),
      ]);
      const calls = parseStrace(fs.readFileSync(tracePath, 'utf8'));
      for (const scenario of ['storeLogs-64x200', 'storeLogs-64x200-again', 'storeLogs-and-setUint64-same-tick', 'set', 'deleteRange']) {
        checkScenario(calls, scenario);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
