/**
 * lmdbDataFileProblem against data files that lmdb-js itself writes: intact ones pass (so the
 * meta-page offsets it reads are right for this lmdb-js), one cut short by a single page or by
 * half is named, and a file that is not LMDB at all is refused.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { open } from 'lmdb';
import { lmdbDataFileProblem } from '../../src/raft/lmdb/index';

async function writtenEnvironment(t: TestContext, records: number): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-file-check-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = open<Buffer, number>({ path: dir, encoding: 'binary' });
  for (let i = 0; i < records; i++) await env.put(i, Buffer.alloc(300, i % 251));
  await env.close();
  return path.join(dir, 'data.mdb');
}

test('an intact data file written by lmdb-js passes, small or large', async (t) => {
  for (const records of [1, 5_000]) {
    const file = await writtenEnvironment(t, records);
    assert.equal(lmdbDataFileProblem(file), undefined, `${records} records, ${fs.statSync(file).size} bytes`);
  }
});

test('a data file cut short, by one page or by half, is named as such', async (t) => {
  const file = await writtenEnvironment(t, 5_000);
  const size = fs.statSync(file).size;
  fs.truncateSync(file, size - 4096);
  assert.match(lmdbDataFileProblem(file) ?? '', /is cut short/);
  fs.truncateSync(file, Math.floor(size / 2));
  assert.match(lmdbDataFileProblem(file) ?? '', /is cut short/);
});

test('a file that is not an LMDB environment is refused; an empty one is left to LMDB', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-file-check-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'data.mdb');
  fs.writeFileSync(file, Buffer.alloc(8192, 7));
  assert.match(lmdbDataFileProblem(file) ?? '', /does not start with an LMDB meta page/);
  fs.writeFileSync(file, Buffer.alloc(0));
  assert.equal(lmdbDataFileProblem(file), undefined);
});
