/**
 * lmdb-js 3.5 leaves a promise of its own unhandled when a commit fails (a full disk): the one
 * its event-turn batching makes for the start of each batch, and the `commitError` promise it
 * attaches to every "Commit failed" error. Node's default for an unhandled rejection kills the
 * process at once, with a stack and no word from us, before Raft can stop cleanly. The failure
 * itself is not lost by ignoring these two: every write of ours awaits its own promise, which
 * rejects too, and Raft stops on it (the node then exits 1 saying why). Any other unhandled
 * rejection still ends the process as before.
 */
import type { Logger } from '../raft/index';

interface CommitFailure extends Error {
  commitError?: Promise<unknown>;
}

export function tolerateLmdbCommitRejections(logger: Logger): void {
  const commitErrors = new WeakSet<Promise<unknown>>();
  process.on('unhandledRejection', (reason: unknown, promise: Promise<unknown>) => {
    const failure = reason as CommitFailure | undefined;
    if (failure instanceof Error && failure.message.startsWith('Commit failed') && failure.commitError instanceof Promise) {
      commitErrors.add(failure.commitError);
      failure.commitError.catch(() => undefined);
      logger.warn('lmdb: a commit failed (its own promise had no handler; the write that needed it stops Raft)');
      return;
    }
    if (commitErrors.has(promise)) return;
    // Not lmdb-js's: what Node would have done without this handler.
    throw reason;
  });
}
