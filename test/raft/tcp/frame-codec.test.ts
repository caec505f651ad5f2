import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, FrameDecoder, FrameTooLargeError } from '../../../src/raft/tcp/frame-codec';

function payloads(sizes: number[]): Buffer[] {
  return sizes.map((size, i) => Buffer.alloc(size, i + 1));
}

function decodeAll(decoder: FrameDecoder, chunks: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (const chunk of chunks)
    decoder.push(chunk, (p) => {
      out.push(Buffer.from(p));
      return true;
    });
  return out;
}

test('frames in one chunk decode in order, including an empty payload', () => {
  const frames = payloads([5, 0, 1000, 3]);
  const out = decodeAll(new FrameDecoder(1 << 20), [Buffer.concat(frames.map(encodeFrame))]);
  assert.deepEqual(out, frames);
});

test('a stream split at every possible point decodes the same', () => {
  const frames = payloads([7, 300, 0, 64, 1]);
  const stream = Buffer.concat(frames.map(encodeFrame));
  for (let cut = 0; cut <= stream.length; cut++) {
    const decoder = new FrameDecoder(1 << 20);
    assert.deepEqual(decodeAll(decoder, [stream.subarray(0, cut), stream.subarray(cut)]), frames, `cut at ${cut}`);
    assert.equal(decoder.pendingBytes, 0);
  }
  // And byte by byte.
  const bytes = Array.from(stream, (b) => Buffer.of(b));
  assert.deepEqual(decodeAll(new FrameDecoder(1 << 20), bytes), frames);
});

test('a large frame arriving in many chunks is assembled once complete', () => {
  const frame = Buffer.alloc(1_000_000, 7);
  const stream = encodeFrame(frame);
  const chunks: Buffer[] = [];
  for (let i = 0; i < stream.length; i += 65536) chunks.push(stream.subarray(i, i + 65536));
  const decoder = new FrameDecoder(2_000_000);
  const out = decodeAll(decoder, chunks);
  assert.equal(out.length, 1);
  assert.ok(out[0]!.equals(frame));
});

test('a length prefix over the limit throws before buffering the payload', () => {
  const decoder = new FrameDecoder(100);
  assert.deepEqual(decodeAll(decoder, [encodeFrame(Buffer.alloc(100))]).length, 1);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(101);
  assert.throws(
    () => decoder.push(header, () => true),
    (e: unknown) => e instanceof FrameTooLargeError && e.length === 101 && e.limit === 100,
  );
});

test('onFrame returning false stops decoding; the limit can be raised between frames', () => {
  const decoder = new FrameDecoder(10);
  const stream = Buffer.concat([encodeFrame(Buffer.alloc(10)), encodeFrame(Buffer.alloc(50))]);
  let seen = 0;
  decoder.push(stream, () => {
    seen++;
    decoder.maxFrameBytes = 100; // as after a handshake
    return true;
  });
  assert.equal(seen, 2);
  seen = 0;
  new FrameDecoder(100).push(stream, () => ++seen < 1);
  assert.equal(seen, 1);
});

test('random chunkings of a long stream decode the same', () => {
  let seed = 12345;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const frames = payloads(Array.from({ length: 200 }, () => (random(4) === 0 ? 0 : random(3000))));
  const stream = Buffer.concat(frames.map(encodeFrame));
  for (let round = 0; round < 50; round++) {
    const chunks: Buffer[] = [];
    for (let pos = 0; pos < stream.length;) {
      const size = 1 + random(round % 2 === 0 ? 10 : 9000);
      chunks.push(stream.subarray(pos, pos + size));
      pos += size;
    }
    const decoder = new FrameDecoder(1 << 20);
    assert.deepEqual(decodeAll(decoder, chunks), frames, `round ${round}`);
    assert.equal(decoder.pendingBytes, 0);
  }
});
