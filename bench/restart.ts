/**
 * `npm run bench:restart`: how fast a MetaServer holding a large namespace serves again after a
 * restart. Three metaServer processes (the operator's command); the namespace is filled through
 * CreateNode (default 1,000,000 files in directories of 1,000); then each node in turn, the leader
 * last, is stopped with SIGTERM and started again with the same command line, measuring
 *   - serving_ms: from the start of the process to its "serving" line (stores open, Raft and gRPC up);
 *   - read_ms: until a linearizable GetNodeInfo answered by that node itself succeeds (it knows the
 *     leader and has applied up to its read index).
 * One JSON line per restart. Options: --files 1000000 --per-dir 1000 --concurrency 256.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { MetaClient } from '../test/support/meta-cluster/meta-client';
import { leaderOf, metaServerArgs, runMetaServer, writeClusterConfig, type MetaServerProcess } from '../test/support/meta-server-process';
import { fillNamespace } from './support/meta-fill';
import { positiveInteger } from './support/meta-cli';
import { restartAndTime } from './support/restart-timing';

const emit = (line: object): boolean => process.stdout.write(`${JSON.stringify(line)}\n`);
const note = (text: string): boolean => process.stderr.write(`# ${text}\n`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { files: { type: 'string' }, 'per-dir': { type: 'string' }, concurrency: { type: 'string' } } });
  const files = positiveInteger('files', values.files ?? '1000000');
  const perDir = positiveInteger('per-dir', values['per-dir'] ?? '1000');
  const concurrency = positiveInteger('concurrency', values.concurrency ?? '256');
  const dir = mkdtempSync(path.join(tmpdir(), 'minfs-restart-'));
  const nodes = new Map<number, MetaServerProcess>();
  const clients = new Map<number, MetaClient>();
  try {
    const { file, grpc } = await writeClusterConfig(dir, { clusterId: 'restart' });
    const argsOf = (port: number): string[] => metaServerArgs(file, dir, port);
    for (const port of grpc) nodes.set(port, runMetaServer(argsOf(port)));
    for (const node of nodes.values()) await node.line((l) => l['event'] === 'serving');
    for (const port of grpc) clients.set(port, new MetaClient(`127.0.0.1:${port}`));
    // A write that succeeds: the leadership has settled after the first election.
    let leader = (await leaderOf(`127.0.0.1:${grpc[0]}`)).port;
    while (
      !(await clients
        .get(leader)!
        .call('CreateNode', { path: '/ready', type: 'Directory' })
        .then(
          () => true,
          () => false,
        ))
    ) {
      await sleep(50);
      leader = (await leaderOf(`127.0.0.1:${grpc[0]}`)).port;
    }
    note(`cluster up, leader meta-${leader}; filling ${files} files`);
    const fill = await fillNamespace(() => clients.get(leader)!, {
      files,
      perDir,
      inFlight: concurrency,
      progressEveryMs: 30_000,
      onProgress: (created) => note(`fill: ${created}/${files}`),
    });
    emit({
      bench: 'restart',
      system: 'ours',
      op: 'fill',
      concurrency,
      files,
      ops_per_s: fill.ops_per_s,
      p50_ms: fill.p50_ms,
      p99_ms: fill.p99_ms,
      seconds: fill.seconds,
    });
    const probe = `/fill/d0/f0`;

    // Followers first, the leader last (its restart includes an election elsewhere).
    const order = [...grpc.filter((p) => p !== leader), leader];
    for (const port of order) {
      const wasLeader = port === (await leaderOf(`127.0.0.1:${port}`)).port;
      clients.get(port)!.close();
      const timing = await restartAndTime(nodes.get(port)!, argsOf(port), port, probe);
      nodes.set(port, timing.process);
      clients.set(port, new MetaClient(`127.0.0.1:${port}`));
      emit({
        bench: 'restart',
        system: 'ours',
        op: 'restart',
        concurrency: 1,
        files,
        node: `meta-${port}`,
        was_leader: wasLeader,
        exit_code: timing.exitCode,
        serving_ms: timing.servingMs,
        read_ms: timing.readMs,
        target_ms: 5_000,
      });
    }
  } finally {
    for (const c of clients.values()) c.close();
    for (const node of nodes.values()) {
      node.child.kill('SIGTERM');
      await Promise.race([node.exited, sleep(10_000)]);
      node.kill();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:restart failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
