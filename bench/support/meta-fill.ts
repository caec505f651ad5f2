/**
 * Fills the namespace through the front door: CreateNode over gRPC, `inFlight` calls at once,
 * FILES files in directories of `perDir` each (/fill/d<k>/f<j>), the directories first. A call
 * that fails is tried again (a timed-out create may have been applied, so ALREADY_EXISTS on a
 * retry counts as created); a file that fails MAX_TRIES times fails the fill. Latency of every
 * file's successful call is kept, for the fill's own line.
 */
import { status } from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { MetaCallError } from '../../test/support/meta-cluster/meta-client';
import type { MetaCaller } from './meta-spread-client';
import { LatencyRecorder } from './latency';
import { runParallel } from './meta-parallel';

const MAX_TRIES = 5;
const RETRY_PAUSE_MS = 100;

export interface FillSpec {
  readonly files: number;
  readonly perDir: number;
  readonly inFlight: number;
  readonly progressEveryMs: number;
  /** Called every progressEveryMs with the files created so far (not awaited by the fill). */
  readonly onProgress: (created: number) => void;
}

export interface FillResult {
  readonly files: number;
  readonly directories: number;
  readonly seconds: number;
  readonly ops_per_s: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  /** Calls that failed and were tried again, by gRPC status. */
  readonly retried: Readonly<Record<string, number>>;
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

export async function fillNamespace(client: () => MetaCaller, spec: FillSpec): Promise<FillResult> {
  const latency = new LatencyRecorder();
  const retried: Record<string, number> = {};
  const create = async (path: string, type: 'File' | 'Directory'): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      const s = process.hrtime.bigint();
      try {
        await client().call('CreateNode', { path, type });
        if (type === 'File') latency.record(s, process.hrtime.bigint());
        return;
      } catch (error: unknown) {
        if (!(error instanceof MetaCallError)) throw error;
        if (attempt > 1 && error.code === status.ALREADY_EXISTS) return;
        const name = status[error.code] ?? String(error.code);
        retried[name] = (retried[name] ?? 0) + 1;
        if (attempt >= MAX_TRIES) throw error;
        await sleep(RETRY_PAUSE_MS);
      }
    }
  };

  const directories = Math.ceil(spec.files / spec.perDir);
  await client().call('CreateNode', { path: '/fill', type: 'Directory' });
  await runParallel(directories, spec.inFlight, (k) => create(`/fill/d${k}`, 'Directory'));

  let created = 0;
  const started = performance.now();
  const timer = setInterval(() => spec.onProgress(created), spec.progressEveryMs);
  try {
    await runParallel(spec.files, spec.inFlight, async (n) => {
      await create(`/fill/d${Math.floor(n / spec.perDir)}/f${n % spec.perDir}`, 'File');
      created++;
    });
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - started) / 1000;
  const [p50, p99] = latency.percentiles([0.5, 0.99]);
  return {
    files: created,
    directories,
    seconds: Math.round(seconds * 10) / 10,
    ops_per_s: Math.round(created / seconds),
    p50_ms: round2(p50!),
    p99_ms: round2(p99!),
    retried,
  };
}
