/**
 * How fast a metaServer process serves again after a restart: SIGTERM, the same command line
 * again, then
 *   - serving_ms: from the new process's start to its "serving" line (stores open, Raft and gRPC up);
 *   - read_ms: until a linearizable GetNodeInfo of `probe` answered by that node succeeds (it knows
 *     the leader and has applied up to its read index).
 * The read is polled: the answer depends on elections in other processes, which send no event here.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { MetaClient } from '../../test/support/meta-cluster/meta-client';
import { runMetaServer, type MetaServerProcess } from '../../test/support/meta-server-process';

export interface RestartTiming {
  readonly exitCode: number | null;
  readonly servingMs: number;
  readonly readMs: number;
  readonly process: MetaServerProcess;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

/** `spawn`: how the new process is started (the benchmark may confine it to a memory cgroup). */
export async function restartAndTime(
  old: MetaServerProcess,
  args: readonly string[],
  grpcPort: number,
  probe: string,
  spawn: (args: readonly string[]) => MetaServerProcess = runMetaServer,
): Promise<RestartTiming> {
  old.child.kill('SIGTERM');
  const [exitCode] = await old.exited;
  const began = performance.now();
  const again = spawn(args);
  await again.line((l) => l['event'] === 'serving');
  const servingMs = performance.now() - began;
  const client = new MetaClient(`127.0.0.1:${grpcPort}`);
  try {
    for (;;) {
      const ok = await client.call('GetNodeInfo', { path: probe }, undefined, 2_000).then(
        () => true,
        () => false,
      );
      if (ok) break;
      await sleep(10);
    }
  } finally {
    client.close();
  }
  return { exitCode, servingMs: round1(servingMs), readMs: round1(performance.now() - began), process: again };
}
