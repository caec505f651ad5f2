import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendEntries, Inbox, listen, withTimeout } from './helpers';

// A diagnostic, not a benchmark gate: prints AppendEntries frames/s between two transports on
// loopback (64 entries of 200 bytes each, the shape of pipelined replication). Asserts only delivery.
test('throughput: AppendEntries with 64 x 200-byte entries', async () => {
  const a = await listen('a');
  const b = await listen('b');
  try {
    const total = Number(process.env.TCP_BENCH_FRAMES ?? 20_000);
    const window = 256; // frames in flight, like a pipelined leader's
    const messages = Array.from({ length: 64 }, (_, seq) => appendEntries('a', 'b', seq, 64, 200));
    let sent = 0;
    let received = 0;
    const inbox = new Inbox();
    const topUp = (): void => {
      while (sent < total && sent - received < window) a.send(b.localAddress, messages[sent++ % messages.length]!);
    };
    let done = (): void => {};
    const finished = new Promise<void>((resolve) => (done = resolve));
    b.setHandler((message, from) => {
      if (received === 0) inbox.handler(message, from);
      received++;
      if (received === total) done();
      else if ((received & 31) === 0) topUp();
    });
    const start = performance.now();
    topUp();
    await withTimeout(finished, 'throughput run', 120_000);
    const seconds = (performance.now() - start) / 1000;
    const stats = a.stats();
    const mb = stats.bytesSent / 1e6;
    console.log(
      `tcp throughput: ${total} AppendEntries (64 x 200 B) in ${seconds.toFixed(2)} s = ` +
        `${Math.round(total / seconds)} frames/s, ${Math.round((total * 64) / seconds)} entries/s, ${(mb / seconds).toFixed(1)} MB/s`,
    );
    assert.equal(stats.dropped, 0);
    assert.equal(b.stats().framesReceived, total);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
