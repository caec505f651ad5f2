/**
 * One round of the fault suite: clients load a fresh directory of the cluster while the
 * schedule's faults run; everything is healed; a final linearizable read of every path joins
 * the history (so an acknowledged write that was lost shows up as a violation); the history is
 * checked for linearizability; every replica's namespace digest is compared at one checkpoint
 * index; no node may have crashed and every answer must have been a proper gRPC status.
 */
import { setTimeout as pause } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { AdminClient } from '../../../src/cli/admin-client';
import {
  checkLinearizable,
  namespaceModel,
  type CheckResult,
  type NamespaceInput,
  type NamespaceOutput,
  type Operation,
} from '../linearizability';
import { MetaCallError } from '../meta-cluster/meta-client';
import { NamespaceClients, type WorkloadCounts } from './namespace-clients';
import type { FaultSchedule } from './fault-schedules';
import { runStep, type NemesisContext } from './nemesis-steps';

export interface RoundOptions {
  readonly clients: number;
  readonly pathsPerRound: number;
  readonly callTimeoutMs: number;
  /** Load before the first fault and after healing. */
  readonly quietMs: number;
  readonly checkTimeoutMs: number;
}

export interface RoundResult {
  readonly schedule: FaultSchedule;
  readonly directory: string;
  readonly actions: readonly string[];
  readonly linearizable: CheckResult;
  readonly digests: readonly { node: string; index: string; hash: string }[];
  readonly digestsAgree: boolean;
  readonly improper: readonly string[];
  readonly crashed: readonly string[];
  readonly counts: WorkloadCounts;
  readonly history: readonly Operation<NamespaceInput, NamespaceOutput>[];
  readonly ok: boolean;
}

export async function runRound(
  context: NemesisContext,
  schedule: FaultSchedule,
  round: number,
  options: RoundOptions,
): Promise<RoundResult> {
  const { cluster } = context;
  const directory = `/r${round}`;
  await createDirectory(context, directory);
  const paths = Array.from({ length: options.pathsPerRound }, (_, i) => `${directory}/p${i}`);
  const clients = new NamespaceClients(cluster, {
    clients: options.clients,
    paths,
    random: context.random,
    callTimeoutMs: options.callTimeoutMs,
  });
  const actions: string[] = [];
  clients.start();
  try {
    await pause(options.quietMs);
    for (const step of schedule.steps) actions.push(await runStep(context, step));
    await cluster.healAll();
    await pause(options.quietMs);
  } finally {
    await clients.stop();
  }
  const crashed = cluster.crashed();
  await cluster.healAll();
  const leader = await cluster.leader(20_000);
  if (leader === undefined) throw new Error(`no leader after healing (round ${round}, ${actions.join('; ')})`);
  await clients.readAll(leader, 20_000);
  const history = clients.history();
  const linearizable = checkLinearizable(namespaceModel([directory]), history, { timeoutMs: options.checkTimeoutMs });
  const digests = await replicaDigests(context, leader);
  const digestsAgree = digests.length === cluster.ids.length && new Set(digests.map((d) => `${d.index}/${d.hash}`)).size === 1;
  return {
    schedule,
    directory,
    actions,
    linearizable,
    digests,
    digestsAgree,
    improper: clients.improper,
    crashed,
    counts: clients.counts,
    history,
    ok: linearizable.result === 'ok' && digestsAgree && clients.improper.length === 0 && crashed.length === 0,
  };
}

/** The round's directory, created through the leader (retried: the cluster may still be electing). */
async function createDirectory(context: NemesisContext, directory: string): Promise<void> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const leader = await context.cluster.leader(10_000);
    try {
      if (leader !== undefined) {
        await context.cluster.client(leader).call('CreateNode', { path: directory, type: 'Directory' }, undefined, 5_000);
        return;
      }
    } catch (error: unknown) {
      if (error instanceof MetaCallError && error.code === grpc.status.ALREADY_EXISTS) return;
      if (performance.now() > deadline) throw error;
    }
    if (performance.now() > deadline) throw new Error(`could not create ${directory}: no leader`);
    await pause(50);
  }
}

/** Every replica's digest at one checkpoint entry (each hashes its state exactly there). */
export async function replicaDigests(
  context: Pick<NemesisContext, 'cluster'>,
  leader: string,
): Promise<{ node: string; index: string; hash: string }[]> {
  const { cluster } = context;
  const admins = cluster.ids.map((id) => new AdminClient(cluster.grpcAddress(id)));
  try {
    const checkpoint = await admins[cluster.ids.indexOf(leader)]!.checkpoint();
    const digests = await Promise.all(
      admins.map((a) =>
        a.checkpointDigest(checkpoint, 20_000).then(
          (d) => ({ node: d.node_id, index: String(d.applied_index), hash: d.hash }),
          (error: unknown) => ({ node: a.address, index: '?', hash: `no digest: ${String(error)}` }),
        ),
      ),
    );
    return digests;
  } finally {
    for (const a of admins) a.close();
  }
}
