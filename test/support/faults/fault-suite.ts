/**
 * The fault suite's driver: a FaultCluster (and etcd where installed), then rounds of seeded
 * schedules, each checked (fault-round.ts). Settings come from the environment so that the same
 * test file is the short version in `npm test` and the full run of `npm run test:faults`:
 *
 *   FAULT_ROUNDS   rounds per cluster size (default 4)
 *   FAULT_SIZES    cluster sizes, comma-separated (default 3)
 *   FAULT_SEED     first round's seed (default: from the clock, printed); round i uses seed + i
 *   FAULT_SEEDS    exact seeds to run, comma-separated (replaying failures), instead of the above
 *   FAULT_KINDS    fault kinds to draw from, comma-separated (default: all that can run here)
 *
 * A failing round keeps its directory (the nodes' logs, config.yaml) with round-<seed>.json
 * (schedule, what was done, checker verdict, digests, the whole history), and the summary says
 * how to replay it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DataServer, silentLogger } from '../../../src/dataserver';
import { etcdMissing, EtcdServer } from '../etcd-server';
import { FaultCluster } from './fault-cluster';
import { runRound, type RoundOptions, type RoundResult } from './fault-round';
import { seededRandom } from '../process-cluster/workload';
import { describeSchedule, scheduleFor, type FaultKind, type ScheduleChoices } from './fault-schedules';

/** Fast timings, so that a round's faults resolve in seconds (the production defaults are 1 s). */
export const SUITE_RAFT = { heartbeat_timeout: '300ms', election_timeout: '300ms', leader_lease_timeout: '250ms', commit_timeout: '50ms' };

const ALL_KINDS: readonly FaultKind[] = [
  'kill-leader',
  'kill-follower',
  'kill-all',
  'pause-leader',
  'pause-follower',
  'isolate-leader',
  'split',
  'one-way-leader-out',
  'one-way-leader-in',
  'slow-links',
  'lossy-links',
  'etcd-outage',
  'disk-full',
];

const DATA_SERVERS = 3;

/** The first node's data directory lives on a tmpfs this big where it can be mounted (root). */
const SMALL_DISK_BYTES = 256 << 20;

export const ROUND_OPTIONS: RoundOptions = { clients: 6, pathsPerRound: 6, callTimeoutMs: 2_000, quietMs: 300, checkTimeoutMs: 30_000 };

export interface SuiteSettings {
  readonly sizes: readonly number[];
  readonly seeds: readonly number[];
  /** Environment of every node (test-only bug switches). */
  readonly env?: Readonly<Record<string, string>>;
  readonly kinds?: readonly FaultKind[];
  /** Ends the run at the first failing round, and keeps nothing (a test that expects one). */
  readonly stopAtFirstFailure?: boolean;
  /** Over ROUND_OPTIONS. */
  readonly round?: Partial<RoundOptions>;
  /** config.yaml raft keys over SUITE_RAFT. */
  readonly raft?: Record<string, unknown>;
  readonly report: (line: string) => void;
}

export interface SuiteOutcome {
  readonly rounds: RoundResult[];
  readonly failed: RoundResult[];
  /** Where failing rounds were kept (undefined when none failed). */
  readonly keptDir: string | undefined;
}

export function settingsFromEnvironment(report: (line: string) => void): SuiteSettings {
  const env = process.env;
  const sizes = (env['FAULT_SIZES'] ?? '3').split(',').map(Number);
  const exact = env['FAULT_SEEDS'];
  let seeds: number[];
  if (exact !== undefined && exact !== '') {
    seeds = exact.split(',').map(Number);
  } else {
    const rounds = Number(env['FAULT_ROUNDS'] ?? 4);
    const first = Number(env['FAULT_SEED'] ?? Date.now() % 1_000_000_000);
    seeds = Array.from({ length: rounds }, (_, i) => first + i);
  }
  if (sizes.some((s) => s !== 3 && s !== 5) || seeds.some((s) => !Number.isInteger(s))) {
    throw new Error(`FAULT_SIZES must list 3 or 5, FAULT_SEED(S) integers: ${JSON.stringify({ sizes, seeds })}`);
  }
  const kinds = env['FAULT_KINDS'] === undefined || env['FAULT_KINDS'] === '' ? undefined : env['FAULT_KINDS'].split(',');
  const unknown = kinds?.filter((k) => !(ALL_KINDS as readonly string[]).includes(k)) ?? [];
  if (unknown.length > 0) throw new Error(`FAULT_KINDS: unknown ${unknown.join(', ')} (known: ${ALL_KINDS.join(', ')})`);
  return { sizes, seeds, report, ...(kinds === undefined ? {} : { kinds: kinds as FaultKind[] }) };
}

export async function runFaultSuite(settings: SuiteSettings): Promise<SuiteOutcome> {
  const base = mkdtempSync(path.join(tmpdir(), 'minfs-faults-'));
  const etcd = etcdMissing() === undefined ? await EtcdServer.start() : undefined;
  const kinds = (settings.kinds ?? ALL_KINDS).filter((k) => k !== 'etcd-outage' || etcd !== undefined);
  const rounds: RoundResult[] = [];
  const failed: RoundResult[] = [];
  try {
    for (const size of settings.sizes) {
      const dir = path.join(base, `cluster-${size}`);
      const cluster = await FaultCluster.start({
        dir,
        size,
        random: seededRandom(settings.seeds[0] ?? 0),
        etcd,
        raft: { ...SUITE_RAFT, ...settings.raft },
        smallDiskBytes: SMALL_DISK_BYTES,
        ...(settings.env === undefined ? {} : { env: settings.env }),
      });
      // Reference DataServers heartbeating the cluster through every fault (their reports and the
      // upkeep they cause go through the log too, and into the digests).
      const dataServers = Array.from(
        { length: DATA_SERVERS },
        (_, i) =>
          new DataServer({
            id: `ds-${i + 1}`,
            dataDir: path.join(dir, `ds-${i + 1}`),
            metaServers: cluster.ids.map((id) => cluster.grpcAddress(id)),
            heartbeatIntervalMs: 1_000,
            capacityBytes: 1 << 30,
            logger: silentLogger,
          }),
      );
      await Promise.all(dataServers.map((d) => d.start()));
      const diskFull = cluster.smallDisk();
      const choices: ScheduleChoices = {
        kinds: kinds.filter((k) => k !== 'disk-full' || diskFull !== undefined),
        minHoldMs: 500,
        maxHoldMs: 1_500,
        maxSteps: 3,
      };
      try {
        for (const [i, seed] of settings.seeds.entries()) {
          const schedule = scheduleFor(seed, choices);
          const started = performance.now();
          const result = await runRound({ cluster, random: seededRandom(seed), etcd, diskFull }, schedule, i, {
            ...ROUND_OPTIONS,
            ...settings.round,
          });
          rounds.push(result);
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          settings.report(
            `${result.ok ? 'ok  ' : 'FAIL'} ${size} nodes, ${describeSchedule(schedule)} | ${result.actions.join('; ')} | ` +
              `${result.counts.ok} ok, ${result.counts.refused} refused, ${result.counts.unknown} unknown | ${seconds} s`,
          );
          if (!result.ok) {
            failed.push(result);
            writeFileSync(path.join(dir, `round-${seed}.json`), JSON.stringify(roundRecord(result, size), null, 1));
            settings.report(failureText(result, size, dir));
            if (settings.stopAtFirstFailure === true) break;
          }
        }
      } finally {
        await Promise.all(dataServers.map((d) => d.stop()));
        await cluster.close();
      }
    }
  } finally {
    await etcd?.stop();
    if (failed.length === 0 || settings.stopAtFirstFailure === true) rmSync(base, { recursive: true, force: true });
  }
  return { rounds, failed, keptDir: failed.length === 0 || settings.stopAtFirstFailure === true ? undefined : base };
}

function roundRecord(result: RoundResult, size: number): object {
  const { history, ...rest } = result;
  return { size, ...rest, history: history.map((op) => ({ ...op, return: op.return === Infinity ? 'unknown' : op.return })) };
}

function failureText(result: RoundResult, size: number, dir: string): string {
  const lines = [
    `  linearizability: ${result.linearizable.result}${result.linearizable.explanation === undefined ? '' : `: ${result.linearizable.explanation}`}`,
    `  digests${result.digestsAgree ? ' agree' : ' DIFFER'}: ${result.digests.map((d) => `${d.node}@${d.index}=${d.hash.slice(0, 16)}`).join(', ')}`,
    ...result.improper.slice(0, 10).map((s) => `  improper answer: ${s}`),
    ...result.crashed.map((s) => `  crashed: ${s}`),
    `  kept: ${dir} (logs/, round-${result.schedule.seed}.json)`,
    `  replay: FAULT_SIZES=${size} FAULT_SEEDS=${result.schedule.seed} npm run test:faults`,
  ];
  return lines.join('\n');
}
