/**
 * The shell every process benchmark runs in: its main's failure becomes exit code 1 with the
 * stack, and an interrupt (SIGINT, SIGTERM) first closes the clusters still open, stopping
 * their node processes and removing their temp dirs.
 */
interface Closable {
  close(): Promise<void>;
}

/** Clusters a benchmark has started and not yet closed: add on start, delete after close(). */
export const openClusters = new Set<Closable>();

export function runBench(name: string, main: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void Promise.allSettled([...openClusters].map((c) => c.close())).then(() => process.exit(130));
    });
  }
  main().catch((error: unknown) => {
    process.stderr.write(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
