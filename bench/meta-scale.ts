/**
 * `npm run bench:meta-scale`: does the MetaServer hold up with a large namespace? Three
 * MetaServer processes as in bench/meta; CreateNode at concurrency C (64) on an empty namespace,
 * then a fill to N files (1,000,000) through gRPC CreateNode calls, then CreateNode at C again.
 * Lines on stdout: the empty measurement, the fill (its rate and the leader's peak RSS during it),
 * the full measurement, and a ratio line checking the targets: the leader's RSS with N
 * files under 400 (MiB here, which is stricter than MB) and CreateNode throughput at least 80% of
 * the empty namespace's. Fill progress goes to stderr. Options: support/meta-scale-cli.ts.
 */
import { runBench } from './support/bench-main';
import { fillNamespace } from './support/meta-fill';
import { emit, note, oursLine } from './support/meta-lines';
import { parseMetaScaleOptions, type MetaScaleOptions } from './support/meta-scale-cli';
import { MetaSession, type Measured } from './support/meta-session';
import { MetaWorkloads } from './support/meta-workloads';

const BENCH = 'meta-scale';
const TARGET_RSS_MB = 400;
const TARGET_THROUGHPUT_RATIO = 0.8;

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

async function measureCreate(
  session: MetaSession,
  workloads: MetaWorkloads,
  phase: string,
  files: number,
  options: MetaScaleOptions,
): Promise<Measured> {
  const spec = { concurrency: options.concurrency, seconds: options.seconds, warmupSeconds: options.warmupSeconds };
  await session.retarget();
  const measured = await session.measure(spec, await workloads.prepare('CreateNode', spec));
  const { leader, leaderChanged, result } = measured;
  const context = { bench: BENCH, op: 'CreateNode', concurrency: options.concurrency, target: options.target, leader, leaderChanged };
  emit(oursLine(context, result, { phase, files, rss_anon_mb: leader.rssAnonMb ?? null, rss_file_mb: leader.rssFileMb ?? null }));
  if (Object.keys(result.errors).length > 0 || leaderChanged) process.exitCode = 1;
  return measured;
}

async function fill(session: MetaSession, options: MetaScaleOptions): Promise<void> {
  await session.retarget();
  await session.leaderStats(true);
  let last = { at: performance.now(), created: 0 };
  const onProgress = (created: number): void => {
    const now = performance.now();
    const rate = Math.round(((created - last.created) * 1000) / (now - last.at));
    last = { at: now, created };
    session.leaderStats().then(
      (s) =>
        note(
          `fill: ${created}/${options.files} files, ${rate}/s; leader RSS ${s.rssMb} MiB (peak ${s.peakRssMb}), ${s.snapshotsTaken} snapshots`,
        ),
      () => note(`fill: ${created}/${options.files} files, ${rate}/s`),
    );
  };
  const progressEveryMs = options.progressSeconds * 1000;
  const r = await fillNamespace(() => session.client, {
    files: options.files,
    perDir: options.dirEntries,
    inFlight: options.fillConcurrency,
    progressEveryMs,
    onProgress,
  });
  const leader = await session.leaderStats();
  emit({
    bench: BENCH,
    system: 'ours',
    op: 'fill',
    concurrency: options.fillConcurrency,
    ops_per_s: r.ops_per_s,
    p50_ms: r.p50_ms,
    p99_ms: r.p99_ms,
    rss_mb: leader.rssMb,
    peak_rss_mb: leader.peakRssMb,
    files: r.files,
    directories: r.directories,
    seconds: r.seconds,
    snapshots_taken: leader.snapshotsTaken,
    last_snapshot_mb: Math.round((leader.lastSnapshotBytes / (1 << 20)) * 10) / 10,
    ...(Object.keys(r.retried).length > 0 ? { retried: r.retried } : {}),
  });
}

async function main(): Promise<void> {
  const options = parseMetaScaleOptions(process.argv.slice(2));
  const session = await MetaSession.open({ baseDir: options.dir, verbose: options.verbose, target: options.target });
  try {
    const workloads = new MetaWorkloads(() => session.client);
    note(`MetaServer processes: leader ${session.cluster.leaderId()}, calls to ${session.targetId} (${options.target})`);
    if (options.prewarmSeconds > 0) await workloads.warmUp(options.prewarmSeconds, options.concurrency);
    const empty = await measureCreate(session, workloads, 'empty', 0, options);
    await fill(session, options);
    const full = await measureCreate(session, workloads, 'full', options.files, options);
    const ratio = full.result.ops_per_s / empty.result.ops_per_s;
    const rss = full.leader.peakRssMb;
    const ok = ratio >= TARGET_THROUGHPUT_RATIO && rss < TARGET_RSS_MB;
    emit({
      bench: BENCH,
      system: 'ratio',
      op: 'CreateNode',
      concurrency: options.concurrency,
      files: options.files,
      throughput_ratio: round3(ratio),
      target_throughput_ratio: TARGET_THROUGHPUT_RATIO,
      leader_peak_rss_mb: rss,
      // LMDB's mapped pages count in RSS as file-backed pages (reclaimable page cache); the heap is anonymous.
      leader_rss_anon_mb: full.leader.rssAnonMb ?? null,
      leader_rss_file_mb: full.leader.rssFileMb ?? null,
      target_rss_mb: TARGET_RSS_MB,
      ok,
    });
  } finally {
    await session.close();
  }
}

runBench('meta-scale', main);
