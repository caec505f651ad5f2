/**
 * The setting bench:meta and bench:e2e measure in: the 3-process MetaServer session, the etcd peer
 * (unless --no-etcd), the workloads' namespace, the untimed pre-warm, and the note saying so;
 * everything closed again when the body ends, whichever way it ends.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openClusters } from './bench-main';
import type { MetaBenchOptions } from './meta-cli';
import { EtcdPeer } from './meta-etcd-peer';
import { note } from './meta-lines';
import { MetaSession } from './meta-session';
import { MetaWorkloads } from './meta-workloads';

/** Closed-loop callers of the untimed pre-warm. */
const PREWARM_CONCURRENCY = 64;

export interface MetaBenchRun {
  readonly session: MetaSession;
  /** Undefined with --no-etcd. */
  readonly etcd: EtcdPeer | undefined;
  readonly workloads: MetaWorkloads;
}

/** `etcdDirPrefix`: the name of the etcd peer's temp dir, before its random suffix. */
export async function withMetaBench(
  options: MetaBenchOptions,
  etcdDirPrefix: string,
  body: (run: MetaBenchRun) => Promise<void>,
): Promise<void> {
  const session = await MetaSession.open({ baseDir: options.dir, verbose: options.verbose, target: options.target });
  let etcd: EtcdPeer | undefined;
  try {
    if (options.etcd) {
      etcd = new EtcdPeer(options.etcdDir, mkdtempSync(join(options.dir ?? tmpdir(), etcdDirPrefix)));
      openClusters.add(etcd);
      await etcd.start();
    }
    const workloads = new MetaWorkloads(() => session.client);
    await workloads.setup(options.ops, Math.max(...options.concurrency));
    if (options.prewarmSeconds > 0) await workloads.warmUp(options.prewarmSeconds, PREWARM_CONCURRENCY);
    note(
      `MetaServer processes: leader ${session.cluster.leaderId()}, calls to ${session.targetId} (${options.target}); ` +
        `${options.prewarmSeconds} s prewarm, then ${options.warmupSeconds} s warm-up + ${options.seconds} s per measurement${etcd === undefined ? '; no etcd' : ''}`,
    );
    await body({ session, etcd, workloads });
  } finally {
    await Promise.allSettled([session.close(), etcd?.close()]);
    if (etcd !== undefined) openClusters.delete(etcd);
  }
}
