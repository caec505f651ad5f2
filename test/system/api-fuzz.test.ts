/**
 * API fuzzing against a running cluster of metaServer processes (issue 7): for a fixed time
 * budget, concurrent workers send random field values to every MetaServerService RPC (through
 * random nodes: followers forward) and random bytes as the request of every unary RPC, plus the
 * read-only MetaAdmin calls. Every answer must be a proper gRPC status (INTERNAL only for bytes
 * grpc-js cannot decode as a protobuf message, never UNKNOWN), no node may crash, the cluster must
 * stay writable, and every replica must hold the same digest at one checkpoint afterwards.
 * Membership changes are not fuzzed: random AddVoter calls could legitimately add dead voters
 * until no quorum is left (their validation has its own tests).
 *
 *   FUZZ_SECONDS   budget (default 15)    FUZZ_SEED   replay (printed)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { metaServiceDefinition } from '../../src/server/meta-service';
import { FaultCluster } from '../support/faults/fault-cluster';
import { replicaDigests } from '../support/faults/fault-round';
import { SUITE_RAFT } from '../support/faults/fault-suite';
import { seededRandom } from '../support/process-cluster/workload';
import { MetaCallError } from '../support/meta-cluster/meta-client';
import { callArb } from '../support/rpc-fuzz-arbitraries';

const seconds = Number(process.env['FUZZ_SECONDS'] ?? 15);
const seed = process.env['FUZZ_SEED'] !== undefined ? Number(process.env['FUZZ_SEED']) : Math.floor(Math.random() * 0x7fffffff);
const WORKERS = 4;
const BATCH = 50;
const ADMIN_READS = ['/minfs.admin.MetaAdmin/Status', '/minfs.admin.MetaAdmin/Members'];

test(`API fuzzing of a running 3-process cluster for ${seconds} s: proper statuses, no crash, identical replicas`, { timeout: 120_000 + seconds * 2_000 }, async (t) => {
  process.stdout.write(`# api-fuzz: FUZZ_SEED=${seed} FUZZ_SECONDS=${seconds}\n`);
  const dir = mkdtempSync(path.join(tmpdir(), 'minfs-api-fuzz-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cluster = await FaultCluster.start({ dir, size: 3, random: seededRandom(seed), raft: SUITE_RAFT });
  t.after(() => cluster.close());
  const leader = await cluster.leader();
  assert.ok(leader !== undefined, 'a leader');
  await cluster.client(leader).write('CreateNode', { path: '/a', type: 'Directory' });
  await cluster.client(leader).write('CreateNode', { path: '/a/f', type: 'File' });

  const unaryPaths = [
    ...Object.values(metaServiceDefinition())
      .filter((m) => !m.requestStream && !m.responseStream)
      .map((m) => m.path),
    ...ADMIN_READS,
  ];
  const raws = cluster.ids.map((id) => new grpc.Client(cluster.grpcAddress(id), grpc.credentials.createInsecure()));
  t.after(() => raws.forEach((r) => r.close()));
  const improper: string[] = [];
  const counts = { fields: 0, bytes: 0 };
  const deadline = performance.now() + seconds * 1000;

  const worker = async (w: number): Promise<void> => {
    const random = seededRandom(seed + w);
    for (let batch = 0; performance.now() < deadline; batch++) {
      const calls = fc.sample(callArb, { seed: seed + w * 1_000_003 + batch, numRuns: BATCH });
      const bytes = fc.sample(fc.uint8Array({ maxLength: 96 }), { seed: seed + w * 1_000_003 + batch, numRuns: BATCH });
      for (let i = 0; i < BATCH && performance.now() < deadline; i++) {
        const node = cluster.ids[Math.floor(random() * cluster.ids.length)]!;
        const { method, request } = calls[i]!;
        try {
          await cluster.client(node).call(method, request as never, undefined, 10_000);
        } catch (error: unknown) {
          const code = error instanceof MetaCallError ? error.code : undefined;
          if (code === undefined || code === grpc.status.INTERNAL || code === grpc.status.UNKNOWN || code === grpc.status.DEADLINE_EXCEEDED) {
            improper.push(`${method} ${JSON.stringify(request)} on ${node}: ${String(error)}`);
          }
        }
        counts.fields++;
        const rawPath = unaryPaths[Math.floor(random() * unaryPaths.length)]!;
        const code = await new Promise<grpc.status>((resolve) => {
          raws[cluster.ids.indexOf(node)]!.makeUnaryRequest(
            rawPath,
            (b: Uint8Array) => Buffer.from(b),
            (b: Buffer) => b,
            bytes[i]!,
            new grpc.Metadata(),
            { deadline: Date.now() + 10_000 },
            (error) => resolve(error?.code ?? grpc.status.OK),
          );
        });
        if (code === grpc.status.UNKNOWN || code === grpc.status.DEADLINE_EXCEEDED) {
          improper.push(`${rawPath} with bytes ${Buffer.from(bytes[i]!).toString('hex')} on ${node}: ${grpc.status[code]}`);
        }
        counts.bytes++;
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  process.stdout.write(`# api-fuzz: ${counts.fields} calls with random field values, ${counts.bytes} with random bytes\n`);

  assert.deepEqual(cluster.crashed(), [], 'no node crashed');
  assert.deepEqual(improper.slice(0, 20), [], `${improper.length} improper answers (FUZZ_SEED=${seed})`);
  const now = await cluster.leader();
  assert.ok(now !== undefined, 'still a leader');
  await cluster.client(now).write('CreateNode', { path: '/still-writable', type: 'File' });
  const digests = await replicaDigests({ cluster }, now);
  assert.equal(new Set(digests.map((d) => `${d.index}/${d.hash}`)).size, 1, JSON.stringify(digests));
});
