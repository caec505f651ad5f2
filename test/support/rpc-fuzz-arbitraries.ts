/**
 * Random field values for every MetaServerService RPC, for the fuzz tests (in-process and against
 * real processes): odd and hostile paths, huge and negative numbers, unknown enum values, long
 * strings, in otherwise well-formed messages.
 */
import fc from 'fast-check';

const pathArb = fc.oneof(
  fc.constantFrom('', '/', '/a', '/a/f', '/a/b', 'a', '/a/../..', '//a//f/', '/a/f/g', '/\u0000', '/\ud800', '/\ufffd', '/a/' + 'x'.repeat(300)),
  fc.string({ maxLength: 40 }).map((s) => '/' + s),
  fc.array(fc.constantFrom('a', 'b', 'f', '.', '..', ''), { maxLength: 6 }).map((xs) => '/' + xs.join('/')),
);
const int64Arb = fc.oneof(fc.constantFrom('0', '1', '-1', '9223372036854775807', '-9223372036854775808', '18446744073709551615', '4194305', '9007199254740993'), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String));
const typeArb = fc.oneof(fc.constantFrom('Unknown', 'Volume', 'File', 'Directory'), fc.integer({ min: -5, max: 10 }));
const idArb = fc.oneof(fc.constant(''), fc.string({ maxLength: 20 }), fc.string({ minLength: 120, maxLength: 200 }));

export const callArb = fc.oneof(
  fc.record({ method: fc.constant('CreateNode' as const), request: fc.record({ path: pathArb, type: typeArb, parents: fc.boolean(), request_id: idArb }) }),
  fc.record({ method: fc.constant('GetNodeInfo' as const), request: fc.record({ path: pathArb }) }),
  fc.record({ method: fc.constant('ListDirectory' as const), request: fc.record({ path: pathArb, page_size: fc.nat(), page_token: idArb }) }),
  fc.record({ method: fc.constant('DeleteNode' as const), request: fc.record({ path: pathArb, recursive: fc.boolean(), request_id: idArb }) }),
  fc.record({ method: fc.constant('GetBlockLocations' as const), request: fc.record({ path: pathArb, size: int64Arb, request_id: idArb }) }),
  fc.record({ method: fc.constant('FinalizeWrite' as const), request: fc.record({ path: pathArb, inode: int64Arb.map((s) => s.replace('-', '')), size: int64Arb, md5: fc.oneof(fc.constant(''), fc.string({ maxLength: 40 })), request_id: idArb }) }),
  fc.record({ method: fc.constant('Rename' as const), request: fc.record({ src_path: pathArb, dst_path: pathArb, request_id: idArb }) }),
  fc.record({ method: fc.constant('GetReplicationInfo' as const), request: fc.record({ path: pathArb }) }),
  fc.record({
    method: fc.constant('Heartbeat' as const),
    request: fc.record({ dataServer_id: idArb, dataServer_addr: fc.oneof(fc.constant(''), fc.constant('127.0.0.1:9')), block_count: int64Arb.map((s) => s.replace('-', '')), block_ids_report: fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String), { maxLength: 5 }) }),
  }),
);

