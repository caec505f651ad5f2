import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import { withStore } from './helpers';

const MiB = 1024 * 1024;
/**
 * 200 MiB by default: it takes about half a second here (fsync included), and at this size a sink
 * that ignored backpressure fails the bound (measured: +238 MB), which at 32 MiB it would not.
 * SNAPSHOT_MIB=32 shrinks it for a slow disk.
 */
const SIZE_MIB = Number(process.env.SNAPSHOT_MIB ?? 200);
if (!Number.isSafeInteger(SIZE_MIB) || SIZE_MIB < 1)
  throw new Error(`SNAPSHOT_MIB must be a whole number of MiB, got ${process.env.SNAPSHOT_MIB}`);
const RSS_LIMIT = 100 * MiB;

test(`a ${SIZE_MIB} MiB snapshot streams through write and open with bounded memory`, async (t) => {
  await withStore({}, async (store) => {
    const chunk = randomFillSync(Buffer.alloc(MiB));
    const before = process.memoryUsage().rss;
    let peak = before;
    const sample = (): void => {
      peak = Math.max(peak, process.memoryUsage().rss);
    };

    const writeStart = performance.now();
    const sink = await store.create(1000, 5, { servers: [{ id: 'a', address: 'a:1', suffrage: 'voter' }] }, 1);
    for (let i = 0; i < SIZE_MIB; i++) {
      chunk.writeUInt32LE(i, 0); // reuse one buffer, changed every time: the sink must not keep it
      await sink.write(chunk);
      if (i % 8 === 0) sample();
    }
    await sink.close(); // includes the fsyncs
    const writeMs = performance.now() - writeStart;
    sample();

    const readStart = performance.now();
    const opened = await store.open(sink.id);
    let bytes = 0;
    let chunks = 0;
    for await (const c of opened.chunks) {
      // Chunks are 1 MiB and so were the writes: each read chunk starts with its write's counter.
      assert.equal(c.byteLength, MiB);
      assert.equal(Buffer.from(c.buffer, c.byteOffset, 4).readUInt32LE(0), chunks);
      bytes += c.byteLength;
      if (chunks++ % 8 === 0) sample();
    }
    const readMs = performance.now() - readStart;
    sample();
    const after = process.memoryUsage().rss;

    assert.equal(bytes, SIZE_MIB * MiB);
    const mbps = (ms: number): string => ((SIZE_MIB * MiB) / 1e6 / (ms / 1000)).toFixed(0);
    const mb = (n: number): string => (n / 1e6).toFixed(1);
    t.diagnostic(
      `write ${mbps(writeMs)} MB/s (${writeMs.toFixed(0)} ms incl. fsync), read+verify ${mbps(readMs)} MB/s (${readMs.toFixed(0)} ms)`,
    );
    t.diagnostic(
      `rss before ${mb(before)} MB, peak ${mb(peak)} MB (+${mb(peak - before)}), after ${mb(after)} MB (+${mb(after - before)})`,
    );
    assert.ok(peak - before < RSS_LIMIT, `rss grew by ${mb(peak - before)} MB while streaming ${SIZE_MIB} MiB`);
  });
});
