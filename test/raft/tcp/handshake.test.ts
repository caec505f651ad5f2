import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHandshake, encodeHandshake, HandshakeError, MAX_HANDSHAKE_BYTES } from '../../../src/raft/tcp/handshake';
import { parseHostPort, formatHostPort } from '../../../src/raft/tcp/address';

const sample = { clusterId: 'prod-é', senderId: 'node-1', senderAdvertiseAddress: '[::1]:7000' };

test('handshake round trip', () => {
  const bytes = encodeHandshake(sample);
  assert.ok(bytes.byteLength <= MAX_HANDSHAKE_BYTES);
  assert.deepEqual(decodeHandshake(bytes), sample);
});

test('malformed handshakes are refused with a reason', () => {
  const good = encodeHandshake(sample);
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /magic/],
    ['HTTP', new TextEncoder().encode('GET / HTTP/1.1\r\n'), /magic/],
    ['version', Uint8Array.from(good, (b, i) => (i === 4 ? 2 : b)), /version 2/],
    ['truncated', good.subarray(0, good.length - 1), /length/],
    ['trailing', Uint8Array.of(...good, 0), /trailing/],
    ['zero-length field', Uint8Array.of(...good.subarray(0, 5), 0, 0), /clusterId: bad length 0/],
    ['invalid UTF-8', Uint8Array.of(...good.subarray(0, 5), 0, 1, 0xff, 0, 1, 0x41, 0, 1, 0x41), /invalid UTF-8/],
  ];
  for (const [name, bytes, reason] of cases) {
    assert.throws(
      () => decodeHandshake(bytes),
      (e: unknown) => e instanceof HandshakeError && reason.test(e.message),
      name,
    );
  }
});

test('encoding refuses empty or oversized fields', () => {
  assert.throws(() => encodeHandshake({ ...sample, clusterId: '' }), RangeError);
  assert.throws(() => encodeHandshake({ ...sample, senderId: 'x'.repeat(2000) }), RangeError);
});

test('host:port parsing', () => {
  assert.deepEqual(parseHostPort('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseHostPort('[::1]:7000'), { host: '::1', port: 7000 });
  assert.deepEqual(parseHostPort('node-a.local:65535'), { host: 'node-a.local', port: 65535 });
  for (const bad of ['', 'host', ':80', 'host:', 'host:65536', 'host:8x', '::1:80', '[]:80'])
    assert.equal(parseHostPort(bad), undefined, bad);
  assert.equal(formatHostPort('::1', 80), '[::1]:80');
  assert.equal(formatHostPort('10.0.0.1', 80), '10.0.0.1:80');
});
