/**
 * Plumbing shared by the node programs that tests and benchmarks fork (one Raft node per process,
 * driven by its parent over IPC): error text, orderly exit, and the leadership announcement.
 */
import type { Raft } from '../../../src/raft';

/** An error as text for stderr or an IPC report: the stack when there is one. */
export function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * SIGTERM, SIGINT (Ctrl-C reaches the whole process group) or the parent going away (the IPC
 * channel closes) run `stop` once, then exit: 0, or 1 with the error on stderr.
 */
export function exitAfterStopOnSignals(id: string, stop: () => Promise<void>): void {
  const exitAfterStop = (): void => {
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`# ${id}: shutdown failed: ${describeError(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', exitAfterStop);
  process.on('SIGINT', exitAfterStop);
  process.on('disconnect', exitAfterStop);
}

/**
 * Calls `announce(term)` each time this node becomes leader, once a barrier of that term has
 * committed: a quorum is connected and every earlier entry is applied here, so the parent may send
 * it reads and writes.
 */
export function announceLeadership<R>(id: string, raft: Raft<R>, announce: (term: number) => void): void {
  raft.on('role-changed', ({ role, term }) => {
    if (role !== 'leader') return;
    setImmediate(() => {
      raft.barrier().then(
        () => announce(term),
        (error: unknown) => process.stderr.write(`# ${id}: first barrier of term ${term} failed: ${describeError(error)}\n`),
      );
    });
  });
}
